import { decodeCursor, encodeCursor } from './pagination.js';

const shape = { t: 'timestamp', id: 'uuid' } as const;

describe('decodeCursor', () => {
  it('returns what encodeCursor wrote', () => {
    const value = { t: new Date().toISOString(), id: '2d60abc6-3951-40e2-8a1c-35264572b90e' };
    expect(decodeCursor(encodeCursor(value), shape)).toEqual(value);
    expect(decodeCursor(encodeCursor({ s: 42 }), { s: 'seq' })).toEqual({ s: 42 });
  });

  it('refuses forged values of the right JSON type as cursor_invalid', () => {
    const forged = [
      { t: 'not-a-date', id: '2d60abc6-3951-40e2-8a1c-35264572b90e' },
      { t: '2026-01-01T00:00:00.000Z', id: 'not-a-uuid' },
      { t: '2026-13-45T99:99:99.000Z', id: '2d60abc6-3951-40e2-8a1c-35264572b90e' },
    ];
    for (const value of forged) {
      expect(() => decodeCursor(encodeCursor(value), shape)).toThrow(
        expect.objectContaining({ code: 'cursor_invalid' }),
      );
    }
    for (const s of [-1, 1.5, Number.MAX_SAFE_INTEGER + 2]) {
      expect(() => decodeCursor(encodeCursor({ s }), { s: 'seq' })).toThrow(
        expect.objectContaining({ code: 'cursor_invalid' }),
      );
    }
    const infinity = Buffer.from('{"s":1e400}').toString('base64url');
    expect(() => decodeCursor(infinity, { s: 'seq' })).toThrow(expect.objectContaining({ status: 400 }));
  });

  it('refuses cursors that are not JSON objects', () => {
    for (const text of ['garbage', 'null', '[]', '"x"', '{"a":']) {
      expect(() => decodeCursor(Buffer.from(text).toString('base64url'), ['a'])).toThrow(
        expect.objectContaining({ code: 'cursor_invalid' }),
      );
    }
  });
});
