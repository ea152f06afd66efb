/**
 * Costs of the HTTP conventions every client meets:
 * - keyset pages of a 2 000-project list (limit 50): the first page against one deep in the list,
 *   and against the whole list in one page (limit 200), to show a page costs the same wherever it is;
 * - a create (`POST /projects`) without `Idempotency-Key`, with a fresh key (claim + encrypted
 *   answer kept in Redis), and its replay (no database write).
 * Fastify inject (no socket), one request at a time; µs p50/p99/mean.
 *
 *   npm run build && node dist/bench/http/http-conventions.bench.js      (or: npm run bench:http)
 *   env: BENCH_ADMIN_DATABASE_URL, BENCH_REDIS_URL (see bench/support/scratch.ts), BENCH_REQUESTS (default 300)
 */
import { randomBytes } from 'node:crypto';
import argon2 from 'argon2';
import { DataSource } from 'typeorm';
import { UserService } from '#libs/auth';
import { BUILT_IN_ROLES, RequestContext } from '#libs/common';
import { figure, report } from '../support/report.js';
import { createBenchApp, scratchConfig, withScratch } from '../support/scratch.js';
import { stats, type Summary } from '../support/stats.js';

const REQUESTS = Number(process.env.BENCH_REQUESTS ?? 300);
const PROJECTS = 2000;

const fmt = (n: number) => n.toFixed(0).padStart(9);
const line = (label: string, s: Summary) => `${label.padEnd(44)}${fmt(s.p50)}${fmt(s.p99)}${fmt(s.mean)}`;

await withScratch('http', async (scratch) => {
  const app = await createBenchApp(scratchConfig(scratch));
  try {
    const ds = app.get(DataSource);
    const [{ id: orgId }] = (await ds.query(
      `INSERT INTO organization (name, slug, mfa_required_roles) VALUES ('bench', 'bench', '{}') RETURNING id`,
    )) as { id: string }[];
    const [{ id: roleId }] = (await ds.query(
      `INSERT INTO role (organization_id, name, built_in, permissions) VALUES ($1, 'admin', true, $2) RETURNING id`,
      [orgId, [...BUILT_IN_ROLES.admin]],
    )) as { id: string }[];
    const user = await app.get(UserService).create(RequestContext.system('bench'), { email: 'bench@example.test' });
    const password = `Bench-${randomBytes(12).toString('base64url')}`;
    const hash = await argon2.hash(password, { type: argon2.argon2id, memoryCost: 1024, timeCost: 1 });
    await ds.query(`UPDATE user_account SET password_hash = $2, password_changed_at = now() WHERE id = $1`, [
      user.id,
      hash,
    ]);
    await ds.query(`INSERT INTO membership (organization_id, user_id, role_id) VALUES ($1, $2, $3)`, [
      orgId,
      user.id,
      roleId,
    ]);
    await ds.query(
      `INSERT INTO project (organization_id, name, slug, created_by)
       SELECT $1, 'Project ' || lpad(i::text, 5, '0'), 'p-' || i, $2 FROM generate_series(1, $3) i`,
      [orgId, user.id, PROJECTS],
    );
    const login = await app.inject({
      method: 'POST',
      url: '/api/v1/auth/login',
      payload: { email: 'bench@example.test', password },
    });
    const headers = { authorization: `Bearer ${(login.json() as { accessToken: string }).accessToken}` };
    const list = `/api/v1/orgs/${orgId}/projects`;

    const time = async (n: number, request: (i: number) => Promise<{ statusCode: number }>, expected: number) => {
      const samples: bigint[] = [];
      for (let i = 0; i < n; i++) {
        const start = process.hrtime.bigint();
        const res = await request(i);
        samples.push(process.hrtime.bigint() - start);
        if (res.statusCode !== expected) throw new Error(`answered ${res.statusCode}, expected ${expected}`);
      }
      return stats(samples);
    };

    // The cursor of a page 30 pages in (rows 1 501–1 550).
    let deepCursor = '';
    for (let page = 0; page < 30; page++) {
      const res = await app.inject({
        url: list,
        query: { limit: '50', ...(deepCursor && { cursor: deepCursor }) },
        headers,
      });
      deepCursor = (res.json() as { nextCursor: string }).nextCursor;
    }

    const rows: string[] = [];
    const first = await time(REQUESTS, () => app.inject({ url: list, query: { limit: '50' }, headers }), 200);
    rows.push(line('list: first page (limit 50)', first));
    const deep = await time(
      REQUESTS,
      () => app.inject({ url: list, query: { limit: '50', cursor: deepCursor }, headers }),
      200,
    );
    rows.push(line('list: page 31 (limit 50)', deep));
    const wide = await time(REQUESTS, () => app.inject({ url: list, query: { limit: '200' }, headers }), 200);
    rows.push(line('list: first page (limit 200)', wide));

    const create = (slug: string, key?: string) =>
      app.inject({
        method: 'POST',
        url: list,
        headers: key ? { ...headers, 'idempotency-key': key } : headers,
        payload: { name: slug, slug },
      });
    rows.push(line('create: no Idempotency-Key', await time(REQUESTS, (i) => create(`plain-${i}`), 201)));
    rows.push(line('create: fresh Idempotency-Key', await time(REQUESTS, (i) => create(`keyed-${i}`, `k-${i}`), 201)));
    rows.push(line('create: replay of a key', await time(REQUESTS, (i) => create(`keyed-${i}`, `k-${i}`), 201)));

    console.log(`HTTP conventions, ${REQUESTS} requests each, ${PROJECTS} projects (µs)`);
    console.log(`${''.padEnd(44)}${'p50'.padStart(9)}${'p99'.padStart(9)}${'mean'.padStart(9)}`);
    for (const row of rows) console.log(row);
    report('http', [
      figure('list: first page (limit 50) p50', first.p50, 'µs'),
      figure('list: page 31 (limit 50) p50', deep.p50, 'µs', ['first page', first.p50]),
      figure('list: first page (limit 200) p50', wide.p50, 'µs', ['limit 50', first.p50]),
    ]);
  } finally {
    await app.close();
  }
});
