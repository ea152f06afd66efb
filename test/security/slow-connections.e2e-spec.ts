import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { AddressInfo } from 'node:net';
import { connect, type Socket } from 'node:net';
import { FAST_AUTH_ENV } from '../auth/support.js';
import { createTestApp, createTestEnvironment, type TestApp, type TestEnvironment } from '../support/app.js';

// Issue 11 finding 9: there was no request or body timeout, so slow-body clients held sockets
// forever (17.6k held in the attack run). Requests now have to arrive within
// HTTP_REQUEST_TIMEOUT_MS, and one address may hold at most HTTP_MAX_CONNECTIONS_PER_IP sockets.

const CAP = 5;
let env: TestEnvironment;
let timed: TestApp;
let capped: TestApp;
/** Every socket a test opened, destroyed at the end whatever happened. */
const sockets: Socket[] = [];

async function listen(app: TestApp): Promise<number> {
  await app.app.listen({ port: 0, host: '127.0.0.1' });
  return (app.app.getHttpServer().address() as AddressInfo).port;
}

/** A raw TCP connection from `localAddress`; resolves once connected. */
function open(port: number, localAddress = '127.0.0.1'): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = connect({ port, host: '127.0.0.1', localAddress });
    sockets.push(socket);
    socket.once('connect', () => resolve(socket));
    socket.once('error', reject);
  });
}

/** Everything the server sends until it closes the connection. */
function untilClosed(socket: Socket): Promise<string> {
  return new Promise((resolve) => {
    let received = '';
    socket.on('data', (chunk: Buffer) => (received += chunk.toString('latin1')));
    socket.on('error', () => undefined);
    socket.once('close', () => resolve(received));
  });
}

/** One GET over a fresh connection from `localAddress`; resolves with the status line. */
async function get(port: number, path: string, localAddress: string): Promise<string> {
  const socket = await open(port, localAddress);
  const answer = untilClosed(socket);
  socket.write(`GET ${path} HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n`);
  return (await answer).split('\r\n')[0];
}

beforeAll(async () => {
  env = await createTestEnvironment();
  timed = await createTestApp({ environment: env, env: { ...FAST_AUTH_ENV, HTTP_REQUEST_TIMEOUT_MS: '1000' } });
  capped = await createTestApp({
    environment: env,
    env: { ...FAST_AUTH_ENV, HTTP_MAX_CONNECTIONS_PER_IP: String(CAP) },
  });
});
afterAll(async () => {
  for (const socket of sockets) socket.destroy();
  await timed?.close();
  await capped?.close();
  await env?.close();
});

describe('slow and piled-up connections are cut off', () => {
  it('a client that never finishes its body is disconnected after the request timeout', async () => {
    const port = await listen(timed);
    const socket = await open(port);
    const answer = untilClosed(socket);
    socket.write(
      'POST /api/v1/auth/login HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\nContent-Length: 200\r\n\r\n{"email":',
    );
    const received = await answer;
    expect(received === '' || received.startsWith('HTTP/1.1 408')).toBe(true);
    // The server itself still answers.
    expect(await get(port, '/health/live', '127.0.0.1')).toBe('HTTP/1.1 200 OK');
  }, 60_000);

  it('connections beyond the per-address cap are closed; another address is still served', async () => {
    const port = await listen(capped);
    const held = await Promise.all(Array.from({ length: CAP }, () => open(port)));
    const extra = await open(port);
    const extraAnswer = untilClosed(extra);
    extra.write('GET /health/live HTTP/1.1\r\nHost: localhost\r\n\r\n');
    expect(await extraAnswer).toBe('');

    expect(await get(port, '/health/live', '127.0.0.2')).toBe('HTTP/1.1 200 OK');

    // Closing one of the held sockets makes room again for that address.
    const closed = untilClosed(held[0]);
    held[0].destroy();
    await closed;
    // The server sees the close a moment after the client does.
    let status = '';
    for (let i = 0; i < 100 && status !== 'HTTP/1.1 200 OK'; i++) {
      status = await get(port, '/health/live', '127.0.0.1');
      if (status !== 'HTTP/1.1 200 OK') await new Promise((resolve) => setTimeout(resolve, 20));
    }
    expect(status).toBe('HTTP/1.1 200 OK');
    for (const socket of held) socket.destroy();
  }, 60_000);
});
