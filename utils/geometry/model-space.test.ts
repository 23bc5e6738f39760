import { describe, expect, it } from 'vitest';
import { samFrame } from '../../models/sam/processor';
import { isOnImage, modelToNatural, naturalToModel } from './model-space';
import type { ModelFrame } from './model-space';

describe('naturalToModel / modelToNatural', () => {
  // 800×600 landscape: 1024/800 = 1.28 → 1024×768, padding rows 768..1023.
  const landscape: ModelFrame = { naturalWidth: 800, naturalHeight: 600, resizedWidth: 1024, resizedHeight: 768 };
  // 600×800 portrait: 1024/800 = 1.28 → 768×1024, padding columns 768..1023.
  const portrait: ModelFrame = { naturalWidth: 600, naturalHeight: 800, resizedWidth: 768, resizedHeight: 1024 };

  it('landscape 800×600 → 1024×768', () => {
    // 400·1.28 = 512, 300·1.28 = 384
    expect(naturalToModel({ x: 400, y: 300 }, landscape)).toEqual({ x: 512, y: 384 });
    expect(naturalToModel({ x: 800, y: 600 }, landscape)).toEqual({ x: 1024, y: 768 });
    expect(modelToNatural({ x: 512, y: 384 }, landscape)).toEqual({ x: 400, y: 300 });
    // a point in the bottom padding maps below the image: 1000/1.28 = 781.25 > 600
    expect(modelToNatural({ x: 1024, y: 1000 }, landscape)).toEqual({ x: 800, y: 781.25 });
    expect(isOnImage({ x: 1000, y: 700 }, landscape)).toBe(true);
    expect(isOnImage({ x: 10, y: 800 }, landscape)).toBe(false);
  });

  it('portrait 600×800 → 768×1024', () => {
    // 300·1.28 = 384, 800·1.28 = 1024
    expect(naturalToModel({ x: 300, y: 800 }, portrait)).toEqual({ x: 384, y: 1024 });
    // 128/1.28 = 100, 640/1.28 = 500
    expect(modelToNatural({ x: 128, y: 640 }, portrait)).toEqual({ x: 100, y: 500 });
    expect(isOnImage({ x: 800, y: 10 }, portrait)).toBe(false);
  });

  it('uses the exact per-axis ratio when the resized side was rounded', () => {
    // 333×1000: 1024/1000 = 1.024; 333·1.024 = 340.992 → 341 wide. x scales by 341/333, y by 1.024.
    const frame: ModelFrame = { naturalWidth: 333, naturalHeight: 1000, resizedWidth: 341, resizedHeight: 1024 };
    const p = naturalToModel({ x: 100, y: 500 }, frame);
    expect(p.x).toBeCloseTo(34100 / 333, 9); // 102.4024…, not 102.4
    expect(p.y).toBeCloseTo(512, 9);
    expect(naturalToModel({ x: 333, y: 1000 }, frame)).toEqual({ x: 341, y: 1024 }); // the far corner lands exactly
  });

  it('accepts a SamFrame as is', () => {
    expect(naturalToModel({ x: 400, y: 300 }, samFrame(800, 600))).toEqual({ x: 512, y: 384 });
  });
});
