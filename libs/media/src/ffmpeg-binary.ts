import { createRequire } from 'node:module';
import type { AppConfig } from '#libs/config';

/** The ffmpeg and ffprobe executables the media functions run. */
export interface MediaBinaries {
  ffmpeg: string;
  ffprobe: string;
}

/** `FFMPEG_PATH` / `FFPROBE_PATH` as the configuration holds them (`AppConfig.media`). */
export type MediaBinarySettings = Partial<AppConfig['media']>;

let packaged: MediaBinaries | undefined;

/**
 * The binaries to run: the configured paths (`FFMPEG_PATH`, `FFPROBE_PATH`, read by libs/config),
 * else those shipped by the `@ffmpeg-installer/ffmpeg` and `@ffprobe-installer/ffprobe` packages
 * (looked up once, on first use, so a process given both paths never loads those packages).
 */
export function resolveMediaBinaries(settings: MediaBinarySettings = {}): MediaBinaries {
  if (settings.ffmpegPath && settings.ffprobePath) {
    return { ffmpeg: settings.ffmpegPath, ffprobe: settings.ffprobePath };
  }
  packaged ??= packagedBinaries();
  return {
    ffmpeg: settings.ffmpegPath ?? packaged.ffmpeg,
    ffprobe: settings.ffprobePath ?? packaged.ffprobe,
  };
}

function packagedBinaries(): MediaBinaries {
  const require = createRequire(import.meta.url);
  const load = (name: string): string => {
    try {
      return (require(name) as { path: string }).path;
    } catch (error) {
      throw new Error(
        `${name} provides no binary for this platform (${process.platform}-${process.arch}); set FFMPEG_PATH and FFPROBE_PATH.`,
        { cause: error },
      );
    }
  };
  return { ffmpeg: load('@ffmpeg-installer/ffmpeg'), ffprobe: load('@ffprobe-installer/ffprobe') };
}
