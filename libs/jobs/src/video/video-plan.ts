import {
  framesForSeconds,
  indexFrames,
  onFrameGrid,
  planSegments,
  type MediaBinaries,
  type SegmentPlan,
  type VideoProbe,
} from '#libs/media';

/**
 * A video job's segments: keyframes listed from the packets (no decoding), moved onto the frame
 * grid the reader counts on, and cut about every `segmentSeconds` at the next keyframe, so each
 * segment decodes on its own and every frame belongs to exactly one segment.
 */
export async function planVideoSegments(
  binaries: MediaBinaries,
  file: string,
  probe: VideoProbe,
  segmentSeconds: number,
  signal?: AbortSignal,
): Promise<SegmentPlan[]> {
  const packets = await indexFrames(binaries.ffprobe, file, signal);
  const grid = onFrameGrid(packets, {
    fps: probe.video.fps,
    frameCount: probe.video.frameCount,
    startSeconds: probe.video.startSeconds,
  });
  return planSegments(grid, framesForSeconds(grid, segmentSeconds));
}
