// Watermark bench: embed and detect times on 1080p and 720p, detection rate per attack and photo
// width, PSNR, and false positives (unmarked images, random received signals, random payloads).
// Run: npm run bench:watermark (or, without a build,
// node --import ./test/support/ts-loader/register.mjs bench/watermark/watermark.bench.ts).
// WATERMARK_BENCH_SIGNALS sets the number of random signals (default 100 000).
import { readFileSync } from 'node:fs';
import sharp, { type Sharp } from 'sharp';
import type { RgbImage } from '../../libs/inference/src/inference.types.js';
import { CODED_BITS, decodeMessage } from '../../libs/inference/src/watermark/error-correction.js';
import {
  embedWatermark,
  PILOT_THRESHOLD,
  psnr,
  searchWatermark,
} from '../../libs/inference/src/watermark/watermark.js';
import { ensureRealFixtures } from '../../test/fixtures/real-fixtures.js';

const photos = Object.values(ensureRealFixtures().photos);
const WIDTHS = [512, 640, 800, 1280, 1920];
const SIGNALS = Number(process.env.WATERMARK_BENCH_SIGNALS ?? 100_000);

async function back(s: Sharp): Promise<RgbImage> {
  const { data, info } = await s.removeAlpha().raw().toBuffer({ resolveWithObject: true });
  return { width: info.width, height: info.height, data: new Uint8Array(data) };
}
const pipe = (i: RgbImage) => sharp(Buffer.from(i.data), { raw: { width: i.width, height: i.height, channels: 3 } });
const jpeg = async (i: RgbImage, quality: number) => back(sharp(await pipe(i).jpeg({ quality }).toBuffer()));
const half = (i: RgbImage) => back(pipe(i).resize(Math.round(i.width / 2)));
function crop(i: RgbImage, side: 'left' | 'top' | 'centre' | 'right' | 'bottom'): Promise<RgbImage> {
  const w = Math.round(i.width * 0.9);
  const h = Math.round(i.height * 0.9);
  const region = {
    left: { left: i.width - w, top: 0, width: w, height: i.height },
    right: { left: 0, top: 0, width: w, height: i.height },
    top: { left: 0, top: i.height - h, width: i.width, height: h },
    bottom: { left: 0, top: 0, width: i.width, height: h },
    centre: { left: Math.round((i.width - w) / 2), top: Math.round((i.height - h) / 2), width: w, height: h },
  }[side];
  return back(pipe(i).extract(region));
}
const ATTACKS: Record<string, (i: RgbImage) => Promise<RgbImage>> = {
  none: async (i) => i,
  q75: (i) => jpeg(i, 75),
  q50: (i) => jpeg(i, 50),
  '50%': half,
  'crop L': (i) => crop(i, 'left'),
  'crop R': (i) => crop(i, 'right'),
  'crop T': (i) => crop(i, 'top'),
  'crop B': (i) => crop(i, 'bottom'),
  'crop C': (i) => crop(i, 'centre'),
  'C+50%+q75': async (i) => jpeg(await half(await crop(i, 'centre')), 75),
  'L+50%+q75': async (i) => jpeg(await half(await crop(i, 'left')), 75),
  'T+50%+q75': async (i) => jpeg(await half(await crop(i, 'top')), 75),
};

let seed = 99;
const random = () => {
  seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0;
  return seed / 2 ** 32;
};
const randomPayload = () => Array.from({ length: 16 }, () => Math.floor(random() * 16).toString(16)).join('');
const median = (v: number[]) => [...v].sort((a, b) => a - b)[Math.floor(v.length / 2)];

// 1. Times.
console.log('embed / detect times (median of runs after a warm-up; cpu = this thread’s CPU time)');
for (const [w, h] of [
  [1920, 1080],
  [1280, 720],
]) {
  const image = await back(sharp(readFileSync(photos[3])).resize(w, h, { fit: 'cover' }));
  const wall: number[] = [];
  const cpu: number[] = [];
  let marked = image;
  for (let i = 0; i < 41; i++) {
    const c = process.cpuUsage();
    const t = performance.now();
    marked = embedWatermark(image, '0123456789abcdef');
    if (i > 0) {
      wall.push(performance.now() - t);
      const used = process.cpuUsage(c);
      cpu.push((used.user + used.system) / 1000);
    }
  }
  const detect: number[] = [];
  for (let i = 0; i < 6; i++) {
    const t = performance.now();
    searchWatermark(marked);
    if (i > 0) detect.push(performance.now() - t);
  }
  console.log(
    `  ${w}×${h}: embed ${median(wall).toFixed(2)} ms (min ${Math.min(...wall).toFixed(2)} ms; cpu ` +
      `${median(cpu).toFixed(2)} ms, min ${Math.min(...cpu).toFixed(2)} ms), ` +
      `detect ${median(detect).toFixed(0)} ms`,
  );
}

// 2. Detection rate per attack and width, PSNR, and the margin of the pilot statistic.
console.log(`\ndetection rate per attack (${photos.length} photos per width, a random payload each)`);
const names = Object.keys(ATTACKS);
console.log(`  ${'width'.padEnd(6)} ${'PSNR min'.padStart(9)}  ${names.map((n) => n.padStart(10)).join('')}`);
let lowestMarkedZ = Infinity;
let wrongPayloads = 0;
let marks = 0;
for (const width of WIDTHS) {
  const found = Object.fromEntries(names.map((n) => [n, 0]));
  let minPsnr = Infinity;
  for (const path of photos) {
    const photo = await back(sharp(readFileSync(path)).resize(width));
    const payload = randomPayload();
    const marked = embedWatermark(photo, payload);
    minPsnr = Math.min(minPsnr, psnr(photo, marked));
    for (const name of names) {
      const search = searchWatermark(await ATTACKS[name](marked));
      marks++;
      if (search.detection?.payload === payload) {
        found[name]++;
        lowestMarkedZ = Math.min(lowestMarkedZ, search.bestPilotZ);
      } else if (search.detection) wrongPayloads++;
    }
  }
  console.log(
    `  ${String(width).padEnd(6)} ${minPsnr.toFixed(2).padStart(6)} dB  ${names
      .map((n) => `${found[n]}/${photos.length}`.padStart(10))
      .join('')}`,
  );
}

// 3. False positives: unmarked images, random signals, random payloads.
const unmarked: RgbImage[] = [];
for (const path of photos) {
  for (const width of [...WIDTHS, 720, 1024]) unmarked.push(await back(sharp(readFileSync(path)).resize(width)));
  for (const [left, top] of [
    [0, 0],
    [600, 300],
  ])
    unmarked.push(await back(sharp(readFileSync(path)).extract({ left, top, width: 1000, height: 800 })));
  unmarked.push(await jpeg(await back(sharp(readFileSync(path)).resize(900)), 60));
}
for (let n = 0; n < 6; n++) {
  const data = new Uint8Array(800 * 600 * 3);
  for (let i = 0; i < data.length; i++) data[i] = Math.floor(random() * (n + 1) * 40);
  unmarked.push({ width: 800, height: 600, data });
}
let falseImages = 0;
let highestUnmarkedZ = 0;
for (const image of unmarked) {
  const search = searchWatermark(image);
  if (search.detection) falseImages++;
  highestUnmarkedZ = Math.max(highestUnmarkedZ, search.bestPilotZ);
}
let falseSignals = 0;
const soft = new Float64Array(CODED_BITS);
for (let t = 0; t < SIGNALS; t++) {
  for (let i = 0; i < CODED_BITS; i++) soft[i] = random() - 0.5;
  if (decodeMessage(soft)) falseSignals++;
}
console.log(`\nfalse positives`);
console.log(`  unmarked images: ${falseImages} of ${unmarked.length}`);
console.log(`  random received signals accepted by the decoder: ${falseSignals} of ${SIGNALS}`);
console.log(`  marked images read with a wrong payload: ${wrongPayloads} of ${marks} (random payloads)`);
console.log(
  `  pilot statistic: highest on unmarked ${highestUnmarkedZ.toFixed(2)}, lowest on a found mark ` +
    `${lowestMarkedZ.toFixed(2)} (decoding needs ≥ ${PILOT_THRESHOLD})`,
);
