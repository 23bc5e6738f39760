import { describe, expect, it } from 'vitest';
import { classifierFreeGuidance } from './guidance';

describe('classifierFreeGuidance', () => {
  const uncond = new Float32Array([1, 0, -2]);
  const cond = new Float32Array([2, 1, -2]);

  it('pushes past the conditional prediction by the scale: uncond + s·(cond − uncond)', () => {
    expect(Array.from(classifierFreeGuidance(uncond, cond, 7.5))).toEqual([8.5, 7.5, -2]);
  });

  it('scale 1 is the conditional prediction and scale 0 the unconditional one', () => {
    expect(Array.from(classifierFreeGuidance(uncond, cond, 1))).toEqual(Array.from(cond));
    expect(Array.from(classifierFreeGuidance(uncond, cond, 0))).toEqual(Array.from(uncond));
  });

  it('takes the UNet batch [uncond, cond] as one array', () => {
    const batched = new Float32Array([...uncond, ...cond]);
    expect(Array.from(classifierFreeGuidance(batched, 7.5))).toEqual([8.5, 7.5, -2]);
  });

  it('refuses halves of different lengths and an odd batch', () => {
    expect(() => classifierFreeGuidance(uncond, new Float32Array(2), 2)).toThrow(/differ/);
    expect(() => classifierFreeGuidance(new Float32Array(3), 2)).toThrow(/even/);
  });
});
