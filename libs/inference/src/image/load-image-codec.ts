import type { CodecName, ImageCodec } from './image-codec.js';

/**
 * Returns a codec: the requested one, or with `'auto'` sharp when its native module loads and jimp
 * (pure JavaScript) otherwise.
 */
export async function loadImageCodec(preference: CodecName | 'auto' = 'auto'): Promise<ImageCodec> {
  if (preference === 'jimp') return (await import('./jimp.codec.js')).JimpCodec.create();
  try {
    return await (await import('./sharp.codec.js')).SharpCodec.create();
  } catch (error) {
    if (preference === 'sharp') throw error;
    return (await import('./jimp.codec.js')).JimpCodec.create();
  }
}
