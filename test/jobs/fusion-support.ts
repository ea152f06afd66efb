import { readFileSync } from 'node:fs';
import { expect } from '@jest/globals';
import request from 'supertest';
import type { TestApp } from '../support/app.js';
import type { BuiltInRoleName, Tenant } from '../support/tenant.js';
import { buildArcFaceModel, buildInswapperModel } from '../fixtures/onnx/face-models.js';
import { ensureRealFixtures } from '../fixtures/real-fixtures.js';

export const http = (t: TestApp) => request(t.app.getHttpServer());
export const orgBase = (tenant: Tenant) => `/api/v1/orgs/${tenant.orgId}`;

export interface FusionModels {
  swapperId: string;
  detectorId: string;
  recognizerId: string;
}

/** Registers a model through the API and promotes its first version to production. */
export async function registerModel(
  t: TestApp,
  tenant: Tenant,
  body: { kind: string; family: string; projectId?: string },
  bytes: Uint8Array,
  stage: 'production' | 'staging' | 'draft' = 'production',
): Promise<string> {
  const slug = `m-${Math.random().toString(36).slice(2, 10)}`;
  const created = await http(t)
    .post(`${orgBase(tenant)}/models`)
    .set(tenant.admin.auth)
    .send({ name: slug, slug, ...body });
  expect(created.status).toBe(201);
  const id = created.body.id as string;
  const uploaded = await http(t)
    .post(`${orgBase(tenant)}/models/${id}/versions`)
    .set(tenant.admin.auth)
    .set('content-type', 'application/octet-stream')
    .send(Buffer.from(bytes));
  expect(uploaded.status).toBe(201);
  if (stage !== 'draft') {
    for (const next of stage === 'production' ? ['staging', 'production'] : ['staging']) {
      const moved = await http(t)
        .patch(`${orgBase(tenant)}/models/${id}/versions/1`)
        .set(tenant.admin.auth)
        .send({ stage: next });
      expect(moved.status).toBe(200);
    }
  }
  return id;
}

/** The real UltraFace detector, a generated ArcFace-shaped recognizer and a generated InSwapper (paints faces green). */
export async function setupFusionModels(
  t: TestApp,
  tenant: Tenant,
  options: { slowness?: number; projectId?: string } = {},
): Promise<FusionModels> {
  const fixtures = ensureRealFixtures();
  const detectorId = await registerModel(
    t,
    tenant,
    { kind: 'face_detector', family: 'ultraface' },
    readFileSync(fixtures.ultraface.path),
  );
  const recognizerId = await registerModel(
    t,
    tenant,
    { kind: 'face_recognizer', family: 'arcface' },
    buildArcFaceModel(0.03),
  );
  const swapperId = await registerModel(
    t,
    tenant,
    { kind: 'face_swapper', family: 'inswapper', ...(options.projectId ? { projectId: options.projectId } : {}) },
    buildInswapperModel({ kind: 'colour', rgb: [0, 1, 0] }, undefined, { slowness: options.slowness }),
  );
  return { swapperId, detectorId, recognizerId };
}

export function photos() {
  const fixtures = ensureRealFixtures();
  return {
    group: readFileSync(fixtures.photos.sample1), // three faces, 1920×1280
    portrait: readFileSync(fixtures.photos.sample2),
    other: readFileSync(fixtures.photos.sample3),
  };
}

export interface FuseInput {
  sources?: Buffer[];
  target?: Buffer;
  /** Declared media type of the target part (default image/jpeg). */
  targetType?: string;
  /** File name of the target part (default target.jpg). */
  targetName?: string;
  options?: Record<string, unknown> | string;
  idempotencyKey?: string;
  query?: string;
}

export function fuse(t: TestApp, tenant: Tenant, role: BuiltInRoleName, modelId: string, input: FuseInput = {}) {
  const p = photos();
  let req = http(t)
    .post(`${orgBase(tenant)}/models/${modelId}/fuse${input.query ?? ''}`)
    .set(tenant[role].auth);
  if (input.idempotencyKey) req = req.set('idempotency-key', input.idempotencyKey);
  for (const [i, source] of (input.sources ?? [p.portrait]).entries()) {
    req = req.attach('source', source, { filename: `source-${i}.jpg`, contentType: 'image/jpeg' });
  }
  if (input.target !== undefined || !('target' in input)) {
    req = req.attach('target', input.target ?? p.group, {
      filename: input.targetName ?? 'target.jpg',
      contentType: input.targetType ?? 'image/jpeg',
    });
  }
  if (input.options !== undefined) {
    req = req.field('options', typeof input.options === 'string' ? input.options : JSON.stringify(input.options));
  }
  return req;
}

export interface JobBody {
  id: string;
  status: string;
  position: number;
  error: { code: string; detail: string } | null;
  result: {
    sha256: string;
    size: number;
    format: string;
    width: number;
    height: number;
    watermark: 'embedded' | 'none';
    watermarkReason: string | null;
  } | null;
  faces: Array<{ box: { x1: number; y1: number; x2: number; y2: number }; swapped: boolean }> | null;
  attempt: number;
  cancelRequested: boolean;
  links: { self: string; events: string; result: string };
}

export async function getJob(t: TestApp, tenant: Tenant, role: BuiltInRoleName, jobId: string): Promise<JobBody> {
  const res = await http(t)
    .get(`${orgBase(tenant)}/jobs/${jobId}`)
    .set(tenant[role].auth);
  expect(res.status).toBe(200);
  return res.body as JobBody;
}

/** Polls a job until its status is one of `statuses` (a hang guard, not a timing check). */
export async function waitForJob(
  t: TestApp,
  tenant: Tenant,
  role: BuiltInRoleName,
  jobId: string,
  statuses: string[] = ['completed', 'failed', 'cancelled'],
  timeoutMs = 90_000,
): Promise<JobBody> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const job = await getJob(t, tenant, role, jobId);
    if (statuses.includes(job.status)) return job;
    if (Date.now() > deadline) throw new Error(`job ${jobId} still ${job.status}: ${JSON.stringify(job)}`);
    await new Promise((r) => setTimeout(r, 150));
  }
}

export function binary(res: request.Test) {
  return res.buffer(true).parse((response, done) => {
    const chunks: Buffer[] = [];
    response.on('data', (c: Buffer) => chunks.push(c));
    response.on('end', () => done(null, Buffer.concat(chunks)));
  });
}

/** Audit events of one job in the organization's trail. */
export async function jobAuditActions(t: TestApp, tenant: Tenant, jobId: string): Promise<string[]> {
  const rows = await t.env.db.query<{ action: string }>(
    `SELECT action FROM audit_event WHERE organization_id = $1 AND resource_id = $2 ORDER BY seq`,
    [tenant.orgId, jobId],
  );
  return rows.rows.map((r) => r.action);
}
