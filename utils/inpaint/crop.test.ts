import { describe, expect, it } from 'vitest';
import type { Mask, RGBAImage } from '../image/types';
import { feather } from '../mask/morphology';
import { cropAroundMask, cropImage, cropMaskTo, onlyMaskedPadding, pasteThroughMask, resizeImage } from './crop';

function rectMask(width: number, height: number, x0: number, y0: number, x1: number, y1: number): Mask {
  const data = new Uint8Array(width * height);
  for (let y = y0; y < y1; y++) for (let x = x0; x < x1; x++) data[y * width + x] = 255;
  return { width, height, data };
}

/** Every pixel a different colour, so a shifted copy cannot pass for the original. */
function gradient(width: number, height: number): RGBAImage {
  const data = new Uint8ClampedArray(width * height * 4);
  for (let p = 0; p < width * height; p++) {
    data[4 * p] = p % 251;
    data[4 * p + 1] = (p * 7) % 253;
    data[4 * p + 2] = (p >> 3) % 255;
    data[4 * p + 3] = 255;
  }
  return { width, height, data };
}

function solid(width: number, height: number, rgb: [number, number, number]): RGBAImage {
  const data = new Uint8ClampedArray(width * height * 4);
  for (let p = 0; p < width * height; p++) data.set([...rgb, 255], 4 * p);
  return { width, height, data };
}

describe('crop around the mask', () => {
  it('keeps the "inpaint only masked" padding around the box: the setting in px, or a quarter of the box (≥ 32 px) without it', () => {
    const mask = rectMask(400, 300, 100, 100, 180, 120); // box 80×20
    expect(cropAroundMask(mask, onlyMaskedPadding(64))).toEqual({ x: 36, y: 36, width: 208, height: 148 });
    expect(cropAroundMask(mask, onlyMaskedPadding(0))).toEqual({ x: 100, y: 100, width: 80, height: 20 });
    expect(cropAroundMask(mask, onlyMaskedPadding())).toEqual({ x: 68, y: 68, width: 144, height: 84 }); // 0.25 · 80 = 20 → 32
    expect(cropAroundMask(rectMask(400, 300, 100, 100, 300, 140), onlyMaskedPadding())).toEqual({ x: 50, y: 50, width: 300, height: 140 }); // 0.25 · 200 = 50
    // Clamped to the image, shifted to stay inside it.
    expect(cropAroundMask(mask, onlyMaskedPadding(512))).toEqual({ x: 0, y: 0, width: 400, height: 300 });
  });
  it('grows the box by the margin on every side', () => {
    // Box 40×20 at (100, 100): margin 0.25 of 40 = 10 px, raised to 16; box 80×20: 20 px.
    expect(cropAroundMask(rectMask(400, 300, 100, 100, 140, 120))).toEqual({ x: 84, y: 84, width: 72, height: 52 });
    expect(cropAroundMask(rectMask(400, 300, 100, 100, 180, 120), { margin: 0.25, minMargin: 0 })).toEqual({ x: 80, y: 80, width: 120, height: 60 });
  });
  it('makes it square around the box centre on request', () => {
    expect(cropAroundMask(rectMask(400, 300, 100, 100, 180, 120), { margin: 0, minMargin: 0, aspect: 1 })).toEqual({ x: 100, y: 70, width: 80, height: 80 });
  });
  it('grows the short side to a requested aspect (3:2, 2:3), so a resize to the backend size is uniform', () => {
    // Box 80×20 at (100, 100), 3:2 → 80×53; 2:3 → 80×120 (around the box centre).
    expect(cropAroundMask(rectMask(400, 300, 100, 100, 180, 120), { margin: 0, minMargin: 0, aspect: 1.5 })).toEqual({ x: 100, y: 84, width: 80, height: 53 });
    expect(cropAroundMask(rectMask(400, 300, 100, 100, 180, 120), { margin: 0, minMargin: 0, aspect: 2 / 3 })).toEqual({ x: 100, y: 50, width: 80, height: 120 });
    // A tall box: 3:2 grows the width instead.
    expect(cropAroundMask(rectMask(400, 300, 100, 100, 120, 160), { margin: 0, minMargin: 0, aspect: 1.5 })).toEqual({ x: 65, y: 100, width: 90, height: 60 });
  });
  it('keeps the aspect where the image limits one side: the long side gives way, down to the box plus minMargin', () => {
    // 600×1000 image, box 560×100: the margin wants 840×380; clamped to 600 wide, 3:2 is 600×400.
    expect(cropAroundMask(rectMask(600, 1000, 20, 450, 580, 550), { aspect: 1.5 })).toEqual({ x: 0, y: 300, width: 600, height: 400 });
    // 1024² image, box 900×300: 1024 wide at most, so 1024×683 rather than a taller stretched crop.
    expect(cropAroundMask(rectMask(1024, 1024, 62, 362, 962, 662), { aspect: 1.5 })).toEqual({ x: 0, y: 171, width: 1024, height: 683 });
    // A banner the shape cannot fit: the image's full height, the width down to the box 1800 + 2·16.
    expect(cropAroundMask(rectMask(2000, 500, 100, 100, 1900, 400), { aspect: 1.5 })).toEqual({ x: 84, y: 0, width: 1832, height: 500 });
  });
  it('grows to minSize where the image allows, and refuses a meaningless aspect', () => {
    expect(cropAroundMask(rectMask(1000, 300, 480, 130, 520, 170), { minSize: 512 })).toEqual({ x: 244, y: 0, width: 512, height: 300 });
    expect(() => cropAroundMask(rectMask(10, 10, 2, 2, 5, 5), { aspect: 0 })).toThrow(/aspect/);
  });
  it('shifts it inside the image at the border instead of shrinking it', () => {
    const rect = cropAroundMask(rectMask(200, 200, 0, 0, 20, 20), { margin: 0, minMargin: 10 });
    expect(rect).toEqual({ x: 0, y: 0, width: 40, height: 40 });
    expect(cropAroundMask(rectMask(200, 200, 190, 190, 200, 200), { margin: 0, minMargin: 10 })).toEqual({ x: 170, y: 170, width: 30, height: 30 });
  });
  it('clamps to the image when the grown box is larger than the image', () => {
    expect(cropAroundMask(rectMask(100, 60, 0, 10, 100, 50), { aspect: 1 })).toEqual({ x: 0, y: 0, width: 100, height: 60 });
  });
  it('is undefined for an empty mask', () => {
    expect(cropAroundMask(rectMask(10, 10, 0, 0, 0, 0))).toBeUndefined();
  });
});

describe('crop, resize and paste back', () => {
  it('crops exactly the rect and resizes to a backend size and back', () => {
    const image = gradient(64, 48);
    const crop = cropImage(image, { x: 10, y: 5, width: 20, height: 30 });
    expect(crop.width).toBe(20);
    expect(Array.from(crop.data.subarray(0, 4))).toEqual(Array.from(image.data.subarray((5 * 64 + 10) * 4, (5 * 64 + 10) * 4 + 4)));
    const up = resizeImage(solid(20, 30, [10, 200, 30]), 512, 512);
    expect(up.width * up.height).toBe(512 * 512);
    expect(Array.from(up.data.subarray(4 * 1000, 4 * 1001))).toEqual([10, 200, 30, 255]);
    expect(() => cropImage(image, { x: 50, y: 0, width: 20, height: 10 })).toThrow(/does not lie inside/);
  });
  it('scales the mask crop with nearest neighbour (values stay 0/255)', () => {
    const mask = rectMask(40, 40, 10, 10, 30, 30);
    const small = cropMaskTo(mask, { x: 0, y: 0, width: 40, height: 40 }, 20, 20);
    expect(new Set(small.data)).toEqual(new Set([0, 255]));
    expect(small.data[10 * 20 + 10]).toBe(255);
    expect(small.data[2 * 20 + 2]).toBe(0);
  });
  it('keeps every pixel outside the feathered mask bit-identical, whatever the backend did there', () => {
    const original = gradient(96, 80);
    const mask = rectMask(96, 80, 30, 30, 60, 50);
    const rect = cropAroundMask(mask)!;
    // A backend that repaints its whole input (as remote APIs do), at another size.
    const edited = solid(512, 512, [255, 0, 255]);
    const alpha = feather(mask, 6, 'outside');
    const result = pasteThroughMask(original, edited, rect, alpha);
    let changedInside = 0;
    for (let p = 0; p < 96 * 80; p++) {
      const same = [0, 1, 2, 3].every((c) => result.data[4 * p + c] === original.data[4 * p + c]);
      if (alpha.data[p] === 0) expect(same, `pixel ${p} outside the mask changed`).toBe(true);
      if (mask.data[p] === 255 && !same) changedInside++;
    }
    expect(changedInside).toBe(30 * 20);
    // The masked pixels took the edit; the feather ring blends.
    expect(Array.from(result.data.subarray((40 * 96 + 45) * 4, (40 * 96 + 45) * 4 + 3))).toEqual([255, 0, 255]);
  });
});
