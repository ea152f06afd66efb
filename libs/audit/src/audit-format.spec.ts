import { canonicalJson, chainHash, GENESIS_HASH } from './canonical.js';
import { csvCell, jsonLine } from './audit-query.service.js';
import { redactDetails } from './redact.js';
import { withinHours } from './alerts/alert-rules.js';

describe('canonical JSON and chain hash', () => {
  it('does not depend on key order and drops undefined members', () => {
    expect(canonicalJson({ b: 1, a: { d: [1, { z: 1, y: 2 }], c: undefined } })).toBe(
      '{"a":{"d":[1,{"y":2,"z":1}]},"b":1}',
    );
  });

  it('changes when any field or the previous hash changes', () => {
    const content = {
      organizationId: null,
      seq: 1,
      occurredAt: new Date('2026-01-01T00:00:00Z'),
      actorType: 'user',
      actorId: 'u',
      actorUserId: null,
      actorLabel: null,
      action: 'a',
      resourceType: null,
      resourceId: null,
      outcome: 'allowed',
      ip: null,
      userAgent: null,
      requestId: null,
      details: { x: 1 },
    };
    const h = chainHash(GENESIS_HASH, content);
    expect(h).toMatch(/^[0-9a-f]{64}$/);
    expect(chainHash(GENESIS_HASH, { ...content, details: { x: 2 } })).not.toBe(h);
    expect(chainHash('1'.repeat(64), content)).not.toBe(h);
  });
});

describe('redaction', () => {
  it('replaces secret-looking keys at any depth and cleans what PostgreSQL cannot store', () => {
    expect(
      redactDetails({
        Password: 'p',
        nested: [{ totp: '123456', apiKey: 'k', access_token: 't', clientSecret: 's' }],
        name: `a${String.fromCharCode(0)}b\uD800`,
      }),
    ).toEqual({
      Password: '[redacted]',
      nested: [{ totp: '[redacted]', apiKey: '[redacted]', access_token: '[redacted]', clientSecret: '[redacted]' }],
      name: 'a\uFFFDb\uFFFD',
    });
  });
});

describe('export formats', () => {
  it('neutralises CSV formulas and keeps every cell on one line', () => {
    expect(csvCell('=1+2')).toBe(`"'=1+2"`);
    expect(csvCell('@SUM(A1)')).toBe(`"'@SUM(A1)"`);
    expect(csvCell('a"b\r\nc')).toBe('"a""b\\nc"');
    expect(csvCell(-3)).toBe('"-3"');
  });

  it('writes one JSON line per value even with Unicode line separators', () => {
    expect(jsonLine({ s: 'a\u2028b\nc' })).toBe('{"s":"a\\u2028b\\nc"}\n');
  });
});

describe('usual hours', () => {
  it('handles windows that wrap midnight', () => {
    expect(withinHours(8, { start: 7, end: 20 })).toBe(true);
    expect(withinHours(21, { start: 7, end: 20 })).toBe(false);
    expect(withinHours(23, { start: 22, end: 6 })).toBe(true);
    expect(withinHours(12, { start: 22, end: 6 })).toBe(false);
  });
});
