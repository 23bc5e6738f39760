/**
 * MI-GAN's pre- and post-processing, pure. Its pipeline export takes uint8 planar RGB and a
 * uint8 mask with the OPPOSITE polarity to ours: 255 = keep, 0 = fill.
 */
import type { Mask, RGBAImage } from '../../utils/image/types';

/** image [1,3,H,W] uint8 from RGBA. */
export function miganImageTensor(image: RGBAImage): Uint8Array {
  const plane = image.width * image.height;
  const out = new Uint8Array(3 * plane);
  for (let p = 0; p < plane; p++) {
    out[p] = image.data[4 * p]!;
    out[plane + p] = image.data[4 * p + 1]!;
    out[2 * plane + p] = image.data[4 * p + 2]!;
  }
  return out;
}

/** mask [1,1,H,W] uint8: our mask (255 = edit) inverted to MI-GAN's (255 = keep). */
export function miganMaskTensor(mask: Mask): Uint8Array {
  const out = new Uint8Array(mask.data.length);
  for (let i = 0; i < out.length; i++) out[i] = mask.data[i]! >= 128 ? 0 : 255;
  return out;
}

/** result [1,3,H,W] uint8 back to RGBA (opaque). */
export function miganResultToImage(result: Uint8Array, width: number, height: number): RGBAImage {
  const plane = width * height;
  if (result.length !== 3 * plane) throw new Error(`MI-GAN returned ${result.length} bytes for ${width}×${height}`);
  const data = new Uint8ClampedArray(4 * plane);
  for (let p = 0; p < plane; p++) {
    data[4 * p] = result[p]!;
    data[4 * p + 1] = result[plane + p]!;
    data[4 * p + 2] = result[2 * plane + p]!;
    data[4 * p + 3] = 255;
  }
  return { width, height, data };
}
