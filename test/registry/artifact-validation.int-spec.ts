import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import onnxProto from 'onnx-proto';
import { validateArtifact } from '#libs/model-registry';
import type { ModelFamily } from '#libs/model-registry';
import {
  buildArcFaceModel,
  buildHyperswapModel,
  buildInswapperModel,
  buildScrfdModel,
  buildUltraFaceModel,
  buildYoloFaceModel,
  buildYunetModel,
} from '../fixtures/onnx/face-models.js';
import {
  buildCustomOpModel,
  buildExternalDataModel,
  pickleBytes,
  torchZipBytes,
  truncate,
} from './fixtures/invalid-models.js';

const limits = { timeoutMs: 20_000, maxHeapMb: 256 };
let dir: string;
let counter = 0;

async function validate(bytes: Uint8Array, family: ModelFamily) {
  const path = join(dir, `m${counter++}.onnx`);
  await writeFile(path, bytes);
  return validateArtifact(path, family, limits);
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'fg-validate-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('artifact validation', () => {
  it.each<[ModelFamily, () => Uint8Array]>([
    ['inswapper', () => buildInswapperModel()],
    ['hyperswap', () => buildHyperswapModel()],
    ['arcface', () => buildArcFaceModel()],
    ['ultraface', () => buildUltraFaceModel([])],
    ['scrfd', () => buildScrfdModel([])],
    ['retinaface', () => buildScrfdModel([])],
    ['yoloface', () => buildYoloFaceModel([])],
    ['yunet', () => buildYunetModel([])],
  ])('accepts a well-formed %s model and reports its signature and opset', async (family, build) => {
    const outcome = await validate(build(), family);
    expect(outcome.ok).toBe(true);
    if (!outcome.ok) return;
    expect(outcome.summary.opset).toBe(13);
    expect(outcome.summary.signature.inputs.length).toBeGreaterThan(0);
  });

  it('stores the inswapper I/O signature', async () => {
    const outcome = await validate(buildInswapperModel(), 'inswapper');
    expect(outcome).toMatchObject({
      ok: true,
      summary: {
        signature: {
          inputs: expect.arrayContaining([
            { name: 'target', type: 'float', dims: [1, 3, 128, 128] },
            { name: 'source', type: 'float', dims: [1, 512] },
          ]),
          outputs: [expect.objectContaining({ type: 'float', dims: [1, 3, 128, 128] })],
        },
      },
    });
  });

  it.each([
    ['a relative path escaping the model folder', '../../../etc/passwd', /path traversal/],
    ['an absolute path', '/etc/shadow', /path traversal/],
    ['a plain side file', 'weights.bin', /external file "weights\.bin"/],
  ])('refuses external data at %s', async (_what, location, reason) => {
    const outcome = await validate(buildExternalDataModel(location), 'arcface');
    expect(outcome).toMatchObject({ ok: false, rejection: { code: 'onnx_external_data', reason } });
  });

  it('refuses a custom operator domain', async () => {
    const outcome = await validate(buildCustomOpModel('com.example.evil'), 'arcface');
    expect(outcome).toMatchObject({
      ok: false,
      rejection: { code: 'onnx_custom_operator', reason: expect.stringContaining('com.example.evil') },
    });
  });

  it.each([0.5, 0.9, 0.999])('refuses a file truncated to %p of its length', async (fraction) => {
    const outcome = await validate(truncate(buildInswapperModel(), fraction), 'inswapper');
    expect(outcome).toMatchObject({ ok: false, rejection: { code: 'onnx_truncated' } });
  });

  it('refuses pickles and PyTorch checkpoints', async () => {
    await expect(validate(pickleBytes(), 'inswapper')).resolves.toMatchObject({
      ok: false,
      rejection: { code: 'artifact_pickle' },
    });
    await expect(validate(torchZipBytes(), 'inswapper')).resolves.toMatchObject({
      ok: false,
      rejection: { code: 'artifact_zip' },
    });
  });

  it('refuses random bytes and an empty file', async () => {
    const outcome = await validate(Buffer.from('this is not a model at all, just some text'), 'arcface');
    expect(outcome.ok).toBe(false);
    await expect(validate(new Uint8Array(0), 'arcface')).resolves.toMatchObject({
      ok: false,
      rejection: { code: 'artifact_empty' },
    });
  });

  it.each<[ModelFamily, () => Uint8Array, RegExp]>([
    ['inswapper', () => buildArcFaceModel(), /1 input\(s\), a inswapper model has 2/],
    ['arcface', () => buildHyperswapModel(), /2 input\(s\)/],
    ['hyperswap', () => buildInswapperModel(), /input "target" has shape \[1,3,128,128\], expected \[1,3,256,256\]/],
    ['ultraface', () => buildArcFaceModel(), /shape \[1,3,112,112\], expected \[1,3,240,320\]/],
    ['yunet', () => buildScrfdModel([]), /9 output\(s\)/],
  ])('refuses a model whose I/O does not fit the %s family', async (family, build, reason) => {
    const outcome = await validate(build(), family);
    expect(outcome).toMatchObject({ ok: false, rejection: { code: 'onnx_signature_mismatch', reason } });
  });

  it('gives up on inspection that exceeds its time limit', async () => {
    const path = join(dir, 'slow.onnx');
    await writeFile(path, buildInswapperModel());
    const outcome = await validateArtifact(path, 'inswapper', { timeoutMs: 1, maxHeapMb: 256 });
    expect(outcome).toMatchObject({ ok: false, rejection: { code: 'onnx_validation_timeout' } });
  });
});

/** An inswapper model that also carries `rawBytes` of raw_data weights and `floats` float_data values. */
function withWeights(rawBytes: number, floats: number): Uint8Array {
  const model = onnxProto.onnx.ModelProto.decode(buildInswapperModel());
  const graph = model.graph as onnxProto.onnx.GraphProto;
  const FLOAT = onnxProto.onnx.TensorProto.DataType.FLOAT;
  // Ahead of the emap, which the inference engine expects to stay the last initializer.
  graph.initializer.unshift(
    onnxProto.onnx.TensorProto.create({
      name: 'raw_weights',
      dims: [rawBytes / 4],
      dataType: FLOAT,
      rawData: Buffer.alloc(rawBytes, 0x3f),
    }),
    onnxProto.onnx.TensorProto.create({
      name: 'float_weights',
      dims: [floats],
      dataType: FLOAT,
      floatData: Array.from({ length: floats }, (_, i) => i / 7),
    }),
  );
  return onnxProto.onnx.ModelProto.encode(model).finish();
}

describe('artifact validation limits', () => {
  it('validates a model whose weights exceed the worker heap limit, without reading them', async () => {
    const bytes = withWeights(48 * 1024 * 1024, 2_000_000);
    const path = join(dir, 'heavy.onnx');
    await writeFile(path, bytes);
    const outcome = await validateArtifact(path, 'inswapper', { timeoutMs: 30_000, maxHeapMb: 16 });
    expect(outcome).toMatchObject({
      ok: true,
      summary: {
        opset: 13,
        signature: { inputs: expect.arrayContaining([expect.objectContaining({ name: 'source' })]) },
      },
    });
    if (!outcome.ok) return;
    expect(outcome.summary.weightBytes).toBeGreaterThan(48 * 1024 * 1024 + 8_000_000);
    expect(outcome.summary.weightBytes).toBeLessThan(bytes.length);
  });

  it('refuses a file cut in the middle of a large raw_data payload as truncated', async () => {
    const bytes = withWeights(32 * 1024 * 1024, 0);
    const cut = Buffer.from(bytes).indexOf(Buffer.alloc(64, 0x3f)) + 16 * 1024 * 1024;
    const path = join(dir, 'cut.onnx');
    await writeFile(path, bytes.subarray(0, cut));
    const outcome = await validateArtifact(path, 'inswapper', { timeoutMs: 30_000, maxHeapMb: 16 });
    expect(outcome).toMatchObject({ ok: false, rejection: { code: 'onnx_truncated' } });
  });

  it('refuses a model whose graph alone needs more memory than allowed', async () => {
    // 100k nodes take under 3 MB on disk but far more than a 16 MB heap once decoded.
    const model = onnxProto.onnx.ModelProto.decode(buildArcFaceModel());
    const graph = model.graph as onnxProto.onnx.GraphProto;
    for (let i = 0; i < 100_000; i++) {
      graph.node.push(onnxProto.onnx.NodeProto.create({ opType: 'Identity', input: [`a${i}`], output: [`b${i}`] }));
    }
    const path = join(dir, 'wide.onnx');
    await writeFile(path, onnxProto.onnx.ModelProto.encode(model).finish());
    const outcome = await validateArtifact(path, 'arcface', { timeoutMs: 30_000, maxHeapMb: 16 });
    expect(outcome).toMatchObject({
      ok: false,
      rejection: { code: 'onnx_validation_resources', reason: expect.stringContaining('16 MB') },
    });
  });

  it('refuses a model whose graph is larger than the heap limit allows to decode', async () => {
    const model = onnxProto.onnx.ModelProto.decode(buildArcFaceModel());
    model.docString = 'x'.repeat(6 * 1024 * 1024);
    const path = join(dir, 'verbose.onnx');
    await writeFile(path, onnxProto.onnx.ModelProto.encode(model).finish());
    const outcome = await validateArtifact(path, 'arcface', { timeoutMs: 30_000, maxHeapMb: 16 });
    expect(outcome).toMatchObject({ ok: false, rejection: { code: 'onnx_validation_resources' } });
  });
});
