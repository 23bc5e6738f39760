import { describe, expect, it } from 'vitest';
import { miganImageTensor, miganMaskTensor, miganResultToImage } from './processor';

describe('MI-GAN tensors', () => {
  it('lays RGBA out as planar RGB and back', () => {
    const image = { width: 2, height: 1, data: new Uint8ClampedArray([1, 2, 3, 255, 4, 5, 6, 255]) };
    const planar = miganImageTensor(image);
    expect(Array.from(planar)).toEqual([1, 4, 2, 5, 3, 6]);
    expect(Array.from(miganResultToImage(planar, 2, 1).data)).toEqual(Array.from(image.data));
  });
  it('inverts our mask polarity (255 = edit) to MI-GAN’s (255 = keep, 0 = fill)', () => {
    expect(Array.from(miganMaskTensor({ width: 4, height: 1, data: new Uint8Array([0, 255, 127, 128]) }))).toEqual([255, 0, 255, 0]);
  });
});
