import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runTool } from './tool.js';

/** Audio codecs an MP4 carries as they are; anything else is re-encoded to AAC. */
const MP4_AUDIO = new Set(['aac', 'mp3', 'alac', 'ac3', 'eac3']);

export interface AssembleOptions {
  ffmpeg: string;
  ffprobe: string;
  /** Video-only segment files, in order, all with the same codec parameters. */
  segments: string[];
  /** The original video: its first audio stream, container metadata and rotation are kept. */
  original: string;
  /** The MP4 file to write. */
  output: string;
  /**
   * Display rotation (degrees, as ffprobe reports it) the result carries; default the original's.
   * Segments made of frames already turned upright take 0.
   */
  rotation?: number;
  /** Folder for the concat list (default the system's temporary folder). */
  tmpDir?: string;
  signal?: AbortSignal;
}

/**
 * Joins fused segments into the result without re-encoding: ffmpeg's concat demuxer copies the
 * video packets in order (frame rate and timestamps as the segments were encoded), the original's
 * first audio stream is muxed in (copied when MP4 can carry it, else AAC), and its container
 * metadata and display rotation are kept. The output starts with its index (`faststart`) for streaming.
 */
export async function assembleSegments(options: AssembleOptions): Promise<void> {
  if (options.segments.length === 0) throw new Error('no segments to assemble');
  const dir = await mkdtemp(join(options.tmpDir ?? tmpdir(), 'fg-assemble-'));
  try {
    const list = join(dir, 'segments.txt');
    await writeFile(list, options.segments.map((s) => `file '${s.replaceAll("'", "'\\''")}'\n`).join(''));
    const [audio, rotation, segmentRotation] = await Promise.all([
      audioCodec(options.ffprobe, options.original, options.signal),
      options.rotation ?? displayRotation(options.ffprobe, options.original, options.signal),
      displayRotation(options.ffprobe, options.segments[0], options.signal),
    ]);
    const args = [
      '-v',
      'error',
      '-y',
      '-f',
      'concat',
      '-safe',
      '0',
      '-i',
      list,
      '-i',
      options.original,
      '-map',
      '0:v:0',
      ...(audio ? ['-map', '1:a:0'] : []),
      '-c:v',
      'copy',
      ...(audio ? (MP4_AUDIO.has(audio) ? ['-c:a', 'copy'] : ['-c:a', 'aac', '-b:a', '160k']) : []),
      '-map_metadata',
      '1',
      // Segments encoded from unrotated frames lack the original's display matrix: write it back.
      ...(rotation !== segmentRotation
        ? ['-metadata:s:v:0', `rotate=${(((rotation % 360) + 360) % 360).toString()}`]
        : []),
      '-movflags',
      '+faststart',
      '-f',
      'mp4',
      options.output,
    ];
    await runTool(options.ffmpeg, args, options.signal);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** The codec of the file's first audio stream, or null when it has none. */
async function audioCodec(ffprobe: string, file: string, signal?: AbortSignal): Promise<string | null> {
  const { stdout } = await runTool(
    ffprobe,
    ['-v', 'error', '-select_streams', 'a:0', '-show_entries', 'stream=codec_name', '-of', 'csv=p=0', file],
    signal,
  );
  const name = stdout.trim().split('\n')[0]?.trim();
  return name ? name : null;
}

/** The display rotation (degrees, as ffprobe reports it) of the file's first video stream; 0 when none. */
export async function displayRotation(ffprobe: string, file: string, signal?: AbortSignal): Promise<number> {
  const { stdout } = await runTool(
    ffprobe,
    ['-v', 'error', '-select_streams', 'v:0', '-show_entries', 'stream_side_data=rotation', '-of', 'json', file],
    signal,
  );
  const parsed = JSON.parse(stdout) as { streams?: Array<{ side_data_list?: Array<{ rotation?: number }> }> };
  const rotation = parsed.streams?.[0]?.side_data_list?.find((d) => d.rotation !== undefined)?.rotation;
  return Number(rotation ?? 0);
}
