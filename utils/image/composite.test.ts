import { describe, expect, it } from 'vitest';
import { compositeThroughMask } from './composite';

const size = { width: 3, height: 1 };
const original = { ...size, data: new Uint8ClampedArray([10, 20, 30, 255, 40, 50, 60, 255, 70, 80, 90, 128]) };
const edited = { ...size, data: new Uint8ClampedArray([200, 200, 200, 255, 100, 100, 100, 255, 0, 0, 0, 255]) };

describe('compositeThroughMask', () => {
  it('leaves every unmasked pixel bit-identical and takes the edit where the mask is full', () => {
    const out = compositeThroughMask(original, edited, { ...size, data: new Uint8Array([0, 255, 0]) });
    expect(Array.from(out.data)).toEqual([10, 20, 30, 255, 100, 100, 100, 255, 70, 80, 90, 128]);
  });
  it('blends partial (feathered) mask values and keeps the original alpha', () => {
    const out = compositeThroughMask(original, edited, { ...size, data: new Uint8Array([0, 0, 51]) });
    expect(Array.from(out.data.slice(8))).toEqual([56, 64, 72, 128]);
  });
  it('refuses mismatched sizes', () => {
    expect(() => compositeThroughMask(original, edited, { width: 2, height: 1, data: new Uint8Array(2) })).toThrow(/differ/);
  });
});
