/**
 * CLIP's pre-processing, pure: the whole image (shortest side to 224, centre crop, as
 * CLIPImageProcessor) or a region (its box plus a margin, made square) to pixel_values.
 */
import { resampleToPlanar } from '../../utils/image/resample';
import type { RGBAImage, Rect } from '../../utils/image/types';

export const CLIP_INPUT_SIZE = 224;
export const CLIP_MAX_TOKENS = 77;
const CLIP_MEAN = [0.48145466, 0.4578275, 0.40821073] as const;
const CLIP_STD = [0.26862954, 0.26130258, 0.27577711] as const;

/** The centred square the processor's resize + centre crop keeps. */
export function centreSquare(width: number, height: number): Rect {
  const side = Math.min(width, height);
  return { x: (width - side) / 2, y: (height - side) / 2, width: side, height: side };
}

/**
 * The square crop for a region score: the box grown by `margin` (a fraction of its longer side),
 * made square around its centre, shifted to stay inside the image where it fits. A square that
 * is larger than the image is centred on it (its outside reads as the nearest edge pixel).
 */
export function regionSquare(box: Rect, width: number, height: number, margin = 0.1): Rect {
  const side = Math.max(box.width, box.height) * (1 + 2 * margin);
  const cx = box.x + box.width / 2;
  const cy = box.y + box.height / 2;
  const place = (centre: number, extent: number) =>
    side >= extent ? (extent - side) / 2 : Math.min(Math.max(centre - side / 2, 0), extent - side);
  return { x: place(cx, width), y: place(cy, height), width: side, height: side };
}

/** pixel_values [1,3,224,224] for `rect` of the image (default: the processor's centre crop). */
export function clipPixelValues(image: RGBAImage, rect: Rect = centreSquare(image.width, image.height)): Float32Array {
  const out = new Float32Array(3 * CLIP_INPUT_SIZE * CLIP_INPUT_SIZE);
  resampleToPlanar(image, rect, CLIP_INPUT_SIZE, CLIP_INPUT_SIZE, out, CLIP_INPUT_SIZE, CLIP_INPUT_SIZE, CLIP_MEAN, CLIP_STD);
  return out;
}

/** Pads or truncates token ids to CLIP's 77, keeping the end-of-text token last when truncating. */
export function padTokens(ids: readonly number[], padId: number, length = CLIP_MAX_TOKENS): { ids: BigInt64Array; mask: BigInt64Array } {
  const kept = ids.length > length ? [...ids.slice(0, length - 1), ids[ids.length - 1]!] : ids;
  const out = new BigInt64Array(length).fill(BigInt(padId));
  const mask = new BigInt64Array(length);
  kept.forEach((id, i) => {
    out[i] = BigInt(id);
    mask[i] = 1n;
  });
  return { ids: out, mask };
}
