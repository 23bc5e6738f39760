/**
 * Crop-and-paste geometry for inpainting, pure: the part of the image a backend sees (the mask's
 * bounding box plus context, clamped to the image), its resize to the backend's input size and
 * back, and the paste through the feathered mask that keeps every other pixel bit-identical.
 */
import { compositeThroughMask } from '../image/composite';
import { resampleRGB } from '../image/resample';
import type { Mask, RGBAImage, Rect } from '../image/types';
import { cropMask, maskBoundingBox, pasteMask, resizeMask } from '../mask/resample';

export interface CropOptions {
  /** Context on each side, as a fraction of the box's longer side. */
  margin?: number;
  /** Context on each side at least this many px (small holes need surroundings to fill from). */
  minMargin?: number;
  /** Each side at least this long where the image allows (a model that works at a fixed size). */
  minSize?: number;
  /**
   * Width / height the crop should have (1: square), for backends whose input has that shape: the
   * crop then scales to it uniformly instead of being stretched. Met when the image allows.
   */
  aspect?: number;
}

/**
 * The context a diffusion crop keeps around the mask's box ("inpaint only masked" padding):
 * `padding` px on every side, or without it a quarter of the box's longer side, at least 32 px.
 */
export function onlyMaskedPadding(padding?: number): Pick<CropOptions, 'margin' | 'minMargin'> {
  return padding === undefined ? { margin: 0.25, minMargin: 32 } : { margin: 0, minMargin: padding };
}

/**
 * The crop around the mask: its bounding box grown by the margin (and to `minSize`), clamped to the
 * image, then brought to the requested aspect: the short side grows while the image allows, else
 * the long side shrinks, never below the box plus `minMargin`. Shifted (not shrunk) to stay inside
 * the image. Integer px. Undefined when the mask is empty.
 */
export function cropAroundMask(mask: Mask, options: CropOptions = {}): Rect | undefined {
  const box = maskBoundingBox(mask, 128);
  return box && cropAroundBox(box, mask, options);
}

/** `cropAroundMask` for a mask whose bounding box (`box`, inside `image`) is already known. */
export function cropAroundBox(box: Rect, image: { width: number; height: number }, options: CropOptions = {}): Rect {
  const { margin = 0.25, minMargin = 16, minSize = 0, aspect } = options;
  if (aspect !== undefined && !(aspect > 0 && Number.isFinite(aspect))) throw new Error(`cropAroundBox: aspect ${aspect} must be a positive number`);
  const pad = Math.max(minMargin, Math.round(Math.max(box.width, box.height) * margin));
  let width = Math.min(Math.max(box.width + 2 * pad, minSize), image.width);
  let height = Math.min(Math.max(box.height + 2 * pad, minSize), image.height);
  if (aspect !== undefined) {
    const least = (side: number, extent: number) => Math.min(side + 2 * minMargin, extent);
    if (width / height < aspect) {
      width = Math.min(Math.round(height * aspect), image.width);
      height = Math.max(Math.min(height, Math.round(width / aspect)), least(box.height, image.height));
    } else {
      height = Math.min(Math.round(width / aspect), image.height);
      width = Math.max(Math.min(width, Math.round(height * aspect)), least(box.width, image.width));
    }
  }
  const place = (start: number, size: number, grown: number, extent: number) =>
    Math.min(Math.max(Math.round(start + size / 2 - grown / 2), 0), extent - grown);
  return { x: place(box.x, box.width, width, image.width), y: place(box.y, box.height, height, image.height), width, height };
}

/** The `rect` part of the image (integer px inside the image). */
export function cropImage(image: RGBAImage, rect: Rect): RGBAImage {
  checkInside(rect, image.width, image.height);
  const data = new Uint8ClampedArray(rect.width * rect.height * 4);
  for (let row = 0; row < rect.height; row++) {
    const from = ((rect.y + row) * image.width + rect.x) * 4;
    data.set(image.data.subarray(from, from + rect.width * 4), row * rect.width * 4);
  }
  return { width: rect.width, height: rect.height, data };
}

/** Resized RGB (opaque), bilinear up, area-averaged down; the same size is an exact copy. */
export function resizeImage(image: RGBAImage, width: number, height: number): RGBAImage {
  if (width === image.width && height === image.height) return { width, height, data: new Uint8ClampedArray(image.data) };
  const data = new Uint8ClampedArray(width * height * 4);
  resampleRGB(image, { x: 0, y: 0, width: image.width, height: image.height }, width, height, (i, r, g, b) => {
    data[4 * i] = r;
    data[4 * i + 1] = g;
    data[4 * i + 2] = b;
    data[4 * i + 3] = 255;
  });
  return { width, height, data };
}

/** The mask's `rect` part at a backend's size (nearest: a mask stays 0/255). */
export function cropMaskTo(mask: Mask, rect: Rect, width: number, height: number): Mask {
  const cropped = cropMask(mask, rect);
  return width === rect.width && height === rect.height ? cropped : resizeMask(cropped, width, height, 'nearest');
}

/**
 * Pastes a backend's output for `rect` (any size: resized to the rect) into the original through
 * `alpha` (full-size; 0 = keep the original, 255 = take the edit). Pixels where `alpha` is 0 are
 * bit-identical to the original, whatever the backend did there.
 */
export function pasteThroughMask(original: RGBAImage, edited: RGBAImage, rect: Rect, alpha: Mask): RGBAImage {
  checkInside(rect, original.width, original.height);
  const patch = resizeImage(edited, rect.width, rect.height);
  // Outside the rect the alpha must be 0; the crop covered the whole mask, so it is — but a
  // caller's feather may reach past the rect: there the original is taken.
  const full: RGBAImage = { width: original.width, height: original.height, data: new Uint8ClampedArray(original.data) };
  for (let row = 0; row < rect.height; row++) {
    full.data.set(patch.data.subarray(row * rect.width * 4, (row + 1) * rect.width * 4), ((rect.y + row) * original.width + rect.x) * 4);
  }
  const inside: Mask = { width: original.width, height: original.height, data: new Uint8Array(original.width * original.height) };
  pasteMask(inside, cropMask(alpha, rect), rect.x, rect.y);
  return compositeThroughMask(original, full, inside);
}

function checkInside(rect: Rect, width: number, height: number): void {
  const ok = [rect.x, rect.y, rect.width, rect.height].every(Number.isInteger) && rect.x >= 0 && rect.y >= 0 && rect.width > 0 && rect.height > 0;
  if (!ok || rect.x + rect.width > width || rect.y + rect.height > height) {
    throw new Error(`The crop ${rect.width}×${rect.height} at (${rect.x}, ${rect.y}) does not lie inside the ${width}×${height} image`);
  }
}
