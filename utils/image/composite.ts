import type { Mask, RGBAImage } from './types';

/**
 * Pastes `edited` over `original` through the mask (255 = take edited, 0 = keep original,
 * values between blend). Pixels where the mask is 0 stay bit-identical to the original.
 */
export function compositeThroughMask(original: RGBAImage, edited: RGBAImage, mask: Mask): RGBAImage {
  const { width, height } = original;
  if (edited.width !== width || edited.height !== height || mask.width !== width || mask.height !== height) {
    throw new Error('compositeThroughMask: image, edit and mask sizes differ');
  }
  const data = new Uint8ClampedArray(original.data);
  for (let p = 0; p < width * height; p++) {
    const m = mask.data[p]!;
    if (m === 0) continue;
    const i = 4 * p;
    if (m === 255) {
      data[i] = edited.data[i]!;
      data[i + 1] = edited.data[i + 1]!;
      data[i + 2] = edited.data[i + 2]!;
      continue;
    }
    const a = m / 255;
    for (let c = 0; c < 3; c++) data[i + c] = Math.round(original.data[i + c]! + (edited.data[i + c]! - original.data[i + c]!) * a);
  }
  return { width, height, data };
}
