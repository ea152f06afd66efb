import { createHash, randomBytes } from 'node:crypto';
import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import S3rver from 's3rver';
import { BlobNotFoundError, BlobTooLargeError, DigestStream, type BlobStore } from './blob-store.js';
import { LocalBlobStore } from './local-blob-store.js';
import { S3BlobStore } from './s3-blob-store.js';

const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');

async function readAll(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

/** Streams `data` in small chunks so that hashing really happens across many writes. */
const chunked = (data: Buffer) =>
  Readable.from(
    (function* () {
      for (let i = 0; i < data.length; i += 7919) yield data.subarray(i, i + 7919);
    })(),
  );

interface Harness {
  store: BlobStore;
  workDir: string;
  close(): Promise<void>;
}

const drivers: [string, () => Promise<Harness>][] = [
  [
    'local',
    async () => {
      const workDir = await mkdtemp(join(tmpdir(), 'fg-blobs-'));
      return {
        store: new LocalBlobStore(join(workDir, 'blobs')),
        workDir,
        close: () => rm(workDir, { recursive: true, force: true }),
      };
    },
  ],
  [
    's3',
    async () => {
      const workDir = await mkdtemp(join(tmpdir(), 'fg-s3-'));
      const server = new S3rver({
        port: 0,
        address: '127.0.0.1',
        silent: true,
        directory: join(workDir, 'server'),
        configureBuckets: [{ name: 'fusiongate-test', configs: [] }],
      });
      const { port } = (await server.run()) as { port: number };
      const store = new S3BlobStore({
        endpoint: `http://127.0.0.1:${port}`,
        bucket: 'fusiongate-test',
        region: 'us-east-1',
        accessKeyId: 'S3RVER',
        secretAccessKey: 'S3RVER',
        tmpDir: join(workDir, 'tmp'),
      });
      return {
        store,
        workDir,
        async close() {
          store.client.destroy();
          await server.close();
          await rm(workDir, { recursive: true, force: true });
        },
      };
    },
  ],
];

describe.each(drivers)('%s blob store', (_name, make) => {
  let h: Harness;
  beforeAll(async () => {
    h = await make();
  });
  afterAll(async () => {
    await h.close();
  });

  it('stores a stream under its SHA-256 and reads the same bytes back', async () => {
    const data = randomBytes(300_000);
    const put = await h.store.put(chunked(data));
    expect(put).toEqual({ sha256: sha(data), size: data.length, created: true });
    expect(await h.store.exists(put.sha256)).toBe(true);
    expect(await h.store.stat(put.sha256)).toEqual({ sha256: sha(data), size: data.length });
    const back = await readAll(await h.store.get(put.sha256));
    expect(sha(back)).toBe(sha(data));
  });

  it('stores the same bytes once', async () => {
    const data = randomBytes(10_000);
    const first = await h.store.put(Readable.from([data]));
    const second = await h.store.put(Readable.from([Buffer.from(data)]));
    expect(first.created).toBe(true);
    expect(second).toEqual({ sha256: first.sha256, size: data.length, created: false });
  });

  it('moves an already hashed file into place and removes it', async () => {
    const data = randomBytes(4096);
    const file = join(h.workDir, `upload-${randomBytes(4).toString('hex')}`);
    await writeFile(file, data);
    const put = await h.store.putFile(file, { sha256: sha(data), size: data.length });
    expect(put.created).toBe(true);
    expect(await readdir(h.workDir)).not.toContain(file.split('/').pop());
    expect(sha(await readAll(await h.store.get(put.sha256)))).toBe(sha(data));
  });

  it('deletes, and reports a missing blob as not found', async () => {
    const put = await h.store.put(Readable.from([randomBytes(100)]));
    await h.store.delete(put.sha256);
    expect(await h.store.exists(put.sha256)).toBe(false);
    await expect(h.store.get(put.sha256)).rejects.toBeInstanceOf(BlobNotFoundError);
    await expect(h.store.delete(put.sha256)).resolves.toBeUndefined();
  });

  it('refuses anything but a hex digest as a blob name', async () => {
    await expect(h.store.get('../../etc/passwd')).rejects.toThrow(/digest/);
    await expect(h.store.exists('A'.repeat(64))).rejects.toThrow(/digest/);
  });
});

describe('DigestStream', () => {
  it('fails as soon as the limit is passed', async () => {
    const stream = Readable.from([randomBytes(600), randomBytes(600)]).pipe(new DigestStream(1000));
    await expect(readAll(stream)).rejects.toBeInstanceOf(BlobTooLargeError);
  });
});
