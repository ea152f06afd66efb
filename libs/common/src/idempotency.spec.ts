import { jsonFingerprint, readIdempotencyKey } from './idempotency.js';

describe('jsonFingerprint', () => {
  it('is the same for the same fields in any order, and differs for any other value', () => {
    const a = { name: 'Trailer', slug: 'trailer', tags: ['x', { b: 1, a: 2 }] };
    const b = { tags: ['x', { a: 2, b: 1 }], slug: 'trailer', name: 'Trailer' };
    expect(jsonFingerprint(a)).toBe(jsonFingerprint(b));
    for (const other of [
      { ...a, name: 'Teaser' },
      { ...a, tags: [{ b: 1, a: 2 }, 'x'] },
      { ...a, extra: null },
      null,
      [],
    ]) {
      expect(jsonFingerprint(other)).not.toBe(jsonFingerprint(a));
    }
  });
});

describe('readIdempotencyKey', () => {
  it('takes 1–255 visible ASCII characters and refuses anything else as idempotency_key_invalid', () => {
    expect(readIdempotencyKey(undefined)).toBeUndefined();
    expect(readIdempotencyKey('2d60abc6-3951-40e2-8a1c-35264572b90e')).toBe('2d60abc6-3951-40e2-8a1c-35264572b90e');
    for (const bad of ['', 'two words', 'x'.repeat(256), 'tab\there', 'é', ['a', 'b']]) {
      expect(() => readIdempotencyKey(bad)).toThrow(expect.objectContaining({ code: 'idempotency_key_invalid' }));
    }
  });
});
