import ipaddr from 'ipaddr.js';

/**
 * A recurring time window: ISO weekdays (1 = Monday … 7 = Sunday), `from` inclusive and `to`
 * exclusive as `HH:MM` local time in an IANA timezone. A window whose `to` is not after `from`
 * crosses midnight (22:00–06:00) and is attributed to the weekday on which it starts.
 */
export interface TimeWindow {
  days: number[];
  from: string;
  to: string;
  timezone: string;
}

/** Conditions on the request (who asks, from where, when, how authenticated). */
export interface ContextConditions {
  /** Source address must (`in`) or must not (`notIn`) fall in one of these CIDR ranges (IPv4 or IPv6). */
  sourceIp?: { in?: string[]; notIn?: string[] };
  /** Current time must be inside one of `within`, or outside every window of `outside`. */
  time?: { within?: TimeWindow[]; outside?: TimeWindow[] };
  /** Whether the request's credentials included a second factor. */
  mfa?: boolean;
}

/** Conditions on the model a rule applies to; they become CASL conditions on the row. */
export interface ResourceConditions {
  modelIds?: string[];
  projectIds?: string[];
  /** Stage of the version acted on (draft, staging, production, archived). */
  stages?: string[];
  /** Any of these labels. */
  labels?: string[];
}

export type PolicyConditions = ContextConditions & ResourceConditions;

export interface RequestFacts {
  ip?: string;
  now: Date;
  mfa: boolean;
}

type ParsedRange = [ipaddr.IPv4 | ipaddr.IPv6, number];
const rangeCache = new Map<string, ParsedRange | null>();

function parseRange(cidr: string): ParsedRange | null {
  let parsed = rangeCache.get(cidr);
  if (parsed === undefined) {
    try {
      const [address, bits] = ipaddr.parseCIDR(cidr);
      // A v4-mapped IPv6 range (::ffff:10.0.0.0/104) is compared as the IPv4 range it denotes.
      parsed =
        address.kind() === 'ipv6' && (address as ipaddr.IPv6).isIPv4MappedAddress() && bits >= 96
          ? [(address as ipaddr.IPv6).toIPv4Address(), bits - 96]
          : [address, bits];
    } catch {
      parsed = null;
    }
    if (rangeCache.size > 10_000) rangeCache.clear();
    rangeCache.set(cidr, parsed);
  }
  return parsed;
}

/** True for a well-formed CIDR range such as `10.0.0.0/8` or `2001:db8::/32`. */
export function isValidCidr(cidr: string): boolean {
  return typeof cidr === 'string' && cidr.includes('/') && parseRange(cidr) !== null;
}

/**
 * The address a source string denotes, or null when it denotes none. Proxies and socket layers
 * hand over more than a bare address: a port (`203.0.113.5:443`, `[2001:db8::1]:443`), a zone
 * (`fe80::1%eth0`), an IPv4-mapped IPv6 form (`::ffff:203.0.113.5`); each is reduced to the
 * address itself, IPv4-mapped ones to IPv4, so a range written for the address matches it.
 */
export function parseSourceIp(raw: string | undefined | null): ipaddr.IPv4 | ipaddr.IPv6 | null {
  // One request's address is read by every condition that names addresses: parse it once.
  if (raw === lastSource.raw) return lastSource.parsed;
  const parsed = readSourceIp(raw);
  lastSource = { raw, parsed };
  return parsed;
}

let lastSource: { raw: string | undefined | null; parsed: ipaddr.IPv4 | ipaddr.IPv6 | null } = {
  raw: undefined,
  parsed: null,
};

function readSourceIp(raw: string | undefined | null): ipaddr.IPv4 | ipaddr.IPv6 | null {
  if (typeof raw !== 'string') return null;
  let text = raw.trim();
  if (!text || text.length > 100) return null;
  const port = (p: string | undefined) => p === undefined || Number(p) <= 65_535;
  const bracketed = /^\[([^\]]+)\](?::(\d{1,5}))?$/.exec(text);
  const v4WithPort = /^([\d.]+):(\d{1,5})$/.exec(text);
  if (bracketed) {
    if (!port(bracketed[2])) return null;
    text = bracketed[1];
  } else if (v4WithPort) {
    if (!port(v4WithPort[2])) return null;
    text = v4WithPort[1];
  }
  const zone = text.indexOf('%');
  if (zone >= 0) text = text.slice(0, zone);
  if (!ipaddr.isValid(text)) return null;
  // Only the four-part dotted form is an IPv4 address here (ipaddr also reads `10.1` or `0x0a…`).
  if (!text.includes(':') && !ipaddr.IPv4.isValidFourPartDecimal(text)) return null;
  return ipaddr.process(text);
}

/** Whether `ip` lies in one of `ranges`; an unknown or malformed address lies in none. */
export function ipInRanges(ip: string | undefined, ranges: readonly string[]): boolean {
  const address = parseSourceIp(ip);
  if (!address) return false;
  return ranges.some((cidr) => {
    const range = parseRange(cidr);
    return range !== null && address.kind() === range[0].kind() && address.match(range);
  });
}

const formatters = new Map<string, Intl.DateTimeFormat>();
const WEEKDAYS: Record<string, number> = { Mon: 1, Tue: 2, Wed: 3, Thu: 4, Fri: 5, Sat: 6, Sun: 7 };

function formatter(timezone: string): Intl.DateTimeFormat {
  let f = formatters.get(timezone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone: timezone,
      weekday: 'short',
      hour: '2-digit',
      minute: '2-digit',
      hourCycle: 'h23',
    });
    formatters.set(timezone, f);
  }
  return f;
}

/** True for an IANA timezone name the runtime knows (e.g. `Asia/Shanghai`). */
export function isValidTimezone(timezone: string): boolean {
  try {
    formatter(timezone);
    return true;
  } catch {
    return false;
  }
}

const HHMM = /^([01]\d|2[0-3]):([0-5]\d)$/;
/** True for `HH:MM` on a 24-hour clock (`24:00` is accepted as the end of the day). */
export function isValidClock(value: string): boolean {
  return value === '24:00' || HHMM.test(value);
}

const minutesOf = (clock: string): number => Number(clock.slice(0, 2)) * 60 + Number(clock.slice(3, 5));

/** Local weekday (1–7) and minute of the day of `now` in `timezone`. */
export function localTime(now: Date, timezone: string): { weekday: number; minutes: number } {
  const parts = formatter(timezone).formatToParts(now);
  const get = (type: string) => parts.find((p) => p.type === type)?.value ?? '';
  return { weekday: WEEKDAYS[get('weekday')] ?? 0, minutes: Number(get('hour')) * 60 + Number(get('minute')) };
}

export function inTimeWindow(now: Date, window: TimeWindow): boolean {
  const { weekday, minutes } = localTime(now, window.timezone);
  const from = minutesOf(window.from);
  const to = minutesOf(window.to);
  if (from < to) return window.days.includes(weekday) && minutes >= from && minutes < to;
  // Crosses midnight: the early-morning part belongs to the previous day's window.
  const previous = weekday === 1 ? 7 : weekday - 1;
  return (window.days.includes(weekday) && minutes >= from) || (window.days.includes(previous) && minutes < to);
}

/**
 * Whether the request satisfies every context condition given (an empty set always holds). A
 * source address that cannot be read fails closed: source conditions of a deny rule hold for it
 * (it is denied wherever a rule names addresses), those of an allow rule do not.
 */
export function contextHolds(
  conditions: ContextConditions | undefined,
  facts: RequestFacts,
  effect: 'allow' | 'deny' = 'allow',
): boolean {
  if (!conditions) return true;
  const { sourceIp, time, mfa } = conditions;
  if (sourceIp && (sourceIp.in || sourceIp.notIn)) {
    if (parseSourceIp(facts.ip) === null) {
      if (effect === 'allow') return false;
    } else {
      if (sourceIp.in && !ipInRanges(facts.ip, sourceIp.in)) return false;
      if (sourceIp.notIn && ipInRanges(facts.ip, sourceIp.notIn)) return false;
    }
  }
  if (time?.within && !time.within.some((w) => inTimeWindow(facts.now, w))) return false;
  if (time?.outside && time.outside.some((w) => inTimeWindow(facts.now, w))) return false;
  if (mfa !== undefined && facts.mfa !== mfa) return false;
  return true;
}

/** Whether the conditions read the request at all (otherwise a rule built from them is static). */
export function hasContextConditions(conditions: ContextConditions | undefined): boolean {
  return (
    !!conditions && (conditions.sourceIp !== undefined || conditions.time !== undefined || conditions.mfa !== undefined)
  );
}
