import { loadImageCodec } from '#libs/inference';
import { readVideoFrames, type MediaBinaries, type VideoProbe } from '#libs/media';

/** What a frame's watermark reader answers (the engine's `detectWatermark`). */
export interface FrameWatermark {
  payload: string;
  confidence: number;
}

export interface VideoWatermarkDetection {
  /** The payload found on most sampled frames, or null when none carries one. */
  found: FrameWatermark | null;
  framesChecked: number;
  /** Sampled frames carrying `found.payload`. */
  framesMarked: number;
}

/**
 * Looks for the watermark on `samples` frames spread evenly over a video (each read with a seek,
 * never the whole video), losslessly encoded for `detect`. Every fused frame carries the job's
 * payload, so the payload seen on most samples is the answer; its confidence is the best seen.
 */
export async function detectVideoWatermark(
  path: string,
  probe: VideoProbe,
  detect: (image: Uint8Array) => Promise<FrameWatermark | null>,
  options: { samples?: number; binaries?: MediaBinaries } = {},
): Promise<VideoWatermarkDetection> {
  const frameCount = probe.video.frameCount;
  const samples = Math.max(1, Math.min(options.samples ?? 5, frameCount));
  const indices = [
    ...new Set(Array.from({ length: samples }, (_, i) => Math.floor(((i + 0.5) * frameCount) / samples))),
  ];
  const codec = await loadImageCodec();
  const seen = new Map<string, { count: number; confidence: number }>();
  let framesChecked = 0;
  for (const index of indices) {
    for await (const frame of readVideoFrames(path, probe, {
      startFrame: index,
      endFrame: index + 1,
      binaries: options.binaries,
    })) {
      framesChecked++;
      const found = await detect(await codec.encode(frame, 'png'));
      if (!found) continue;
      const entry = seen.get(found.payload) ?? { count: 0, confidence: 0 };
      seen.set(found.payload, { count: entry.count + 1, confidence: Math.max(entry.confidence, found.confidence) });
    }
  }
  let best: [string, { count: number; confidence: number }] | undefined;
  for (const entry of seen) if (!best || entry[1].count > best[1].count) best = entry;
  return {
    found: best ? { payload: best[0], confidence: best[1].confidence } : null,
    framesChecked,
    framesMarked: best?.[1].count ?? 0,
  };
}
