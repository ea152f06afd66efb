/**
 * The least a guarded read of a model list can do, written by hand on plain Fastify: verify the
 * EdDSA access token with jose (the API's published keys), look the caller's CASL ability up in a
 * cache (built once from their membership), check `read Model`, run one query for the page (50 rows
 * and one more to know whether a next page exists) and answer the same JSON envelope as the API.
 * Listens on PORT (127.0.0.1) and prints `ready` when it does.
 *
 * env: PORT, DATABASE_URL, JWKS_URL, TOKEN_ISSUER, TOKEN_AUDIENCE
 */
import { AbilityBuilder, createMongoAbility, type MongoAbility } from '@casl/ability';
import Fastify from 'fastify';
import { createLocalJWKSet, jwtVerify, type JSONWebKeySet } from 'jose';
import pg from 'pg';

const env = (name: string): string => {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is required`);
  return value;
};

const jwks = createLocalJWKSet((await (await fetch(env('JWKS_URL'))).json()) as JSONWebKeySet);
const pool = new pg.Pool({ connectionString: env('DATABASE_URL'), max: 10 });
const verifyOptions = { algorithms: ['EdDSA'], issuer: env('TOKEN_ISSUER'), audience: env('TOKEN_AUDIENCE') };
const abilities = new Map<string, Promise<MongoAbility>>();

async function buildAbility(userId: string, orgId: string): Promise<MongoAbility> {
  const { rows } = await pool.query<{ permissions: string[] }>(
    `SELECT r.permissions FROM membership m JOIN role r ON r.id = m.role_id
      WHERE m.user_id = $1 AND m.organization_id = $2`,
    [userId, orgId],
  );
  const { can, build } = new AbilityBuilder(createMongoAbility);
  for (const permission of rows[0]?.permissions ?? []) {
    const [subject, action] = permission.split(':');
    can(action, subject.charAt(0).toUpperCase() + subject.slice(1), { organizationId: orgId });
  }
  return build();
}

interface ModelRow {
  id: string;
  organization_id: string;
  project_id: string | null;
  name: string;
  slug: string;
  kind: string;
  family: string;
  description: string;
  labels: string[];
  licence: string;
  redistribution_allowed: boolean;
  export_override: boolean;
  owner_id: string | null;
  created_at: Date;
  updated_at: Date;
}

const app = Fastify();
app.get<{ Params: { orgId: string }; Querystring: { limit?: string } }>(
  '/api/v1/orgs/:orgId/models',
  async (request, reply) => {
    const header = request.headers.authorization;
    let userId: string;
    try {
      const { payload } = await jwtVerify(header?.startsWith('Bearer ') ? header.slice(7) : '', jwks, verifyOptions);
      userId = payload.sub!;
    } catch {
      return reply.status(401).send({ status: 401, code: 'token_invalid' });
    }
    const { orgId } = request.params;
    const key = `${userId}:${orgId}`;
    let ability = abilities.get(key);
    if (!ability) abilities.set(key, (ability = buildAbility(userId, orgId)));
    if (!(await ability).can('read', 'Model')) return reply.status(404).send({ status: 404, code: 'not_found' });
    const limit = Math.min(200, Math.max(1, Number(request.query.limit ?? 50) || 50));
    const { rows } = await pool.query<ModelRow>(
      `SELECT id, organization_id, project_id, name, slug, kind, family, description, labels, licence,
              redistribution_allowed, export_override, owner_id, created_at, updated_at
         FROM model WHERE organization_id = $1 ORDER BY created_at DESC, id DESC LIMIT $2`,
      [orgId, limit + 1],
    );
    const items = rows.slice(0, limit).map((m) => ({
      id: m.id,
      organizationId: m.organization_id,
      projectId: m.project_id,
      name: m.name,
      slug: m.slug,
      kind: m.kind,
      family: m.family,
      description: m.description,
      labels: m.labels,
      licence: m.licence,
      redistributionAllowed: m.redistribution_allowed,
      exportOverride: m.export_override,
      ownerId: m.owner_id,
      createdAt: m.created_at.toISOString(),
      updatedAt: m.updated_at.toISOString(),
    }));
    const last = items[items.length - 1];
    const nextCursor =
      rows.length > limit
        ? Buffer.from(JSON.stringify({ t: last.createdAt, id: last.id })).toString('base64url')
        : null;
    return { items, nextCursor };
  },
);
await app.listen({ port: Number(process.env.PORT), host: '127.0.0.1' });
console.log('ready');
process.once('SIGTERM', () => void app.close().then(() => process.exit(0)));
