import { describe, expect, it } from 'vitest';
import { seededRandom } from './random';

describe('seededRandom', () => {
  it('gives the same sequence for the same seed and a different one for another seed', () => {
    const a = seededRandom(42).normals(64);
    expect(Array.from(seededRandom(42).normals(64))).toEqual(Array.from(a));
    expect(Array.from(seededRandom(43).normals(64))).not.toEqual(Array.from(a));
  });

  it('pins the sequence, so a seed reproduces a candidate across engines and releases', () => {
    const random = seededRandom(1234);
    const uniforms = Array.from({ length: 3 }, () => random.uniform());
    // The same splitmix32 → sfc32 written independently in Python (arbitrary-precision ints masked
    // to 32 bits) gives these words: the JS integer arithmetic has no engine-dependent step.
    expect(uniforms.map((u) => Math.round(u * 2 ** 32))).toEqual(PINNED_1234);
  });

  it('draws uniforms in [0, 1) with mean ½ and variance 1/12', () => {
    const random = seededRandom(7);
    let sum = 0;
    let sumSq = 0;
    let outside = 0;
    const n = 100_000;
    for (let i = 0; i < n; i++) {
      const u = random.uniform();
      if (!(u >= 0 && u < 1)) outside++;
      sum += u;
      sumSq += u * u;
    }
    expect(outside).toBe(0);
    const mean = sum / n;
    expect(mean).toBeCloseTo(0.5, 2);
    expect(sumSq / n - mean * mean).toBeCloseTo(1 / 12, 2);
  });

  it('draws normals ~N(0, 1): mean, variance, tails and no pair correlation on 1e5 samples', () => {
    const values = seededRandom(2024).normals(100_000);
    const n = values.length;
    let sum = 0;
    let sumSq = 0;
    let beyond2 = 0;
    let lagProduct = 0;
    for (let i = 0; i < n; i++) {
      sum += values[i]!;
      sumSq += values[i]! * values[i]!;
      if (Math.abs(values[i]!) > 2) beyond2++;
      if (i > 0) lagProduct += values[i]! * values[i - 1]!;
    }
    const mean = sum / n;
    expect(Math.abs(mean)).toBeLessThan(0.015); // 4.7 standard errors
    expect(Math.abs(sumSq / n - mean * mean - 1)).toBeLessThan(0.02);
    expect(beyond2 / n).toBeCloseTo(0.0455, 2); // P(|z| > 2)
    expect(Math.abs(lagProduct / (n - 1))).toBeLessThan(0.015); // Box–Muller's two halves are independent
    expect(values.every(Number.isFinite)).toBe(true);
  });

  it('normals(n) continues the same stream as normal()', () => {
    const one = seededRandom(5);
    const singles = [one.normal(), one.normal(), one.normal()];
    expect(Array.from(seededRandom(5).normals(3))).toEqual(singles.map(Math.fround));
  });
});

const PINNED_1234 = [1990005720, 737512592, 1889980802];
