import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Video targets: each organization bounds the videos its members may submit (duration, frame
 * size, frame rate, frame count), checked from the probe before anything is stored.
 */
export class VideoLimits1767200000000 implements MigrationInterface {
  name = 'VideoLimits1767200000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE organization
        ADD COLUMN video_max_duration_seconds integer NOT NULL DEFAULT 600 CHECK (video_max_duration_seconds > 0),
        ADD COLUMN video_max_long_side integer NOT NULL DEFAULT 3840 CHECK (video_max_long_side > 0),
        ADD COLUMN video_max_short_side integer NOT NULL DEFAULT 2160 CHECK (video_max_short_side > 0),
        ADD COLUMN video_max_frame_rate integer NOT NULL DEFAULT 60 CHECK (video_max_frame_rate > 0),
        ADD COLUMN video_max_frame_count integer NOT NULL DEFAULT 36000 CHECK (video_max_frame_count > 0)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE organization
        DROP COLUMN video_max_duration_seconds, DROP COLUMN video_max_long_side, DROP COLUMN video_max_short_side,
        DROP COLUMN video_max_frame_rate, DROP COLUMN video_max_frame_count`);
  }
}
