/**
 * Audit chaining cost: sustained events per second and the latency an audit event adds to a write
 * transaction (an UPDATE and its event), against a plain insert of the same rows into a table of
 * the same shape and indexes, in the same run. Chained events are written as AuditService writes
 * them: unlinked in the business transaction, linked by the sequencer in the background right after
 * commit. Latency is the write transaction's, as the request sees it; the time from commit until
 * the event is linked into the chain is printed as the link lag; events per second count until the
 * last event of the run is linked. For reference, the previous design (the chain head
 * locked inside the business transaction until it commits) runs in the same process. The chain is
 * verified at the end.
 *
 *   npm run bench:audit            (BENCH_ADMIN_DATABASE_URL or postgres://postgres@127.0.0.1:5432/postgres)
 *   BENCH_AUDIT_EVENTS=4000 BENCH_AUDIT_CONCURRENCY=8 npm run bench:audit
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { DataSource, type EntityManager } from 'typeorm';
import {
  appendToChain,
  AuditAnchor,
  AuditSequencer,
  AuditSigningKeys,
  AuditVerifier,
  CheckpointService,
  insertEventRows,
  insertEvents,
  redactDetails,
  type PreparedEvent,
} from '#libs/audit';
import { RequestContext } from '#libs/common';
import { AppConfig } from '#libs/config';
import { dataSourceOptions, Transactions } from '#libs/database';
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
  await insertEventRows(
    m,
    [{ ...e, organizationId, id: randomUUID(), seq: null, prevHash: null, hash: null }],
    'bench_plain_event',
  );
}

interface Result {
  name: string;
  eventsPerSecond: number;
  p50: number;
  p99: number;
}

type Write = (ctx: RequestContext, m: EntityManager, org: string, e: PreparedEvent) => Promise<unknown>;

/** `EVENTS` write transactions (a state change + its event) from `writers` concurrent writers. */
async function run(
  transactions: Transactions,
  name: string,
  orgs: string[],
  writers: number,
  write: Write,
  settle?: () => Promise<void>,
): Promise<Result> {
  const latencies: number[] = [];
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: writers }, async () => {
      for (let i = next++; i < EVENTS; i = next++) {
        const org = orgs[i % orgs.length];
        const t0 = performance.now();
        await transactions.run(RequestContext.system('bench'), async (ctx, m) => {
          await m.query(`UPDATE bench_state SET counter = counter + 1 WHERE id = $1`, [i % 100]);
          await write(ctx, m, org, event(org, i));
        });
        latencies.push(performance.now() - t0);
      }
    }),
  );
  await settle?.();
  const seconds = (performance.now() - started) / 1000;
  latencies.sort((a, b) => a - b);
  const pct = (p: number) => latencies[Math.min(latencies.length - 1, Math.floor((p / 100) * latencies.length))];
  return { name, eventsPerSecond: EVENTS / seconds, p50: pct(50), p99: pct(99) };
}

async function main(): Promise<void> {
  await withScratch('audit', async ({ url }) => {
    const ds = new DataSource({ ...dataSourceOptions({ url, poolSize: CONCURRENCY + 4 }), logging: false });
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
  await ds.query(`CREATE TABLE bench_state (id int PRIMARY KEY, counter bigint NOT NULL DEFAULT 0)`);
  await ds.query(`INSERT INTO bench_state (id) SELECT generate_series(0, 99)`);

  // As the audit module runs: a signed checkpoint every 100 events, in the linking transaction.
  const config = AppConfig.fromEnv({
    SECRETS_KEY: randomBytes(32).toString('base64'),
    AUDIT_CHECKPOINT_EVERY_EVENTS: '100',
  });
  const transactions = new Transactions(ds);
  const keys = new AuditSigningKeys(ds, config);
  const checkpoints = new CheckpointService(ds, keys, config, new AuditAnchor(config), transactions);
  const sequencer = new AuditSequencer(ds, transactions, checkpoints, config);
  const verifier = new AuditVerifier(ds, keys, config, checkpoints);
  await keys.activeKeyId();

  const plain: Write = (_ctx, m, org, e) => plainInsert(m, org, e);
  // AuditService's path: written unlinked in the transaction, linked by the sequencer in the
  // background once it commits.
  const linking = new Set<Promise<unknown>>();
  let lags: number[] = [];
  const sequenced: Write = async (ctx, m, org, e) => {
    const written = await insertEvents(m, [{ ...e, organizationId: org }]);
    const ids = written.map((w) => w.id);
    await transactions.afterCommit(ctx, () => {
      const committed = performance.now();
      const work = sequencer.link(org, ids).then(() => lags.push(performance.now() - committed));
      linking.add(work);
      void work.finally(() => linking.delete(work));
    });
  };
  const settle = async (): Promise<void> => {
    while (linking.size) await Promise.all(linking);
  };
  const lagOf = (): { p50: number; p99: number } => {
    const sorted = lags.sort((a, b) => a - b);
    lags = [];
    const pct = (p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
    return { p50: pct(50), p99: pct(99) };
  };
  // The previous design: the chain head locked from the event until the business transaction commits.
  const headLocked: Write = async (_ctx, m, org, e) => {
    const [stored] = await appendToChain(m, org, [e]);
    await checkpoints.afterAppend(m, org, stored.seq, stored);
  };

  const many = Array.from({ length: 8 }, () => randomUUID());
  const busy = randomUUID();
  const previous = randomUUID();
  // Warm-up: connections, plans, key caches.
  await run(transactions, 'warm-up', many, CONCURRENCY, plain);
  await run(transactions, 'warm-up', [randomUUID()], CONCURRENCY, sequenced, settle);
  lagOf();

  const plain1 = await run(transactions, 'plain insert, 1 writer', [busy], 1, plain);
  const chained1 = await run(transactions, 'chained, 1 org, 1 writer', [busy], 1, sequenced, settle);
  const lag1 = lagOf();
  const plainN = await run(transactions, `plain insert, ${CONCURRENCY} writers`, [busy], CONCURRENCY, plain);
  const chainedN = await run(
    transactions,
    `chained, 1 org, ${CONCURRENCY} writers`,
    [busy],
    CONCURRENCY,
    sequenced,
    settle,
  );
  const lagN = lagOf();
  const plainAgain = await run(
    transactions,
    `plain insert, ${CONCURRENCY} writers (again)`,
    [busy],
    CONCURRENCY,
    plain,
  );
  const spread = await run(
    transactions,
    `chained, 8 orgs, ${CONCURRENCY} writers`,
    many,
    CONCURRENCY,
    sequenced,
    settle,
  );
  const lagSpread = lagOf();
  const locked = await run(
    transactions,
    `head locked in txn (previous), ${CONCURRENCY} w`,
    [previous],
    CONCURRENCY,
    headLocked,
  );

  const base = { ...plainN, eventsPerSecond: (plainN.eventsPerSecond + plainAgain.eventsPerSecond) / 2 };
  base.p50 = (plainN.p50 + plainAgain.p50) / 2;
  base.p99 = (plainN.p99 + plainAgain.p99) / 2;
  const rows: [Result, Result][] = [
    [plain1, plain1],
    [chained1, plain1],
    [plainN, base],
    [plainAgain, base],
    [chainedN, base],
    [spread, base],
    [locked, base],
  ];
  process.stdout.write(
    `\naudit bench: ${EVENTS} write transactions (UPDATE + event) per scenario, PostgreSQL ${
      (await ds.query(`SHOW server_version`))[0].server_version
    }\n\n`,
  );
  process.stdout.write(
    `${'scenario'.padEnd(40)}${'events/s'.padStart(10)}${'p50 ms'.padStart(9)}${'p99 ms'.padStart(9)}${'vs plain'.padStart(10)}\n`,
  );
  for (const [r, against] of rows) {
    process.stdout.write(
      `${r.name.padEnd(40)}${r.eventsPerSecond.toFixed(0).padStart(10)}${r.p50.toFixed(2).padStart(9)}${r.p99
        .toFixed(2)
        .padStart(9)}${`${(r.eventsPerSecond / against.eventsPerSecond).toFixed(2)}x`.padStart(10)}\n`,
    );
  }
  process.stdout.write('\n');
  for (const [r, against] of rows.filter(([r]) => r !== plain1 && r !== plainN && r !== plainAgain)) {
    process.stdout.write(
      `latency added (${r.name}): p50 ${(r.p50 - against.p50).toFixed(2)} ms, p99 ${(r.p99 - against.p99).toFixed(2)} ms\n`,
    );
  }
  for (const [name, lag] of [
    [chained1.name, lag1],
    [chainedN.name, lagN],
    [spread.name, lagSpread],
  ] as const) {
    process.stdout.write(
      `link lag, commit to linked (${name}): p50 ${lag.p50.toFixed(2)} ms, p99 ${lag.p99.toFixed(2)} ms\n`,
    );
  }
  process.stdout.write(
    `\none busy organization, ${CONCURRENCY} writers: ${chainedN.eventsPerSecond.toFixed(0)} events/s = ${(
      chainedN.eventsPerSecond / base.eventsPerSecond
    ).toFixed(2)}x plain inserts (previous design: ${(locked.eventsPerSecond / base.eventsPerSecond).toFixed(2)}x)\n`,
  );
  await sequencer.sweep();
  for (const org of [busy, previous]) {
    const verified = await verifier.verify(org);
    process.stdout.write(
      `chain of ${org === busy ? 'the busy organization' : 'the previous design'}: ${verified.checkedEvents} events, pending ${verified.pending}, ${verified.ok ? 'verified' : `BROKEN (${verified.detail})`}\n`,
    );
    if (!verified.ok) process.exitCode = 1;
  }
  report('audit', [
    figure('plain insert, 1 writer', plain1.eventsPerSecond, 'events/s', undefined, 'higher'),
    figure(chained1.name, chained1.eventsPerSecond, 'events/s', [plain1.name, plain1.eventsPerSecond], 'higher'),
    figure(
      chainedN.name,
      chainedN.eventsPerSecond,
      'events/s',
      ['plain insert, same writers', base.eventsPerSecond],
      'higher',
    ),
    figure(`${chainedN.name}, p99`, chainedN.p99, 'ms', ['plain insert, same writers', base.p99]),
    figure(`${chainedN.name}, link lag p99`, lagN.p99, 'ms'),
    figure(
      spread.name,
      spread.eventsPerSecond,
      'events/s',
      ['plain insert, same writers', base.eventsPerSecond],
      'higher',
    ),
    figure(
      locked.name,
      locked.eventsPerSecond,
      'events/s',
      ['plain insert, same writers', base.eventsPerSecond],
      'higher',
    ),
  ]);
}

main().catch((error: unknown) => {
  process.stderr.write(`${(error as Error).stack ?? String(error)}\n`);
  process.exit(1);
});
