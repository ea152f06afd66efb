import { TestEnvironment } from 'jest-environment-node';

/**
 * onnxruntime-node creates output tensors with the host realm's typed-array constructors,
 * so `instanceof Float32Array` fails inside Jest's sandbox. Sharing the host constructors
 * with the test global makes tensors behave as they do in production.
 */
const SHARED = [
  'ArrayBuffer',
  'SharedArrayBuffer',
  'DataView',
  'Int8Array',
  'Uint8Array',
  'Uint8ClampedArray',
  'Int16Array',
  'Uint16Array',
  'Int32Array',
  'Uint32Array',
  'Float32Array',
  'Float64Array',
  'BigInt64Array',
  'BigUint64Array',
  'Buffer',
];

export default class NodeRealmEnvironment extends TestEnvironment {
  constructor(config, context) {
    super(config, context);
    for (const name of SHARED) {
      if (globalThis[name]) this.global[name] = globalThis[name];
    }
  }
}
