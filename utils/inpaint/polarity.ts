/**
 * Mask encodings each backend expects, from our mask (255 = edit, 0 = keep), pure:
 * - MI-GAN: 255 = keep, 0 = fill (models/migan/processor.ts `miganMaskTensor`);
 * - LaMa: 1 = fill, 0 = keep, float (models/lama/processor.ts);
 * - OpenAI images.edit: a PNG whose fully transparent pixels (alpha 0) mark the edit area;
 * - Automatic1111 img2img: a black-and-white image, white = inpaint (`inpainting_mask_invert` 0).
 */
import type { Mask, RGBAImage } from '../image/types';

const INSIDE = 128;

/** RGBA for OpenAI: the image's own pixels, alpha 0 where the mask says edit, 255 elsewhere. */
export function openAiMaskImage(image: RGBAImage, mask: Mask): RGBAImage {
  sameSize(image, mask);
  const data = new Uint8ClampedArray(image.data);
  for (let p = 0; p < mask.data.length; p++) data[4 * p + 3] = mask.data[p]! >= INSIDE ? 0 : 255;
  return { width: image.width, height: image.height, data };
}

/** RGBA for A1111: white (opaque) where the mask says edit, black elsewhere. */
export function a1111MaskImage(mask: Mask): RGBAImage {
  const data = new Uint8ClampedArray(mask.data.length * 4);
  for (let p = 0; p < mask.data.length; p++) {
    const v = mask.data[p]! >= INSIDE ? 255 : 0;
    data[4 * p] = v;
    data[4 * p + 1] = v;
    data[4 * p + 2] = v;
    data[4 * p + 3] = 255;
  }
  return { width: mask.width, height: mask.height, data };
}

/** Reads a mask back from an RGBA encoding: `alpha0` (OpenAI: transparent = edit) or `white` (A1111). */
export function maskFromImage(image: RGBAImage, encoding: 'alpha0' | 'white'): Mask {
  const data = new Uint8Array(image.width * image.height);
  for (let p = 0; p < data.length; p++) {
    const edit = encoding === 'alpha0' ? image.data[4 * p + 3] === 0 : image.data[4 * p]! >= INSIDE;
    data[p] = edit ? 255 : 0;
  }
  return { width: image.width, height: image.height, data };
}

/** An opaque copy (alpha 255): what an image upload should carry when the mask travels apart. */
export function opaque(image: RGBAImage): RGBAImage {
  const data = new Uint8ClampedArray(image.data);
  for (let i = 3; i < data.length; i += 4) data[i] = 255;
  return { width: image.width, height: image.height, data };
}

function sameSize(image: RGBAImage, mask: Mask): void {
  if (image.width !== mask.width || image.height !== mask.height) {
    throw new Error(`The mask is ${mask.width}×${mask.height}, the image ${image.width}×${image.height}`);
  }
}
