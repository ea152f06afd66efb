import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Face enhancers (GFPGAN, GPEN-BFR, RestoreFormer++, CodeFormer) and frame enhancers (Real-ESRGAN)
 * run in the engine now, so models of those kinds may be registered again.
 */
export class EnhancerModels1765800000000 implements MigrationInterface {
  name = 'EnhancerModels1765800000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE model DROP CONSTRAINT IF EXISTS model_kind_check`);
    await q.query(`
      ALTER TABLE model ADD CONSTRAINT model_kind_check
        CHECK (kind IN ('face_detector', 'face_landmarker', 'face_recognizer', 'face_swapper',
          'face_enhancer', 'frame_enhancer')) NOT VALID`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE model DROP CONSTRAINT IF EXISTS model_kind_check`);
    await q.query(`
      ALTER TABLE model ADD CONSTRAINT model_kind_check
        CHECK (kind IN ('face_detector', 'face_landmarker', 'face_recognizer', 'face_swapper')) NOT VALID`);
  }
}
