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
  it('refuses an encoding of the wrong size or cut short', () => {
    const encoded = encodeMaskRle(new Uint8Array(10));
    expect(() => decodeMaskRle(encoded, 11)).toThrow(/covers 10 of 11/);
    expect(() => decodeMaskRle(encoded, 9)).toThrow(/larger/);
    expect(() => decodeMaskRle(btoa(String.fromCharCode(255, 0x80)), 10)).toThrow(/Truncated/);
  });
});
