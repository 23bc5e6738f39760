/**
 * Run-length coding of masks for messages: (value, run length) pairs as bytes (the length as a
 * LEB128 varint), base64. A SAM mask of a few shapes at 1024² becomes a few hundred bytes, so masks
 * can cross contexts as a short string where storage is not shared (the overlay frame's IndexedDB
 * is partitioned by the page it is embedded in).
 */

export function encodeMaskRle(mask: Uint8Array): string {
  const bytes: number[] = [];
  let i = 0;
  while (i < mask.length) {
    const value = mask[i]!;
    let run = 1;
    while (i + run < mask.length && mask[i + run] === value) run++;
    bytes.push(value);
    for (let n = run; ; ) {
      const low = n & 0x7f;
      n >>>= 7;
      if (n === 0) {
        bytes.push(low);
        break;
      }
      bytes.push(low | 0x80);
    }
    i += run;
  }
  let binary = '';
  for (let k = 0; k < bytes.length; k += 0x8000) binary += String.fromCharCode(...bytes.slice(k, k + 0x8000));
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
