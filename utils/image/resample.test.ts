import { describe, expect, it } from 'vitest';
import { resampleRGB, resampleToPlanar } from './resample';
import type { RGBAImage } from './types';

function image(width: number, height: number, pixel: (x: number, y: number) => [number, number, number]): RGBAImage {
  const data = new Uint8ClampedArray(width * height * 4);
  for (let y = 0; y < height; y++)
    for (let x = 0; x < width; x++) {
      const [r, g, b] = pixel(x, y);
      data.set([r, g, b, 255], (y * width + x) * 4);
    }
  return { width, height, data };
}

describe('resampleRGB', () => {
  it('copies pixels exactly at scale 1', () => {
    const src = image(3, 2, (x, y) => [x * 10, y * 20, 7]);
    const out: number[][] = [];
    resampleRGB(src, { x: 0, y: 0, width: 3, height: 2 }, 3, 2, (i, r, g, b) => (out[i] = [r, g, b]));
    expect(out).toEqual([[0, 0, 7], [10, 0, 7], [20, 0, 7], [0, 20, 7], [10, 20, 7], [20, 20, 7]]);
  });

  it('averages the footprint when downscaling (a 2×2 checker becomes grey, not aliased)', () => {
    const src = image(4, 4, (x, y) => ((x + y) % 2 ? [255, 255, 255] : [0, 0, 0]));
    const out: number[] = [];
    resampleRGB(src, { x: 0, y: 0, width: 4, height: 4 }, 2, 2, (i, r) => (out[i] = r));
    for (const v of out) expect(v).toBeCloseTo(127.5, 5);
  });

  it('reads a sub-rectangle', () => {
    const src = image(4, 1, (x) => [x * 50, 0, 0]);
    const out: number[] = [];
    resampleRGB(src, { x: 2, y: 0, width: 2, height: 1 }, 2, 1, (i, r) => (out[i] = r));
    expect(out).toEqual([100, 150]);
  });

  it('reads the nearest edge pixel for a same-size rect that reaches past the image', () => {
    const src = image(3, 1, (x) => [x * 50, 0, 0]);
    const out: number[] = [];
    resampleRGB(src, { x: -1, y: 0, width: 3, height: 1 }, 3, 1, (i, r) => (out[i] = r));
    expect(out).toEqual([0, 0, 50]);
  });
});

describe('resampleToPlanar', () => {
  it('normalises into planar channels inside a larger, zero-padded plane', () => {
    const src = image(2, 1, () => [255, 0, 51]);
    const out = new Float32Array(3 * 3 * 2);
    resampleToPlanar(src, { x: 0, y: 0, width: 2, height: 1 }, 2, 1, out, 3, 2, [0.5, 0.5, 0.5], [0.5, 0.5, 0.5]);
    // plane 3×2: row 0 holds the 2 pixels, the rest stays 0 (padding).
    expect(Array.from(out.subarray(0, 6))).toEqual([1, 1, 0, 0, 0, 0]);
    expect(Array.from(out.subarray(6, 12))).toEqual([-1, -1, 0, 0, 0, 0]);
    expect(out[12]).toBeCloseTo(51 / 255 / 0.5 - 1, 6);
  });
});

describe('resampleToPlanar at the same size', () => {
  it('writes what the resampling path writes (the direct copy is only faster)', () => {
    const src = image(5, 3, (x, y) => [x * 50, y * 100, (x * y * 37) % 256]);
    const mean = [0.485, 0.456, 0.406] as const;
    const std = [0.229, 0.224, 0.225] as const;
    const direct = new Float32Array(3 * 6 * 4);
    resampleToPlanar(src, { x: 0, y: 0, width: 5, height: 3 }, 5, 3, direct, 6, 4, mean, std);
    // The same pixels as a sub-rectangle go through resampleRGB's copy path.
    const viaCallback = new Float32Array(3 * 6 * 4);
    const wider = image(6, 3, (x, y) => (x < 5 ? [x * 50, y * 100, (x * y * 37) % 256] : [9, 9, 9]));
    resampleToPlanar(wider, { x: 0, y: 0, width: 5, height: 3 }, 5, 3, viaCallback, 6, 4, mean, std);
    expect(Array.from(direct)).toEqual(Array.from(viaCallback));
    expect(direct[5]).toBe(0); // padding column untouched
    expect(direct[6 * 4 + 1]).toBeCloseTo(0 / 255 / 0.224 - 0.456 / 0.224, 6);
  });
});
