import { AppConfig, ConfigError } from './app-config.js';

describe('AppConfig.fromEnv', () => {
  it('starts on embedded defaults when nothing is set', () => {
    const config = AppConfig.fromEnv({}, '/srv/fg');
    expect(config.http.port).toBe(3000);
    expect(config.dataDir).toBe('/srv/fg/data');
    expect(config.database.url).toBeUndefined();
    expect(config.redis.url).toBeUndefined();
    expect(config.http.trustProxy).toBe(false);
  });

  it.each([
    [{ PORT: 'eighty' }, /^Invalid configuration: PORT .*\(got "eighty"\)$/],
    [{ PORT: '70000' }, /^Invalid configuration: PORT .*65535/],
    [{ DATABASE_URL: 'mysql://x@y/z' }, /^Invalid configuration: DATABASE_URL must be a URL with scheme postgres:\/\//],
    [{ REDIS_URL: 'not a url' }, /^Invalid configuration: REDIS_URL must be a URL with scheme redis:\/\//],
    [{ LOG_LEVEL: 'loud' }, /^Invalid configuration: LOG_LEVEL /],
    [{ SECRETS_KEY: 'c2hvcnQ=' }, /^Invalid configuration: SECRETS_KEY must be 32 bytes encoded in base64/],
  ])('refuses %j with one line naming the variable', (env, message) => {
    expect(() => AppConfig.fromEnv(env)).toThrow(ConfigError);
    expect(() => AppConfig.fromEnv(env)).toThrow(message);
    expect(() => AppConfig.fromEnv(env)).toThrow(/^[^\n]+$/);
  });

  it('reads trusted proxies as a list, a hop count or a flag', () => {
    expect(AppConfig.fromEnv({ TRUST_PROXY: '10.0.0.0/8, 127.0.0.1' }).http.trustProxy).toEqual([
      '10.0.0.0/8',
      '127.0.0.1',
    ]);
    expect(AppConfig.fromEnv({ TRUST_PROXY: '2' }).http.trustProxy).toBe(2);
    expect(AppConfig.fromEnv({ TRUST_PROXY: 'true' }).http.trustProxy).toBe(true);
  });

  it('treats empty variables as unset', () => {
    expect(AppConfig.fromEnv({ DATABASE_URL: '', PORT: '' }).http.port).toBe(3000);
  });

  it('names the single sign-on variable that is missing or wrong', () => {
    const issuer = { OIDC_ISSUER: 'https://id.example/realms/studio' };
    expect(() => AppConfig.fromEnv(issuer)).toThrow(
      'Invalid configuration: OIDC_CLIENT_ID is required when OIDC_ISSUER is set',
    );
    expect(() => AppConfig.fromEnv({ ...issuer, OIDC_CLIENT_ID: 'fg' })).toThrow(
      'Invalid configuration: OIDC_REDIRECT_URI (or PUBLIC_URL) is required when OIDC_ISSUER is set',
    );
    const complete = { ...issuer, OIDC_CLIENT_ID: 'fg', PUBLIC_URL: 'https://fg.example/' };
    expect(() => AppConfig.fromEnv({ ...complete, OIDC_SCOPES: 'email,profile' })).toThrow(
      'OIDC_SCOPES must include openid',
    );
    expect(() => AppConfig.fromEnv({ ...complete, OIDC_PROVIDER_NAME: 'Not A Slug' })).toThrow(/OIDC_PROVIDER_NAME/);
    const config = AppConfig.fromEnv(complete);
    expect(config.oidc.redirectUri).toBe('https://fg.example/api/v1/auth/oidc/callback');
    expect(config.oidc.platform).toMatchObject({ slug: 'sso', clientId: 'fg', mfaAmrValues: ['mfa'] });
    expect(AppConfig.fromEnv({}).oidc.platform).toBeUndefined();
    expect(() => AppConfig.fromEnv({ ...complete, OIDC_ROLE_MAPPINGS: '{not json' })).toThrow(
      /OIDC_ROLE_MAPPINGS must be a JSON array/,
    );
    expect(() => AppConfig.fromEnv({ ...complete, OIDC_ROLE_MAPPINGS: '[{"organization":"x","value":"g"}]' })).toThrow(
      /OIDC_ROLE_MAPPINGS/,
    );
    const mappings = [{ organization: 'northlight', value: 'vfx-leads', role: 'admin' }];
    expect(
      AppConfig.fromEnv({ ...complete, OIDC_ROLE_MAPPINGS: JSON.stringify(mappings) }).oidc.platform?.roleMappings,
    ).toEqual(mappings);
  });
});
