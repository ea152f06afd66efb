import { DataSource } from 'typeorm';
import {
  AuditAnchor,
  AuditSigningKeys,
  AuditVerifier,
  CheckpointService,
  readAnchorFile,
  RetentionService,
  chainKey,
  type VerifyReport,
} from '#libs/audit';
import { isUuid } from '#libs/common';
import { AppConfig } from '#libs/config';
import { dataSourceOptions, provisionRuntime, Transactions } from '#libs/database';

interface AuditTools {
  config: AppConfig;
  verifier: AuditVerifier;
  checkpoints: CheckpointService;
  retention: RetentionService;
}

/** The audit services on a plain DataSource: no HTTP, no Redis. */
async function withAudit<T>(work: (tools: AuditTools) => Promise<T>, config = AppConfig.fromEnv()): Promise<T> {
  const runtime = await provisionRuntime(config, undefined, { redis: false });
  const dataSource = new DataSource({
    ...dataSourceOptions({ url: runtime.config.database.url!, poolSize: 2, applicationName: 'fusiongate-cli' }),
    logging: false,
  });
  await dataSource.initialize();
  try {
    const keys = new AuditSigningKeys(dataSource, runtime.config);
    const anchor = new AuditAnchor(runtime.config);
    const transactions = new Transactions(dataSource);
    const checkpoints = new CheckpointService(dataSource, keys, runtime.config, anchor, transactions);
    const verifier = new AuditVerifier(dataSource, keys, runtime.config, checkpoints);
    const retention = new RetentionService(dataSource, runtime.config, verifier, checkpoints, transactions);
    try {
      return await work({ config: runtime.config, verifier, checkpoints, retention });
    } finally {
      await anchor.idle();
    }
  } finally {
    await dataSource.destroy();
    await runtime.stop();
  }
}

/** `--org <uuid>`, `--org platform`, or every chain when absent. */
function chainOption(org: string | undefined): string | null | undefined {
  if (org === undefined) return undefined;
  if (org === 'platform') return null;
  if (!isUuid(org)) throw new Error(`--org must be an organization id (uuid) or "platform", got "${org}".`);
  return org.toLowerCase();
}

function describe(r: VerifyReport): string {
  const name = r.organizationId ?? 'platform';
  if (r.ok) {
    const range = r.lastSeq === null ? 'no events' : `events ${r.firstSeq}..${r.lastSeq}`;
    const pruned = r.prunedThroughSeq ? `, 1..${r.prunedThroughSeq} removed by retention` : '';
    return `ok      ${name}: ${range}${pruned}, ${r.checkpoints} signed checkpoint(s)`;
  }
  return `BROKEN  ${name}: first broken sequence ${r.firstBrokenSeq} (${r.problem}): ${r.detail}`;
}

/**
 * Recomputes one chain or all of them; prints one line per chain and exits with status 2 when
 * any is broken, so it can run from cron or CI. With `--anchor <file>` (the AUDIT_ANCHOR_FILE of
 * the API, or a copy), every chain's latest published checkpoint must still be in the database,
 * and a chain the anchor knows but the database lost is broken too.
 */
export async function auditVerifyCommand(
  options: { org?: string; json?: boolean; anchor?: string },
  config?: AppConfig,
): Promise<void> {
  const chain = chainOption(options.org);
  const anchored = options.anchor ? await readAnchorFile(options.anchor) : undefined;
  if (anchored?.invalid) {
    process.stderr.write(`${anchored.invalid} anchor line(s) did not verify and were ignored.\n`);
  }
  const reports = await withAudit(async ({ verifier }) => {
    let chains = chain === undefined ? await verifier.chains() : [chain];
    if (anchored && chain === undefined) {
      const inDatabase = new Set(chains.map(chainKey));
      for (const entry of anchored.latest.values()) {
        if (!inDatabase.has(chainKey(entry.organizationId))) chains = [...chains, entry.organizationId];
      }
    }
    const out: VerifyReport[] = [];
    for (const c of chains) out.push(await verifier.verify(c, { anchor: anchored?.latest.get(chainKey(c)) }));
    return out;
  }, config);
  process.stdout.write(
    options.json ? `${JSON.stringify(reports, null, 2)}\n` : reports.map((r) => `${describe(r)}\n`).join(''),
  );
  if (!options.json && reports.length === 0) process.stdout.write('No audit chains yet.\n');
  if (reports.some((r) => !r.ok)) process.exitCode = 2;
}

/** Signs a checkpoint of one chain or of every chain now. */
export async function auditCheckpointCommand(options: { org?: string }): Promise<void> {
  const chain = chainOption(options.org);
  const made = await withAudit(({ checkpoints }) => checkpoints.checkpointAll('on_demand', chain));
  for (const c of made) {
    process.stdout.write(`signed  ${c.organizationId ?? 'platform'}: seq ${c.seq} hash ${c.hash}\n`);
  }
  if (made.length === 0) process.stdout.write('No audit chains yet.\n');
}

/** Applies retention now to one chain or to every chain. */
export async function auditRetentionCommand(options: { org?: string; days?: string }): Promise<void> {
  const chain = chainOption(options.org);
  const days = options.days === undefined ? undefined : Number(options.days);
  if (days !== undefined && (!Number.isInteger(days) || days < 1))
    throw new Error('--days must be a positive integer.');
  const results = await withAudit(async ({ retention }) =>
    chain === undefined && days === undefined
      ? retention.applyAll()
      : retention.apply(chain ?? null, { retentionDays: days }).then((r) => [r]),
  );
  for (const r of results) {
    process.stdout.write(
      `${r.organizationId ?? 'platform'}: ${r.deleted} event(s) removed (retention ${r.retentionDays} days)\n`,
    );
  }
}
