import { open, stat } from 'node:fs/promises';
import { resolveMediaBinaries } from './ffmpeg-binary.js';
import { VideoError } from './media.errors.js';
import { lastLine, runProcess } from './run-process.js';
import type {
  AudioStreamProbe,
  MediaStreamInfo,
  ProbeOptions,
  VideoContainer,
  VideoLimits,
  VideoProbe,
  VideoStreamProbe,
} from './types.js';

interface FfprobeStream {
  index: number;
  codec_type?: string;
  codec_name?: string;
  profile?: string;
  pix_fmt?: string;
  width?: number;
  height?: number;
  avg_frame_rate?: string;
  r_frame_rate?: string;
  time_base?: string;
  start_time?: string;
  duration?: string;
  nb_frames?: string;
  nb_read_packets?: string;
  channels?: number;
  sample_rate?: string;
  disposition?: { attached_pic?: number };
  tags?: Record<string, string>;
  side_data_list?: Array<{ side_data_type?: string; rotation?: number }>;
}

interface FfprobeOutput {
  streams?: FfprobeStream[];
  format?: { format_name?: string; duration?: string; size?: string; bit_rate?: string; tags?: Record<string, string> };
  packets?: Array<{ pts_time?: string; pos?: string; size?: string }>;
}

/** ffprobe format names of still images and image sequences: not videos. */
const IMAGE_FORMATS = /(^|,)(image2|\w+_pipe|gif|apng|ico|tiff?|bmp|webp)(,|$)/;
/** Packets sampled at the start to tell a variable frame rate. */
const TIMING_PACKETS = 240;
const DEFAULT_TIMEOUT_MS = 60_000;

/**
 * Reads a file's container and streams with ffprobe and checks it can be processed as a video:
 * a recognised container (not a still image), a video stream, data present to the last packet
 * (a truncated file is refused before any work), and, given `limits`, within them. Throws
 * `VideoError` with `not_a_video`, `video_unreadable`, `video_no_stream` or a limit's code.
 */
export async function probeVideo(path: string, options: ProbeOptions = {}): Promise<VideoProbe> {
  const binaries = options.binaries ?? resolveMediaBinaries();
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const sizeBytes = (await stat(path)).size;
  if (!sniffVideoContainer(await readHead(path, 64))) {
    throw new VideoError('not_a_video', 'The file is not an MP4, MOV, WebM or Matroska video.');
  }
  const main = await ffprobe(
    binaries.ffprobe,
    ['-show_format', '-show_streams', path],
    timeoutMs,
    (stderr) => new VideoError('video_unreadable', `The video is corrupt or truncated: ${lastLine(stderr)}`),
  );
  const formatName = main.format?.format_name ?? '';
  const streams = main.streams ?? [];
  if (!formatName || IMAGE_FORMATS.test(formatName)) {
    throw new VideoError('not_a_video', `The file is ${formatName ? `a ${formatName} image` : 'not a video'}.`);
  }
  const videoStream = streams.find((s) => s.codec_type === 'video' && !s.disposition?.attached_pic);
  if (!videoStream) {
    const kinds = [...new Set(streams.map((s) => s.codec_type ?? 'unknown'))];
    throw new VideoError(
      'video_no_stream',
      `The file has no video stream (${kinds.length ? kinds.join(', ') : 'no streams'}).`,
      { streams: kinds },
    );
  }
  if (!videoStream.width || !videoStream.height || !videoStream.codec_name) {
    throw new VideoError('video_unreadable', 'The video stream has no readable size or codec.');
  }

  const durationSeconds = positive(videoStream.duration) ?? positive(main.format?.duration);
  if (!durationSeconds) throw new VideoError('video_unreadable', 'The video has no readable duration.');

  const timing = await ffprobe(
    binaries.ffprobe,
    [
      '-select_streams',
      String(videoStream.index),
      '-show_entries',
      'packet=pts_time',
      '-read_intervals',
      `%+#${TIMING_PACKETS}`,
      path,
    ],
    timeoutMs,
    (stderr) => new VideoError('video_unreadable', `The video cannot be read: ${lastLine(stderr)}`),
  );
  await checkComplete(binaries.ffprobe, path, videoStream.index, sizeBytes, durationSeconds, timeoutMs);

  const avgFrameRate = videoStream.avg_frame_rate ?? '0/0';
  const rFrameRate = videoStream.r_frame_rate ?? '0/0';
  const variableFrameRate = isVariable(avgFrameRate, rFrameRate, timing.packets ?? []);
  const frameRate = rational(variableFrameRate ? avgFrameRate : rFrameRate)
    ? variableFrameRate
      ? avgFrameRate
      : rFrameRate
    : avgFrameRate;
  const fps = rational(frameRate);
  if (!fps) throw new VideoError('video_unreadable', 'The video has no readable frame rate.');

  let frameCount = positiveInt(videoStream.nb_frames);
  let frameCountSource: VideoStreamProbe['frameCountSource'] = 'nb_frames';
  if (variableFrameRate || !frameCount) {
    // The reader yields frames on a constant grid at `frameRate`: duration × rate of them.
    frameCount = Math.max(1, Math.round(durationSeconds * fps));
    frameCountSource = 'duration';
    if (!variableFrameRate && options.limits && frameCount <= options.limits.maxFrameCount * 2) {
      const counted = await countPackets(binaries.ffprobe, path, videoStream.index, timeoutMs);
      if (counted) {
        frameCount = counted;
        frameCountSource = 'packets';
      }
    }
  }

  const rotation = rotationOf(videoStream);
  const turned = rotation === 90 || rotation === 270;
  const audioStream = streams.find((s) => s.codec_type === 'audio');
  const audio: AudioStreamProbe | null = audioStream
    ? {
        index: audioStream.index,
        codec: audioStream.codec_name ?? 'unknown',
        channels: audioStream.channels ?? 0,
        sampleRate: Number(audioStream.sample_rate ?? 0),
      }
    : null;

  const probe: VideoProbe = {
    formatName,
    container: containerOf(formatName, main.format?.tags?.major_brand, streams),
    sizeBytes,
    durationSeconds,
    bitRate: positiveInt(main.format?.bit_rate),
    video: {
      index: videoStream.index,
      codec: videoStream.codec_name,
      profile: videoStream.profile,
      pixelFormat: videoStream.pix_fmt,
      codedWidth: videoStream.width,
      codedHeight: videoStream.height,
      rotation,
      width: turned ? videoStream.height : videoStream.width,
      height: turned ? videoStream.width : videoStream.height,
      avgFrameRate,
      rFrameRate,
      frameRate,
      fps,
      variableFrameRate,
      frameCount,
      frameCountSource,
      durationSeconds,
      startSeconds: Number(videoStream.start_time ?? 0) || 0,
      timeBase: videoStream.time_base ?? '1/1',
    },
    audio,
    hasAudio: audio !== null,
    streams: streams.map((s): MediaStreamInfo => ({
      index: s.index,
      type: streamType(s.codec_type),
      codec: s.codec_name ?? 'unknown',
    })),
  };
  if (options.limits) checkVideoLimits(probe, options.limits);
  return probe;
}

/** Throws the `VideoError` of the first limit the video exceeds. */
export function checkVideoLimits(probe: VideoProbe, limits: VideoLimits): void {
  const { width, height, fps, frameCount } = probe.video;
  const longSide = Math.max(width, height);
  const shortSide = Math.min(width, height);
  if (longSide > limits.maxLongSide || shortSide > limits.maxShortSide) {
    throw new VideoError(
      'video_resolution_too_high',
      `The video is ${width}×${height}; the limit is ${limits.maxLongSide}×${limits.maxShortSide}.`,
      { width, height, maxLongSide: limits.maxLongSide, maxShortSide: limits.maxShortSide },
    );
  }
  if (fps > limits.maxFrameRate + 1e-6) {
    throw new VideoError(
      'video_frame_rate_too_high',
      `The video runs at ${round(fps)} frames per second; the limit is ${limits.maxFrameRate}.`,
      { frameRate: round(fps), limit: limits.maxFrameRate },
    );
  }
  if (probe.durationSeconds > limits.maxDurationSeconds) {
    throw new VideoError(
      'video_too_long',
      `The video lasts ${round(probe.durationSeconds)} s; the limit is ${limits.maxDurationSeconds} s.`,
      { durationSeconds: round(probe.durationSeconds), limit: limits.maxDurationSeconds },
    );
  }
  if (frameCount > limits.maxFrameCount) {
    throw new VideoError(
      'video_too_many_frames',
      `The video has ${frameCount} frames; the limit is ${limits.maxFrameCount}.`,
      { frameCount, limit: limits.maxFrameCount },
    );
  }
}

/** Top-level ISO base media boxes that may open an MP4 or QuickTime file. */
const ISO_BOXES = new Set(['ftyp', 'moov', 'mdat', 'free', 'skip', 'wide', 'pnot']);

/**
 * The container family by its first bytes: `iso-bmff` (MP4, MOV: a top-level box, normally
 * `ftyp`), `matroska` (MKV, WebM: the EBML magic), or undefined for anything else.
 */
export function sniffVideoContainer(head: Uint8Array): 'iso-bmff' | 'matroska' | undefined {
  if (head.length >= 4 && head[0] === 0x1a && head[1] === 0x45 && head[2] === 0xdf && head[3] === 0xa3) {
    return 'matroska';
  }
  if (head.length >= 8 && ISO_BOXES.has(Buffer.from(head.subarray(4, 8)).toString('latin1'))) {
    const size = Buffer.from(head.subarray(0, 4)).readUInt32BE(0);
    if (size === 1 || size >= 8) return 'iso-bmff';
  }
  return undefined;
}

async function readHead(path: string, length: number): Promise<Uint8Array> {
  const handle = await open(path, 'r');
  try {
    const buffer = new Uint8Array(length);
    const { bytesRead } = await handle.read(buffer, 0, length, 0);
    return buffer.subarray(0, bytesRead);
  } finally {
    await handle.close();
  }
}

/** `num/den` (or a plain number) as a number; 0 when undefined or invalid. */
export function rational(value: string): number {
  const [num, den = '1'] = value.split('/');
  const n = Number(num);
  const d = Number(den);
  return Number.isFinite(n) && Number.isFinite(d) && d > 0 && n > 0 ? n / d : 0;
}

async function ffprobe(
  binary: string,
  args: string[],
  timeoutMs: number,
  failure: (stderr: string) => VideoError,
): Promise<FfprobeOutput> {
  const result = await runProcess(binary, ['-v', 'error', '-print_format', 'json', ...args], timeoutMs);
  if (result.timedOut) throw new VideoError('video_unreadable', 'Reading the video took too long.');
  if (result.code !== 0) throw failure(result.stderr);
  try {
    return JSON.parse(result.stdout) as FfprobeOutput;
  } catch {
    throw new VideoError('video_unreadable', 'The video cannot be read.');
  }
}

/**
 * A truncated file whose index survives (MP4 with the index first) still probes; its last packets
 * then point past the end of the file. Reads the packets of the last two seconds and checks that
 * each lies within the file.
 */
async function checkComplete(
  binary: string,
  path: string,
  video: number,
  sizeBytes: number,
  durationSeconds: number,
  timeoutMs: number,
): Promise<void> {
  const from = Math.max(0, durationSeconds - 2);
  const args = ['-v', 'error', '-print_format', 'json', '-select_streams', String(video)];
  // ffprobe applies -read_intervals only after -show_entries, and needs the packets' times to do so.
  // The interval is given an end past the last packet: some ffprobe builds read nothing for an
  // open-ended one ("from%").
  const interval = `${from.toFixed(3)}%+${Math.ceil(durationSeconds - from + 60)}`;
  args.push('-show_entries', 'packet=pts_time,pos,size', '-read_intervals', interval, path);
  const result = await runProcess(binary, args, timeoutMs);
  if (result.timedOut) throw new VideoError('video_unreadable', 'Reading the video took too long.');
  const truncated = new VideoError('video_unreadable', 'The video is truncated: its data ends before its last frames.');
  if (result.code !== 0 || /partial file|truncat|end of file/i.test(result.stderr)) throw truncated;
  let packets: Array<{ pos?: string; size?: string }>;
  try {
    packets = (JSON.parse(result.stdout) as FfprobeOutput).packets ?? [];
  } catch {
    throw truncated;
  }
  // A readable video has packets in its last seconds.
  if (packets.length === 0) throw truncated;
  for (const packet of packets) {
    const pos = Number(packet.pos);
    const size = Number(packet.size);
    if (Number.isFinite(pos) && Number.isFinite(size) && pos >= 0 && pos + size > sizeBytes) throw truncated;
  }
}

async function countPackets(
  binary: string,
  path: string,
  index: number,
  timeoutMs: number,
): Promise<number | undefined> {
  const counted = await ffprobe(
    binary,
    ['-select_streams', String(index), '-count_packets', '-show_entries', 'stream=nb_read_packets', path],
    timeoutMs,
    (stderr) => new VideoError('video_unreadable', `The video cannot be read: ${lastLine(stderr)}`),
  );
  return positiveInt(counted.streams?.[0]?.nb_read_packets);
}

/**
 * Variable frame rate: the average and nominal rates disagree by more than 1 %, or the first
 * packets' presentation times are unevenly spaced (a gap more than 1.5× the shortest).
 */
function isVariable(avg: string, r: string, packets: Array<{ pts_time?: string }>): boolean {
  const a = rational(avg);
  const n = rational(r);
  if (a && n && Math.abs(a - n) / n > 0.01) return true;
  const times = packets
    .map((p) => Number(p.pts_time))
    .filter((t) => Number.isFinite(t))
    .sort((x, y) => x - y);
  const gaps: number[] = [];
  for (let i = 1; i < times.length; i++) {
    const gap = times[i] - times[i - 1];
    if (gap > 1e-6) gaps.push(gap);
  }
  if (gaps.length < 2) return false;
  return Math.max(...gaps) > Math.min(...gaps) * 1.5;
}

function rotationOf(stream: FfprobeStream): 0 | 90 | 180 | 270 {
  const matrix = stream.side_data_list?.find((d) => typeof d.rotation === 'number');
  // The display matrix states a counter-clockwise angle; the `rotate` tag a clockwise one.
  const degrees = matrix ? -Number(matrix.rotation) : Number(stream.tags?.rotate ?? 0);
  const normal = (((Math.round(degrees / 90) * 90) % 360) + 360) % 360;
  return normal as 0 | 90 | 180 | 270;
}

const WEBM_CODECS = new Set(['vp8', 'vp9', 'av1', 'opus', 'vorbis']);

/** MOV by its QuickTime brand, WebM when every stream is a WebM codec (Matroska otherwise). */
function containerOf(formatName: string, majorBrand: string | undefined, streams: FfprobeStream[]): VideoContainer {
  const names = formatName.split(',');
  if (names.includes('matroska')) {
    return streams.every((s) => WEBM_CODECS.has(s.codec_name ?? '')) ? 'webm' : 'mkv';
  }
  if (names.includes('mov') || names.includes('mp4')) return majorBrand?.trim() === 'qt' ? 'mov' : 'mp4';
  return 'other';
}

function streamType(type?: string): MediaStreamInfo['type'] {
  return type === 'video' || type === 'audio' || type === 'subtitle' || type === 'data' || type === 'attachment'
    ? type
    : 'unknown';
}

function positive(value?: string): number | undefined {
  const n = Number(value);
  return Number.isFinite(n) && n > 0 ? n : undefined;
}

function positiveInt(value?: string): number | undefined {
  const n = Number(value);
  return Number.isInteger(n) && n > 0 ? n : undefined;
}

function round(value: number): number {
  return Math.round(value * 1000) / 1000;
}
