import { Inject, Injectable, Logger, type OnApplicationShutdown } from '@nestjs/common';
import type { Redis } from 'ioredis';
import { AppConfig } from '#libs/config';
import { createRedis, REDIS } from '#libs/database';
import { withTimeout } from './job-queue.js';
import type { JobStatus } from './job.entity.js';
import { jobEventsChannel } from './jobs.constants.js';

/** What subscribers of a job hear: its progress through the pipeline and its state changes. */
export type JobEvent =
  | {
      type: 'progress';
      jobId: string;
      stage: string;
      /** 0..1 over the whole pipeline. */
      percent: number;
      face?: { index: number; total: number };
      /** Videos: frames fused so far of all, frames per second so far, and seconds left at that rate. */
      frames?: { done: number; total: number };
      fps?: number;
      etaSeconds?: number;
    }
  | { type: 'state'; jobId: string; status: JobStatus };

const PUBLISH_TIMEOUT_MS = 1_000;

/** Seconds the last progress event of a job is kept for late subscribers. */
const LAST_EVENT_TTL_S = 3_600;

/**
 * Job progress travels through Redis pub/sub, so any API instance can stream any job's events;
 * the last progress event is also kept in a key for subscribers that arrive mid-way. One
 * subscriber connection per process serves every stream (pattern subscription).
 */
@Injectable()
export class JobEvents implements OnApplicationShutdown {
  private readonly logger = new Logger('JobEvents');
  private readonly prefix: string;
  private subscriber?: Redis;
  private subscribing?: Promise<void>;
  private readonly listeners = new Map<string, Set<(event: JobEvent) => void>>();
  private readonly cancelListeners = new Set<(jobId: string) => void>();

  constructor(
    private readonly config: AppConfig,
    @Inject(REDIS) private readonly redis: Redis,
  ) {
    this.prefix = config.redis.keyPrefix;
  }

  private get cancelChannel(): string {
    return `${this.prefix}:job-cancel`;
  }

  /** Publishes an event (best effort: progress is advisory, the row holds the truth). */
  async publish(event: JobEvent): Promise<void> {
    try {
      const body = JSON.stringify(event);
      const sending = (async () => {
        if (event.type === 'progress')
          await this.redis.set(`job-progress:${event.jobId}`, body, 'EX', LAST_EVENT_TTL_S);
        await this.redis.publish(jobEventsChannel(this.prefix, event.jobId), body);
      })();
      // A Redis that does not answer must not hold up a job's completion.
      await withTimeout(sending, PUBLISH_TIMEOUT_MS).catch((error: Error) => {
        sending.catch(() => undefined);
        throw error;
      });
    } catch (error) {
      this.logger.debug?.(`job event not published: ${(error as Error).message}`);
    }
  }

  /** The last progress event of a job, if one was published in the last hour. */
  async lastProgress(jobId: string): Promise<JobEvent | null> {
    try {
      const body = await this.redis.get(`job-progress:${jobId}`);
      return body ? (JSON.parse(body) as JobEvent) : null;
    } catch {
      return null;
    }
  }

  /** Asks whichever worker runs the job to stop it at the next stage boundary. */
  async requestCancel(jobId: string): Promise<void> {
    try {
      await this.redis.publish(this.cancelChannel, jobId);
    } catch (error) {
      this.logger.warn(`cancel signal for ${jobId} not sent: ${(error as Error).message}`);
    }
  }

  /** Listens for cancel signals (workers). */
  async onCancel(listener: (jobId: string) => void): Promise<() => void> {
    await this.ensureSubscriber();
    this.cancelListeners.add(listener);
    return () => this.cancelListeners.delete(listener);
  }

  /** Listens to one job's events; returns the unsubscribe function. */
  async subscribe(jobId: string, listener: (event: JobEvent) => void): Promise<() => void> {
    await this.ensureSubscriber();
    let set = this.listeners.get(jobId);
    if (!set) this.listeners.set(jobId, (set = new Set()));
    set.add(listener);
    return () => {
      set.delete(listener);
      if (set.size === 0) this.listeners.delete(jobId);
    };
  }

  private ensureSubscriber(): Promise<void> {
    this.subscribing ??= (async () => {
      const subscriber = createRedis(this.config.redis.url!, {
        connectionName: 'fusiongate-job-events',
        enableOfflineQueue: true,
        maxRetriesPerRequest: null,
      });
      this.subscriber = subscriber;
      const eventsPrefix = jobEventsChannel(this.prefix, '');
      subscriber.on('pmessage', (_pattern: string, channel: string, message: string) => {
        const set = this.listeners.get(channel.slice(eventsPrefix.length));
        if (!set) return;
        let event: JobEvent;
        try {
          event = JSON.parse(message) as JobEvent;
        } catch {
          return;
        }
        for (const listener of set) listener(event);
      });
      subscriber.on('message', (channel: string, jobId: string) => {
        if (channel === this.cancelChannel) for (const listener of this.cancelListeners) listener(jobId);
      });
      subscriber.on('error', (error: Error) => this.logger.debug?.(`subscriber: ${error.message}`));
      await subscriber.psubscribe(`${eventsPrefix}*`);
      await subscriber.subscribe(this.cancelChannel);
    })();
    return this.subscribing;
  }

  async onApplicationShutdown(): Promise<void> {
    this.subscriber?.disconnect();
  }
}
