/**
 * Mask size and placement: resize (nearest or exact area coverage), crop, paste, bounding box,
 * area. Pure; `pasteMask` writes into its target (like drawImage), everything else returns a new
 * mask and leaves its input alone.
 */
import type { Mask, Rect } from '../image/types';

export type ResizeMode = 'nearest' | 'area';

/**
 * `mask` resized to width×height.
 * - 'nearest': each output pixel takes the source pixel under its centre (0/255 stays 0/255).
 * - 'area': each output pixel is the exact area-weighted mean of the source pixels its footprint
 *   covers (a 0/255 mask gives coverage·255), rounded; then, when `threshold` is given,
 *   ≥ threshold → 255, else 0.
 */
export function resizeMask(mask: Mask, width: number, height: number, mode: ResizeMode = 'nearest', threshold?: number): Mask {
  if (!Number.isInteger(width) || !Number.isInteger(height) || width < 0 || height < 0) {
    throw new Error(`resizeMask: bad size ${width}×${height}`);
  }
  const out: Mask = { width, height, data: new Uint8Array(width * height) };
  if (width === 0 || height === 0 || mask.width === 0 || mask.height === 0) return out;
  if (mode === 'nearest') resizeNearest(mask, out);
  else resizeArea(mask, out);
  if (threshold !== undefined) {
    const data = out.data;
    for (let i = 0; i < data.length; i++) data[i] = data[i]! >= threshold ? 255 : 0;
  }
  return out;
}

/** Source index under each output pixel's centre: floor((i + ½)·src/dst), in integers. */
function nearestIndices(src: number, dst: number): Int32Array {
  const map = new Int32Array(dst);
  for (let i = 0; i < dst; i++) map[i] = Math.min(src - 1, Math.floor(((2 * i + 1) * src) / (2 * dst)));
  return map;
}

function resizeNearest(src: Mask, out: Mask): void {
  const xs = nearestIndices(src.width, out.width);
  const ys = nearestIndices(src.height, out.height);
  const { data } = out;
  for (let y = 0; y < out.height; y++) {
    const row = y * out.width;
    if (y > 0 && ys[y] === ys[y - 1]) {
      data.copyWithin(row, row - out.width, row);
      continue;
    }
    const srcRow = ys[y]! * src.width;
    for (let x = 0; x < out.width; x++) data[row + x] = src.data[srcRow + xs[x]!]!;
  }
}

/**
 * Per output pixel i, the source pixels j it overlaps and by how much. Lengths are in units of
 * 1/dst source px (output i spans [i·src, (i+1)·src), source j spans [j·dst, (j+1)·dst)), so every
 * weight is an integer and each output's weights sum to exactly `src`.
 */
function areaWeights(src: number, dst: number): { offsets: Int32Array; indices: Int32Array; weights: Int32Array } {
  const offsets = new Int32Array(dst + 1);
  const indices = new Int32Array(src + dst);
  const weights = new Int32Array(src + dst);
  let n = 0;
  for (let i = 0; i < dst; i++) {
    offsets[i] = n;
    const start = i * src;
    const end = start + src;
    for (let j = Math.floor(start / dst); j * dst < end; j++) {
      indices[n] = j;
      weights[n] = Math.min(end, (j + 1) * dst) - Math.max(start, j * dst);
      n++;
    }
  }
  offsets[dst] = n;
  return { offsets, indices, weights };
}

function resizeArea(src: Mask, out: Mask): void {
  const { width: sw, height: sh } = src;
  const { width: dw, height: dh } = out;
  const wx = areaWeights(sw, dw);
  const wy = areaWeights(sh, dh);
  // Horizontal pass: integer sums, exact in float64 (≤ 255·sw per entry).
  const rows = new Float64Array(sh * dw);
  for (let y = 0; y < sh; y++) {
    const srcRow = y * sw;
    const row = y * dw;
    for (let i = 0; i < dw; i++) {
      let sum = 0;
      for (let k = wx.offsets[i]!; k < wx.offsets[i + 1]!; k++) sum += src.data[srcRow + wx.indices[k]!]! * wx.weights[k]!;
      rows[row + i] = sum;
    }
  }
  // Vertical pass, row by row; the total weight of an output pixel is sw·sh.
  const acc = new Float64Array(dw);
  const norm = sw * sh;
  for (let y = 0; y < dh; y++) {
    acc.fill(0);
    for (let k = wy.offsets[y]!; k < wy.offsets[y + 1]!; k++) {
      const row = wy.indices[k]! * dw;
      const w = wy.weights[k]!;
      for (let i = 0; i < dw; i++) acc[i] = acc[i]! + rows[row + i]! * w;
    }
    const outRow = y * dw;
    for (let i = 0; i < dw; i++) out.data[outRow + i] = Math.round(acc[i]! / norm);
  }
}

/** The part of `mask` under `rect` (integer px); pixels of `rect` outside the mask read 0. */
export function cropMask(mask: Mask, rect: Rect): Mask {
  const { x, y, width, height } = integerRect(rect);
  const out: Mask = { width, height, data: new Uint8Array(width * height) };
  const x0 = Math.max(0, x);
  const x1 = Math.min(mask.width, x + width);
  if (x1 <= x0) return out;
  for (let row = Math.max(0, y); row < Math.min(mask.height, y + height); row++) {
    out.data.set(mask.data.subarray(row * mask.width + x0, row * mask.width + x1), (row - y) * width + (x0 - x));
  }
  return out;
}

export type PasteOp = 'replace' | 'union';

/**
 * Writes `source` into `target` with its top-left at (x, y) (integers), clipped to `target`:
 * 'replace' copies, 'union' keeps the larger value. Returns the part of `target` written, or
 * undefined when the source falls entirely outside.
 */
export function pasteMask(target: Mask, source: Mask, x: number, y: number, op: PasteOp = 'replace'): Rect | undefined {
  if (!Number.isInteger(x) || !Number.isInteger(y)) throw new Error(`pasteMask: position (${x}, ${y}) is not integer`);
  const x0 = Math.max(0, x);
  const y0 = Math.max(0, y);
  const x1 = Math.min(target.width, x + source.width);
  const y1 = Math.min(target.height, y + source.height);
  if (x1 <= x0 || y1 <= y0) return undefined;
  for (let row = y0; row < y1; row++) {
    const from = (row - y) * source.width + (x0 - x);
    const to = row * target.width + x0;
    if (op === 'replace') {
      target.data.set(source.data.subarray(from, from + (x1 - x0)), to);
    } else {
      for (let i = 0; i < x1 - x0; i++) {
        const v = source.data[from + i]!;
        if (v > target.data[to + i]!) target.data[to + i] = v;
      }
    }
  }
  return { x: x0, y: y0, width: x1 - x0, height: y1 - y0 };
}

/** The smallest rect holding every pixel ≥ threshold (default: any non-zero); undefined when none. */
export function maskBoundingBox(mask: Mask, threshold = 1): Rect | undefined {
  const { width, height, data } = mask;
  let top = -1;
  let bottom = -1;
  let left = width;
  let right = -1;
  for (let y = 0; y < height; y++) {
    const row = y * width;
    let first = -1;
    for (let x = 0; x < width; x++) {
      if (data[row + x]! >= threshold) {
        first = x;
        break;
      }
    }
    if (first < 0) continue;
    if (top < 0) top = y;
    bottom = y;
    if (first < left) left = first;
    // Only the part right of what we already have can move the right edge.
    for (let x = width - 1; x > right; x--) {
      if (data[row + x]! >= threshold) {
        right = x;
        break;
      }
    }
  }
  if (top < 0) return undefined;
  return { x: left, y: top, width: right - left + 1, height: bottom - top + 1 };
}

/** How many pixels are ≥ threshold (default: any non-zero). */
export function maskArea(mask: Mask, threshold = 1): number {
  let n = 0;
  const { data } = mask;
  for (let i = 0; i < data.length; i++) if (data[i]! >= threshold) n++;
  return n;
}

function integerRect(rect: Rect): Rect {
  const x = Math.floor(rect.x);
  const y = Math.floor(rect.y);
  return { x, y, width: Math.max(0, Math.ceil(rect.x + rect.width) - x), height: Math.max(0, Math.ceil(rect.y + rect.height) - y) };
}
