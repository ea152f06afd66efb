import { describe, expect, it } from '@jest/globals';
import { tensorPayloadProblem, type TensorFacts } from './tensor-payload.js';

const FLOAT = 1;
const INT64 = 7;
const STRING = 8;
const COMPLEX64 = 14;
const INT4 = 22;

function facts(overrides: Partial<TensorFacts>): TensorFacts {
  return {
    name: 'w',
    dataType: FLOAT,
    dims: [],
    rank: overrides.dims?.length ?? 0,
    rawBytes: null,
    floatCount: 0,
    int32Count: 0,
    stringCount: 0,
    int64Count: 0,
    doubleCount: 0,
    uint64Count: 0,
    external: false,
    segmented: false,
    ...overrides,
  };
}

describe('tensorPayloadProblem', () => {
  it.each<[string, Partial<TensorFacts>]>([
    ['raw floats matching dims', { dims: [4, 512], rawBytes: 8192 }],
    ['a scalar', { dims: [], rawBytes: 4 }],
    ['an empty tensor', { dims: [0, 3] }],
    ['typed floats', { dims: [3], floatCount: 3 }],
    ['complex64 as float pairs', { dataType: COMPLEX64, dims: [2], floatCount: 4 }],
    ['strings', { dataType: STRING, dims: [2], stringCount: 2 }],
    ['int4 packed two per byte', { dataType: INT4, dims: [5], rawBytes: 3 }],
    ['external data (checked elsewhere)', { dims: [1000], external: true }],
  ])('accepts %s', (_what, overrides) => {
    expect(tensorPayloadProblem(facts(overrides))).toBeNull();
  });

  it.each<[string, Partial<TensorFacts>, RegExp]>([
    ['raw bytes short of dims', { dims: [8, 512], rawBytes: 8192 }, /16384 bytes\) but stores 8192 bytes/],
    ['a negative dimension (two’s complement on the wire)', { dims: [2 ** 64 - 4, 512] }, /negative dimension/],
    ['an absurd product', { dims: [2 ** 31, 2 ** 31, 2 ** 31] }, /more than 2\^53 elements/],
    ['too many dimensions', { dims: Array(64).fill(1), rank: 65 }, /more than 64 dimensions/],
    ['typed values of the wrong count', { dataType: INT64, dims: [4], int64Count: 2 }, /stores 2 value/],
    ['values in a field the type does not use', { dims: [3], doubleCount: 3 }, /stores 0 value/],
    ['no data at all', { dims: [2, 2] }, /declares 4 element\(s\) but stores 0/],
    ['an unknown element type', { dataType: 99, dims: [1], rawBytes: 1 }, /unknown element type 99/],
    ['strings as raw bytes', { dataType: STRING, dims: [1], rawBytes: 5 }, /strings as raw bytes/],
  ])('refuses %s', (_what, overrides, reason) => {
    expect(tensorPayloadProblem(facts(overrides))).toMatch(reason);
  });

  it('bounds the tensor name it quotes', () => {
    const problem = tensorPayloadProblem(facts({ name: 'x'.repeat(100_000), dims: [2], rawBytes: 4 }));
    expect(problem!.length).toBeLessThan(200);
  });
});
