import type { Server, Socket } from 'node:net';
import ipaddr from 'ipaddr.js';

/** Fastify's (proxy-addr's) names for address ranges accepted in TRUST_PROXY. */
const NAMED_RANGES: Record<string, string[]> = {
  loopback: ['127.0.0.1/8', '::1/128'],
  linklocal: ['169.254.0.0/16', 'fe80::/10'],
  uniquelocal: ['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16', 'fc00::/7'],
};

/**
 * Whether a direct peer is a proxy that TRUST_PROXY trusts: `true` or a hop count trusts every
 * peer; a list trusts the addresses, CIDRs and named ranges it gives.
 */
export function trustedPeer(trustProxy: boolean | number | string[]): (address: string) => boolean {
  if (trustProxy === true || typeof trustProxy === 'number') return () => true;
  if (trustProxy === false || trustProxy.length === 0) return () => false;
  const ranges = trustProxy
    .flatMap((entry) => NAMED_RANGES[entry] ?? [entry])
    .flatMap((entry) => {
      try {
        return [
          entry.includes('/')
            ? ipaddr.parseCIDR(entry)
            : ipaddr.parseCIDR(`${entry}/${ipaddr.parse(entry).kind() === 'ipv4' ? 32 : 128}`),
        ];
      } catch {
        return [];
      }
    });
  return (address) => {
    if (!ipaddr.isValid(address)) return false;
    const parsed = ipaddr.process(address);
    return ranges.some((range) => parsed.kind() === range[0].kind() && parsed.match(range));
  };
}

/**
 * Caps the open connections of one peer address: beyond `max`, a new connection is destroyed at
 * once, so one client cannot hold thousands of sockets (slow bodies, idle keep-alives). Proxies
 * that TRUST_PROXY names are exempt: every client behind them shares their address, and the
 * proxy is where per-client limits belong.
 */
export function capConnectionsPerAddress(server: Server, max: number, exempt: (address: string) => boolean): void {
  if (max <= 0) return;
  const open = new Map<string, number>();
  server.on('connection', (socket: Socket) => {
    const address = socket.remoteAddress;
    if (!address || exempt(address)) return;
    const count = (open.get(address) ?? 0) + 1;
    if (count > max) {
      socket.destroy();
      return;
    }
    open.set(address, count);
    socket.once('close', () => {
      const left = (open.get(address) ?? 1) - 1;
      if (left <= 0) open.delete(address);
      else open.set(address, left);
    });
  });
}
