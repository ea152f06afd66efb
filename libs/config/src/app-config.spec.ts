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
});
