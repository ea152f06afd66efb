/** The Bull queue carrying fusion jobs (ids only; the row in PostgreSQL is the truth). */
export const FUSION_QUEUE = 'fusion';

/** Job names of the fusion queue: each has exactly one handler in the worker. */
export enum FusionJobName {
  Fuse = 'fuse',
  /** One segment (frame range) of a video job. */
  Segment = 'segment',
  /** Joins a video job's fused segments into its result. */
  Assemble = 'assemble',
}

/** Payload of each job name. */
export interface FusionJobPayloads {
  /** `trace`: the submitting request's W3C trace context (`traceparent`), when tracing is on. */
  [FusionJobName.Fuse]: { jobId: string; organizationId: string; trace?: Record<string, string> };
  /** `index`: the segment's index in the job's `job_segment` rows. */
  [FusionJobName.Segment]: { jobId: string; organizationId: string; index: number; trace?: Record<string, string> };
  [FusionJobName.Assemble]: { jobId: string; organizationId: string; trace?: Record<string, string> };
}

/** Channel (without the Redis key prefix) on which a job's progress and state changes are published. */
export const jobEventsChannel = (prefix: string, jobId: string): string => `${prefix}:job-events:${jobId}`;
