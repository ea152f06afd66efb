import { Inject, Injectable } from '@nestjs/common';
import type { Redis } from 'ioredis';
import { REDIS } from '#libs/database';
import { JobEvents } from '../job-events.js';

/** Seconds a video job's frame counters are kept after their last update. */
const COUNTERS_TTL_S = 3_600;
/** Least time between two progress events of one segment. */
const PUBLISH_EVERY_MS = 250;

/**
 * Frame progress of a video job across the worker processes fusing its segments: each segment
 * writes its own count of frames done into one Redis hash per job, and every update publishes
 * the sum with the frames per second since the first segment started and the time left at that
 * rate. A segment fused again after a crash starts its count over, so the sum never counts a
 * frame twice.
 */
@Injectable()
export class VideoProgress {
  private readonly lastSent = new Map<string, number>();

  constructor(
    @Inject(REDIS) private readonly redis: Redis,
    private readonly events: JobEvents,
  ) {}

  private key(jobId: string): string {
    return `video-frames:${jobId}`;
  }

  /** Records `done` frames of segment `index` and publishes the job's progress (throttled unless `force`). */
  async report(jobId: string, index: number, done: number, totalFrames: number, force = false): Promise<void> {
    const slot = `${jobId}:${index}`;
    const now = Date.now();
    if (!force && now - (this.lastSent.get(slot) ?? 0) < PUBLISH_EVERY_MS) return;
    this.lastSent.set(slot, now);
    try {
      const key = this.key(jobId);
      const results = await this.redis
        .multi()
        .hsetnx(key, 'started', String(now))
        .hset(key, `s${index}`, String(done))
        .expire(key, COUNTERS_TTL_S)
        .hgetall(key)
        .exec();
      const all = (results?.[3]?.[1] ?? {}) as Record<string, string>;
      const started = Number(all.started ?? now);
      const frames = Object.entries(all)
        .filter(([field]) => field.startsWith('s'))
        .reduce((sum, [, value]) => sum + Number(value), 0);
      const seconds = (now - started) / 1000;
      const fps = seconds > 0 ? frames / seconds : 0;
      const left = Math.max(0, totalFrames - frames);
      await this.events.publish({
        type: 'progress',
        jobId,
        stage: 'frames',
        percent: totalFrames > 0 ? Math.min(1, frames / totalFrames) : 0,
        frames: { done: Math.min(frames, totalFrames), total: totalFrames },
        fps: Math.round(fps * 100) / 100,
        ...(fps > 0 ? { etaSeconds: Math.round((left / fps) * 10) / 10 } : {}),
      });
    } catch {
      // Progress is advisory: the rows hold the truth.
    }
    if (done === 0 || force) this.lastSent.delete(slot);
  }

  /** Forgets a finished or cancelled job's counters. */
  async clear(jobId: string): Promise<void> {
    await this.redis.del(this.key(jobId)).catch(() => undefined);
  }
}
