import { describe, expect, it } from '@jest/globals';
import { jsonNestingExceeds } from './json-depth.js';

describe('jsonNestingExceeds', () => {
  it('counts objects and arrays, not brackets inside strings', () => {
    expect(jsonNestingExceeds('{"a":[{"b":1}]}', 3)).toBe(false);
    expect(jsonNestingExceeds('{"a":[{"b":[1]}]}', 3)).toBe(true);
    expect(jsonNestingExceeds(JSON.stringify({ s: '[[[[[[{{{{{{' }), 1)).toBe(false);
    expect(jsonNestingExceeds(JSON.stringify({ s: 'quote \\" then [[[[' }), 1)).toBe(false);
  });

  it('finds the excess in a huge nested body', () => {
    const deep = '['.repeat(400_000) + ']'.repeat(400_000);
    expect(jsonNestingExceeds(deep, 32)).toBe(true);
    expect(jsonNestingExceeds('[' + '1,'.repeat(400_000) + '1]', 1)).toBe(false);
  });
});
