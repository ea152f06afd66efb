import { describe, expect, it } from '@jest/globals';
import sharp from 'sharp';
import { loadImageCodec } from './load-image-codec.js';
import { probeImage } from './image-header.js';

async function gradient(format: 'jpeg' | 'png' | 'webp', width = 64, height = 48): Promise<Uint8Array> {
  const raw = Buffer.alloc(width * height * 3);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) raw.set([x * 4, y * 5, 128], (y * width + x) * 3);
  }
  const image = sharp(raw, { raw: { width, height, channels: 3 } });
  const out = await (
    format === 'jpeg' ? image.jpeg({ quality: 95 }) : format === 'png' ? image.png() : image.webp({ quality: 95 })
  ).toBuffer();
  return new Uint8Array(out);
}

/** A PNG whose header declares the given size but whose data is tiny (a decompression-bomb shape). */
function pngDeclaring(width: number, height: number): Uint8Array {
  const bytes = Buffer.alloc(8 + 25 + 12);
  Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]).copy(bytes, 0);
  bytes.writeUInt32BE(13, 8);
  bytes.write('IHDR', 12, 'ascii');
  bytes.writeUInt32BE(width, 16);
  bytes.writeUInt32BE(height, 20);
  bytes.writeUInt32BE(0, 33);
  bytes.write('IEND', 37, 'ascii');
  return new Uint8Array(bytes);
}

describe('image header and codecs', () => {
  it.each(['jpeg', 'png', 'webp'] as const)('reads %s dimensions from the header', async (format) => {
    expect(probeImage(await gradient(format))).toEqual({ format, width: 64, height: 48 });
  });

  it('refuses a header declaring more pixels than the limit before decoding', () => {
    const bomb = pngDeclaring(50_000, 50_000);
    expect(() => probeImage(bomb)).toThrow(expect.objectContaining({ code: 'image_too_large', status: 413 }));
    expect(() => probeImage(pngDeclaring(100, 100), { maxPixels: 5000 })).toThrow(
      expect.objectContaining({ code: 'image_too_large' }),
    );
  });

  it('refuses unknown, truncated and mislabelled files with distinct codes', async () => {
    expect(() => probeImage(new TextEncoder().encode('GIF89a not supported here'))).toThrow(
      expect.objectContaining({ code: 'image_unsupported', status: 415 }),
    );
    const jpeg = await gradient('jpeg');
    expect(() => probeImage(jpeg.subarray(0, Math.floor(jpeg.length * 0.6)))).toThrow(
      expect.objectContaining({ code: 'image_truncated', status: 422 }),
    );
    const png = await gradient('png');
    expect(() => probeImage(png.subarray(0, png.length - 20))).toThrow(
      expect.objectContaining({ code: 'image_truncated' }),
    );
    const webp = await gradient('webp');
    expect(() => probeImage(webp.subarray(0, webp.length - 10))).toThrow(
      expect.objectContaining({ code: 'image_truncated' }),
    );
    expect(() => probeImage(png, { declared: 'image/jpeg' })).toThrow(
      expect.objectContaining({ code: 'image_mislabelled', status: 415 }),
    );
    expect(probeImage(jpeg, { declared: 'image/jpg' }).format).toBe('jpeg');
  });

  it.each(['sharp', 'jimp'] as const)(
    '%s refuses corrupt data inside a valid frame with image_invalid',
    async (name) => {
      const codec = await loadImageCodec(name);
      const png = Buffer.from(await gradient('png'));
      // Corrupt the compressed IDAT payload but keep every chunk length intact.
      const idat = png.indexOf('IDAT');
      for (let i = idat + 8; i < idat + 40; i++) png[i] ^= 0x5a;
      await expect(codec.decode(new Uint8Array(png))).rejects.toMatchObject({ code: 'image_invalid' });
      await expect(codec.decode(pngDeclaring(50_000, 50_000))).rejects.toMatchObject({ code: 'image_too_large' });
    },
  );

  it.each(['jpeg', 'png', 'webp'] as const)(
    'sharp and jimp decode %s to the same pixels within rounding and re-encode it',
    async (format) => {
      const [fast, pure] = await Promise.all([loadImageCodec('sharp'), loadImageCodec('jimp')]);
      expect(fast.name).toBe('sharp');
      expect(pure.name).toBe('jimp');
      const bytes = await gradient(format);
      const a = await fast.decode(bytes);
      const b = await pure.decode(bytes);
      expect([a.width, a.height, a.format]).toEqual([64, 48, format]);
      expect([b.width, b.height, b.format]).toEqual([64, 48, format]);
      let worst = 0;
      for (let i = 0; i < a.data.length; i++) worst = Math.max(worst, Math.abs(a.data[i] - b.data[i]));
      expect(worst).toBeLessThanOrEqual(format === 'png' ? 0 : 6);
      for (const codec of [fast, pure]) {
        const encoded = await codec.encode(a, format);
        expect(probeImage(encoded)).toEqual({ format, width: 64, height: 48 });
      }
    },
  );

  it('picks sharp by default', async () => {
    expect((await loadImageCodec()).name).toBe('sharp');
  });
});
