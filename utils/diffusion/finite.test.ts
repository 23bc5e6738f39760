import { describe, expect, it } from 'vitest';
import { firstNonFinite } from './finite';

describe('firstNonFinite', () => {
  it('finds the first NaN or infinity (an fp16 overflow) and passes finite latents', () => {
    expect(firstNonFinite(new Float32Array([0, -3.5, 65504]))).toBe(-1);
    expect(firstNonFinite(new Float32Array([1, Number.NaN, Infinity]))).toBe(1);
    expect(firstNonFinite(new Float32Array([1, 2, -Infinity]))).toBe(2);
    expect(firstNonFinite(new Float32Array([Math.fround(1e39)]))).toBe(0); // overflows float32 to Inf
  });
});
