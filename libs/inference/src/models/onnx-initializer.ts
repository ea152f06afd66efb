import onnxProto from 'onnx-proto';

const { onnx } = onnxProto;

/** A dense float tensor read from an ONNX file. */
export interface InitializerTensor {
  name: string;
  dims: number[];
  data: Float32Array;
}

/**
 * Reads the last initializer of an ONNX graph as float32. InSwapper stores its embedding map
 * ("emap", 512×512) there; FaceFusion reads it the same way (`model.graph.initializer[-1]`).
 */
export function readLastInitializer(modelBytes: Uint8Array): InitializerTensor {
  const model = onnx.ModelProto.decode(modelBytes);
  const initializers = model.graph?.initializer ?? [];
  const tensor = initializers[initializers.length - 1];
  if (!tensor) throw new Error('the graph has no initializers');
  const dims = (tensor.dims ?? []).map(Number);
  const count = dims.reduce((a, b) => a * b, 1);
  const type = tensor.dataType ?? 0;
  let data: Float32Array;
  const raw = tensor.rawData && tensor.rawData.length > 0 ? tensor.rawData : null;
  if (type === onnx.TensorProto.DataType.FLOAT) {
    if (raw) {
      data = new Float32Array(count);
      new Uint8Array(data.buffer).set(raw.subarray(0, count * 4));
    } else {
      data = Float32Array.from(tensor.floatData ?? []);
    }
  } else if (type === onnx.TensorProto.DataType.FLOAT16) {
    data = new Float32Array(count);
    if (raw) {
      const view = new DataView(raw.buffer, raw.byteOffset, raw.byteLength);
      for (let i = 0; i < count; i++) data[i] = halfToFloat(view.getUint16(i * 2, true));
    } else {
      const halves = tensor.int32Data ?? [];
      for (let i = 0; i < count; i++) data[i] = halfToFloat(halves[i]);
    }
  } else {
    throw new Error(`the last initializer has data type ${type}, expected float or float16`);
  }
  if (data.length !== count) throw new Error(`the last initializer holds ${data.length} values, expected ${count}`);
  return { name: tensor.name ?? '', dims, data };
}

function halfToFloat(h: number): number {
  const sign = h & 0x8000 ? -1 : 1;
  const exponent = (h >> 10) & 0x1f;
  const fraction = h & 0x3ff;
  if (exponent === 0) return sign * 2 ** -14 * (fraction / 1024);
  if (exponent === 31) return fraction ? NaN : sign * Infinity;
  return sign * 2 ** (exponent - 15) * (1 + fraction / 1024);
}
