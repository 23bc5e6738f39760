import { describe, expect, it } from 'vitest';
import { miganImageTensor, miganMaskTensor, miganResultToImage } from './processor';

describe('MI-GAN tensors', () => {
  it('lays RGBA out as planar RGB and back', () => {
    const image = { width: 2, height: 1, data: new Uint8ClampedArray([1, 2, 3, 255, 4, 5, 6, 255]) };
    const planar = miganImageTensor(image);
    expect(Array.from(planar)).toEqual([1, 4, 2, 5, 3, 6]);
    expect(Array.from(miganResultToImage(planar, 2, 1).data)).toEqual(Array.from(image.data));
  });
  it('inverts our mask polarity (255 = edit) to MI-GAN’s (255 = keep, 0 = fill), the hole grown by 5 px', () => {
    const data = new Uint8Array(16);
    data[3] = 255; // one edit pixel at x = 3 (and 127: not inside)
    data[10] = 127;
    const tensor = Array.from(miganMaskTensor({ width: 16, height: 1, data }));
    expect(tensor).toEqual([0, 0, 0, 0, 0, 0, 0, 0, 0, 255, 255, 255, 255, 255, 255, 255]);
  });
  it('grows a one-pixel stroke to cover every pixel within 3 px (Chebyshev), the reach of the v2 blend', () => {
    const size = 15;
    const data = new Uint8Array(size * size);
    data[7 * size + 7] = 255;
    const tensor = miganMaskTensor({ width: size, height: size, data });
    for (let y = 0; y < size; y++) {
      for (let x = 0; x < size; x++) {
        if (Math.max(Math.abs(x - 7), Math.abs(y - 7)) <= 3) expect(tensor[y * size + x], `(${x}, ${y})`).toBe(0);
      }
    }
    expect(tensor[7 * size + 13]).toBe(255); // 6 px away: kept
  });
});
