import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { DataSource } from 'typeorm';
import { createTestDatabase, type TestDatabase } from '#test/support/database';
import { JobSegments } from './job-segments.js';

/**
 * Segment bookkeeping of video jobs on the real PostgreSQL: a plan is recorded once, a claim
 * takes a new attempt, only the attempt holding a segment completes it, a finished segment is
 * never claimed again, exactly one of racing completions sees the last segment finish, and the
 * reconciler's view lists what the queue must still carry.
 */
describe('JobSegments (PostgreSQL)', () => {
  let db: TestDatabase;
  let dataSource: DataSource;
  let segments: JobSegments;

  /** A running job row (and the organization, user and model it needs). */
  async function runningJob(): Promise<string> {
    const slug = `o${randomBytes(4).toString('hex')}`;
    const {
      rows: [org],
    } = await db.query<{ id: string }>(`INSERT INTO organization (name, slug) VALUES ($1, $1) RETURNING id`, [slug]);
    const {
      rows: [user],
    } = await db.query<{ id: string }>(`INSERT INTO user_account (email, display_name) VALUES ($1, 'V') RETURNING id`, [
      `${slug}@example.com`,
    ]);
    const {
      rows: [model],
    } = await db.query<{ id: string }>(
      `INSERT INTO model (organization_id, name, slug, kind, family) VALUES ($1, 'm', 'm', 'face_swapper', 'inswapper') RETURNING id`,
      [org.id],
    );
    const {
      rows: [job],
    } = await db.query<{ id: string }>(
      `INSERT INTO job (organization_id, owner_id, actor, model_id, models, inputs, input_digests, request_hash,
                        watermark_payload, queue_job_id, status)
       VALUES ($1, $2, '{}', $3, '{}', '[]', '{}', 'h', $4, 'q', 'running') RETURNING id`,
      [org.id, user.id, model.id, randomBytes(8).toString('hex')],
    );
    return job.id;
  }

  const ranges = [
    { index: 0, startFrame: 0, endFrame: 12 },
    { index: 1, startFrame: 12, endFrame: 24 },
    { index: 2, startFrame: 24, endFrame: 48 },
  ];
  const digest = (n: number) => n.toString(16).padStart(64, '0');

  beforeAll(async () => {
    db = await createTestDatabase();
    dataSource = new DataSource({ type: 'postgres', url: db.url, poolSize: 4 });
    await dataSource.initialize();
    segments = new JobSegments(dataSource);
  });
  afterAll(async () => {
    await dataSource?.destroy();
    await db?.drop();
  });

  it('records a plan once; a re-delivered plan keeps the rows and their progress', async () => {
    const jobId = await runningJob();
    const first = await segments.plan(jobId, ranges);
    expect(first.map((s) => [s.index, s.startFrame, s.endFrame, s.status, s.attempt])).toEqual([
      [0, 0, 12, 'pending', 0],
      [1, 12, 24, 'pending', 0],
      [2, 24, 48, 'pending', 0],
    ]);
    const claimed = await segments.claim(jobId, 0, 'w1');
    await segments.complete(claimed!, { sha256: digest(1), size: 10 });
    const again = await segments.plan(jobId, [{ index: 0, startFrame: 0, endFrame: 48 }]);
    expect(again.map((s) => [s.index, s.endFrame, s.status])).toEqual([
      [0, 12, 'done'],
      [1, 24, 'pending'],
      [2, 48, 'pending'],
    ]);
  });

  it('stores the video reference embedding with every segment once, and hands it to each claim', async () => {
    const jobId = await runningJob();
    const reference = [0.5, -0.25, 0.125, 0.75];
    const planned = await segments.plan(jobId, ranges, reference);
    expect(planned.map((s) => s.referenceEmbedding)).toEqual([reference, reference, reference]);
    // A re-delivered plan keeps the stored person even when it resolved another one.
    await segments.plan(jobId, ranges, [1, 0, 0, 0]);
    expect((await segments.claim(jobId, 2, 'w1'))?.referenceEmbedding).toEqual(reference);
    const plain = await runningJob();
    await segments.plan(plain, ranges);
    expect((await segments.claim(plain, 0, 'w1'))?.referenceEmbedding).toBeNull();
  });

  it('hands a segment abandoned by a killed worker to the next delivery, and only that attempt completes it', async () => {
    const jobId = await runningJob();
    await segments.plan(jobId, ranges);
    const killed = await segments.claim(jobId, 1, 'w1');
    expect(killed).toMatchObject({ status: 'running', attempt: 1, worker: 'w1' });
    const redelivered = await segments.claim(jobId, 1, 'w2');
    expect(redelivered).toMatchObject({ status: 'running', attempt: 2, worker: 'w2' });
    // The first attempt finishing late records nothing.
    expect(await segments.complete(killed!, { sha256: digest(2), size: 1 })).toEqual({ recorded: false, remaining: 3 });
    expect(await segments.complete(redelivered!, { sha256: digest(3), size: 1 })).toEqual({
      recorded: true,
      remaining: 2,
    });
    // Done is final: no further delivery fuses it again.
    expect(await segments.claim(jobId, 1, 'w3')).toBeNull();
    const [, row] = await segments.list(jobId);
    expect(row).toMatchObject({ status: 'done', attempt: 2, worker: 'w2', outputSha256: digest(3) });
  });

  it('lets exactly one of racing completions see the last segment finish', async () => {
    const jobId = await runningJob();
    await segments.plan(jobId, ranges);
    const claims = await Promise.all(ranges.map((r) => segments.claim(jobId, r.index, `w${r.index}`)));
    const results = await Promise.all(claims.map((c, i) => segments.complete(c!, { sha256: digest(10 + i), size: 1 })));
    expect(results.every((r) => r.recorded)).toBe(true);
    expect(results.map((r) => r.remaining).sort()).toEqual([0, 1, 2]);
  });

  it('cancels what is unfinished and names the stored outputs to delete', async () => {
    const jobId = await runningJob();
    await segments.plan(jobId, ranges);
    const done = await segments.claim(jobId, 0, 'w1');
    await segments.complete(done!, { sha256: digest(20), size: 1 });
    const running = await segments.claim(jobId, 1, 'w1');
    expect(await segments.cancel(jobId)).toEqual([digest(20)]);
    expect((await segments.list(jobId)).map((s) => s.status)).toEqual(['done', 'cancelled', 'cancelled']);
    expect(await segments.claim(jobId, 2, 'w2')).toBeNull();
    expect((await segments.complete(running!, { sha256: digest(21), size: 1 })).recorded).toBe(false);
  });

  it('lists the work the queue must still carry: unfinished segments, and assemblies of fully done jobs', async () => {
    const unfinished = await runningJob();
    await segments.plan(unfinished, ranges);
    const finished = await runningJob();
    await segments.plan(finished, ranges);
    for (const r of ranges) {
      const c = await segments.claim(finished, r.index, 'w');
      await segments.complete(c!, { sha256: digest(30 + r.index), size: 1 });
    }
    const fresh = await segments.outstanding(60_000);
    expect(fresh.segments.filter((s) => s.jobId === unfinished)).toEqual([]);
    const old = await segments.outstanding(0);
    expect(old.segments.filter((s) => s.jobId === unfinished).map((s) => s.index)).toEqual([0, 1, 2]);
    expect(old.segments.filter((s) => s.jobId === finished)).toEqual([]);
    expect(old.assemblies.map((a) => a.jobId)).toContain(finished);
    expect(old.assemblies.map((a) => a.jobId)).not.toContain(unfinished);
    await db.query(`UPDATE job SET status = 'completed' WHERE id = $1`, [finished]);
    expect((await segments.outstanding(0)).assemblies.map((a) => a.jobId)).not.toContain(finished);
  });
});
