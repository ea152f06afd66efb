import type { MediaBinaries } from './ffmpeg-binary.js';

/** Container families accepted as video targets (by ffprobe's format name). */
export type VideoContainer = 'mp4' | 'mov' | 'webm' | 'mkv' | 'other';

/** One stream of the file as ffprobe lists it. */
export interface MediaStreamInfo {
  index: number;
  type: 'video' | 'audio' | 'subtitle' | 'data' | 'attachment' | 'unknown';
  codec: string;
}

/** The video stream that is decoded (the first non-cover-art video stream). */
export interface VideoStreamProbe {
  index: number;
  /** ffprobe's codec name: h264, hevc, vp9, av1, … */
  codec: string;
  profile?: string;
  pixelFormat?: string;
  /** Stored (coded) size. */
  codedWidth: number;
  codedHeight: number;
  /** Clockwise rotation to apply for display (display matrix side data or the `rotate` tag). */
  rotation: 0 | 90 | 180 | 270;
  /** Size of the decoded frames, upright (stored size turned by `rotation`). */
  width: number;
  height: number;
  /** ffprobe's `avg_frame_rate` and `r_frame_rate` as `num/den`. */
  avgFrameRate: string;
  rFrameRate: string;
  /** The frame rate frames are read and written at (`num/den`): r_frame_rate, or avg for VFR. */
  frameRate: string;
  /** `frameRate` as a number. */
  fps: number;
  /** True when frame durations vary: frames are then read on a constant-rate grid at `frameRate`. */
  variableFrameRate: boolean;
  /** Frames the reader yields for the whole video. */
  frameCount: number;
  /** Where `frameCount` comes from: the container's count, packets counted, or duration × rate. */
  frameCountSource: 'nb_frames' | 'packets' | 'duration';
  durationSeconds: number;
  startSeconds: number;
  timeBase: string;
}

export interface AudioStreamProbe {
  index: number;
  codec: string;
  channels: number;
  sampleRate: number;
}

/** What `probeVideo` learned about a file, enough to refuse it, read it and plan its segments. */
export interface VideoProbe {
  /** ffprobe's format name, e.g. `mov,mp4,m4a,3gp,3g2,mj2` or `matroska,webm`. */
  formatName: string;
  container: VideoContainer;
  sizeBytes: number;
  durationSeconds: number;
  bitRate?: number;
  video: VideoStreamProbe;
  /** The first audio stream, or null. */
  audio: AudioStreamProbe | null;
  hasAudio: boolean;
  streams: MediaStreamInfo[];
}

/** Upper bounds a video must stay within (an organization's settings). */
export interface VideoLimits {
  maxDurationSeconds: number;
  /** Longest side of the upright frame, in pixels. */
  maxLongSide: number;
  /** Shortest side of the upright frame, in pixels. */
  maxShortSide: number;
  maxFrameRate: number;
  maxFrameCount: number;
}

export interface ProbeOptions {
  binaries?: MediaBinaries;
  /** Refuse with the matching `VideoError` when the video exceeds these. */
  limits?: VideoLimits;
  /** Kills ffprobe after this long (default 60 s) and reports the file as unreadable. */
  timeoutMs?: number;
}

/** Pixel layout of raw frames: 3 or 4 bytes per pixel, row-major, no padding. */
export type RawPixelFormat = 'rgb24' | 'rgba';

/** One decoded frame, upright, in the reader's pixel format. */
export interface RawVideoFrame {
  /** Index in the whole video (0-based), on the reader's constant-rate grid. */
  index: number;
  /** `index / fps`, seconds from the start of the video. */
  timeSeconds: number;
  width: number;
  height: number;
  channels: 3 | 4;
  /** width × height × channels bytes; the reader never reuses it. */
  data: Buffer;
}

export interface ReadFramesOptions {
  binaries?: MediaBinaries;
  /** First frame to yield (default 0). */
  startFrame?: number;
  /** Frame after the last one to yield (default: the end of the video). */
  endFrame?: number;
  pixelFormat?: RawPixelFormat;
  /** Frames decoded ahead of the consumer (default 2): memory is bounded by (this + 1) frames. */
  bufferFrames?: number;
  /** Aborting stops ffmpeg and rejects the pending read with the signal's reason. */
  signal?: AbortSignal;
}

export interface EncodeOptions {
  binaries?: MediaBinaries;
  /** Size of the frames written (odd sizes are padded by one pixel: yuv420p needs even sizes). */
  width: number;
  height: number;
  /** `num/den` (e.g. `30000/1001`) or a number. */
  frameRate: string | number;
  pixelFormat?: RawPixelFormat;
  /** libx264's constant rate factor, 0–51 (default 18, visually lossless). */
  crf?: number;
  /** libx264 preset (default `veryfast`). */
  preset?: 'ultrafast' | 'superfast' | 'veryfast' | 'faster' | 'fast' | 'medium' | 'slow' | 'slower' | 'veryslow';
  /** Aborting stops ffmpeg and deletes the partial output. */
  signal?: AbortSignal;
}

export interface EncodedVideo {
  path: string;
  frames: number;
  sizeBytes: number;
}

/** Writes raw frames to an H.264/yuv420p MP4 (video only) through ffmpeg's stdin. */
export interface RawVideoEncoder {
  /** Writes one frame (width × height × channels bytes); resolves when ffmpeg has taken it (backpressure). */
  write(frame: Uint8Array): Promise<void>;
  /** Closes the input and waits for the file to be complete. */
  finish(): Promise<EncodedVideo>;
  /** Stops ffmpeg and deletes the partial file. */
  abort(): Promise<void>;
}
