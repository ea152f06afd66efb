import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import ffmpegInstaller from '@ffmpeg-installer/ffmpeg';
import ffprobeInstaller from '@ffprobe-installer/ffprobe';
import { eventually } from '#test/support/eventually';
import { mediaChildren } from '#test/support/media-processes';
import { assembleSegments, displayRotation } from './assemble.js';
import { framesForSeconds, indexFrames, planSegments, type FrameIndex } from './segments.js';
import { runTool } from './tool.js';

const ffmpeg = ffmpegInstaller.path;
const ffprobe = ffprobeInstaller.path;

/** A 4 s 320×240 clip at 12 fps with a keyframe every `gop` frames, B-frames and a sine audio track. */
async function makeClip(path: string, gop: number): Promise<void> {
  await runTool(ffmpeg, [
    '-v',
    'error',
    '-y',
    '-f',
    'lavfi',
    '-i',
    'testsrc=size=320x240:rate=12:duration=4',
    '-f',
    'lavfi',
    '-i',
    'sine=frequency=440:sample_rate=44100:duration=4',
    '-c:v',
    'libx264',
    '-preset',
    'ultrafast',
    '-g',
    String(gop),
    '-keyint_min',
    String(gop),
    '-sc_threshold',
    '0',
    '-bf',
    '2',
    '-pix_fmt',
    'yuv420p',
    '-c:a',
    'aac',
    path,
  ]);
}

async function streams(path: string): Promise<Array<Record<string, string>>> {
  const { stdout } = await runTool(ffprobe, [
    '-v',
    'error',
    '-count_frames',
    '-show_entries',
    'stream=codec_type,nb_read_frames,r_frame_rate,duration',
    '-of',
    'json',
    path,
  ]);
  return (JSON.parse(stdout) as { streams: Array<Record<string, unknown>> }).streams.map((s) => ({
    type: String(s.codec_type),
    frames: String(s.nb_read_frames ?? ''),
    rate: String(s.r_frame_rate),
    duration: String(s.duration),
  }));
}

describe('segments at keyframes, assembled without re-encoding', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'fg-segments-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('lists frames in presentation order and cuts only at keyframes', async () => {
    const clip = join(dir, 'gop12.mp4');
    await makeClip(clip, 12);
    const index = await indexFrames(ffprobe, clip);
    expect(index.frames).toBe(48);
    expect(index.keyframes).toEqual([0, 12, 24, 36]);
    expect(index.duration).toBeCloseTo(4, 1);
    expect(framesForSeconds(index, 1)).toBe(12);

    const plan = planSegments(index, 12);
    expect(plan.map((s) => [s.startFrame, s.endFrame])).toEqual([
      [0, 12],
      [12, 24],
      [24, 36],
      [36, 48],
    ]);
    expect(plan[1].startTime).toBeCloseTo(1, 2);
    expect(plan[3].endTime).toBeCloseTo(4, 1);
    // Longer targets cut at the next keyframe after the target; the short tail joins the last segment.
    expect(planSegments(index, 20).map((s) => [s.startFrame, s.endFrame])).toEqual([
      [0, 24],
      [24, 48],
    ]);
    expect(planSegments(index, 30).map((s) => [s.startFrame, s.endFrame])).toEqual([[0, 48]]);
  });

  it('plans a short or keyframe-poor video as one segment, and nothing for no frames', () => {
    const index: FrameIndex = {
      frames: 40,
      keyframes: [0],
      times: [...Array(40).keys()].map((i) => i / 10),
      duration: 4,
    };
    expect(planSegments(index, 10)).toEqual([{ index: 0, startFrame: 0, endFrame: 40, startTime: 0, endTime: 4 }]);
    expect(planSegments({ frames: 0, keyframes: [], times: [], duration: 0 }, 10)).toEqual([]);
  });

  it('joins segment files into every frame once, at the same rate, with the original audio and rotation', async () => {
    const clip = join(dir, 'rotated.mp4');
    const plain = join(dir, 'plain.mp4');
    await makeClip(plain, 12);
    // A phone's portrait clip: frames stored landscape, the container says to turn them.
    await runTool(ffmpeg, ['-v', 'error', '-y', '-i', plain, '-c', 'copy', '-metadata:s:v:0', 'rotate=270', clip]);
    const rotation = await displayRotation(ffprobe, clip);
    expect(rotation).not.toBe(0);
    const index = await indexFrames(ffprobe, clip);
    const plan = planSegments(index, 12);
    const parts: string[] = [];
    for (const segment of plan) {
      const part = join(dir, `part-${segment.index}.mp4`);
      await runTool(ffmpeg, [
        '-v',
        'error',
        '-y',
        '-i',
        plain,
        '-an',
        '-vf',
        `trim=start_frame=${segment.startFrame}:end_frame=${segment.endFrame},setpts=PTS-STARTPTS`,
        '-c:v',
        'libx264',
        '-preset',
        'ultrafast',
        '-r',
        '12',
        '-pix_fmt',
        'yuv420p',
        part,
      ]);
      parts.push(part);
    }
    const output = join(dir, 'assembled.mp4');
    expect(await displayRotation(ffprobe, parts[0])).toBe(0);
    await assembleSegments({ ffmpeg, ffprobe, segments: parts, original: clip, output });
    const [video, audio] = await streams(output);
    expect(video).toMatchObject({ type: 'video', frames: '48', rate: '12/1' });
    expect(await displayRotation(ffprobe, output)).toBe(rotation);
    expect(Math.abs(Number(video.duration) - 4)).toBeLessThanOrEqual(1 / 12);
    expect(audio).toMatchObject({ type: 'audio' });
    expect(Math.abs(Number(audio.duration) - 4)).toBeLessThan(0.1);
  });

  it('stops ffmpeg when aborted and refuses an empty list', async () => {
    const controller = new AbortController();
    const running = runTool(
      ffmpeg,
      ['-v', 'error', '-re', '-f', 'lavfi', '-i', 'testsrc', '-f', 'null', '-'],
      controller.signal,
    );
    await eventually('ffmpeg running', async () => ((await mediaChildren(process.pid)).length ? true : undefined), {
      timeoutMs: 10_000,
    });
    controller.abort();
    await expect(running).rejects.toThrow();
    await expect(
      assembleSegments({ ffmpeg, ffprobe, segments: [], original: 'x', output: join(dir, 'none.mp4') }),
    ).rejects.toThrow('no segments');
  });
});
