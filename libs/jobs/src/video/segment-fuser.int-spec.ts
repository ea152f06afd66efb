import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { FaceFusionEngine, type FusionModels } from '#libs/inference';
import { probeVideo, type VideoProbe } from '#libs/media';
import { buildInswapperModel } from '#test/fixtures/onnx/face-models';
import { writeModel } from '#test/fixtures/onnx/write-model';
import { ensureRealFixtures } from '#test/fixtures/real-fixtures';
import { decodeAllFrames, h264, makeVideo } from '#test/fixtures/video-fixtures';
import { fuseVideoSegment, resolveVideoReference, type SegmentProgress } from './segment-fuser.js';

const PAYLOAD = '0123456789abcdef';
const FPS = 8;
/** sample1 (three people) at 640×427, cropped to 640×360 and panned down 10 px per second. */
const PAN_PER_SECOND = 10;
/** The three heads of sample1 at 640 px wide, left to right (its full-size centres ÷ 3). */
const HEADS: Array<[number, number]> = [
  [169, 159],
  [310, 178],
  [524, 109],
];

/** Where head `h` is in frame `i` of the panned video. */
function headAt(h: number, frame: number): [number, number] {
  const [x, y] = HEADS[h];
  return [x, Math.round(y - (frame / FPS) * PAN_PER_SECOND)];
}

function pixel(frame: Buffer, x: number, y: number): [number, number, number] {
  const p = (y * 640 + x) * 3;
  return [frame[p], frame[p + 1], frame[p + 2]];
}

const isMagenta = ([r, g, b]: [number, number, number]) => r > 180 && b > 180 && g < 90;

describe('fuseVideoSegment on a real-photo video with the real detector and recognizer', () => {
  let dir: string;
  let video: string;
  let probe: VideoProbe;
  let engine: FaceFusionEngine;
  let models: FusionModels;
  let source: Uint8Array;
  let original: Buffer[];

  beforeAll(async () => {
    const fixtures = ensureRealFixtures();
    dir = await mkdtemp(join(tmpdir(), 'segment-fuser-'));
    video = await makeVideo(dir, 'pan.mp4', [
      '-loop',
      '1',
      '-framerate',
      String(FPS),
      '-i',
      fixtures.photos.sample1,
      '-t',
      '2',
      '-vf',
      `scale=640:-2,crop=640:360:0:'t*${PAN_PER_SECOND}'`,
      ...h264,
      '-crf',
      '16',
    ]);
    probe = await probeVideo(video);
    original = await decodeAllFrames(video, 640, 360);
    const swapper = writeModel(
      dir,
      'inswapper',
      buildInswapperModel({ kind: 'colour', rgb: [1, 0, 1] }),
      'inswapper',
      'face_swapper',
    );
    models = { detector: fixtures.ultraface, recognizer: fixtures.embedding, swapper };
    source = readFileSync(fixtures.photos.sample2);
    engine = await FaceFusionEngine.create({ workers: 1 });
  });
  afterAll(async () => {
    await engine?.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('fuses exactly the frame range, swaps every face, and watermarks every frame', async () => {
    expect(probe.video.frameCount).toBe(16);
    const progress: SegmentProgress[] = [];
    const output = join(dir, 'all.mp4');
    const result = await fuseVideoSegment({
      engine,
      input: video,
      probe,
      output,
      startFrame: 4,
      endFrame: 12,
      request: { source, models, selection: { mode: 'all' } },
      watermarkPayload: PAYLOAD,
      onProgress: (p) => progress.push(p),
    });
    expect(result).toMatchObject({
      startFrame: 4,
      endFrame: 12,
      frames: 8,
      width: 640,
      height: 360,
      framesWithSwaps: 8,
      watermarkedFrames: 8,
    });
    expect(progress.map((p) => p.frame)).toEqual([4, 5, 6, 7, 8, 9, 10, 11]);
    expect(progress.at(-1)).toMatchObject({ done: 8, total: 8 });

    const out = await probeVideo(output);
    expect(out).toMatchObject({
      hasAudio: false,
      video: { codec: 'h264', frameCount: 8, frameRate: probe.video.frameRate },
    });
    const frames = await decodeAllFrames(output, 640, 360);
    expect(frames).toHaveLength(8);
    for (const k of [0, 3, 7]) {
      const index = 4 + k;
      for (let h = 0; h < 3; h++) {
        const [x, y] = headAt(h, index);
        expect(isMagenta(pixel(original[index], x, y))).toBe(false);
        expect(isMagenta(pixel(frames[k], x, y))).toBe(true);
      }
      // Away from the faces the frame is the input's (H.264 twice, a watermark): a corner block.
      const [r, g, b] = pixel(frames[k], 20, 340);
      const [r0, g0, b0] = pixel(original[index], 20, 340);
      expect(Math.abs(r - r0) + Math.abs(g - g0) + Math.abs(b - b0)).toBeLessThan(40);
      const png = await sharp(frames[k], { raw: { width: 640, height: 360, channels: 3 } })
        .png()
        .toBuffer();
      expect((await engine.detectWatermark(new Uint8Array(png)))?.payload).toBe(PAYLOAD);
    }
    const unmarked = await sharp(original[5], { raw: { width: 640, height: 360, channels: 3 } })
      .png()
      .toBuffer();
    expect(await engine.detectWatermark(new Uint8Array(unmarked))).toBeNull();
  });

  it('follows the reference person through the shot and leaves the others alone', async () => {
    const request = {
      source,
      models,
      selection: { mode: 'reference' as const, referenceFaceIndex: 0, order: 'left-right' as const },
    };
    const referenceEmbedding = await resolveVideoReference({ engine, input: video, probe, request, frame: 0 });
    expect(referenceEmbedding).toHaveLength(512);
    const output = join(dir, 'reference.mp4');
    // A later segment, given the embedding resolved on frame 0: it must pick the same (left) person.
    const result = await fuseVideoSegment({
      engine,
      input: video,
      probe,
      output,
      startFrame: 8,
      endFrame: 16,
      request: { ...request, selection: { mode: 'reference', referenceEmbedding } },
      watermarkPayload: PAYLOAD,
    });
    expect(result).toMatchObject({ frames: 8, framesWithSwaps: 8 });
    expect(result.referenceEmbedding).toEqual(referenceEmbedding);
    const frames = await decodeAllFrames(output, 640, 360);
    for (const k of [0, 4, 7]) {
      const index = 8 + k;
      expect(isMagenta(pixel(frames[k], ...headAt(0, index)))).toBe(true);
      expect(isMagenta(pixel(frames[k], ...headAt(1, index)))).toBe(false);
      expect(isMagenta(pixel(frames[k], ...headAt(2, index)))).toBe(false);
    }
  });

  it('stops between frames when cancelled and leaves no output', async () => {
    const controller = new AbortController();
    const output = join(dir, 'cancelled.mp4');
    const run = fuseVideoSegment({
      engine,
      input: video,
      probe,
      output,
      startFrame: 0,
      endFrame: 16,
      request: { source, models },
      watermarkPayload: PAYLOAD,
      signal: controller.signal,
      onProgress: (p) => {
        if (p.done === 2) controller.abort(new Error('job cancelled'));
      },
    });
    await expect(run).rejects.toThrow('job cancelled');
    expect(existsSync(output)).toBe(false);
  });
});
