/**
 * Stable codes of video input problems. libs/media has no HTTP layer: callers map these codes to
 * their problem+json errors (libs/jobs answers 415 for `not_a_video`, 422 for the others, 413 for
 * limits).
 */
export const VideoErrorCode = {
  /** The bytes are not a video container ffprobe recognises (or are a still image). */
  NotAVideo: 'not_a_video',
  /** A video container, but corrupt or truncated: it cannot be read to the end. */
  Unreadable: 'video_unreadable',
  /** A container without a video stream (audio only, subtitles, attachments). */
  NoStream: 'video_no_stream',
  /** Longer than the allowed duration. */
  TooLong: 'video_too_long',
  /** Wider or taller (after rotation) than allowed. */
  ResolutionTooHigh: 'video_resolution_too_high',
  /** A higher frame rate than allowed. */
  FrameRateTooHigh: 'video_frame_rate_too_high',
  /** More frames than allowed. */
  TooManyFrames: 'video_too_many_frames',
  /** ffmpeg failed while decoding or encoding. */
  ProcessingFailed: 'video_processing_failed',
} as const;

export type VideoErrorCodeValue = (typeof VideoErrorCode)[keyof typeof VideoErrorCode];

/** A video input or processing problem, with its stable code and details safe to show the caller. */
export class VideoError extends Error {
  constructor(
    readonly code: VideoErrorCodeValue,
    message: string,
    readonly details: Record<string, unknown> = {},
  ) {
    super(message);
    this.name = 'VideoError';
  }
}
