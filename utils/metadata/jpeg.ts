/**
 * JPEG metadata segments: APP1 "Exif\0\0" (TIFF), APP1 XMP ("http://ns.adobe.com/xap/1.0/\0"),
 * and APP11 JUMBF (C2PA). Stops at the start of scan: metadata segments come before it.
 */
import { ascii, latin1, Truncated, u16, utf8 } from './bytes';
import { readTiff } from './exif';
import type { RawMetadata } from './raw';

const XMP_NAMESPACE = 'http://ns.adobe.com/xap/1.0/\0';

export function isJpeg(bytes: Uint8Array): boolean {
  return bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff;
}

export function readJpeg(bytes: Uint8Array): RawMetadata {
  const found: RawMetadata = { format: 'jpeg', text: {}, problems: [] };
  const jumbf: Uint8Array[] = [];
  let at = 2;
  try {
    while (at + 4 <= bytes.length) {
      if (bytes[at] !== 0xff) throw new Error('a JPEG segment marker is missing');
      const marker = bytes[at + 1]!;
      if (marker === 0xff) {
        at += 1; // fill byte
        continue;
      }
      if (marker === 0xda || marker === 0xd9) break; // start of scan / end of image
      const length = u16(bytes, at + 2);
      const end = at + 2 + length;
      if (end > bytes.length) throw new Truncated(`APP${marker - 0xe0} segment`);
      const data = bytes.subarray(at + 4, end);
      if (marker === 0xe1 && ascii(data, 0, 6) === 'Exif\0\0') found.exif ??= readTiff(data.subarray(6), found.problems);
      else if (marker === 0xe1 && latin1(data.subarray(0, XMP_NAMESPACE.length)) === XMP_NAMESPACE) found.xmp ??= utf8(data.subarray(XMP_NAMESPACE.length));
      // APP11 "JP" common identifier, then box instance, sequence number (4 bytes): the rest is JUMBF.
      else if (marker === 0xeb && ascii(data, 0, 2) === 'JP') jumbf.push(data.subarray(8));
      at = end;
    }
  } catch (error) {
    found.problems.push(error instanceof Error ? error.message : String(error));
  }
  if (jumbf.length) {
    const total = jumbf.reduce((sum, part) => sum + part.length, 0);
    found.c2pa = new Uint8Array(total);
    let offset = 0;
    for (const part of jumbf) {
      found.c2pa.set(part, offset);
      offset += part.length;
    }
  }
  return found;
}
