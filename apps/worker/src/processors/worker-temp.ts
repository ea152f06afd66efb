import { mkdir, mkdtemp, readdir, rm, stat } from 'node:fs/promises';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { Injectable, Logger, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { AppConfig } from '#libs/config';

/** Stale folders of another host are removed after this long (their process cannot be checked). */
const FOREIGN_STALE_MS = 24 * 3_600_000;

/**
 * The worker's temporary files (local copies of videos, fused segments, assemblies) under one
 * folder of this process, `<DATA_DIR>/tmp/video-<host>-<pid>`, removed at shutdown. A worker that
 * was killed (SIGKILL, OOM) cannot remove its own: at start, each worker sweeps the folders older
 * than `staleMs` whose process is no longer alive on this host (another host's after a day).
 */
@Injectable()
export class WorkerTemp implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger('WorkerTemp');
  private readonly host = hostname().replace(/[^A-Za-z0-9.]/g, '_');
  readonly parent: string;
  readonly root: string;
  private ready?: Promise<void>;

  constructor(config: AppConfig) {
    this.parent = join(config.dataDir, 'tmp');
    this.root = join(this.parent, `video-${this.host}-${process.pid}`);
  }

  /** A new empty folder under this process's folder. */
  async dir(prefix: string): Promise<string> {
    this.ready ??= mkdir(this.root, { recursive: true }).then(() => undefined);
    await this.ready;
    return mkdtemp(join(this.root, prefix));
  }

  /** Removes what killed workers left behind; returns the folders removed. */
  async sweep(staleMs = 3_600_000, now = Date.now()): Promise<string[]> {
    const removed: string[] = [];
    const entries = await readdir(this.parent).catch(() => [] as string[]);
    for (const name of entries) {
      const match = /^video-(.+)-(\d+)$/.exec(name);
      if (!match) continue;
      const path = join(this.parent, name);
      if (path === this.root) continue;
      const [, host, pid] = match;
      const age = now - ((await stat(path).catch(() => null))?.mtimeMs ?? now);
      const stale = host === this.host ? age > staleMs && !alive(Number(pid)) : age > FOREIGN_STALE_MS;
      if (!stale) continue;
      await rm(path, { recursive: true, force: true });
      removed.push(path);
    }
    if (removed.length) this.logger.log(`removed ${removed.length} temporary folder(s) of stopped workers`);
    return removed;
  }

  async onApplicationBootstrap(): Promise<void> {
    await this.sweep().catch((error: Error) => this.logger.warn(`sweeping temporary folders failed: ${error.message}`));
  }

  async onModuleDestroy(): Promise<void> {
    await rm(this.root, { recursive: true, force: true });
  }
}

/** Whether a process of this host runs with that id (signal 0 checks without sending). */
function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
