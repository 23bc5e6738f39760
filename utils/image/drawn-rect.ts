/**
 * The part of a canvas an image was drawn into: canvases on generator pages (ComfyUI-style
 * editors, previews) often keep margins of transparent or plain background around the image.
 * The background is what all four corners share (transparent counts as one colour whatever its
 * RGB); the drawn rectangle is the bounding box of every pixel that differs from it, and on an
 * opaque background it must have hard edges (else it is a picture, not a picture on a canvas).
 */
import type { Rect, RGBAImage } from './types';

/** Largest per-channel difference still counted as background (compression and anti-aliasing noise). */
const TOLERANCE = 8;
/** A margin thinner than this share of a side is not a margin (a border line, a frame). */
const MIN_MARGIN_SHARE = 0.02;

function sameColour(data: Uint8ClampedArray, i: number, background: readonly number[]): boolean {
  const alpha = data[i + 3]!;
  if (background[3]! <= TOLERANCE) return alpha <= TOLERANCE; // transparent: any RGB
  for (let c = 0; c < 4; c++) if (Math.abs(data[i + c]! - background[c]!) > TOLERANCE) return false;
  return true;
}

/**
 * The drawn sub-rectangle of `image`, or undefined when the image fills it (no margins worth
 * cropping), the corners disagree (no plain background) or nothing is drawn at all.
 */
export function drawnRect(image: RGBAImage): Rect | undefined {
  const { width, height, data } = image;
  if (width < 3 || height < 3) return undefined;
  const corner = (x: number, y: number) => Array.from(data.subarray((y * width + x) * 4, (y * width + x) * 4 + 4));
  const background = corner(0, 0);
  for (const [x, y] of [[width - 1, 0], [0, height - 1], [width - 1, height - 1]] as const) {
    if (!sameColour(data, (y * width + x) * 4, background)) return undefined;
  }
  let [left, top, right, bottom] = [width, height, -1, -1];
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      if (sameColour(data, (y * width + x) * 4, background)) continue;
      if (x < left) left = x;
      if (x > right) right = x;
      if (y < top) top = y;
      if (y > bottom) bottom = y;
    }
  }
  if (right < 0) return undefined;
  const rect = { x: left, y: top, width: right - left + 1, height: bottom - top + 1 };
  const margin = Math.max(rect.x, rect.y, width - rect.x - rect.width, height - rect.y - rect.height);
  if (margin < MIN_MARGIN_SHARE * Math.max(width, height)) return undefined;
  // On an opaque background, only a drawn rectangle has hard edges: a picture whose corners merely
  // share a colour (a river across a field) has content that touches its bounding box here and there.
  if (background[3]! > TOLERANCE && !hardEdges(image, rect, background)) return undefined;
  return rect;
}

/** Share of each edge of a drawn rectangle that must differ from the background. */
const HARD_EDGE_SHARE = 0.9;

function hardEdges({ width, data }: RGBAImage, rect: Rect, background: readonly number[]): boolean {
  const drawnShare = (points: Iterable<[number, number]>) => {
    let [drawn, total] = [0, 0];
    for (const [x, y] of points) {
      total++;
      if (!sameColour(data, (y * width + x) * 4, background)) drawn++;
    }
    return drawn / total;
  };
  function* row(y: number): Generator<[number, number]> {
    for (let x = rect.x; x < rect.x + rect.width; x++) yield [x, y];
  }
  function* column(x: number): Generator<[number, number]> {
    for (let y = rect.y; y < rect.y + rect.height; y++) yield [x, y];
  }
  const edges = [row(rect.y), row(rect.y + rect.height - 1), column(rect.x), column(rect.x + rect.width - 1)];
  return edges.every((edge) => drawnShare(edge) >= HARD_EDGE_SHARE);
}
