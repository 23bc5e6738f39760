/**
 * SAM's pre- and post-processing, pure: natural image ↔ the model's padded 1024² input frame.
 * Matches SamImageProcessor: longest side resized to 1024, ImageNet mean/std, zero padding at the
 * bottom/right; points rescaled into the resized frame; masks bilinear-upsampled and un-padded.
 */
import { resampleToPlanar } from '../../utils/image/resample';
import type { Mask, RGBAImage } from '../../utils/image/types';

export const SAM_INPUT_SIZE = 1024;
export const SAM_MASK_SIZE = 256;
const IMAGENET_MEAN = [0.485, 0.456, 0.406] as const;
const IMAGENET_STD = [0.229, 0.224, 0.225] as const;

/** Where a natural image lands in SAM's input frame. */
export interface SamFrame {
  naturalWidth: number;
  naturalHeight: number;
  /** resized / natural. */
  scale: number;
  resizedWidth: number;
  resizedHeight: number;
}

export function samFrame(naturalWidth: number, naturalHeight: number): SamFrame {
  const scale = SAM_INPUT_SIZE / Math.max(naturalWidth, naturalHeight);
  return {
    naturalWidth,
    naturalHeight,
    scale,
    // As SamImageProcessor: round half up (int(x + 0.5)).
    resizedWidth: Math.floor(naturalWidth * scale + 0.5),
    resizedHeight: Math.floor(naturalHeight * scale + 0.5),
  };
}

/** pixel_values [1,3,1024,1024]: resized, normalised, zero-padded. */
export function samPixelValues(image: RGBAImage, frame = samFrame(image.width, image.height)): Float32Array {
  const out = new Float32Array(3 * SAM_INPUT_SIZE * SAM_INPUT_SIZE); // zeros = the padding
  resampleToPlanar(
    image,
    { x: 0, y: 0, width: image.width, height: image.height },
    frame.resizedWidth,
    frame.resizedHeight,
    out,
    SAM_INPUT_SIZE,
    SAM_INPUT_SIZE,
    IMAGENET_MEAN,
    IMAGENET_STD,
  );
  return out;
}

export interface LabelledPoint {
  x: number;
  y: number;
  label: 0 | 1;
}

/** input_points [1,1,N,2] (in the resized frame) and input_labels [1,1,N]. */
export function samPromptTensors(points: readonly LabelledPoint[], frame: SamFrame): { coords: Float32Array; labels: BigInt64Array } {
  const coords = new Float32Array(points.length * 2);
  const labels = new BigInt64Array(points.length);
  // Scale each axis by the exact resized/natural ratio, as SamProcessor does.
  const sx = frame.resizedWidth / frame.naturalWidth;
  const sy = frame.resizedHeight / frame.naturalHeight;
  points.forEach((p, i) => {
    coords[2 * i] = p.x * sx;
    coords[2 * i + 1] = p.y * sy;
    labels[i] = BigInt(p.label);
  });
  return { coords, labels };
}

/** Index of the highest predicted IoU. */
export function bestMaskIndex(scores: ArrayLike<number>): number {
  let best = 0;
  for (let i = 1; i < scores.length; i++) if (scores[i]! > scores[best]!) best = i;
  return best;
}

/**
 * One of SAM's low-res masks (logits over the padded frame, `maskSize`² per mask, `index`-th of
 * several) to a natural-size binary mask: bilinear sampling of the logits at each natural
 * pixel's centre, threshold at 0. Equivalent to post_process_masks' upsample → crop → resize.
 * Between two low-res columns of the same sign every pixel has that sign (a blend of two positive
 * values is positive), so only pixels between a positive and a non-positive column are sampled one
 * by one; the rest are filled as spans (a 1024² mask: ~1 M lerps become a few thousand).
 */
export function samMaskToNatural(logits: Float32Array, index: number, frame: SamFrame, maskSize = SAM_MASK_SIZE): Mask {
  const { naturalWidth: w, naturalHeight: h } = frame;
  const data = new Uint8Array(w * h);
  const offset = index * maskSize * maskSize;
  // natural px → resized px → low-res cell: u = ((x + 0.5)·sx)·(maskSize/1024) − 0.5
  const cellsPerPx = maskSize / SAM_INPUT_SIZE;
  const kx = (frame.resizedWidth / w) * cellsPerPx;
  const ky = (frame.resizedHeight / h) * cellsPerPx;
  const max = maskSize - 1;
  const xs0 = new Int32Array(w);
  const xs1 = new Int32Array(w);
  const wxs = new Float32Array(w);
  for (let x = 0; x < w; x++) {
    const u = Math.min(max, Math.max(0, (x + 0.5) * kx - 0.5));
    xs0[x] = Math.floor(u);
    xs1[x] = Math.min(max, xs0[x]! + 1);
    wxs[x] = u - xs0[x]!;
  }
  // Spans: natural columns that blend the same two low-res columns (xs0 never decreases with x).
  const starts: number[] = [];
  for (let x = 0; x < w; x++) if (x === 0 || xs0[x] !== xs0[x - 1] || xs1[x] !== xs1[x - 1]) starts.push(x);
  starts.push(w);
  const spans = Int32Array.from(starts);
  // Each natural row blends its two low-res rows once (maskSize values), so a pixel costs one lerp at most.
  const row = new Float64Array(maskSize);
  for (let y = 0; y < h; y++) {
    const v = Math.min(max, Math.max(0, (y + 0.5) * ky - 0.5));
    const y0 = Math.floor(v);
    const y1 = Math.min(max, y0 + 1);
    const wy = v - y0;
    const row0 = offset + y0 * maskSize;
    const row1 = offset + y1 * maskSize;
    for (let c = 0; c < maskSize; c++) row[c] = logits[row0 + c]! + (logits[row1 + c]! - logits[row0 + c]!) * wy;
    const p = y * w;
    let inside = -1; // where the current run of positive spans began (one fill per run)
    for (let s = 0; s + 1 < spans.length; s++) {
      const from = spans[s]!;
      const a = row[xs0[from]!]!;
      const b = row[xs1[from]!]!;
      if (a > 0 && b > 0) {
        if (inside < 0) inside = from;
        continue;
      }
      if (inside >= 0) data.fill(255, p + inside, p + from);
      inside = -1;
      if (a <= 0 && b <= 0) continue;
      for (let x = from, to = spans[s + 1]!; x < to; x++) data[p + x] = a + (b - a) * wxs[x]! > 0 ? 255 : 0;
    }
    if (inside >= 0) data.fill(255, p + inside, p + w);
  }
  return { width: w, height: h, data };
}
