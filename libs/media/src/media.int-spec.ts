import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { mkdtemp, readFile, rm, stat, truncate, writeFile, copyFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { ensureRealFixtures } from '#test/fixtures/real-fixtures';
import { aac, decodeAllFrames, h264, lavfi, makeVideo, psnr } from '#test/fixtures/video-fixtures';
import {
  assembleSegments,
  createVideoEncoder,
  probeVideo,
  readVideoFrames,
  resolveMediaBinaries,
  VideoError,
  type VideoProbe,
} from './index.js';

const LIMITS = {
  maxDurationSeconds: 600,
  maxLongSide: 3840,
  maxShortSide: 2160,
  maxFrameRate: 60,
  maxFrameCount: 36_000,
};

async function codeOf(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (error) {
    expect(error).toBeInstanceOf(VideoError);
    return (error as VideoError).code;
  }
  throw new Error('expected a VideoError');
}

async function collect(iterable: AsyncIterable<{ index: number; data: Buffer }>) {
  const frames: Array<{ index: number; data: Buffer }> = [];
  for await (const frame of iterable) frames.push(frame);
  return frames;
}

describe('libs/media on videos made by ffmpeg', () => {
  let dir: string;
  let clip: string; // 320×240, 25 fps, 2 s, AAC tone
  let clipProbe: VideoProbe;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'media-'));
    clip = await makeVideo(dir, 'clip.mp4', [...lavfi.testsrc('320x240', 25, 2), ...lavfi.sine(2), ...h264, ...aac]);
    clipProbe = await probeVideo(clip, { limits: LIMITS });
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it('finds the binaries of the installer packages', async () => {
    const { ffmpeg, ffprobe } = resolveMediaBinaries();
    expect((await stat(ffmpeg)).isFile()).toBe(true);
    expect((await stat(ffprobe)).isFile()).toBe(true);
    expect(resolveMediaBinaries({ ffmpegPath: '/opt/ffmpeg', ffprobePath: '/opt/ffprobe' })).toEqual({
      ffmpeg: '/opt/ffmpeg',
      ffprobe: '/opt/ffprobe',
    });
  });

  it('probes container, streams, size, rate, frame count, duration and audio', () => {
    expect(clipProbe).toMatchObject({
      container: 'mp4',
      hasAudio: true,
      audio: { codec: 'aac', sampleRate: 44100 },
      video: {
        codec: 'h264',
        width: 320,
        height: 240,
        rotation: 0,
        frameRate: '25/1',
        fps: 25,
        variableFrameRate: false,
        frameCount: 50,
        frameCountSource: 'nb_frames',
      },
    });
    expect(clipProbe.video.durationSeconds).toBeCloseTo(2, 1);
    expect(clipProbe.streams.map((s) => s.type).sort()).toEqual(['audio', 'video']);
  });

  it('tells MOV, WebM and Matroska apart and counts frames where the container does not', async () => {
    const mov = await makeVideo(dir, 'clip.mov', [...lavfi.testsrc('160x120', 10, 1), ...h264]);
    const webm = await makeVideo(dir, 'clip.webm', [
      ...lavfi.testsrc('160x120', 10, 1),
      '-c:v',
      'libvpx-vp9',
      '-deadline',
      'realtime',
      '-b:v',
      '200k',
    ]);
    const mkv = await makeVideo(dir, 'clip.mkv', [...lavfi.testsrc('160x120', 10, 1), ...h264]);
    const [a, b, c] = await Promise.all([mov, webm, mkv].map((p) => probeVideo(p, { limits: LIMITS })));
    expect([a.container, b.container, c.container]).toEqual(['mov', 'webm', 'mkv']);
    expect(b.video.codec).toBe('vp9');
    expect(b.video.frameCount).toBe(10);
    expect(c.video.frameCount).toBe(10);
    expect(b.video.frameCountSource).toBe('packets');
  });

  it('reads every frame once, a range exactly, and round-trips through the encoder', async () => {
    const reference = await decodeAllFrames(clip, 320, 240);
    expect(reference).toHaveLength(50);
    const all = await collect(readVideoFrames(clip, clipProbe));
    expect(all.map((f) => f.index)).toEqual([...Array(50).keys()]);
    all.forEach((f, i) => expect(f.data.equals(reference[i])).toBe(true));

    const range = await collect(readVideoFrames(clip, clipProbe, { startFrame: 17, endFrame: 31 }));
    expect(range.map((f) => f.index)).toEqual([...Array(14).keys()].map((i) => i + 17));
    range.forEach((f) => expect(f.data.equals(reference[f.index])).toBe(true));

    const out = join(dir, 'range.mp4');
    const encoder = createVideoEncoder(out, { width: 320, height: 240, frameRate: clipProbe.video.frameRate, crf: 12 });
    for (const frame of range) await encoder.write(frame.data);
    const encoded = await encoder.finish();
    expect(encoded.frames).toBe(14);
    const probe = await probeVideo(out);
    expect(probe).toMatchObject({
      hasAudio: false,
      video: { codec: 'h264', pixelFormat: 'yuv420p', fps: 25, frameCount: 14 },
    });
    const back = await decodeAllFrames(out, 320, 240);
    expect(back).toHaveLength(14);
    back.forEach((f, i) => expect(psnr(f, range[i].data)).toBeGreaterThan(30));
  });

  it('reads RGBA frames', async () => {
    const [first] = await collect(readVideoFrames(clip, clipProbe, { endFrame: 1, pixelFormat: 'rgba' }));
    expect(first.data.length).toBe(320 * 240 * 4);
  });

  it('turns rotated video upright', async () => {
    const photo = ensureRealFixtures().photos.sample2;
    const upright = await makeVideo(dir, 'upright.mp4', [
      '-loop',
      '1',
      '-i',
      photo,
      '-t',
      '0.4',
      '-r',
      '10',
      '-vf',
      'scale=320:240',
      ...h264,
    ]);
    // A phone's portrait video: stored landscape, tagged to be shown turned by 90°.
    const rotated = await makeVideo(dir, 'rotated.mp4', ['-i', upright, '-c', 'copy', '-metadata:s:v:0', 'rotate=90']);
    const probe = await probeVideo(rotated);
    expect(probe.video).toMatchObject({ codedWidth: 320, codedHeight: 240, width: 240, height: 320 });
    expect([90, 270]).toContain(probe.video.rotation);
    const [frame] = await collect(readVideoFrames(rotated, probe, { endFrame: 1 }));
    const [plain] = await decodeAllFrames(upright, 320, 240);
    const turned = await sharp(plain, { raw: { width: 320, height: 240, channels: 3 } })
      .rotate(probe.video.rotation)
      .raw()
      .toBuffer();
    expect(psnr(frame.data, turned)).toBeGreaterThan(40);
  });

  it('gives a rotated video back displaying the same way: upright frames, no rotation left to apply', async () => {
    const photo = ensureRealFixtures().photos.sample2;
    const upright = await makeVideo(dir, 'portrait-src.mp4', [
      ...['-loop', '1', '-i', photo, '-t', '0.4', '-r', '10', '-vf', 'scale=320:240'],
      ...h264,
    ]);
    const rotated = await makeVideo(dir, 'portrait.mp4', ['-i', upright, '-c', 'copy', '-metadata:s:v:0', 'rotate=90']);
    const probe = await probeVideo(rotated);
    // Frames fused upright, encoded as they are and joined as the worker does.
    const part = join(dir, 'portrait-part.mp4');
    const encoder = createVideoEncoder(part, {
      width: probe.video.width,
      height: probe.video.height,
      frameRate: probe.video.frameRate,
    });
    const shown = await collect(readVideoFrames(rotated, probe));
    for (const frame of shown) await encoder.write(frame.data);
    await encoder.finish();
    const output = join(dir, 'portrait-result.mp4');
    await assembleSegments({ ...resolveMediaBinaries(), segments: [part], original: rotated, output, rotation: 0 });
    const result = await probeVideo(output);
    // Displayed size and picture match the original's as a player shows it.
    expect(result.video).toMatchObject({ width: probe.video.width, height: probe.video.height, rotation: 0 });
    expect(result.video.frameCount).toBe(probe.video.frameCount);
    const [first] = await collect(readVideoFrames(output, result, { endFrame: 1 }));
    expect(psnr(first.data, shown[0].data)).toBeGreaterThan(35);
  });

  it('reads a variable-frame-rate video on a constant grid at its average rate', async () => {
    // 10 frames 40 ms apart, then 10 frames 80 ms apart: 1.2 s.
    const vfr = await makeVideo(dir, 'vfr.mp4', [
      ...lavfi.testsrc('160x120', 25, 0.8),
      '-vf',
      "setpts='if(lt(N,10),N*0.04,0.4+(N-10)*0.08)/TB'",
      '-vsync',
      'vfr',
      ...h264,
    ]);
    const probe = await probeVideo(vfr);
    expect(probe.video.variableFrameRate).toBe(true);
    const frames = await collect(readVideoFrames(vfr, probe));
    expect(Math.abs(frames.length - probe.video.frameCount)).toBeLessThanOrEqual(1);
    expect(probe.video.frameCount).toBe(Math.round(probe.video.durationSeconds * probe.video.fps));
    // On the grid, later source frames (shown twice as long) repeat.
    const repeats = frames.slice(1).filter((f, i) => f.data.equals(frames[i].data)).length;
    expect(repeats).toBeGreaterThan(0);
  });

  it('stops ffmpeg when the consumer stops or the signal aborts', async () => {
    let seen = 0;
    for await (const frame of readVideoFrames(clip, clipProbe, { bufferFrames: 1 })) {
      seen = frame.index + 1;
      if (seen === 3) break;
    }
    expect(seen).toBe(3);
    const controller = new AbortController();
    const reading = (async () => {
      for await (const frame of readVideoFrames(clip, clipProbe, { signal: controller.signal })) {
        if (frame.index === 1) controller.abort(new Error('stopped by the caller'));
      }
    })();
    await expect(reading).rejects.toThrow('stopped by the caller');
  });

  it('refuses what is not a processable video with its code', async () => {
    const truncated = join(dir, 'truncated.mp4');
    await copyFile(clip, truncated);
    await truncate(truncated, Math.floor((await stat(clip)).size / 2));
    const faststart = await makeVideo(dir, 'faststart.mp4', ['-i', clip, '-c', 'copy', '-movflags', '+faststart']);
    await truncate(faststart, Math.floor((await stat(faststart)).size * 0.6));
    const audioOnly = await makeVideo(dir, 'audio.m4a', [...lavfi.sine(1), ...aac]);
    const zip = join(dir, 'archive.mp4');
    await writeFile(zip, Buffer.concat([Buffer.from('PK\x03\x04'), Buffer.alloc(2048, 7)]));
    const photo = join(dir, 'photo.mp4');
    await writeFile(photo, await readFile(ensureRealFixtures().photos.sample3));
    const huge = await makeVideo(dir, '8k.mp4', [
      '-f',
      'lavfi',
      '-i',
      'color=c=gray:s=7680x4320:r=1:d=1',
      '-frames:v',
      '1',
      ...h264,
    ]);
    const fast = await makeVideo(dir, 'fast.mp4', [...lavfi.testsrc('64x48', 120, 0.5), ...h264]);

    expect(await codeOf(probeVideo(truncated))).toBe('video_unreadable');
    expect(await codeOf(probeVideo(faststart))).toBe('video_unreadable');
    expect(await codeOf(probeVideo(audioOnly))).toBe('video_no_stream');
    expect(await codeOf(probeVideo(zip))).toBe('not_a_video');
    expect(await codeOf(probeVideo(photo))).toBe('not_a_video');
    expect(await codeOf(probeVideo(huge, { limits: LIMITS }))).toBe('video_resolution_too_high');
    expect(await codeOf(probeVideo(fast, { limits: LIMITS }))).toBe('video_frame_rate_too_high');
    expect(await codeOf(probeVideo(clip, { limits: { ...LIMITS, maxDurationSeconds: 1 } }))).toBe('video_too_long');
    expect(await codeOf(probeVideo(clip, { limits: { ...LIMITS, maxFrameCount: 49 } }))).toBe('video_too_many_frames');
    expect((await probeVideo(huge)).video).toMatchObject({ width: 7680, height: 4320 });
  });
});
