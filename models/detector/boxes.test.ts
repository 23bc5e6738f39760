import { describe, expect, it } from 'vitest';
import { bestDetection, clampBox } from './boxes';

describe('detector boxes', () => {
  it('clamps a box to the image and orders its corners', () => {
    expect(clampBox({ xmin: -5, ymin: 10, xmax: 600, ymax: 20 }, 512, 256)).toEqual({ x0: 0, y0: 10, x1: 512, y1: 20 });
    expect(clampBox({ xmin: 30, ymin: 40, xmax: 10, ymax: 20 }, 100, 100)).toEqual({ x0: 10, y0: 20, x1: 30, y1: 40 });
  });
  it('drops a box that lies outside the image or has no area', () => {
    expect(clampBox({ xmin: 600, ymin: 0, xmax: 700, ymax: 10 }, 512, 512)).toBeUndefined();
    expect(clampBox({ xmin: 5, ymin: 5, xmax: 5.5, ymax: 50 }, 512, 512)).toBeUndefined();
  });
  it('picks the highest score', () => {
    const box = { x0: 0, y0: 0, x1: 1, y1: 1 };
    expect(bestDetection([{ label: 'a', score: 0.2, box }, { label: 'b', score: 0.9, box }, { label: 'c', score: 0.9, box }])?.label).toBe('b');
    expect(bestDetection([])).toBeUndefined();
  });
});
