import { describe, expect, it } from 'vitest';
import { decodeMaskRle, encodeMaskRle } from './rle';

describe('mask RLE', () => {
  it('encodes runs as value + varint length (hand-computed)', () => {
    // 3×0, 200×255, 1×7 → [0,3] [255, 200=0xC8 → 0xC8|0x80? no: 200 = 0b1_1001000 → 0xC8, 0x01] [7,1]
    const mask = new Uint8Array([0, 0, 0, ...new Array<number>(200).fill(255), 7]);
    const bytes = Array.from(atob(encodeMaskRle(mask)), (c) => c.charCodeAt(0));
    expect(bytes).toEqual([0, 3, 255, 0xc8, 0x01, 7, 1]);
  });
  it('round-trips soft and binary masks exactly, and stays small for shapes', () => {
    const mask = new Uint8Array(1024 * 1024);
    for (let y = 100; y < 300; y++) mask.fill(255, y * 1024 + 50, y * 1024 + 400);
    for (let i = 0; i < 1000; i++) mask[600_000 + i] = i % 256;
    const encoded = encodeMaskRle(mask);
    // Byte comparison: a deep toEqual of 1 M elements takes seconds.
    expect(Buffer.compare(decodeMaskRle(encoded, mask.length), mask)).toBe(0);
    expect(encoded.length).toBeLessThan(6000);
  });
  it('gives the same bytes for a mask at any offset in its buffer (runs of every length, word-aligned or not)', () => {
    let seed = 3;
    const random = () => ((seed = (seed * 1103515245 + 12345) >>> 0) / 2 ** 32);
    const buffer = new Uint8Array(4099);
    for (let at = 0; at < buffer.length; ) {
      const run = 1 + Math.floor(random() * (random() < 0.5 ? 9 : 300));
      const value = random() < 0.45 ? 0 : random() < 0.8 ? 255 : Math.floor(random() * 256);
      buffer.fill(value, at, at + run);
      at += run;
    }
    for (const offset of [0, 1, 2, 3]) {
      const mask = buffer.subarray(offset);
      const plain = Uint8Array.from(mask); // its own, aligned buffer
      expect(encodeMaskRle(mask)).toBe(encodeMaskRle(plain));
      expect(Buffer.compare(decodeMaskRle(encodeMaskRle(mask), mask.length), plain)).toBe(0);
    }
  });
  it('refuses an encoding of the wrong size or cut short', () => {
    const encoded = encodeMaskRle(new Uint8Array(10));
    expect(() => decodeMaskRle(encoded, 11)).toThrow(/covers 10 of 11/);
    expect(() => decodeMaskRle(encoded, 9)).toThrow(/larger/);
    expect(() => decodeMaskRle(btoa(String.fromCharCode(255, 0x80)), 10)).toThrow(/Truncated/);
  });
});
