import { describe, expect, it } from 'vitest';
import { clipScore, cosine, hesselClipScore, row } from './score';

describe('CLIP score', () => {
  it('computes cosine similarity against hand-computed vectors', () => {
    expect(cosine([1, 0], [0, 1])).toBe(0);
    expect(cosine([3, 4], [6, 8])).toBeCloseTo(1, 12);
    expect(cosine([1, 2, 2], [2, 0, 1])).toBeCloseTo(4 / (3 * Math.sqrt(5)), 12);
    expect(cosine([0, 0], [1, 1])).toBe(0);
  });
  it('scales as torchmetrics (100·max(cos,0)) and Hessel et al. (2.5·max(cos,0))', () => {
    expect(clipScore(0.3)).toBeCloseTo(30, 12);
    expect(clipScore(-0.2)).toBe(0);
    expect(hesselClipScore(0.3)).toBeCloseTo(0.75, 12);
  });
  it('refuses vectors of different lengths', () => {
    expect(() => cosine([1], [1, 2])).toThrow(/differ/);
  });
  it('views a row of a row-major matrix', () => {
    expect(Array.from(row(new Float32Array([1, 2, 3, 4, 5, 6]), 1, 3))).toEqual([4, 5, 6]);
  });
});
