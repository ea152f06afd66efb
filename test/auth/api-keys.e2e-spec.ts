import { randomUUID } from 'node:crypto';
import { Controller, Get, Module, type DynamicModule } from '@nestjs/common';
import request from 'supertest';
import { AppModule } from '../../apps/api/src/app.module.js';
import { ApiKeyService, UserService } from '#libs/auth';
import { Authenticated, Ctx, RequestContext } from '#libs/common';
import type { AppConfig } from '#libs/config';
import { createTestApp, type TestApp } from '../support/app.js';
import { createTenant } from '../support/tenant.js';
import { FAST_AUTH_ENV } from './support.js';

@Controller('orgs/:orgId/whoami')
class WhoAmIController {
  @Authenticated({ allowApiKey: true })
  @Get()
  whoami(@Ctx() ctx: RequestContext) {
    return { actor: ctx.actor, organizationId: ctx.organizationId, scope: ctx.apiKeyScope };
  }
}

@Module({ controllers: [WhoAmIController] })
class WhoAmIModule {}

const withProbe = (config: AppConfig): DynamicModule => ({
  module: class ApiKeyProbeRoot {},
  imports: [AppModule.forRoot(config), WhoAmIModule],
});

describe('API keys', () => {
  let t: TestApp;
  const http = () => request(t.app.getHttpServer());
  const projectId = randomUUID();
  let orgId: string;
  let otherOrgId: string;
  let creatorId: string;

  beforeAll(async () => {
    t = await createTestApp({ env: FAST_AUTH_ENV, rootModule: withProbe });
    // A key acts for its creator, who must be a current member of the key's organization.
    const studio = await createTenant(t);
    orgId = studio.orgId;
    creatorId = studio.developer.id;
    otherOrgId = (await createTenant(t)).orgId;
    await t.env.db.query(`INSERT INTO project (id, organization_id, name, slug) VALUES ($1, $2, 'Film', 'film')`, [
      projectId,
      orgId,
    ]);
  });
  afterAll(() => t.close());

  const creator = () =>
    new RequestContext({ requestId: 'test', actor: { type: 'user', id: creatorId, userId: creatorId } });

  const createKey = (patch: Partial<Parameters<ApiKeyService['create']>[1]> = {}) =>
    t.app.get(ApiKeyService).create(creator(), {
      organizationId: orgId,
      name: 'pipeline',
      permissions: ['model:read', 'model:infer'],
      ...patch,
    });

  it('authenticates X-API-Key inside its organization, with its scope and creator', async () => {
    const { apiKey, secret } = await createKey({ projectId });
    expect(secret).toMatch(new RegExp(`^fgk_${apiKey.prefix}_`));
    const res = await http().get(`/api/v1/orgs/${orgId}/whoami`).set('x-api-key', secret);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      actor: { type: 'api_key', id: apiKey.id, userId: creatorId, label: 'pipeline' },
      organizationId: orgId,
      scope: { permissions: ['model:infer', 'model:read'], projectId },
    });
    const me = await http().get('/api/v1/auth/me').set('x-api-key', secret);
    expect(me.body).toMatchObject({ type: 'api_key', id: apiKey.id, organizationId: orgId });
  });

  it('stores only a hash of the secret and records the last use', async () => {
    const { apiKey, secret } = await createKey();
    await http().get(`/api/v1/orgs/${orgId}/whoami`).set('x-api-key', secret).expect(200);
    const { rows } = await t.env.db.query(`SELECT secret_hash, last_used_at FROM api_key WHERE id = $1`, [apiKey.id]);
    // fgk_ + 10-character prefix + _ precede the secret part.
    expect(rows[0].secret_hash).not.toContain(secret.slice(15));
    expect(rows[0].secret_hash).toMatch(/^[0-9a-f]{64}$/);
    expect(rows[0].last_used_at).toBeInstanceOf(Date);
  });

  it('finds nothing in another organization', async () => {
    const { secret } = await createKey();
    const res = await http().get(`/api/v1/orgs/${otherOrgId}/whoami`).set('x-api-key', secret);
    expect(res.status).toBe(404);
  });

  it('is refused on routes for signed-in users only', async () => {
    const { secret } = await createKey();
    const res = await http().post('/api/v1/auth/logout').set('x-api-key', secret);
    expect(res.status).toBe(403);
    expect(res.body.code).toBe('api_key_not_allowed');
  });

  it('stops working when the account that created it is disabled or expires', async () => {
    const { secret } = await createKey();
    const users = t.app.get(UserService);
    const system = RequestContext.system('test');
    await http().get(`/api/v1/orgs/${orgId}/whoami`).set('x-api-key', secret).expect(200);

    await users.setStatus(system, creatorId, 'disabled');
    const disabled = await http().get(`/api/v1/orgs/${orgId}/whoami`).set('x-api-key', secret);
    expect(disabled.status).toBe(401);
    expect(disabled.body.code).toBe('account_disabled');

    await users.setStatus(system, creatorId, 'active');
    await http().get(`/api/v1/orgs/${orgId}/whoami`).set('x-api-key', secret).expect(200);
    await users.setExpiry(system, creatorId, new Date(Date.now() - 1000));
    expect((await http().get(`/api/v1/orgs/${orgId}/whoami`).set('x-api-key', secret)).body.code).toBe(
      'account_disabled',
    );
    await users.setExpiry(system, creatorId, null);
  });

  it('stops working once revoked or expired, and a wrong secret never works', async () => {
    const keys = t.app.get(ApiKeyService);
    const revoked = await createKey();
    await keys.revoke(creator(), orgId, revoked.apiKey.id);
    const expired = await createKey({ expiresAt: new Date(Date.now() - 1000) });
    const genuine = await createKey();
    const wrongSecret = genuine.secret.slice(0, -4) + 'AAAA';
    for (const secret of [revoked.secret, expired.secret, wrongSecret, 'fgk_nonsense']) {
      const res = await http().get(`/api/v1/orgs/${orgId}/whoami`).set('x-api-key', secret);
      expect(res.status).toBe(401);
      expect(res.body.code).toBe('token_invalid');
    }
    await expect(keys.revoke(creator(), otherOrgId, genuine.apiKey.id)).rejects.toMatchObject({ status: 404 });
    const listed = await keys.list(creator(), orgId);
    expect(listed.items.find((k) => k.id === revoked.apiKey.id)?.revokedAt).toBeInstanceOf(Date);
    expect(JSON.stringify(listed)).not.toContain('secretHash');
  });
});
