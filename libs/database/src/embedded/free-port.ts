import { randomInt } from 'node:crypto';
import { createServer } from 'node:net';

/** Below Linux's default ephemeral range (32768–60999), so outgoing connections never hold it. */
const RANGE = { from: 20_000, to: 32_000 };

function tryListen(port: number): Promise<number | undefined> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(undefined));
    server.listen(port, '127.0.0.1', () => {
      const { port: bound } = server.address() as { port: number };
      server.close(() => resolve(bound));
    });
  });
}

/**
 * A loopback TCP port that was free a moment ago, for a service started right after (embedded
 * Redis, tests, benches). Picked at random outside the ephemeral range: a port the kernel hands
 * out for outgoing connections could be taken again before the service binds it.
 */
export async function freePort(): Promise<number> {
  for (let attempt = 0; attempt < 50; attempt++) {
    const port = await tryListen(randomInt(RANGE.from, RANGE.to));
    if (port) return port;
  }
  const port = await tryListen(0);
  if (!port) throw new Error('No free loopback port');
  return port;
}
