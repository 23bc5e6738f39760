/**
 * Whether an image file is animated, read from its bytes: servers often label an APNG
 * `image/png` and an animated WebP `image/webp`, so the MIME type cannot tell. Browsers decode
 * the first frame of these, which is what the editor works on; the user is told so.
 */

/** What the editor tells the user about an animated file. */
export const ANIMATED_NOTE = 'Animated image: its first frame is edited';

const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

const text = (bytes: Uint8Array, at: number, length: number): string => String.fromCharCode(...bytes.subarray(at, at + length));
const u32be = (bytes: Uint8Array, at: number): number => ((bytes[at]! << 24) >>> 0) + (bytes[at + 1]! << 16) + (bytes[at + 2]! << 8) + bytes[at + 3]!;
const u32le = (bytes: Uint8Array, at: number): number => bytes[at]! + (bytes[at + 1]! << 8) + (bytes[at + 2]! << 16) + ((bytes[at + 3]! << 24) >>> 0);

/** APNG: an `acTL` chunk before the first `IDAT` announcing two frames or more. */
function animatedPng(bytes: Uint8Array): boolean {
  for (let at = 8; at + 8 <= bytes.length; ) {
    const length = u32be(bytes, at);
    const type = text(bytes, at + 4, 4);
    if (type === 'acTL') return at + 12 <= bytes.length && u32be(bytes, at + 8) > 1;
    if (type === 'IDAT') return false; // acTL must come before the image data
    at += 12 + length; // length, type, data, CRC
  }
  return false;
}

/** Index after a GIF's data sub-blocks (each a size byte, then that many bytes; a 0 size ends them). */
function skipSubBlocks(bytes: Uint8Array, at: number): number {
  while (at < bytes.length) {
    const size = bytes[at]!;
    at += 1 + size;
    if (size === 0) break;
  }
  return at;
}

/** GIF: two image descriptors or more (a looping GIF's NETSCAPE extension alone shows one frame). */
function animatedGif(bytes: Uint8Array): boolean {
  if (bytes.length < 13) return false;
  const packed = bytes[10]!;
  let at = 13 + (packed & 0x80 ? 3 * 2 ** ((packed & 7) + 1) : 0); // header, screen descriptor, global colour table
  let frames = 0;
  while (at < bytes.length) {
    const block = bytes[at]!;
    if (block === 0x2c) {
      if (++frames > 1) return true;
      if (at + 10 > bytes.length) return false;
      const local = bytes[at + 9]!;
      at += 10 + (local & 0x80 ? 3 * 2 ** ((local & 7) + 1) : 0) + 1; // descriptor, local colour table, LZW code size
      at = skipSubBlocks(bytes, at);
    } else if (block === 0x21) {
      at = skipSubBlocks(bytes, at + 2); // introducer, label, then its sub-blocks
    } else {
      return false; // 0x3b: the trailer; anything else: a broken file
    }
  }
  return false;
}

/** WebP: the extended header's animation flag, or an `ANIM` chunk. */
function animatedWebp(bytes: Uint8Array): boolean {
  const VP8X_ANIMATION = 0x02;
  for (let at = 12; at + 8 <= bytes.length; ) {
    const type = text(bytes, at, 4);
    const size = u32le(bytes, at + 4);
    if (type === 'ANIM') return true;
    if (type === 'VP8X' && at + 8 < bytes.length && bytes[at + 8]! & VP8X_ANIMATION) return true;
    at += 8 + size + (size & 1); // chunks are padded to an even size
  }
  return false;
}

/** Whether the file holds more than one frame (APNG, GIF, WebP); false for any other or a broken file. */
export function isAnimated(bytes: Uint8Array): boolean {
  if (PNG_SIGNATURE.every((byte, i) => bytes[i] === byte)) return animatedPng(bytes);
  if (text(bytes, 0, 6) === 'GIF87a' || text(bytes, 0, 6) === 'GIF89a') return animatedGif(bytes);
  if (text(bytes, 0, 4) === 'RIFF' && text(bytes, 8, 4) === 'WEBP') return animatedWebp(bytes);
  return false;
}
