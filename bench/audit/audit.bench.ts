/**
 * Audit chaining cost: sustained events per second and the latency an audit event adds to a write
 * transaction, with hash chaining (per-organization lock, SHA-256, insert, head update) against a
 * plain insert of the same rows into a table of the same shape and indexes, in the same run.
 *
 *   npm run bench:audit            (BENCH_ADMIN_DATABASE_URL or postgres://postgres@127.0.0.1:5432/postgres)
 *   BENCH_AUDIT_EVENTS=4000 BENCH_AUDIT_CONCURRENCY=8 npm run bench:audit
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { DataSource, type EntityManager } from 'typeorm';
import { AuditAnchor } from '#libs/audit';
import { appendToChain, type PreparedEvent } from '#libs/audit';
import { CheckpointService } from '#libs/audit';
import { AuditSigningKeys } from '#libs/audit';
import { AppConfig } from '#libs/config';
import { redactDetails } from '#libs/audit';
import { dataSourceOptions } from '#libs/database';
import { figure, report } from '../support/report.js';
import { withScratch } from '../support/scratch.js';

const EVENTS = Number(process.env.BENCH_AUDIT_EVENTS ?? 3_000);
const CONCURRENCY = Number(process.env.BENCH_AUDIT_CONCURRENCY ?? 8);

function event(organizationId: string, i: number): PreparedEvent {
  return {
    organizationId,
    occurredAt: new Date(),
    actorType: 'user',
    actorId: 'b3f1c2d4-0000-4000-8000-000000000001',
    actorUserId: 'b3f1c2d4-0000-4000-8000-000000000001',
    actorLabel: 'bench@example.test',
    action: 'model.update',
    resourceType: 'model',
    resourceId: `model-${i % 50}`,
    outcome: 'allowed',
    ip: '203.0.113.9',
    userAgent: 'bench/1.0',
    requestId: randomUUID(),
    details: redactDetails({ before: { name: `a${i}` }, after: { name: `b${i}` }, version: i }),
  };
}

async function plainInsert(m: EntityManager, organizationId: string, e: PreparedEvent): Promise<void> {
  await m.query(
    `INSERT INTO bench_plain_event (id, organization_id, seq, occurred_at, actor_type, actor_id, actor_user_id, actor_label,
       action, resource_type, resource_id, outcome, ip, user_agent, request_id, details, prev_hash, hash)
     VALUES ($1, $2, nextval('bench_plain_seq'), $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, '', '')`,
    [
      randomUUID(),
      organizationId,
      e.occurredAt,
      e.actorType,
      e.actorId,
      e.actorUserId,
      e.actorLabel,
      e.action,
      e.resourceType,
      e.resourceId,
      e.outcome,
      e.ip,
      e.userAgent,
      e.requestId,
      JSON.stringify(e.details),
    ],
  );
}

interface Result {
  name: string;
  eventsPerSecond: number;
  p50: number;
  p99: number;
}

/** `EVENTS` write transactions (a state change + its event) from `CONCURRENCY` writers. */
async function run(
  ds: DataSource,
  name: string,
  orgs: string[],
  write: (m: EntityManager, org: string, e: PreparedEvent) => Promise<unknown>,
): Promise<Result> {
  const latencies: number[] = [];
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      for (let i = next++; i < EVENTS; i = next++) {
        const org = orgs[i % orgs.length];
        const t0 = performance.now();
        await ds.transaction(async (m) => {
          await m.query(`UPDATE bench_state SET counter = counter + 1 WHERE id = $1`, [i % 100]);
          await write(m, org, event(org, i));
        });
        latencies.push(performance.now() - t0);
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  latencies.sort((a, b) => a - b);
  const pct = (p: number) => latencies[Math.min(latencies.length - 1, Math.floor((p / 100) * latencies.length))];
  return { name, eventsPerSecond: EVENTS / seconds, p50: pct(50), p99: pct(99) };
}

async function batched(ds: DataSource, org: string, batch: number): Promise<number> {
  const started = performance.now();
  for (let i = 0; i < EVENTS * 4; i += batch) {
    await ds.transaction((m) =>
      appendToChain(
        m,
        org,
        Array.from({ length: batch }, (_, k) => event(org, i + k)),
      ),
    );
  }
  return (EVENTS * 4) / ((performance.now() - started) / 1000);
}

async function main(): Promise<void> {
  await withScratch('audit', async ({ url }) => {
    const ds = new DataSource({ ...dataSourceOptions({ url, poolSize: CONCURRENCY + 2 }), logging: false });
    await ds.initialize();
    try {
      await measure(ds);
    } finally {
      await ds.destroy();
    }
  });
}

async function measure(ds: DataSource): Promise<void> {
  await ds.query(`CREATE TABLE bench_plain_event (LIKE audit_event INCLUDING DEFAULTS INCLUDING INDEXES)`);
  await ds.query(`ALTER TABLE bench_plain_event DROP CONSTRAINT IF EXISTS bench_plain_event_organization_id_seq_key`);
  await ds.query(`CREATE SEQUENCE bench_plain_seq`);
  await ds.query(`CREATE TABLE bench_state (id int PRIMARY KEY, counter bigint NOT NULL DEFAULT 0)`);
  await ds.query(`INSERT INTO bench_state (id) SELECT generate_series(0, 99)`);

  const many = Array.from({ length: 8 }, () => randomUUID());
  const one = [randomUUID()];
  const chained = (m: EntityManager, org: string, e: PreparedEvent) => appendToChain(m, org, [e]);
  // As AuditService writes: a signed checkpoint in the writing transaction every 100 events.
  const config = AppConfig.fromEnv({
    SECRETS_KEY: randomBytes(32).toString('base64'),
    AUDIT_CHECKPOINT_EVERY_EVENTS: '100',
  });
  const keys = new AuditSigningKeys(ds, config);
  const checkpoints = new CheckpointService(ds, keys, config, new AuditAnchor(config));
  await keys.activeKeyId();
  const checkpointed = async (m: EntityManager, org: string, e: PreparedEvent) => {
    const [stored] = await appendToChain(m, org, [e]);
    await checkpoints.afterAppend(m, org, stored.seq, stored);
  };
  // Warm-up: connections, plans, key caches.
  await run(ds, 'warm-up', many, plainInsert);
  await run(ds, 'warm-up', many, chained);

  const results: Result[] = [];
  results.push(await run(ds, 'plain insert (baseline)', many, plainInsert));
  results.push(await run(ds, 'chained, 8 organizations', many, chained));
  results.push(await run(ds, 'chained, 1 organization', one, chained));
  results.push(await run(ds, 'plain insert (baseline, again)', many, plainInsert));
  results.push(await run(ds, 'chained + checkpoint/100, 1 org', one, checkpointed));

  const base = (results[0].eventsPerSecond + results[3].eventsPerSecond) / 2;
  const baseP99 = (results[0].p99 + results[3].p99) / 2;
  const baseP50 = (results[0].p50 + results[3].p50) / 2;
  process.stdout.write(
    `\naudit bench: ${EVENTS} write transactions (UPDATE + event) per scenario, ${CONCURRENCY} concurrent writers, PostgreSQL ${
      (await ds.query(`SHOW server_version`))[0].server_version
    }\n\n`,
  );
  process.stdout.write(
    `${'scenario'.padEnd(34)}${'events/s'.padStart(10)}${'p50 ms'.padStart(9)}${'p99 ms'.padStart(9)}${'vs plain'.padStart(10)}\n`,
  );
  for (const r of results) {
    process.stdout.write(
      `${r.name.padEnd(34)}${r.eventsPerSecond.toFixed(0).padStart(10)}${r.p50.toFixed(2).padStart(9)}${r.p99
        .toFixed(2)
        .padStart(9)}${`${((r.eventsPerSecond / base) * 100).toFixed(0)}%`.padStart(10)}\n`,
    );
  }
  for (const r of [...results.slice(1, 3), results[4]]) {
    process.stdout.write(
      `latency added by chaining (${r.name}): p50 ${(r.p50 - baseP50).toFixed(2)} ms, p99 ${(r.p99 - baseP99).toFixed(2)} ms\n`,
    );
  }
  const buffered = await batched(ds, randomUUID(), 500);
  process.stdout.write(`buffered path (batches of 500, one chain): ${buffered.toFixed(0)} events/s\n`);
  report('audit', [
    ...[...results.slice(1, 3), results[4]].flatMap((r) => [
      figure(r.name, r.eventsPerSecond, 'events/s', ['plain insert', base], 'higher'),
      figure(`${r.name}, p99`, r.p99, 'ms', ['plain insert', baseP99]),
    ]),
    figure('buffered path (batches of 500, one chain)', buffered, 'events/s', undefined, 'higher'),
  ]);
}

main().catch((error: unknown) => {
  process.stderr.write(`${(error as Error).stack ?? String(error)}\n`);
  process.exit(1);
});
