// Inference bench: per-stage times of a 1920×1080 photo with each codec, the share of time spent
// outside onnxruntime's session.run, the non-model image path next to FaceFusion's OpenCV steps on
// the same photo (when Debian's python3-opencv is installed), and the calling thread's event-loop lag
// while 4 pipelines run.
// Run: node scripts/fetch-fixtures.mjs && node --import ./test/support/ts-loader/register.mjs bench/inference/main.ts
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import sharp from 'sharp';
import {
  FaceFusionEngine,
  FUSION_STAGES,
  type FusionRequest,
  type FusionResult,
  type FusionTimings,
} from '#libs/inference';
import { buildFaceEnhancerModel, buildTileUpscalerModel } from '../../test/fixtures/onnx/enhancer-models.js';
import { buildInswapperModel } from '../../test/fixtures/onnx/face-models.js';
import { buildOccluderModel, buildParserModel, splitLabels } from '../../test/fixtures/onnx/mask-models.js';
import { writeModel } from '../../test/fixtures/onnx/write-model.js';
import { ensureRealFixtures } from '../../test/fixtures/real-fixtures.js';
import { figure, report, type Figure } from '../support/report.js';
import { compareImagePath, formatComparison, measureEnginePath, openCvAvailable, OPENCV_PYTHON } from './image-path.js';

const RUNS = 3;
const fixtures = ensureRealFixtures();
const dir = mkdtempSync(join(tmpdir(), 'inference-bench-'));
const swapper = writeModel(dir, 'inswapper', buildInswapperModel({ kind: 'source' }), 'inswapper', 'face_swapper');
const target = new Uint8Array(
  await sharp(readFileSync(fixtures.photos.sample6))
    .extract({ left: 0, top: 200, width: 1920, height: 1080 })
    .jpeg({ quality: 90 })
    .toBuffer(),
);
const request: FusionRequest = {
  source: new Uint8Array(readFileSync(fixtures.photos.sample2)),
  target,
  models: { detector: fixtures.ultraface, recognizer: fixtures.embedding, swapper },
  watermark: { payload: '0123456789abcdef' },
};
const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
const figures: Figure[] = [];

console.log(
  `target 1920×1080 JPEG (${target.length} bytes), UltraFace + 512-d embedding + 128 px InSwapper-shaped model`,
);
console.log(`cpu provider, 1 worker thread, median of ${RUNS} runs after a warm-up\n`);
let faces: FusionResult['faces'] = [];
for (const codec of ['sharp', 'jimp'] as const) {
  const engine = await FaceFusionEngine.create({ workers: 1, codec });
  await engine.run(request);
  const runs: FusionTimings[] = [];
  for (let i = 0; i < RUNS; i++) {
    const result = await engine.run(request);
    runs.push(result.timings);
    faces = result.faces;
  }
  await engine.close();
  const keys = [...FUSION_STAGES, 'sessionRun', 'total'] as const;
  const row = Object.fromEntries(keys.map((k) => [k, median(runs.map((r) => r[k]))]));
  const imagePath = row.total - row.sessionRun - row.watermark;
  console.log(`codec ${codec} (${faces.filter((f) => f.swapped).length} faces swapped)`);
  console.log(keys.map((k) => `  ${k.padEnd(10)} ${row[k].toFixed(1).padStart(8)} ms`).join('\n'));
  console.log(`  outside session.run: ${(100 * (1 - row.sessionRun / row.total)).toFixed(1)} % of total`);
  console.log(`  outside session.run and watermark: ${imagePath.toFixed(1)} ms\n`);
  figures.push(figure(`pipeline total, codec ${codec}`, row.total, 'ms'));
}

// Like for like: the same steps on the same photo and faces, the engine's functions on this thread.
const landmarks = faces.filter((f) => f.swapped).map((f) => f.landmarks5);
const [PATH_ROUNDS, PATH_RUNS] = [3, 5];
if (openCvAvailable()) {
  const { engine, opencv } = await compareImagePath(target, landmarks, PATH_ROUNDS, PATH_RUNS);
  console.log(
    `non-model image path, ${landmarks.length} faces: decode, letterbox to 320×240, warp to 128, paste back, JPEG q80\n` +
      `(engine: sharp, 1 thread; OpenCV ${opencv.opencv}, ${opencv.threads} thread(s); ${PATH_ROUNDS} alternating rounds ` +
      `of ${PATH_RUNS} runs, median)`,
  );
  console.log(formatComparison(engine, opencv) + '\n');
  figures.push(figure('non-model image path, wall', engine.ms.total, 'ms', ['OpenCV', opencv.ms.total]));
} else {
  const engine = await measureEnginePath('sharp', target, landmarks, PATH_ROUNDS * PATH_RUNS);
  console.log(
    `non-model image path (sharp), ${landmarks.length} faces: total ${engine.ms.total.toFixed(1)} ms wall, ` +
      `${engine.cpuMs.total.toFixed(1)} ms CPU`,
  );
  console.log(`  OpenCV reference skipped: ${OPENCV_PYTHON} cannot import cv2 (apt-get install python3-opencv)\n`);
}

for (const workers of [1, 2]) {
  const engine = await FaceFusionEngine.create({ workers });
  await engine.run(request);
  const histogram = monitorEventLoopDelay({ resolution: 1 });
  histogram.enable();
  const started = performance.now();
  await Promise.all([1, 2, 3, 4].map(() => engine.run(request)));
  const elapsed = performance.now() - started;
  histogram.disable();
  await engine.close();
  console.log(
    `4 concurrent pipelines, ${workers} worker(s): ${elapsed.toFixed(0)} ms wall; caller event-loop delay ` +
      `p50 ${(histogram.percentile(50) / 1e6).toFixed(2)} ms, p99 ${(histogram.percentile(99) / 1e6).toFixed(2)} ms, ` +
      `max ${(histogram.max / 1e6).toFixed(2)} ms`,
  );
}
// Per-processor times on the same 1080p frame: tiny generated weights, so the figures are the
// platform's work around the models (align, normalise, paste, tile, blend, encode).
const faceEnhancer = writeModel(
  dir,
  'gfpgan',
  buildFaceEnhancerModel({ kind: 'affine', scale: 1, offset: 0 }),
  'gfpgan',
  'face_enhancer',
);
const frameEnhancer = writeModel(
  dir,
  'esrgan-x2',
  buildTileUpscalerModel({ scale: 2 }),
  'real_esrgan',
  'frame_enhancer',
);
const chains: Array<[string, FusionRequest['processors']]> = [
  ['face_swapper', [{ processor: 'face_swapper' }]],
  ['face_enhancer alone', [{ processor: 'face_enhancer', model: faceEnhancer }]],
  [
    'face_swapper + face_enhancer',
    [{ processor: 'face_swapper' }, { processor: 'face_enhancer', model: faceEnhancer }],
  ],
  ['frame_enhancer ×2 alone', [{ processor: 'frame_enhancer', model: frameEnhancer }]],
];
console.log('\nprocessors on 1920×1080 (sharp codec, 1 worker thread, median of 3 after a warm-up)');
const engine = await FaceFusionEngine.create({ workers: 1, codec: 'sharp' });
for (const [name, processors] of chains) {
  const chained: FusionRequest = { ...request, processors };
  await engine.run(chained);
  const runs: FusionTimings[] = [];
  let rss = 0;
  for (let i = 0; i < RUNS; i++) {
    runs.push((await engine.run(chained)).timings);
    rss = Math.max(rss, process.memoryUsage().rss);
  }
  const pick = (k: keyof FusionTimings) => median(runs.map((r) => r[k])).toFixed(1);
  console.log(
    `  ${name.padEnd(30)} swap ${pick('swap').padStart(7)}  paste ${pick('paste').padStart(6)}  ` +
      `enhance_face ${pick('enhance_face').padStart(7)}  enhance_frame ${pick('enhance_frame').padStart(7)}  ` +
      `encode ${pick('encode').padStart(6)}  total ${pick('total').padStart(7)} ms  (process rss ${(rss / 2 ** 20).toFixed(0)} MiB)`,
  );
}
// A 4K frame through a ×2 frame enhancer: tiles keep the model's tensors at one 256 px tile; the
// growth in RSS is the frames themselves (4K in, 8K out: 24 + 100 MB of RGB) and the encoder's.
const uhd = new Uint8Array(
  await sharp(readFileSync(fixtures.photos.sample6)).resize(3840, 2160).jpeg({ quality: 90 }).toBuffer(),
);
const before = process.memoryUsage().rss;
const started = performance.now();
const upscaled = await engine.run({
  target: uhd,
  models: {},
  processors: [{ processor: 'frame_enhancer', model: frameEnhancer }],
});
console.log(
  `  frame_enhancer ×2 on 3840×2160 → ${upscaled.width}×${upscaled.height}: enhance_frame ` +
    `${upscaled.timings.enhance_frame.toFixed(0)} ms, total ${(performance.now() - started).toFixed(0)} ms, ` +
    `process rss +${((process.memoryUsage().rss - before) / 2 ** 20).toFixed(0)} MiB`,
);
await engine.close();
// Face masks: the same run with occlusion and region masks (tiny generated XSeg- and BiSeNet-shaped
// models, so the figure is the platform's own work around them: resize, argmax, blur, combine).
{
  const occluder = writeModel(
    dir,
    'xseg',
    buildOccluderModel([{ x1: 64, y1: 96, x2: 192, y2: 160 }]),
    'xseg',
    'face_occluder',
  );
  const parser = writeModel(dir, 'bisenet', buildParserModel(splitLabels(1, 10)), 'bisenet', 'face_parser');
  const engine = await FaceFusionEngine.create({ workers: 1 });
  const variants = {
    box: { types: ['box'] },
    'box+occlusion': { types: ['box', 'occlusion'], occluder },
    'box+region': { types: ['box', 'region'], parser },
    'box+occlusion+region': { types: ['box', 'occlusion', 'region'], occluder, parser },
  } satisfies Record<string, FusionRequest['faceMask']>;
  console.log('\nface masks (codec sharp), median per run:');
  for (const [name, faceMask] of Object.entries(variants)) {
    const masked = { ...request, faceMask } as FusionRequest;
    await engine.run(masked);
    const runs: FusionTimings[] = [];
    for (let i = 0; i < RUNS; i++) runs.push((await engine.run(masked)).timings);
    const at = (k: keyof FusionTimings) => median(runs.map((r) => r[k])).toFixed(1);
    console.log(
      `  ${name.padEnd(22)} mask ${at('mask').padStart(7)} ms  paste ${at('paste').padStart(6)} ms  total ${at('total').padStart(7)} ms`,
    );
  }
  await engine.close();
}
rmSync(dir, { recursive: true, force: true });
report('inference', figures);
