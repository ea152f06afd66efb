import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import onnxProto from 'onnx-proto';
import request from 'supertest';
import { buildArcFaceModel } from '../fixtures/onnx/face-models.js';
import { createTestApp, type TestApp } from '../support/app.js';
import { createTenant, type Tenant } from '../support/tenant.js';

// Finding 12: a crafted file made the validator write a 1,000,077-character rejection reason,
// stored and returned by every listing. Reasons are now a short summary (at most 500 characters).
const { onnx } = onnxProto;
const MAX_REASON = 500;

let t: TestApp;
let a: Tenant;

beforeAll(async () => {
  t = await createTestApp();
  a = await createTenant(t);
});
afterAll(async () => {
  await t?.close();
});

describe('rejection reasons', () => {
  it('stay a short summary when the file would make the message huge', async () => {
    // An ArcFace-shaped model whose input has a one-million-character name and the wrong element
    // type: the signature check names the input in its reason.
    const model = onnx.ModelProto.decode(buildArcFaceModel());
    const graph = model.graph as onnxProto.onnx.GraphProto;
    const hugeName = 'n'.repeat(1_000_000);
    const input = graph.input[0] as onnxProto.onnx.ValueInfoProto;
    const nodeUsingInput = graph.node.find((n) => n.input?.includes(input.name)) as onnxProto.onnx.NodeProto;
    nodeUsingInput.input = nodeUsingInput.input.map((name) => (name === input.name ? hugeName : name));
    input.name = hugeName;
    (input.type as onnxProto.onnx.TypeProto).tensorType!.elemType = onnx.TensorProto.DataType.INT64;
    const bytes = onnx.ModelProto.encode(model).finish();

    const created = await request(t.app.getHttpServer())
      .post(`/api/v1/orgs/${a.orgId}/models`)
      .set(a.developer.auth)
      .send({ name: 'arc', slug: 'arc', kind: 'face_recognizer', family: 'arcface' });
    const versions = `/api/v1/orgs/${a.orgId}/models/${created.body.id}/versions`;
    const res = await request(t.app.getHttpServer())
      .post(versions)
      .set(a.developer.auth)
      .set('content-type', 'application/octet-stream')
      .send(Buffer.from(bytes));
    expect(res.status).toBe(422);
    expect(res.body.code).toBe('onnx_signature_mismatch');
    // Lengths first: a failure then prints a number, not a megabyte.
    expect(res.body.detail.length).toBeLessThanOrEqual(MAX_REASON);
    expect(res.body.detail).toMatch(/^Not a valid arcface model: input "n+…" has element type int64, expected float/);

    const list = await request(t.app.getHttpServer()).get(versions).set(a.guest.auth);
    expect(list.status).toBe(200);
    expect(list.body.items).toHaveLength(1);
    expect(list.body.items[0].rejectionReason.length).toBeLessThanOrEqual(MAX_REASON);
    expect(list.body.items[0]).toMatchObject({ status: 'rejected', rejectionCode: 'onnx_signature_mismatch' });
    expect(JSON.stringify(list.body).length).toBeLessThan(5_000);
  });
});
