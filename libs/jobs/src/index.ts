/**
 * Fusion jobs (libs/jobs): the job row is the truth, Bull carries ids.
 *
 * - {@link JobService} (API): `submit` resolves and checks every model as the caller, stores the
 *   inputs, takes the daily quota atomically, commits the row and then enqueues it; `get`, `list`,
 *   `cancel`, `openResult`, `findByWatermark`.
 * - {@link JobExecutionService} (worker): `start` (concurrency slot + permission re-check),
 *   `complete` / `finish` guarded by the attempt number, so completion is exactly once.
 * - {@link JobMaintenanceService}: `reconcile` (re-enqueue rows whose queue entry is gone) and
 *   `purgeResults` (result retention).
 * - {@link JobEvents}: progress and state through Redis pub/sub (any API instance streams any job).
 * - {@link JobUploads}: streamed, hashed, header-checked input files.
 * - Videos: {@link JobSegments} (the `job_segment` rows: plan, claim, complete, cancel),
 *   {@link VideoQueue} (segment and assembly entries), {@link VideoProgress} (frames, fps, time left).
 */
export * from './job.entity.js';
export * from './jobs.constants.js';
export * from './job.service.js';
export * from './job-execution.service.js';
export * from './job-maintenance.service.js';
export * from './job-queue.js';
export * from './job-events.js';
export * from './job-blobs.js';
export * from './job-uploads.js';
export * from './quota.service.js';
export * from './jobs.module.js';
export * from './video/job-segments.js';
export * from './video/video-queue.js';
export * from './video/video-progress.js';
export * from './video/video-plan.js';
export * from './video/segment-fuser.js';
export * from './video/video-watermark.js';
export * from './video/video-problems.js';
