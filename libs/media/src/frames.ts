import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { rm, stat } from 'node:fs/promises';
import { resolveMediaBinaries } from './ffmpeg-binary.js';
import { VideoError } from './media.errors.js';
import { lastChars, lastLine } from './run-process.js';
import type {
  EncodedVideo,
  EncodeOptions,
  RawVideoEncoder,
  RawVideoFrame,
  ReadFramesOptions,
  VideoProbe,
} from './types.js';

/**
 * Decodes frames [startFrame, endFrame) of a video to raw RGB (or RGBA) through a pipe, as an async
 * iterator of one buffer per frame. Nothing is decoded to disk and at most `bufferFrames` + 1
 * frames are held: ffmpeg blocks on the pipe while the consumer is behind.
 *
 * - Rotation: ffmpeg turns frames upright (its autorotation), so frames are `probe.video.width` ×
 *   `probe.video.height` and carry no rotation any more.
 * - Frame rate: a constant-rate video yields every decoded frame exactly once (timestamps passed
 *   through), frame i being the i-th in presentation order. A variable-rate video is read on a
 *   constant grid at its average rate (`probe.video.frameRate`): frame i is the source frame shown
 *   at i / fps (frames repeated or dropped as ffmpeg's `fps` filter does), so durations are kept
 *   and the frame count is duration × average rate.
 * - Ranges start with an accurate seek: ffmpeg seeks to the keyframe before, decodes and drops the
 *   frames before `startFrame` (half a frame of margin against rounding).
 */
export async function* readVideoFrames(
  path: string,
  probe: VideoProbe,
  options: ReadFramesOptions = {},
): AsyncGenerator<RawVideoFrame, void, undefined> {
  const binaries = options.binaries ?? resolveMediaBinaries();
  const { width, height, fps, frameRate, variableFrameRate } = probe.video;
  const startFrame = Math.max(0, Math.floor(options.startFrame ?? 0));
  const endFrame = Math.floor(options.endFrame ?? Number.MAX_SAFE_INTEGER);
  if (endFrame <= startFrame) return;
  const channels = options.pixelFormat === 'rgba' ? 4 : 3;
  const frameBytes = width * height * channels;
  const args = ['-hide_banner', '-nostdin', '-v', 'error'];
  if (startFrame > 0) args.push('-ss', ((startFrame - 0.5) / fps).toFixed(6));
  args.push('-i', path, '-map', `0:${probe.video.index}`, '-an', '-sn', '-dn');
  if (variableFrameRate) args.push('-vf', `fps=${frameRate}`);
  else args.push('-vsync', 'passthrough');
  if (endFrame !== Number.MAX_SAFE_INTEGER) args.push('-frames:v', String(endFrame - startFrame));
  args.push('-f', 'rawvideo', '-pix_fmt', channels === 4 ? 'rgba' : 'rgb24', 'pipe:1');

  const signal = options.signal;
  signal?.throwIfAborted();
  const child = spawn(binaries.ffmpeg, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  const exited = exitOf(child);
  const onAbort = () => child.kill('SIGKILL');
  signal?.addEventListener('abort', onAbort, { once: true });
  const frames = assembleFrames(child.stdout, frameBytes);
  const ahead = Math.max(0, Math.floor(options.bufferFrames ?? 2));
  const pending: Array<Promise<IteratorResult<Buffer>>> = [];
  let index = startFrame;
  try {
    for (;;) {
      while (pending.length < ahead + 1) pending.push(frames.next());
      const next = await pending.shift()!;
      signal?.throwIfAborted();
      if (next.done) break;
      yield { index, timeSeconds: index / fps, width, height, channels, data: next.value };
      index++;
    }
    const { code, stderr } = await exited;
    signal?.throwIfAborted();
    if (code !== 0) {
      throw new VideoError('video_unreadable', `Decoding the video failed: ${lastLine(stderr)}`, { frame: index });
    }
  } finally {
    signal?.removeEventListener('abort', onAbort);
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    await Promise.allSettled(pending);
    await exited.catch(() => undefined);
  }
}

/** Cuts a byte stream into frames of `frameBytes`; a short tail (a cut-off frame) is dropped. */
async function* assembleFrames(stream: NodeJS.ReadableStream, frameBytes: number): AsyncGenerator<Buffer> {
  let frame = Buffer.allocUnsafe(frameBytes);
  let filled = 0;
  for await (const chunk of stream as AsyncIterable<Buffer>) {
    let offset = 0;
    while (offset < chunk.length) {
      const take = Math.min(frameBytes - filled, chunk.length - offset);
      chunk.copy(frame, filled, offset, offset + take);
      filled += take;
      offset += take;
      if (filled === frameBytes) {
        yield frame;
        frame = Buffer.allocUnsafe(frameBytes);
        filled = 0;
      }
    }
  }
}

function exitOf(
  child: ChildProcessWithoutNullStreams | ReturnType<typeof spawn>,
): Promise<{ code: number | null; stderr: string }> {
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr = lastChars(stderr + chunk.toString('utf8'), 16 * 1024);
  });
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stderr }));
  });
}

/**
 * Starts ffmpeg writing raw frames from its stdin to `outputPath` as H.264 (libx264) yuv420p MP4,
 * video only, at the given constant frame rate (index first: `+faststart`). Each `write` waits
 * while the pipe is full, so a fast producer never queues more than one frame in memory.
 */
export function createVideoEncoder(outputPath: string, options: EncodeOptions): RawVideoEncoder {
  const binaries = options.binaries ?? resolveMediaBinaries();
  const channels = options.pixelFormat === 'rgba' ? 4 : 3;
  const frameBytes = options.width * options.height * channels;
  const crf = options.crf ?? 18;
  if (!Number.isInteger(crf) || crf < 0 || crf > 51) throw new RangeError(`crf must be an integer 0–51 (got ${crf})`);
  const args = [
    '-hide_banner',
    '-v',
    'error',
    '-y',
    '-f',
    'rawvideo',
    '-pix_fmt',
    channels === 4 ? 'rgba' : 'rgb24',
    '-s',
    `${options.width}x${options.height}`,
    '-framerate',
    String(options.frameRate),
    '-i',
    'pipe:0',
    '-an',
  ];
  if (options.width % 2 || options.height % 2) args.push('-vf', 'pad=ceil(iw/2)*2:ceil(ih/2)*2');
  args.push(
    '-c:v',
    'libx264',
    '-preset',
    options.preset ?? 'veryfast',
    '-crf',
    String(crf),
    '-pix_fmt',
    'yuv420p',
    '-movflags',
    '+faststart',
    '-f',
    'mp4',
    outputPath,
  );
  const signal = options.signal;
  signal?.throwIfAborted();
  const child = spawn(binaries.ffmpeg, args, { stdio: ['pipe', 'ignore', 'pipe'] });
  const exited = exitOf(child);
  let frames = 0;
  let failure: Error | undefined;
  let closed = false;
  const stdin = child.stdin!;
  stdin.on('error', (error) => {
    failure ??= error;
  });
  const abort = async () => {
    closed = true;
    child.kill('SIGKILL');
    await exited.catch(() => undefined);
    await rm(outputPath, { force: true });
  };
  const onAbort = () => void abort();
  signal?.addEventListener('abort', onAbort, { once: true });
  const encodeError = async (): Promise<VideoError> => {
    const { stderr } = await exited.catch(() => ({ stderr: '' }));
    return new VideoError('video_processing_failed', `Encoding the video failed: ${lastLine(stderr)}`, {
      frame: frames,
    });
  };

  return {
    async write(frame) {
      signal?.throwIfAborted();
      if (closed) throw new Error('The encoder is closed.');
      if (frame.byteLength !== frameBytes) {
        throw new RangeError(
          `A frame must be ${frameBytes} bytes (${options.width}×${options.height}×${channels}), got ${frame.byteLength}.`,
        );
      }
      if (failure || child.exitCode !== null) throw await encodeError();
      const more = stdin.write(frame);
      frames++;
      if (!more) {
        await new Promise<void>((resolve) => {
          const done = () => {
            stdin.off('drain', done);
            child.off('close', done);
            resolve();
          };
          stdin.on('drain', done);
          child.on('close', done);
        });
        if (failure || (child.exitCode !== null && child.exitCode !== 0)) throw await encodeError();
      }
    },
    async finish(): Promise<EncodedVideo> {
      signal?.throwIfAborted();
      closed = true;
      stdin.end();
      const { code } = await exited;
      signal?.removeEventListener('abort', onAbort);
      signal?.throwIfAborted();
      if (code !== 0) {
        const error = await encodeError();
        await rm(outputPath, { force: true });
        throw error;
      }
      return { path: outputPath, frames, sizeBytes: (await stat(outputPath)).size };
    },
    async abort() {
      signal?.removeEventListener('abort', onAbort);
      await abort();
    },
  };
}
