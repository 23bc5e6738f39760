/**
 * Brush painting into a mask, in place (per pointer event, so no copies). Coordinates are
 * continuous mask px: pixel (i, j) covers [i, i+1)×[j, j+1) and is painted when its centre
 * (i + ½, j + ½) lies within `radius` of the disc's centre / the stroke's segment. `value` is
 * written as is (255 paints, 0 erases, between gives a soft brush). Each call returns the rect it
 * touched (for redrawing the overlay and cheap history diffs), or undefined when nothing was.
 */
import type { Point } from '../geometry/types';
import type { Mask, Rect } from '../image/types';

export function stampDisc(mask: Mask, cx: number, cy: number, radius: number, value: number): Rect | undefined {
  const p = { x: cx, y: cy };
  return paint(mask, p, p, radius, value);
}

/**
 * The capsule of `radius` around the segment from → to: a fast pointer move paints a solid band,
 * not a trail of separate discs.
 */
export function strokeLine(mask: Mask, from: Point, to: Point, radius: number, value: number): Rect | undefined {
  return paint(mask, from, to, radius, value);
}

/** strokeLine along each segment of a polyline (one point stamps a disc). */
export function strokePath(mask: Mask, points: readonly Point[], radius: number, value: number): Rect | undefined {
  const first = points[0];
  if (!first) return undefined;
  let dirty = points.length === 1 ? paint(mask, first, first, radius, value) : undefined;
  for (let i = 1; i < points.length; i++) dirty = unionRect(dirty, paint(mask, points[i - 1]!, points[i]!, radius, value));
  return dirty;
}

/** The bounding rect of two rects, either possibly undefined. */
export function unionRect(a: Rect | undefined, b: Rect | undefined): Rect | undefined {
  if (!a) return b;
  if (!b) return a;
  const x = Math.min(a.x, b.x);
  const y = Math.min(a.y, b.y);
  return { x, y, width: Math.max(a.x + a.width, b.x + b.width) - x, height: Math.max(a.y + a.height, b.y + b.height) - y };
}

/** The x-range of u where lo ≤ k·u + c ≤ hi, written to range; false when empty. */
function solve(lo: number, hi: number, k: number, c: number, range: [number, number]): boolean {
  if (k === 0) {
    range[0] = -Infinity;
    range[1] = Infinity;
    return c >= lo && c <= hi;
  }
  const u0 = (lo - c) / k;
  const u1 = (hi - c) / k;
  range[0] = Math.min(u0, u1);
  range[1] = Math.max(u0, u1);
  return true;
}

function paint(mask: Mask, a: Point, b: Point, radius: number, value: number): Rect | undefined {
  if (!(radius > 0) || ![a.x, a.y, b.x, b.y, radius].every(Number.isFinite)) return undefined;
  const { width: w, height: h, data } = mask;
  const v = Math.max(0, Math.min(255, Math.round(value)));
  const r2 = radius * radius;
  const dx = b.x - a.x;
  const dy = b.y - a.y;
  const len2 = dx * dx + dy * dy;
  const len = Math.sqrt(len2);
  // Rows whose centre y + ½ lies within the capsule's vertical extent.
  const j0 = Math.max(0, Math.ceil(Math.min(a.y, b.y) - radius - 0.5));
  const j1 = Math.min(h - 1, Math.floor(Math.max(a.y, b.y) + radius - 0.5));
  const r1: [number, number] = [0, 0];
  const r2Range: [number, number] = [0, 0];
  let minX = w;
  let maxX = -1;
  let minY = h;
  let maxY = -1;
  for (let j = j0; j <= j1; j++) {
    const yc = j + 0.5;
    let lo = Infinity;
    let hi = -Infinity;
    // The two end discs.
    const ta = r2 - (yc - a.y) * (yc - a.y);
    if (ta >= 0) {
      const half = Math.sqrt(ta);
      lo = a.x - half;
      hi = a.x + half;
    }
    const tb = r2 - (yc - b.y) * (yc - b.y);
    if (len2 > 0 && tb >= 0) {
      const half = Math.sqrt(tb);
      lo = Math.min(lo, b.x - half);
      hi = Math.max(hi, b.x + half);
    }
    // The band between them: 0 ≤ (p − a)·d ≤ |d|² and |(p − a)×d| ≤ r·|d|, both linear in u = x − a.x.
    if (len2 > 0) {
      const ey = yc - a.y;
      if (solve(0, len2, dx, ey * dy, r1) && solve(-radius * len, radius * len, dy, -ey * dx, r2Range)) {
        const bandLo = Math.max(r1[0], r2Range[0]);
        const bandHi = Math.min(r1[1], r2Range[1]);
        if (bandLo <= bandHi) {
          lo = Math.min(lo, a.x + bandLo);
          hi = Math.max(hi, a.x + bandHi);
        }
      }
    }
    // Pixels whose centre i + ½ lies in [lo, hi].
    const i0 = Math.max(0, Math.ceil(lo - 0.5));
    const i1 = Math.min(w - 1, Math.floor(hi - 0.5));
    if (i0 > i1) continue;
    data.fill(v, j * w + i0, j * w + i1 + 1);
    if (i0 < minX) minX = i0;
    if (i1 > maxX) maxX = i1;
    if (j < minY) minY = j;
    maxY = j;
  }
  return maxX < 0 ? undefined : { x: minX, y: minY, width: maxX - minX + 1, height: maxY - minY + 1 };
}
