/**
 * The EXIF text tags generators write, from a TIFF structure (JPEG APP1 after "Exif\0\0", WebP's
 * EXIF chunk, PNG's eXIf): ImageDescription, Make, Software in IFD0 and UserComment in the Exif IFD.
 */
import { latin1, Truncated, u16, u32, utf8 } from './bytes';
import type { ExifText } from './raw';

const IMAGE_DESCRIPTION = 0x010e;
const MAKE = 0x010f;
const SOFTWARE = 0x0131;
const EXIF_IFD = 0x8769;
const USER_COMMENT = 0x9286;
/** Bytes per value of the TIFF types we read (BYTE, ASCII, SHORT, LONG, UNDEFINED). */
const TYPE_SIZE: Record<number, number> = { 1: 1, 2: 1, 3: 2, 4: 4, 7: 1 };

/** UserComment: an 8-byte character-code prefix, then the text (A1111 writes UNICODE as UTF-16 BE). */
export function decodeUserComment(value: Uint8Array): string {
  const code = latin1(value.subarray(0, 8)).replace(/\0+$/, '');
  const body = value.subarray(8);
  if (code === 'UNICODE') {
    // Big-endian unless the first character reads as little-endian ASCII ("p\0r\0…").
    const littleEndian = body.length > 1 && body[0] !== 0 && body[1] === 0;
    return new TextDecoder(littleEndian ? 'utf-16le' : 'utf-16be').decode(body).replace(/\0+$/, '');
  }
  return (code === 'ASCII' || code === '' ? latin1(body) : utf8(body)).replace(/\0+$/, '');
}

function trimNul(text: string): string {
  return text.replace(/\0+$/, '');
}

export function readTiff(tiff: Uint8Array, problems: string[]): ExifText | undefined {
  try {
    const order = latin1(tiff.subarray(0, 2));
    if (order !== 'II' && order !== 'MM') throw new Error('not TIFF');
    const le = order === 'II';
    const found: ExifText = {};
    const visited = new Set<number>();
    const readIfd = (offset: number) => {
      if (visited.has(offset)) return; // a loop in a crafted file
      visited.add(offset);
      const entries = u16(tiff, offset, le);
      for (let i = 0; i < entries; i++) {
        const entry = offset + 2 + i * 12;
        const tag = u16(tiff, entry, le);
        const type = u16(tiff, entry + 2, le);
        const count = u32(tiff, entry + 4, le);
        if (tag === EXIF_IFD) {
          readIfd(u32(tiff, entry + 8, le));
          continue;
        }
        if (![IMAGE_DESCRIPTION, MAKE, SOFTWARE, USER_COMMENT].includes(tag)) continue;
        const size = count * (TYPE_SIZE[type] ?? 1);
        const start = size <= 4 ? entry + 8 : u32(tiff, entry + 8, le);
        if (start + size > tiff.length) throw new Truncated('EXIF data');
        const value = tiff.subarray(start, start + size);
        if (tag === USER_COMMENT) found.userComment = decodeUserComment(value);
        else if (tag === IMAGE_DESCRIPTION) found.imageDescription = trimNul(utf8(value));
        else if (tag === MAKE) found.make = trimNul(utf8(value));
        else found.software = trimNul(utf8(value));
      }
    };
    readIfd(u32(tiff, 4, le));
    return found;
  } catch (error) {
    problems.push(error instanceof Truncated ? error.message : 'the EXIF block could not be read');
    return undefined;
  }
}
