import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The registry takes every kind the engine runs: face enhancers (GFPGAN, GPEN-BFR, RestoreFormer++,
 * CodeFormer) and frame enhancers (Real-ESRGAN), which fusion jobs chain after the swap, and
 * `face_occluder` (XSeg) and `face_parser` (BiSeNet) models, which fusion jobs use for occlusion and
 * region masks.
 */
export class FaceMaskModels1765800000000 implements MigrationInterface {
  name = 'FaceMaskModels1765800000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE model DROP CONSTRAINT IF EXISTS model_kind_check`);
    await q.query(`
      ALTER TABLE model ADD CONSTRAINT model_kind_check
        CHECK (kind IN ('face_detector', 'face_landmarker', 'face_recognizer', 'face_swapper', 'face_enhancer',
          'frame_enhancer', 'face_occluder', 'face_parser'))`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE model DROP CONSTRAINT IF EXISTS model_kind_check`);
    await q.query(`
      ALTER TABLE model ADD CONSTRAINT model_kind_check
        CHECK (kind IN ('face_detector', 'face_landmarker', 'face_recognizer', 'face_swapper')) NOT VALID`);
  }
}
