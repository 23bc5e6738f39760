import { describe, expect, it } from 'vitest';
import type { Mask, RGBAImage } from '../image/types';
import { a1111MaskImage, maskFromImage, opaque, openAiMaskImage } from './polarity';

const mask: Mask = { width: 3, height: 1, data: new Uint8Array([255, 0, 200]) };
const image: RGBAImage = { width: 3, height: 1, data: new Uint8ClampedArray([1, 2, 3, 255, 4, 5, 6, 255, 7, 8, 9, 128]) };

describe('mask polarity per backend (ours: 255 = edit)', () => {
  it('OpenAI: alpha 0 marks the edit area, the rest is opaque, colours kept', () => {
    const encoded = openAiMaskImage(image, mask);
    expect(Array.from(encoded.data)).toEqual([1, 2, 3, 0, 4, 5, 6, 255, 7, 8, 9, 0]);
    expect(Array.from(maskFromImage(encoded, 'alpha0').data)).toEqual([255, 0, 255]);
  });
  it('A1111: white = inpaint, black = keep, opaque', () => {
    const encoded = a1111MaskImage(mask);
    expect(Array.from(encoded.data)).toEqual([255, 255, 255, 255, 0, 0, 0, 255, 255, 255, 255, 255]);
    expect(Array.from(maskFromImage(encoded, 'white').data)).toEqual([255, 0, 255]);
  });
  it('opaque() clears any transparency of the image upload', () => {
    expect(Array.from(opaque(image).data.filter((_, i) => i % 4 === 3))).toEqual([255, 255, 255]);
  });
  it('refuses a mask of another size', () => {
    expect(() => openAiMaskImage(image, { width: 2, height: 1, data: new Uint8Array(2) })).toThrow(/mask is 2×1/);
  });
});
