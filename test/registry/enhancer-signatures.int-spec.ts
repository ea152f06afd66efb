import { describe, expect, it } from '@jest/globals';
import type { ModelFamily } from '#libs/model-registry';
import { buildFaceEnhancerModel, buildTileUpscalerModel } from '../fixtures/onnx/enhancer-models.js';
import { buildInswapperModel } from '../fixtures/onnx/face-models.js';
import { artifactValidator } from './support/validate-artifact.js';

const validate = artifactValidator();

describe('enhancer family signatures', () => {
  const colour = { kind: 'colour' as const, rgb: [0, 0, 0] as [number, number, number] };

  it.each<[ModelFamily, () => Uint8Array]>([
    ['gfpgan', () => buildFaceEnhancerModel(colour)],
    ['restoreformer', () => buildFaceEnhancerModel(colour)],
    ['gpen_bfr', () => buildFaceEnhancerModel(colour, { size: 256 })],
    ['gpen_bfr', () => buildFaceEnhancerModel(colour, { size: 512 })],
    ['gpen_bfr', () => buildFaceEnhancerModel(colour, { size: 1024 })],
    ['codeformer', () => buildFaceEnhancerModel({ kind: 'weight' }, { weight: 'double' })],
    ['real_esrgan', () => buildTileUpscalerModel({ scale: 2 })],
    ['real_esrgan', () => buildTileUpscalerModel({ scale: 4, tile: 128 })],
    ['real_esrgan', () => buildTileUpscalerModel({ scale: 2, tile: 'dynamic', blur: true })],
  ])('accepts a well-formed %s model', async (family, build) => {
    const outcome = await validate(build(), family);
    expect(outcome).toMatchObject({ ok: true });
  });

  it.each<[ModelFamily, () => Uint8Array, RegExp]>([
    ['gfpgan', () => buildFaceEnhancerModel(colour, { size: 256 }), /shape \[1,3,256,256\], expected \[1,3,512,512\]/],
    ['gfpgan', () => buildInswapperModel(), /2 input\(s\), a gfpgan model has 1/],
    ['gpen_bfr', () => buildFaceEnhancerModel(colour, { size: 384 }), /384×384, expected one of 256, 512, 1024, 2048/],
    ['codeformer', () => buildFaceEnhancerModel(colour), /1 input\(s\), a codeformer model has 2/],
    [
      'restoreformer',
      () => buildFaceEnhancerModel({ kind: 'weight' }, { weight: 'double' }),
      /2 input\(s\), a restoreformer model has 1/,
    ],
    ['real_esrgan', () => buildFaceEnhancerModel(colour, { size: 256 }), /is not the input \[1,3,256,256\] upscaled/],
    ['real_esrgan', () => buildTileUpscalerModel({ scale: 3, tile: 128 }), /upscaled by 2, 4, 8/],
    ['real_esrgan', () => buildTileUpscalerModel({ scale: 2, tile: 100 }), /100×100, expected one of 64, 128, 256/],
  ])('refuses a model whose I/O does not fit the %s family', async (family, build, reason) => {
    const outcome = await validate(build(), family);
    expect(outcome).toMatchObject({ ok: false, rejection: { code: 'onnx_signature_mismatch', reason } });
  });
});
