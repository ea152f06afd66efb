// The non-model image path of the engine next to FaceFusion's OpenCV steps on the same photo, in the
// same run: decode, letterbox, align (warp to the 128 px swapper crop), paste back, encode JPEG q80.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import {
  createBoxMask,
  estimateSimilarity,
  loadImageCodec,
  pasteBack,
  prepareDetectorInput,
  scaledTemplate,
  warpAffine,
  WARP_TEMPLATES,
  type Point,
} from '#libs/inference';

export const IMAGE_PATH_STAGES = ['decode', 'letterbox', 'align', 'paste', 'encode'] as const;
export type ImagePathStage = (typeof IMAGE_PATH_STAGES)[number];
export type ImagePathTimings = Record<ImagePathStage | 'total', number>;

/** FaceFusion's settings for the comparison: InSwapper's crop, UltraFace's input, quality 80. */
export const IMAGE_PATH_SETTINGS = {
  cropSize: 128,
  detectorSize: [320, 240] as [number, number],
  maskBlur: 0.3,
  quality: 80,
  /** FaceFusion feeds BGR frames; (x − 127.5) / 128 as in its prepare_detect_frame. */
  layout: { channels: 'bgr' as const, mean: 127.5, std: 128 },
};

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

/** Wall time (performance.now) and this process's CPU time, in milliseconds. */
function clock(): [number, number] {
  const { user, system } = process.cpuUsage();
  return [performance.now(), (user + system) / 1000];
}

/** Per-stage medians of wall time (`ms`) and of the process's CPU time (`cpuMs`, steadier on a shared machine). */
export interface ImagePathReport {
  ms: ImagePathTimings;
  cpuMs: ImagePathTimings;
}

function summarise(samples: Record<ImagePathStage, number[]>): ImagePathTimings {
  const out = Object.fromEntries(IMAGE_PATH_STAGES.map((s) => [s, median(samples[s])])) as ImagePathTimings;
  out.total = IMAGE_PATH_STAGES.reduce((sum, s) => sum + out[s], 0);
  return out;
}

/** Times the engine's own steps on one thread, one pipeline's worth per run, median of `runs` after a warm-up. */
export async function measureEnginePath(
  codecName: 'sharp' | 'jimp',
  jpeg: Uint8Array,
  faces: Point[][],
  runs: number,
): Promise<ImagePathReport> {
  const codec = await loadImageCodec(codecName);
  const { cropSize, detectorSize, maskBlur, quality, layout } = IMAGE_PATH_SETTINGS;
  const template = scaledTemplate('arcface_128', cropSize);
  const empty = () =>
    ({ decode: [], letterbox: [], align: [], paste: [], encode: [] }) as Record<ImagePathStage, number[]>;
  const wall = empty();
  const cpu = empty();
  for (let run = 0; run <= runs; run++) {
    const marks = [clock()];
    const frame = await codec.decode(jpeg);
    marks.push(clock());
    prepareDetectorInput(frame, detectorSize, layout);
    marks.push(clock());
    const aligned = faces.map((landmarks) => {
      const matrix = estimateSimilarity(landmarks, template);
      return { matrix, crop: warpAffine(frame, matrix, cropSize, cropSize) };
    });
    marks.push(clock());
    const mask = createBoxMask(cropSize, maskBlur);
    for (const { matrix, crop } of aligned) pasteBack(frame, crop, mask, cropSize, matrix);
    marks.push(clock());
    await codec.encode(frame, 'jpeg', { quality });
    marks.push(clock());
    if (run === 0) continue;
    IMAGE_PATH_STAGES.forEach((stage, i) => {
      wall[stage].push(marks[i + 1][0] - marks[i][0]);
      cpu[stage].push(marks[i + 1][1] - marks[i][1]);
    });
  }
  return { ms: summarise(wall), cpuMs: summarise(cpu) };
}

/** What bench/inference/opencv_reference.py reports. */
export interface OpenCvReport {
  opencv: string;
  threads: number;
  faces: number;
  ms: ImagePathTimings & { pasteFull: number };
  cpuMs: ImagePathTimings & { pasteFull: number };
}

/** Debian's python3 with OpenCV (the pyenv python3 earlier on PATH has no cv2). */
export const OPENCV_PYTHON = process.env.OPENCV_PYTHON ?? '/usr/bin/python3';

/** True when {@link OPENCV_PYTHON} can import cv2. */
export function openCvAvailable(): boolean {
  if (!existsSync(OPENCV_PYTHON)) return false;
  return spawnSync(OPENCV_PYTHON, ['-c', 'import cv2'], { stdio: 'ignore' }).status === 0;
}

/** The repository root, from sources (bench/inference) or from the compiled copy (dist/bench/inference). */
function repositoryRoot(): string {
  let dir = import.meta.dirname ?? new URL('.', import.meta.url).pathname;
  while (!existsSync(join(dir, 'package.json')) && dirname(dir) !== dir) dir = dirname(dir);
  return dir;
}

/**
 * Runs FaceFusion's steps in OpenCV on the same JPEG and faces (one OpenCV thread, as one engine
 * pipeline runs on one thread, unless `threads` is given; 0 keeps OpenCV's default).
 */
export function measureOpenCvPath(
  jpeg: Uint8Array,
  faces: Point[][],
  runs: number,
  threads = Number(process.env.OPENCV_THREADS ?? 1),
): OpenCvReport {
  const dir = mkdtempSync(join(tmpdir(), 'opencv-reference-'));
  try {
    const image = join(dir, 'target.jpg');
    writeFileSync(image, jpeg);
    const { cropSize, detectorSize, maskBlur, quality } = IMAGE_PATH_SETTINGS;
    const job = {
      image,
      faces,
      template: WARP_TEMPLATES.arcface_128,
      cropSize,
      detectorSize,
      maskBlur,
      quality,
      runs,
      threads: threads > 0 ? threads : null,
    };
    const script = join(repositoryRoot(), 'bench/inference/opencv_reference.py');
    const run = spawnSync(OPENCV_PYTHON, [script], { input: JSON.stringify(job), encoding: 'utf8' });
    if (run.status !== 0) throw new Error(`opencv_reference.py failed: ${run.stderr}`);
    return JSON.parse(run.stdout) as OpenCvReport;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Per-stage median over rounds. */
function medianOf<T extends ImagePathTimings>(rounds: T[]): T {
  const keys = Object.keys(rounds[0]) as Array<keyof T>;
  return Object.fromEntries(keys.map((k) => [k, median(rounds.map((r) => r[k] as number))])) as T;
}

/**
 * The engine and OpenCV in alternating rounds of `runs` each (so both see the same load on a shared
 * machine); each figure is the median over rounds of the per-round medians.
 */
export async function compareImagePath(
  jpeg: Uint8Array,
  faces: Point[][],
  rounds: number,
  runs: number,
): Promise<{ engine: ImagePathReport; opencv: OpenCvReport }> {
  const engine: ImagePathReport[] = [];
  const opencv: OpenCvReport[] = [];
  for (let round = 0; round < rounds; round++) {
    engine.push(await measureEnginePath('sharp', jpeg, faces, runs));
    opencv.push(measureOpenCvPath(jpeg, faces, runs));
  }
  return {
    engine: { ms: medianOf(engine.map((r) => r.ms)), cpuMs: medianOf(engine.map((r) => r.cpuMs)) },
    opencv: { ...opencv[0], ms: medianOf(opencv.map((r) => r.ms)), cpuMs: medianOf(opencv.map((r) => r.cpuMs)) },
  };
}

/**
 * One line per stage: engine and OpenCV in wall and CPU time, and the engine's time as a multiple of
 * OpenCV's; then the same totals against FaceFusion's older paste over the whole frame.
 */
export function formatComparison(engine: ImagePathReport, opencv: OpenCvReport): string {
  const cell = (value: number) => `${value.toFixed(1).padStart(7)}`;
  const ratio = (a: number, b: number) => `${(a / b).toFixed(2).padStart(6)}×`;
  const rows = [...IMAGE_PATH_STAGES, 'total' as const].map(
    (stage) =>
      `  ${stage.padEnd(10)} ${cell(engine.ms[stage])} ${cell(opencv.ms[stage])} ${ratio(engine.ms[stage], opencv.ms[stage])}` +
      `   ${cell(engine.cpuMs[stage])} ${cell(opencv.cpuMs[stage])} ${ratio(engine.cpuMs[stage], opencv.cpuMs[stage])}`,
  );
  const classic = (t: OpenCvReport['ms']) => t.total - t.paste + t.pasteFull;
  return [
    `  ${''.padEnd(10)} ${'wall ms: engine'.padStart(15)} ${'OpenCV'.padStart(7)} ${'ratio'.padStart(7)}` +
      `   ${'CPU ms: engine'.padStart(14)} ${'OpenCV'.padStart(7)} ${'ratio'.padStart(7)}`,
    ...rows,
    `  OpenCV pasting over the whole frame (FaceFusion < 3.3): paste ${opencv.ms.pasteFull.toFixed(1)} ms wall, ` +
      `${opencv.cpuMs.pasteFull.toFixed(1)} ms CPU; engine/OpenCV total ${ratio(engine.ms.total, classic(opencv.ms)).trim()} wall, ` +
      `${ratio(engine.cpuMs.total, classic(opencv.cpuMs)).trim()} CPU`,
  ].join('\n');
}
