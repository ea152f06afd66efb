import { mkdtemp, open, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import onnxProto from 'onnx-proto';
import { OnnxSkeletonError, readOnnxSkeleton } from './onnx-skeleton.js';

const { onnx } = onnxProto;
const FLOAT = onnx.TensorProto.DataType.FLOAT;

const bytesOf = (n: number, seed: number) => Uint8Array.from({ length: n }, (_, i) => (i * 31 + seed) & 0xff);

/** A model with payloads in every place a tensor can sit: initializers, sparse ones, Constant attributes, subgraphs, functions. */
function richModel(): onnxProto.onnx.ModelProto {
  const weights = onnx.TensorProto.create({ name: 'w', dims: [4, 8], dataType: FLOAT, rawData: bytesOf(128, 1) });
  const floats = onnx.TensorProto.create({ name: 'f', dims: [5], dataType: FLOAT, floatData: [1, 2, 3, 4, 5] });
  const ints = onnx.TensorProto.create({
    name: 'i',
    dims: [3],
    dataType: onnx.TensorProto.DataType.INT64,
    int64Data: [7, 8, 9],
  });
  const constant = onnx.NodeProto.create({
    opType: 'Constant',
    output: ['c'],
    attribute: [
      onnx.AttributeProto.create({
        name: 'value',
        type: onnx.AttributeProto.AttributeType.TENSOR,
        t: onnx.TensorProto.create({ dims: [2], dataType: FLOAT, rawData: bytesOf(8, 2) }),
      }),
    ],
  });
  const subgraph = onnx.GraphProto.create({
    name: 'then',
    node: [onnx.NodeProto.create({ opType: 'Identity', input: ['w2'], output: ['o2'] })],
    initializer: [onnx.TensorProto.create({ name: 'w2', dims: [3], dataType: FLOAT, doubleData: [1, 2, 3] })],
    output: [onnx.ValueInfoProto.create({ name: 'o2' })],
  });
  return onnx.ModelProto.create({
    irVersion: 8,
    producerName: 'skeleton-spec',
    opsetImport: [onnx.OperatorSetIdProto.create({ domain: '', version: 13 })],
    graph: onnx.GraphProto.create({
      name: 'g',
      node: [
        constant,
        onnx.NodeProto.create({
          opType: 'If',
          input: ['cond'],
          output: ['y'],
          attribute: [
            onnx.AttributeProto.create({
              name: 'then_branch',
              type: onnx.AttributeProto.AttributeType.GRAPH,
              g: subgraph,
            }),
          ],
        }),
      ],
      initializer: [floats, ints, weights],
      sparseInitializer: [
        onnx.SparseTensorProto.create({
          values: onnx.TensorProto.create({ name: 's', dims: [2], dataType: FLOAT, rawData: bytesOf(8, 3) }),
          indices: onnx.TensorProto.create({ dims: [2], dataType: onnx.TensorProto.DataType.INT64, int64Data: [0, 3] }),
          dims: [4],
        }),
      ],
      input: [onnx.ValueInfoProto.create({ name: 'cond' })],
      output: [onnx.ValueInfoProto.create({ name: 'y' })],
    }),
    functions: [
      onnx.FunctionProto.create({
        name: 'fn',
        domain: 'local',
        node: [
          onnx.NodeProto.create({
            opType: 'Constant',
            output: ['k'],
            attribute: [
              onnx.AttributeProto.create({
                name: 'value',
                type: onnx.AttributeProto.AttributeType.TENSOR,
                t: onnx.TensorProto.create({ dims: [1], dataType: FLOAT, floatData: [0.5] }),
              }),
            ],
          }),
        ],
      }),
    ],
  });
}

/** The same model with every tensor payload cleared, as plain JSON. */
function withoutPayloads(model: onnxProto.onnx.ModelProto): unknown {
  const json = JSON.stringify(model.toJSON(), (key, value) =>
    ['rawData', 'floatData', 'int32Data', 'stringData', 'int64Data', 'doubleData', 'uint64Data'].includes(key)
      ? undefined
      : value,
  );
  return JSON.parse(json);
}

let dir: string;
let counter = 0;

async function skeletonOf(bytes: Uint8Array, options = { maxSkeletonBytes: 1 << 20, chunkBytes: 7 }) {
  const path = join(dir, `s${counter++}.onnx`);
  await writeFile(path, bytes);
  const file = await open(path, 'r');
  try {
    return await readOnnxSkeleton(file, bytes.length, options);
  } finally {
    await file.close();
  }
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'fg-skeleton-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('ONNX skeleton', () => {
  it('keeps everything but the tensor payloads, wherever the tensors sit', async () => {
    const model = richModel();
    const encoded = onnx.ModelProto.encode(model).finish();
    const skeleton = await skeletonOf(encoded);

    expect(withoutPayloads(onnx.ModelProto.decode(skeleton.bytes))).toEqual(withoutPayloads(model));
    expect(skeleton.bytes.length).toBeLessThan(encoded.length - 128);
    expect(skeleton.dropped.map((t) => t.name)).toEqual(['', 'w2', 'f', 'i', 'w', 's', '', '']);
    expect(skeleton.droppedBytes).toBe(skeleton.dropped.reduce((sum, t) => sum + t.payloadBytes, 0));
    // What the skeleton saves is the payloads, plus a byte or two where a length prefix got shorter.
    const saved = encoded.length - skeleton.bytes.length;
    expect(saved - skeleton.droppedBytes).toBeGreaterThanOrEqual(0);
    expect(saved - skeleton.droppedBytes).toBeLessThan(8);
  });

  it('records where each raw_data payload lies in the file', async () => {
    const encoded = onnx.ModelProto.encode(richModel()).finish();
    const skeleton = await skeletonOf(encoded);
    const w = skeleton.dropped.find((t) => t.name === 'w');
    expect(w?.rawData?.length).toBe(128);
    const { offset, length } = w?.rawData ?? { offset: 0, length: 0 };
    expect(Buffer.from(encoded.subarray(offset, offset + length))).toEqual(Buffer.from(bytesOf(128, 1)));
  });

  it('returns a model without payloads unchanged', async () => {
    const model = richModel();
    model.graph = onnx.GraphProto.create({ name: 'bare', node: [onnx.NodeProto.create({ opType: 'Identity' })] });
    model.functions = [];
    const encoded = onnx.ModelProto.encode(model).finish();
    const skeleton = await skeletonOf(encoded);
    expect(Buffer.from(skeleton.bytes)).toEqual(Buffer.from(encoded));
    expect(skeleton.dropped).toEqual([]);
  });

  it('reports a cut inside a payload as truncated and broken nesting as invalid', async () => {
    const encoded = onnx.ModelProto.encode(richModel()).finish();
    const skeleton = await skeletonOf(encoded);
    const w = skeleton.dropped.find((t) => t.name === 'w')?.rawData ?? { offset: 0, length: 0 };
    await expect(skeletonOf(encoded.slice(0, w.offset + 60))).rejects.toMatchObject({ code: 'onnx_truncated' });
    await expect(skeletonOf(encoded.slice(0, encoded.length - 1))).rejects.toMatchObject({ code: 'onnx_truncated' });

    // A graph (field 7) holding a node (field 1) that claims more bytes than the graph has.
    const broken = Uint8Array.from([0x08, 0x08, 0x3a, 0x03, 0x0a, 0x05, 0x00, 0x42, 0x02, 0x08, 0x0d]);
    await expect(skeletonOf(broken)).rejects.toMatchObject({ code: 'onnx_invalid' });
    await expect(skeletonOf(Uint8Array.from([0x0b, 0x00]))).rejects.toBeInstanceOf(OnnxSkeletonError);
  });

  it('refuses a graph larger than the limit', async () => {
    const model = richModel();
    model.docString = 'x'.repeat(4096);
    const encoded = onnx.ModelProto.encode(model).finish();
    await expect(skeletonOf(encoded, { maxSkeletonBytes: 2048, chunkBytes: 1024 })).rejects.toMatchObject({
      code: 'onnx_validation_resources',
    });
  });
});
