import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import onnxProto from 'onnx-proto';
import request from 'supertest';
import { buildArcFaceModel, buildInswapperModel } from '../fixtures/onnx/face-models.js';
import { createTestApp, type TestApp } from '../support/app.js';
import { createTenant, type Tenant } from '../support/tenant.js';

// Finding 11: the validator marked as `ready` a model whose initializer dims contradict its data,
// which onnxruntime then refuses to load. Declared element counts are now checked against the
// stored bytes and values, dims are bounded, and small models are loaded once in onnxruntime.
const { onnx } = onnxProto;

let t: TestApp;
let a: Tenant;
let versionsPath: string;

/** The ArcFace fixture with its `weights` initializer ([4, 512] floats) edited by `change`. */
function arcFaceWith(change: (weights: onnxProto.onnx.TensorProto, graph: onnxProto.onnx.GraphProto) => void) {
  const model = onnx.ModelProto.decode(buildArcFaceModel());
  const graph = model.graph as onnxProto.onnx.GraphProto;
  change(graph.initializer.find((i) => i.name === 'weights') as onnxProto.onnx.TensorProto, graph);
  return onnx.ModelProto.encode(model).finish();
}

function upload(bytes: Uint8Array) {
  return request(t.app.getHttpServer())
    .post(versionsPath)
    .set(a.developer.auth)
    .set('content-type', 'application/octet-stream')
    .send(Buffer.from(bytes));
}

beforeAll(async () => {
  t = await createTestApp();
  a = await createTenant(t);
  const created = await request(t.app.getHttpServer())
    .post(`/api/v1/orgs/${a.orgId}/models`)
    .set(a.developer.auth)
    .send({ name: 'arc', slug: 'arc', kind: 'face_recognizer', family: 'arcface' });
  expect(created.status).toBe(201);
  versionsPath = `/api/v1/orgs/${a.orgId}/models/${created.body.id}/versions`;
});
afterAll(async () => {
  await t?.close();
});

describe('tensors whose declared shape contradicts their data', () => {
  it.each<[string, (w: onnxProto.onnx.TensorProto, g: onnxProto.onnx.GraphProto) => void, RegExp]>([
    [
      'dims larger than raw_data',
      (w) => (w.dims = [8, 512]),
      /declares 4096 element\(s\) \(16384 bytes\) but stores 8192 bytes/,
    ],
    ['dims smaller than raw_data', (w) => (w.dims = [4, 256]), /but stores 8192 bytes/],
    ['a negative dimension', (w) => (w.dims = [-4, -512]), /negative dimension/],
    ['an absurd element count', (w) => (w.dims = [2 ** 31, 2 ** 31, 2 ** 31]), /more than 2\^53 elements/],
    [
      'float_data with fewer values than dims',
      (w) => {
        w.rawData = new Uint8Array(0);
        w.floatData = [1, 2, 3];
      },
      /declares 2048 element\(s\) but stores 3 value\(s\)/,
    ],
    [
      'an int64 tensor with int64_data of the wrong count',
      (_w, g) =>
        g.initializer.push(
          onnx.TensorProto.create({
            name: 'shape',
            dims: [4],
            dataType: onnx.TensorProto.DataType.INT64,
            int64Data: [1, 2],
          }),
        ),
      /"shape" declares 4 element\(s\) but stores 2 value\(s\)/,
    ],
  ])('refuses %s with 422 onnx_tensor_inconsistent', async (_what, change, reason) => {
    const res = await upload(arcFaceWith(change));
    expect(res.status).toBe(422);
    expect(res.body.code).toBe('onnx_tensor_inconsistent');
    expect(res.body.detail).toMatch(reason);
    const version = await request(t.app.getHttpServer())
      .get(`${versionsPath}/${res.body.version}`)
      .set(a.developer.auth);
    expect(version.body).toMatchObject({ status: 'rejected', rejectionCode: 'onnx_tensor_inconsistent' });
  });

  it('refuses a model onnxruntime cannot load although its structure reads well', async () => {
    const model = onnx.ModelProto.decode(buildInswapperModel());
    const graph = model.graph as onnxProto.onnx.GraphProto;
    (graph.node[0] as onnxProto.onnx.NodeProto).opType = 'NoSuchOperator';
    const created = await request(t.app.getHttpServer())
      .post(`/api/v1/orgs/${a.orgId}/models`)
      .set(a.developer.auth)
      .send({ name: 'swap', slug: 'swap', kind: 'face_swapper', family: 'inswapper' });
    const res = await request(t.app.getHttpServer())
      .post(`/api/v1/orgs/${a.orgId}/models/${created.body.id}/versions`)
      .set(a.developer.auth)
      .set('content-type', 'application/octet-stream')
      .send(Buffer.from(onnx.ModelProto.encode(model).finish()));
    expect(res.status).toBe(422);
    expect(res.body.code).toBe('onnx_runtime_refused');
    expect(res.body.detail).toContain('NoSuchOperator');
    expect(res.body.detail).not.toContain(t.config.dataDir);
  });

  it('still accepts the consistent model, which onnxruntime loads', async () => {
    const res = await upload(buildArcFaceModel());
    expect(res.status).toBe(201);
    expect(res.body.status).toBe('ready');
  });
});
