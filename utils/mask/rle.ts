/**
 * Run-length coding of masks for messages: (value, run length) pairs as bytes (the length as a
 * LEB128 varint), base64. A SAM mask of a few shapes at 1024² becomes a few hundred bytes, so masks
 * can cross contexts as a short string where storage is not shared (the overlay frame's IndexedDB
 * is partitioned by the page it is embedded in).
 */

export function encodeMaskRle(mask: Uint8Array): string {
  // Runs are scanned 4 pixels at a time where the array is word-aligned (a 1024² mask: 1 M compares → ~¼ M).
  const aligned = mask.byteOffset % 4 === 0;
  const words = aligned ? new Uint32Array(mask.buffer, mask.byteOffset, mask.length >> 2) : undefined;
  let bytes = new Uint8Array(1024);
  let length = 0;
  let i = 0;
  while (i < mask.length) {
    const value = mask[i]!;
    let end = i + 1;
    if (words) {
      const word = value * 0x01010101;
      while (end < mask.length && end & 3 && mask[end] === value) end++;
      while (end + 4 <= mask.length && !(end & 3) && words[end >> 2] === word >>> 0) end += 4;
    }
    while (end < mask.length && mask[end] === value) end++;
    // value + LEB128 varint of the run: at most 1 + 5 bytes.
    if (length + 6 > bytes.length) {
      const grown = new Uint8Array(bytes.length * 2);
      grown.set(bytes);
      bytes = grown;
    }
    bytes[length++] = value;
    for (let n = end - i; ; ) {
      const low = n & 0x7f;
      n >>>= 7;
      if (n === 0) {
        bytes[length++] = low;
        break;
      }
      bytes[length++] = low | 0x80;
    }
    i = end;
  }
  let binary = '';
  for (let k = 0; k < length; k += 0x8000) binary += String.fromCharCode(...bytes.subarray(k, Math.min(length, k + 0x8000)));
  return btoa(binary);
}

/** Decodes to exactly `length` bytes; throws on malformed or mis-sized input (it crossed a context). */
export function decodeMaskRle(encoded: string, length: number): Uint8Array {
  const binary = atob(encoded);
  const out = new Uint8Array(length);
  let at = 0;
  let i = 0;
  while (i < binary.length) {
    const value = binary.charCodeAt(i++);
    let run = 0;
    let shift = 0;
    for (;;) {
      if (i >= binary.length) throw new Error('Truncated mask encoding');
      const byte = binary.charCodeAt(i++);
      run += (byte & 0x7f) * 2 ** shift;
      shift += 7;
      if (byte < 0x80) break;
      if (shift > 28) throw new Error('Malformed mask encoding');
    }
    if (at + run > length) throw new Error('The mask encoding is larger than the image');
    out.fill(value, at, at + run);
    at += run;
  }
  if (at !== length) throw new Error(`The mask encoding covers ${at} of ${length} pixels`);
  return out;
}
