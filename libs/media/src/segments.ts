import { runTool } from './tool.js';

/** The decodable frames of a video's first video stream, in presentation order. */
export interface FrameIndex {
  /** Number of frames (packets of the video stream). */
  frames: number;
  /** Indices (presentation order) of the keyframes: a decoder may start at each of them. */
  keyframes: number[];
  /** Presentation time in seconds of each frame, in presentation order. */
  times: number[];
  /** Seconds from the first frame to the end of the last one (its duration included). */
  duration: number;
}

/** A frame range of the video that decodes on its own: it starts at a keyframe. */
export interface SegmentPlan {
  index: number;
  /** First frame (inclusive), a keyframe. */
  startFrame: number;
  /** Frame after the last one (exclusive). */
  endFrame: number;
  /** Presentation time of the first frame, seconds from the start of the stream. */
  startTime: number;
  /** Presentation time just after the last frame. */
  endTime: number;
}

/**
 * Lists the video stream's packets with ffprobe (no decoding: packet flags say which are
 * keyframes) and orders them by presentation time, so frame indices match what a decoder
 * outputs even with B-frames.
 */
export async function indexFrames(ffprobe: string, file: string, signal?: AbortSignal): Promise<FrameIndex> {
  const { stdout } = await runTool(
    ffprobe,
    [
      '-v',
      'error',
      '-select_streams',
      'v:0',
      '-show_entries',
      'packet=pts_time,dts_time,duration_time,flags',
      '-of',
      'csv=p=0',
      file,
    ],
    signal,
  );
  const packets: Array<{ time: number; duration: number; key: boolean }> = [];
  for (const line of stdout.split('\n')) {
    if (!line.trim()) continue;
    const [pts, dts, duration, flags] = line.split(',');
    const time = Number.parseFloat(pts !== 'N/A' && pts !== '' ? pts : dts);
    if (!Number.isFinite(time)) continue;
    const d = Number.parseFloat(duration);
    packets.push({ time, duration: Number.isFinite(d) ? d : 0, key: (flags ?? '').includes('K') });
  }
  packets.sort((a, b) => a.time - b.time);
  const keyframes: number[] = [];
  packets.forEach((p, i) => p.key && keyframes.push(i));
  const times = packets.map((p) => p.time);
  const last = packets.at(-1);
  const first = packets[0]?.time ?? 0;
  const lastDuration = last ? last.duration || (packets.length > 1 ? last.time - packets.at(-2)!.time : 0) : 0;
  return { frames: packets.length, keyframes, times, duration: last ? last.time + lastDuration - first : 0 };
}

/**
 * Splits a video into segments of about `targetFrames` frames, each starting at a keyframe so it
 * decodes independently. A cut is made at the first keyframe at or after the target length; a
 * remainder shorter than half the target joins the segment before it; a video without a usable
 * keyframe after the start (or shorter than the target) is one segment.
 */
export function planSegments(index: FrameIndex, targetFrames: number): SegmentPlan[] {
  if (index.frames === 0) return [];
  const target = Math.max(1, Math.floor(targetFrames));
  const starts = [0];
  const keys = index.keyframes.filter((k) => k > 0 && k < index.frames);
  for (const key of keys) {
    const current = starts.at(-1)!;
    if (key - current < target) continue;
    if (index.frames - key < target / 2) break;
    starts.push(key);
  }
  const first = index.times[0] ?? 0;
  const timeAt = (frame: number) => (frame < index.frames ? index.times[frame] - first : index.duration);
  return starts.map((startFrame, i) => {
    const endFrame = starts[i + 1] ?? index.frames;
    return { index: i, startFrame, endFrame, startTime: timeAt(startFrame), endTime: timeAt(endFrame) };
  });
}

/** Target segment length in frames for `seconds` of video at the index's average frame rate. */
export function framesForSeconds(index: FrameIndex, seconds: number): number {
  const fps = index.duration > 0 ? index.frames / index.duration : 25;
  return Math.max(1, Math.round(fps * seconds));
}

/**
 * The index as a frame reader on a constant-rate grid counts frames (a variable-rate video read
 * at its average rate): keyframes move to the grid frame shown at their time, and the frame count
 * is the reader's. For a constant-rate video this changes nothing.
 */
export function onFrameGrid(
  index: FrameIndex,
  grid: { fps: number; frameCount: number; startSeconds: number },
): FrameIndex {
  const { fps, frameCount } = grid;
  if (!(fps > 0) || frameCount <= 0) return index;
  const start = index.times[0] ?? grid.startSeconds;
  const keyframes = [
    ...new Set(index.keyframes.map((k) => Math.round((index.times[k] - start) * fps)).filter((f) => f < frameCount)),
  ].sort((a, b) => a - b);
  return {
    frames: frameCount,
    keyframes,
    times: Array.from({ length: frameCount }, (_, i) => start + i / fps),
    duration: frameCount / fps,
  };
}
