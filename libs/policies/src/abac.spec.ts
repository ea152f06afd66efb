import {
  contextHolds,
  inTimeWindow,
  ipInRanges,
  isValidCidr,
  isValidTimezone,
  localTime,
  parseSourceIp,
} from './abac.js';

describe('source IP ranges', () => {
  it('matches IPv4 and IPv6 CIDR ranges', () => {
    expect(ipInRanges('10.20.30.40', ['10.0.0.0/8'])).toBe(true);
    expect(ipInRanges('11.0.0.1', ['10.0.0.0/8'])).toBe(false);
    expect(ipInRanges('2001:db8::1', ['2001:db8::/32'])).toBe(true);
    expect(ipInRanges('2001:db9::1', ['2001:db8::/32'])).toBe(false);
  });

  it('treats IPv4-mapped IPv6 addresses and ranges as IPv4', () => {
    expect(ipInRanges('::ffff:10.1.2.3', ['10.0.0.0/8'])).toBe(true);
    expect(ipInRanges('10.1.2.3', ['::ffff:10.0.0.0/104'])).toBe(true);
  });

  it('never matches an unknown or malformed address, nor an IPv4 address against an IPv6 range', () => {
    expect(ipInRanges(undefined, ['0.0.0.0/0'])).toBe(false);
    expect(ipInRanges('not-an-ip', ['0.0.0.0/0'])).toBe(false);
    expect(ipInRanges('10.0.0.1', ['::/0'])).toBe(false);
  });

  it('reads the address out of forms proxies hand over: port, brackets, zone, IPv4-mapped', () => {
    expect(parseSourceIp('203.0.113.5:443')?.toString()).toBe('203.0.113.5');
    expect(parseSourceIp('[::ffff:203.0.113.5]:443')?.toString()).toBe('203.0.113.5');
    expect(parseSourceIp('[2001:db8::1]')?.toString()).toBe('2001:db8::1');
    expect(parseSourceIp('fe80::1%eth0')?.toString()).toBe('fe80::1');
    expect(parseSourceIp(' 198.51.100.7 ')?.toString()).toBe('198.51.100.7');
    for (const bad of ['unknown', '', '203.5', '0x7f.1', '203.0.113.5:99999', undefined]) {
      expect(parseSourceIp(bad)).toBeNull();
    }
  });

  it('fails closed on an unreadable address: deny rules naming addresses hold, allow rules do not', () => {
    const facts = { ip: 'unknown', now: new Date(), mfa: false };
    expect(contextHolds({ sourceIp: { in: ['203.0.113.0/24'] } }, facts, 'deny')).toBe(true);
    expect(contextHolds({ sourceIp: { notIn: ['203.0.113.0/24'] } }, facts, 'deny')).toBe(true);
    expect(contextHolds({ sourceIp: { in: ['0.0.0.0/0'] } }, facts, 'allow')).toBe(false);
    expect(contextHolds({ sourceIp: { notIn: ['203.0.113.0/24'] } }, facts, 'allow')).toBe(false);
  });

  it('validates CIDR notation', () => {
    expect(isValidCidr('10.0.0.0/8')).toBe(true);
    expect(isValidCidr('2001:db8::/32')).toBe(true);
    expect(isValidCidr('10.0.0.0')).toBe(false);
    expect(isValidCidr('10.0.0.0/33')).toBe(false);
  });
});

describe('time windows', () => {
  const office = { days: [1, 2, 3, 4, 5], from: '09:00', to: '18:00', timezone: 'Asia/Shanghai' };

  it('reads the local weekday and time in the window timezone', () => {
    // 2025-01-06 is a Monday; 01:30 UTC is 09:30 in Shanghai (UTC+8).
    expect(localTime(new Date('2025-01-06T01:30:00Z'), 'Asia/Shanghai')).toEqual({ weekday: 1, minutes: 9 * 60 + 30 });
  });

  it('Monday–Friday 09:00–18:00 Asia/Shanghai', () => {
    expect(inTimeWindow(new Date('2025-01-06T01:00:00Z'), office)).toBe(true); // Mon 09:00 local, inclusive
    expect(inTimeWindow(new Date('2025-01-06T00:59:00Z'), office)).toBe(false); // Mon 08:59
    expect(inTimeWindow(new Date('2025-01-06T10:00:00Z'), office)).toBe(false); // Mon 18:00, exclusive
    expect(inTimeWindow(new Date('2025-01-10T09:59:00Z'), office)).toBe(true); // Fri 17:59
    // Saturday 10:00 in Shanghai is still Friday in UTC: the local weekday decides.
    expect(inTimeWindow(new Date('2025-01-11T02:00:00Z'), office)).toBe(false);
    // Sunday 23:30 UTC is Monday 07:30 in Shanghai: not yet open.
    expect(inTimeWindow(new Date('2025-01-05T23:30:00Z'), office)).toBe(false);
  });

  it('handles windows that cross midnight, attributed to the starting day', () => {
    const night = { days: [5], from: '22:00', to: '06:00', timezone: 'UTC' };
    expect(inTimeWindow(new Date('2025-01-10T23:00:00Z'), night)).toBe(true); // Fri 23:00
    expect(inTimeWindow(new Date('2025-01-11T05:00:00Z'), night)).toBe(true); // Sat 05:00
    expect(inTimeWindow(new Date('2025-01-12T05:00:00Z'), night)).toBe(false); // Sun 05:00
  });

  it('validates timezones', () => {
    expect(isValidTimezone('Asia/Shanghai')).toBe(true);
    expect(isValidTimezone('Mars/Olympus')).toBe(false);
  });
});

describe('context conditions', () => {
  const facts = { ip: '10.1.1.1', now: new Date('2025-01-06T02:00:00Z'), mfa: false };

  it('holds only when every condition holds', () => {
    expect(contextHolds({}, facts)).toBe(true);
    expect(contextHolds({ sourceIp: { in: ['10.0.0.0/8'] } }, facts)).toBe(true);
    expect(contextHolds({ sourceIp: { notIn: ['10.0.0.0/8'] } }, facts)).toBe(false);
    expect(contextHolds({ mfa: false }, facts)).toBe(true);
    expect(contextHolds({ mfa: true }, facts)).toBe(false);
    expect(contextHolds({ sourceIp: { in: ['10.0.0.0/8'] }, mfa: true }, facts)).toBe(false);
    const office = { days: [1, 2, 3, 4, 5], from: '09:00', to: '18:00', timezone: 'Asia/Shanghai' };
    expect(contextHolds({ time: { within: [office] } }, facts)).toBe(true);
    expect(contextHolds({ time: { outside: [office] } }, facts)).toBe(false);
  });
});
