/** Byte helpers the metadata readers share: bounds-checked reads and text decoding. */

export class Truncated extends Error {
  constructor(what: string) {
    super(`the file ends inside its ${what}`);
    this.name = 'Truncated';
  }
}

export function u16(bytes: Uint8Array, at: number, littleEndian = false): number {
  if (at + 2 > bytes.length) throw new Truncated('header');
  return littleEndian ? bytes[at]! | (bytes[at + 1]! << 8) : (bytes[at]! << 8) | bytes[at + 1]!;
}

export function u32(bytes: Uint8Array, at: number, littleEndian = false): number {
  if (at + 4 > bytes.length) throw new Truncated('header');
  const b = [bytes[at]!, bytes[at + 1]!, bytes[at + 2]!, bytes[at + 3]!];
  const [a, b1, c, d] = littleEndian ? b.reverse() : b;
  return ((a! << 24) >>> 0) + (b1! << 16) + (c! << 8) + d!;
}

export function ascii(bytes: Uint8Array, from: number, to: number): string {
  let text = '';
  for (let i = from; i < Math.min(to, bytes.length); i++) text += String.fromCharCode(bytes[i]!);
  return text;
}

export const latin1 = (bytes: Uint8Array): string => new TextDecoder('latin1').decode(bytes);
export const utf8 = (bytes: Uint8Array): string => new TextDecoder('utf-8').decode(bytes);

/** Index of `needle` in `bytes` at or after `from`, or -1. */
export function indexOfBytes(bytes: Uint8Array, needle: Uint8Array, from = 0): number {
  outer: for (let i = from; i + needle.length <= bytes.length; i++) {
    for (let j = 0; j < needle.length; j++) if (bytes[i + j] !== needle[j]) continue outer;
    return i;
  }
  return -1;
}

const CRC_TABLE = (() => {
  const table = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    table[n] = c >>> 0;
  }
  return table;
})();

/** CRC-32 as PNG computes it over a chunk's type and data. */
export function crc32(bytes: Uint8Array): number {
  let c = 0xffffffff;
  for (let i = 0; i < bytes.length; i++) c = CRC_TABLE[(c ^ bytes[i]!) & 0xff]! ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

/** Decompresses zlib data (PNG zTXt/iTXt); injected so the readers stay pure and testable. */
export type Inflate = (zlib: Uint8Array) => Promise<Uint8Array>;

/** The web platform's zlib inflate (browsers, service workers and Node 18+). */
export const inflateZlib: Inflate = async (zlib) => {
  const stream = new Blob([zlib as Uint8Array<ArrayBuffer>]).stream().pipeThrough(new DecompressionStream('deflate'));
  return new Uint8Array(await new Response(stream).arrayBuffer());
};
