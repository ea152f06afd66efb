/**
 * Registry throughput: uploads and exports a ~500 MB ONNX artifact through the real API (HTTP on
 * a local socket) and compares with a plain streamed file copy on the same disk, in the same run.
 * Prints MB/s and the API process's peak RSS (VmHWM, reset before each phase). Then sends 1, 4
 * and 16 concurrent uploads of a graph-heavy model (~11 MB of nodes, the validator's worst case)
 * and prints the peak RSS and the answers of each round: validation runs in a fixed pool
 * (MODEL_VALIDATION_CONCURRENCY, default 2) with a bounded queue, so the peak stays flat.
 *
 *   npm run build:tools && node dist/bench/registry/registry.bench.js
 *   env: BENCH_ADMIN_DATABASE_URL (default postgres://postgres@127.0.0.1:5432/postgres),
 *        BENCH_REDIS_URL (default redis://127.0.0.1:6379), BENCH_SIZE_MB (default 500),
 *        BENCH_GRAPH_MB (default 11), BENCH_CONCURRENCY (default "1,4,16"); MODEL_VALIDATION_* as
 *        in production (the defaults unless set)
 */
import { execFileSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { createReadStream, createWriteStream, readFileSync, writeFileSync } from 'node:fs';
import { rm, stat } from 'node:fs/promises';
import http from 'node:http';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import argon2 from 'argon2';
import onnxProto from 'onnx-proto';
import { DataSource } from 'typeorm';
import { createApiApp } from '../../apps/api/src/bootstrap.js';
import { UserService } from '#libs/auth';
import { BUILT_IN_ROLES, RequestContext } from '#libs/common';
import { AppConfig } from '#libs/config';
import { figure, report } from '../support/report.js';
import { scratchConfig, withScratch, type Scratch } from '../support/scratch.js';

const { onnx } = onnxProto;
const SIZE_MB = Number(process.env.BENCH_SIZE_MB ?? 500);
const GRAPH_MB = Number(process.env.BENCH_GRAPH_MB ?? 11);
const CONCURRENCY = (process.env.BENCH_CONCURRENCY ?? '1,4,16').split(',').map(Number);

/** Writes an InSwapper-shaped model whose graph carries `padBytes` of extra weights, streamed to disk. */
async function writeLargeModel(path: string, padBytes: number): Promise<void> {
  const W = onnx.TensorProto.DataType.FLOAT;
  const info = (name: string, dims: number[]) => ({
    name,
    type: { tensorType: { elemType: W, shape: { dim: dims.map((d) => ({ dimValue: d })) } } },
  });
  const graph = onnx.GraphProto.encode({
    name: 'bench',
    input: [info('target', [1, 3, 128, 128]), info('source', [1, 512])],
    output: [info('output', [1, 3, 128, 128])],
    node: [{ opType: 'Identity', input: ['target'], output: ['output'] }],
  }).finish();
  const padHeader = onnx.TensorProto.encode({ name: 'pad', dims: [padBytes / 4], dataType: W }).finish();
  const rawTag = Buffer.from([(9 << 3) | 2]);
  const varint = (n: number) => {
    const out: number[] = [];
    while (n > 127) {
      out.push((n % 128) | 128);
      n = Math.floor(n / 128);
    }
    out.push(n);
    return Buffer.from(out);
  };
  const tensorLen = padHeader.length + rawTag.length + varint(padBytes).length + padBytes;
  const initField = Buffer.concat([Buffer.from([(5 << 3) | 2]), varint(tensorLen)]);
  const graphLen = graph.length + initField.length + tensorLen;
  const head = Buffer.concat([
    onnx.ModelProto.encode({ irVersion: 8, opsetImport: [{ domain: '', version: 13 }] }).finish(),
    Buffer.from([(7 << 3) | 2]),
    varint(graphLen),
    graph,
    initField,
    padHeader,
    rawTag,
    varint(padBytes),
  ]);
  const out = createWriteStream(path);
  out.write(head);
  const chunk = randomBytes(8 * 1024 * 1024);
  for (let left = padBytes; left > 0; left -= chunk.length) {
    if (!out.write(left >= chunk.length ? chunk : chunk.subarray(0, left))) {
      await new Promise<void>((r) => out.once('drain', () => r()));
    }
  }
  await new Promise<void>((resolve, reject) => out.end((e?: Error | null) => (e ? reject(e) : resolve())));
}

/** Resets the kernel's peak-RSS mark of this process (Linux), so each phase reports its own peak. */
function resetPeak(): void {
  try {
    writeFileSync('/proc/self/clear_refs', '5');
  } catch {
    // not Linux, or not permitted: peaks then include earlier phases
  }
}
function peakMb(): number {
  const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync('/proc/self/status', 'utf8'));
  return m ? Number(m[1]) / 1024 : process.memoryUsage().rss / 1024 / 1024;
}

function send(
  port: number,
  method: string,
  path: string,
  headers: Record<string, string>,
  body?: NodeJS.ReadableStream,
): Promise<{ status: number; text: string; bytes: number; sha256: string }> {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port, method, path, headers }, (res) => {
      const hash = createHash('sha256');
      let bytes = 0;
      const head: Buffer[] = [];
      res.on('data', (c: Buffer) => {
        bytes += c.length;
        hash.update(c);
        if (bytes < 65536) head.push(c);
      });
      res.on('end', () =>
        resolve({
          status: res.statusCode ?? 0,
          text: Buffer.concat(head).toString(),
          bytes,
          sha256: hash.digest('hex'),
        }),
      );
      res.on('error', reject);
    });
    req.on('error', reject);
    if (body) body.pipe(req);
    else req.end();
  });
}

async function main(scratch: Scratch): Promise<void> {
  const dir = scratch.dataDir;
  const artifact = join(dir, 'artifact.onnx');
  await writeLargeModel(artifact, SIZE_MB * 1024 * 1024);
  const size = (await stat(artifact)).size;
  const mb = size / 1024 / 1024;

  // Baseline: a plain streamed copy on the same disk.
  let t0 = performance.now();
  await pipeline(createReadStream(artifact), createWriteStream(join(dir, 'copy.onnx')));
  const copySeconds = (performance.now() - t0) / 1000;
  await rm(join(dir, 'copy.onnx'));

  // Graph-heavy model for the concurrency rounds, built in a child process so that its 200k
  // decoded nodes do not sit in this process's heap (and RSS) while the API is measured.
  const graphHeavy = join(dir, 'graph-heavy.onnx');
  // From the TypeScript source (the build leaves test/ out), through the repository's loader hooks.
  const root = new URL(import.meta.url.includes('/dist/') ? '../../../' : '../../', import.meta.url);
  const builder = new URL('test/fixtures/onnx/graph-heavy.ts', root).href;
  execFileSync(process.execPath, [
    '--import',
    new URL('test/support/ts-loader/register.mjs', root).href,
    '--input-type=module',
    '-e',
    `import { writeFileSync } from 'node:fs';
     import { buildGraphHeavyModel } from ${JSON.stringify(builder)};
     writeFileSync(${JSON.stringify(graphHeavy)}, buildGraphHeavyModel(${GRAPH_MB * 1024 * 1024}));`,
  ]);
  const graphSize = (await stat(graphHeavy)).size;

  const config = scratchConfig(scratch, {
    DATA_DIR: join(dir, 'data'),
    MODEL_UPLOAD_MAX_BYTES: String(size + 1024 * 1024),
    MODEL_EXPORT_RATE_LIMIT: '100',
    // One bench user sends every upload: lift the per-user/organization limits so the rounds
    // measure the validation pool (the limits are covered by test/security).
    MODEL_UPLOAD_CONCURRENCY_PER_USER: '1000',
    MODEL_UPLOAD_CONCURRENCY_PER_ORG: '1000',
    ...(Object.fromEntries(
      Object.entries(process.env).filter(([key]) => key.startsWith('MODEL_VALIDATION_')),
    ) as Record<string, string>),
  });
  const app = await createApiApp(config);
  await app.listen(0, '127.0.0.1');
  const port = (app.getHttpServer().address() as { port: number }).port;
  try {
    const ds = app.get(DataSource);
    const [{ id: orgId }] = await ds.query(
      `INSERT INTO organization (name, slug, mfa_required_roles) VALUES ('bench', 'bench', '{}') RETURNING id`,
    );
    const [{ id: roleId }] = await ds.query(
      `INSERT INTO role (organization_id, name, built_in, permissions) VALUES ($1, 'admin', true, $2) RETURNING id`,
      [orgId, [...BUILT_IN_ROLES.admin]],
    );
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
    const loginBody = JSON.stringify({ email: 'bench@example.test', password });
    const { Readable } = await import('node:stream');
    const login = await send(
      port,
      'POST',
      '/api/v1/auth/login',
      { 'content-type': 'application/json' },
      Readable.from([loginBody]),
    );
    const token = JSON.parse(login.text).accessToken as string;
    const auth = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
    const created = await send(
      port,
      'POST',
      `/api/v1/orgs/${orgId}/models`,
      auth,
      Readable.from([
        JSON.stringify({
          name: 'big',
          slug: 'big',
          kind: 'face_swapper',
          family: 'inswapper',
          redistributionAllowed: true,
        }),
      ]),
    );
    const modelId = JSON.parse(created.text).id as string;

    const baseRss = process.memoryUsage().rss / 1024 / 1024;
    resetPeak();
    t0 = performance.now();
    const up = await send(
      port,
      'POST',
      `/api/v1/orgs/${orgId}/models/${modelId}/versions`,
      { ...auth, 'content-type': 'application/octet-stream', 'content-length': String(size) },
      createReadStream(artifact),
    );
    const upSeconds = (performance.now() - t0) / 1000;
    const upPeak = peakMb();
    if (up.status !== 201) throw new Error(`upload answered ${up.status}: ${up.text}`);

    // Export is a sensitive action: re-enter the password (step-up) in case the upload outlasted the window.
    const stepUp = await send(
      port,
      'POST',
      '/api/v1/auth/step-up',
      auth,
      Readable.from([JSON.stringify({ password })]),
    );
    if (stepUp.status !== 200) throw new Error(`step-up answered ${stepUp.status}: ${stepUp.text}`);
    resetPeak();
    t0 = performance.now();
    const down = await send(port, 'GET', `/api/v1/orgs/${orgId}/models/${modelId}/versions/1/artifact`, auth);
    const downSeconds = (performance.now() - t0) / 1000;
    const downPeak = peakMb();
    const expected = JSON.parse(up.text).sha256 as string;
    if (down.status !== 200 || down.sha256 !== expected || down.bytes !== size) {
      throw new Error(`download answered ${down.status}, ${down.bytes} bytes, sha ${down.sha256}`);
    }

    const rate = (s: number) => (mb / s).toFixed(0);
    console.log(`artifact: ${mb.toFixed(0)} MB (valid ONNX, inswapper signature)`);
    console.log(`plain file copy (same disk):   ${copySeconds.toFixed(2)} s  ${rate(copySeconds)} MB/s`);
    console.log(
      `upload (hash+disk+validate+store): ${upSeconds.toFixed(2)} s  ${rate(upSeconds)} MB/s  ` +
        `(${(copySeconds / upSeconds).toFixed(2)}× copy speed)  peak RSS ${upPeak.toFixed(0)} MB (before: ${baseRss.toFixed(0)} MB)`,
    );
    console.log(
      `download (export, streamed):   ${downSeconds.toFixed(2)} s  ${rate(downSeconds)} MB/s  ` +
        `(${(copySeconds / downSeconds).toFixed(2)}× copy speed)  peak RSS ${downPeak.toFixed(0)} MB`,
    );

    const { registry } = app.get(AppConfig);
    console.log(
      `graph-heavy uploads: ${(graphSize / 1024 / 1024).toFixed(1)} MB of nodes each; validation pool ` +
        `${registry.validationConcurrency} thread(s) × ${registry.validationMaxHeapMb} MB heap, queue ${registry.validationQueue}`,
    );
    for (const n of CONCURRENCY) {
      const rssBefore = process.memoryUsage().rss / 1024 / 1024;
      resetPeak();
      t0 = performance.now();
      const answers = await Promise.all(
        Array.from({ length: n }, () =>
          send(
            port,
            'POST',
            `/api/v1/orgs/${orgId}/models/${modelId}/versions`,
            { ...auth, 'content-type': 'application/octet-stream', 'content-length': String(graphSize) },
            createReadStream(graphHeavy),
          ),
        ),
      );
      const seconds = (performance.now() - t0) / 1000;
      const peak = peakMb();
      const tally = new Map<string, number>();
      for (const a of answers) {
        const key = `${a.status} ${(JSON.parse(a.text) as { code?: string; status?: string }).code ?? 'ready'}`;
        tally.set(key, (tally.get(key) ?? 0) + 1);
      }
      console.log(
        `  ${String(n).padStart(2)} concurrent: peak RSS ${peak.toFixed(0)} MB (before: ${rssBefore.toFixed(0)} MB), ` +
          `${seconds.toFixed(1)} s; answers: ${[...tally].map(([k, c]) => `${c}× ${k}`).join(', ')}`,
      );
    }
    console.log('note: the bench client runs in the API process; its own memory is a few MB of socket buffers.');
    report('registry', [
      figure(
        'upload (hash+disk+validate+store)',
        mb / upSeconds,
        'MB/s',
        ['plain file copy', mb / copySeconds],
        'higher',
      ),
      figure('download (export, streamed)', mb / downSeconds, 'MB/s', ['plain file copy', mb / copySeconds], 'higher'),
      figure('upload peak RSS', upPeak, 'MB', ['RSS before', baseRss]),
    ]);
  } finally {
    await app.close();
  }
}

await withScratch('registry', main);
