import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm, utimes, writeFile } from 'node:fs/promises';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { AppConfig } from '#libs/config';
import { WorkerTemp } from './worker-temp.js';

/**
 * The worker's temporary folders on the real filesystem: one per process under DATA_DIR/tmp,
 * removed at shutdown; at start, folders a killed worker left (old, its process gone) are swept,
 * while those of live workers and recent ones stay.
 */
describe('WorkerTemp', () => {
  let dataDir: string;
  const host = hostname().replace(/[^A-Za-z0-9.]/g, '_');
  const hourAgo = (Date.now() - 2 * 3_600_000) / 1000;

  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'fg-worker-temp-'));
  });
  afterAll(() => rm(dataDir, { recursive: true, force: true }));

  async function folder(name: string, old: boolean): Promise<string> {
    const path = join(dataDir, 'tmp', name);
    await mkdir(join(path, 'segment-x'), { recursive: true });
    await writeFile(join(path, 'segment-x', 'target'), 'video bytes');
    if (old) await utimes(path, hourAgo, hourAgo);
    return path;
  }

  it('keeps its files under one folder of this process and removes it at shutdown', async () => {
    const temp = new WorkerTemp({ dataDir } as AppConfig);
    const dir = await temp.dir('segment-');
    expect(dir.startsWith(join(dataDir, 'tmp', `video-${host}-${process.pid}`))).toBe(true);
    await writeFile(join(dir, 'part.mp4'), 'x');
    await temp.onModuleDestroy();
    expect(existsSync(temp.root)).toBe(false);
  });

  it('sweeps old folders of dead processes only', async () => {
    // A process id that no longer runs: a child that has exited.
    const deadPid = spawnSync(process.execPath, ['-e', '0']).pid!;
    const killed = await folder(`video-${host}-${deadPid}`, true);
    const recent = await folder(`video-${host}-${deadPid}0`, false);
    const live = await folder(`video-${host}-${process.ppid}`, true);
    const other = await folder('unrelated', true);
    const temp = new WorkerTemp({ dataDir } as AppConfig);
    expect(await temp.sweep()).toEqual([killed]);
    expect(existsSync(killed)).toBe(false);
    for (const kept of [recent, live, other]) expect(existsSync(kept)).toBe(true);
  });
});
