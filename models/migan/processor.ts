/**
 * MI-GAN's pre- and post-processing, pure. Its pipeline export takes uint8 planar RGB and a
 * uint8 mask with the OPPOSITE polarity to ours: 255 = keep, 0 = fill.
 */
import type { Mask, RGBAImage } from '../../utils/image/types';
import { dilate } from '../../utils/mask/morphology';

/**
 * How far the hole given to MI-GAN reaches past ours. The v2 pipeline blends its output through
 * blur₅ₓ₅(maxpool₃ₓ₃(keep)), so hole pixels within 3 px (Chebyshev) of a kept pixel keep part of
 * their original colour: the region's last 3 px would keep some of the wrong colour. A disc of
 * 5 px covers every offset up to (3, 3); the paste through our own mask keeps the rest exact.
 */
export const MIGAN_HOLE_GROWTH = 5;

/**
 * The context a crop should give MI-GAN: its v2 pipeline takes a window of the hole's box plus
 * 128 px a side, at least 512², and resizes it to 512²; a tighter crop would be upscaled instead.
 */
export const MIGAN_CONTEXT = { minMargin: 128 + MIGAN_HOLE_GROWTH, minSize: 512 } as const;

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

/** mask [1,1,H,W] uint8: our mask (255 = edit), grown by MIGAN_HOLE_GROWTH, inverted to MI-GAN's (255 = keep). */
export function miganMaskTensor(mask: Mask): Uint8Array {
  const grown = dilate(mask, MIGAN_HOLE_GROWTH).data;
  const out = new Uint8Array(grown.length);
  for (let i = 0; i < out.length; i++) out[i] = grown[i]! >= 128 ? 0 : 255;
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
