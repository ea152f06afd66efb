import { Injectable } from '@nestjs/common';
import type { JobEntity } from '#libs/jobs';
import { VideoError, VideoErrorCode, type VideoProbe } from '#libs/media';

/** A frame range of a local video to fuse into a local video-only file. */
export interface SegmentFusionRequest {
  input: string;
  probe: VideoProbe;
  startFrame: number;
  endFrame: number;
  output: string;
  signal: AbortSignal;
  /** Frames of the range fused so far. */
  onFrames: (done: number) => void;
}

/** Fuses one segment of a video job with the job's models and options (the engine's video path). */
@Injectable()
export class VideoSegmentFusion {
  executionProvider = 'cpu';

  /** Not wired yet: fails the job with `video_processing_failed` rather than pretending to fuse. */
  fuse(_job: JobEntity, _request: SegmentFusionRequest): Promise<void> {
    return Promise.reject(
      new VideoError(VideoErrorCode.ProcessingFailed, 'Video fusion is not available in this build.'),
    );
  }
}
