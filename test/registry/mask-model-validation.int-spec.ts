import { describe, expect, it } from '@jest/globals';
import type { ModelFamily } from '#libs/model-registry';
import { buildArcFaceModel } from '../fixtures/onnx/face-models.js';
import { buildOccluderModel, buildParserModel, splitLabels } from '../fixtures/onnx/mask-models.js';
import { artifactValidator } from './support/validate-artifact.js';

const validate = artifactValidator();

describe('face occluder and face parser artifacts', () => {
  it('accepts an XSeg occluder (NHWC 256×256×3 → 256×256×1) and a BiSeNet parser (512×512 → 19 classes)', async () => {
    const occluder = await validate(buildOccluderModel([]), 'xseg');
    expect(occluder).toMatchObject({
      ok: true,
      summary: { signature: { inputs: [{ name: 'input', dims: [1, 256, 256, 3] }] } },
    });
    const parser = await validate(buildParserModel(splitLabels(1, 10)), 'bisenet');
    expect(parser).toMatchObject({
      ok: true,
      summary: { signature: { outputs: [{ dims: [1, 19, 512, 512] }] } },
    });
  });

  it.each<[string, ModelFamily, () => Uint8Array, RegExp]>([
    [
      'a channels-first occluder',
      'xseg',
      () => buildOccluderModel([], [1, 3, 256, 256]),
      /input "input" has shape \[1,3,256,256\], expected \[1,256,256,3\]/,
    ],
    ['an occluder of another size', 'xseg', () => buildOccluderModel([], [1, 128, 128, 3]), /expected \[1,256,256,3\]/],
    [
      'a parser with 18 classes',
      'bisenet',
      () => buildParserModel(splitLabels(1, 10), 18),
      /output "output" has shape \[1,18,512,512\], expected \[1,19,512,512\]/,
    ],
    [
      'a recognizer uploaded as a parser',
      'bisenet',
      () => buildArcFaceModel(),
      /input "input" has shape \[1,3,112,112\]/,
    ],
    [
      'a parser uploaded as an occluder',
      'xseg',
      () => buildParserModel(splitLabels(1, 10)),
      /expected \[1,256,256,3\]/,
    ],
  ])('refuses %s with a reason naming the difference', async (_what, family, build, reason) => {
    const outcome = await validate(build(), family);
    expect(outcome).toMatchObject({ ok: false, rejection: { code: 'onnx_signature_mismatch', reason } });
  });
});
