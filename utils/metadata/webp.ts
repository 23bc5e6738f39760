/** WebP (RIFF) metadata chunks: EXIF (TIFF, sometimes after an "Exif\0\0" prefix), XMP, and C2PA. */
import { ascii, Truncated, u32, utf8 } from './bytes';
import { readTiff } from './exif';
import type { RawMetadata } from './raw';

export function isWebp(bytes: Uint8Array): boolean {
  return ascii(bytes, 0, 4) === 'RIFF' && ascii(bytes, 8, 12) === 'WEBP';
}

export function readWebp(bytes: Uint8Array): RawMetadata {
  const found: RawMetadata = { format: 'webp', text: {}, problems: [] };
  let at = 12;
  try {
    while (at + 8 <= bytes.length) {
      const type = ascii(bytes, at, at + 4);
      const length = u32(bytes, at + 4, true);
      if (at + 8 + length > bytes.length) throw new Truncated(`${type.trim()} chunk`);
      const data = bytes.subarray(at + 8, at + 8 + length);
      if (type === 'EXIF') found.exif = readTiff(ascii(data, 0, 6) === 'Exif\0\0' ? data.subarray(6) : data, found.problems);
      else if (type === 'XMP ') found.xmp = utf8(data);
      else if (type === 'C2PA') found.c2pa = data;
      at += 8 + length + (length & 1); // chunks are padded to an even size
    }
  } catch (error) {
    found.problems.push(error instanceof Error ? error.message : String(error));
  }
  return found;
}
