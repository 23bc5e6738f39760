/**
 * Mask morphology with exact discs, and pixelwise set operations.
 *
 * dilate / erode / feather run on the exact Euclidean distance transform (Felzenszwalb &
 * Huttenlocher, "Distance Transforms of Sampled Functions", 2012): O(w·h) whatever the radius,
 * and the structuring element is the true disc {(dx, dy) : dx² + dy² ≤ r²}.
 *
 * A pixel counts as inside when its value is ≥ 128 (so soft brush edges split at half alpha);
 * morphology returns 0/255 (feather returns a ramp). Past the image's border: nothing for dilate,
 * everything for erode (a mask touching the border does not shrink away from it), and no edge for
 * feather. Every function returns a new mask and leaves its inputs alone.
 */
import type { Mask } from '../image/types';

/** Values ≥ this are inside. */
export const INSIDE_THRESHOLD = 128;

/** The largest column distance stored; also the "farther than we care" value. */
const FAR_MAX = 0xffff;

/**
 * Per pixel, the distance in px to the nearest pixel of the other class (inside vs outside) in
 * its column, or `far` when that is ≥ far (or the column has none). Serves both classes.
 *
 * Two strategies, picked from a sample of rows: smooth masks (SAM output, brush strokes) change
 * class a few times per column, so filling only the `far` px on either side of each change is
 * cheapest; speckled masks change all the time and take two full sweeps instead.
 */
function columnDistances(data: Uint8Array, w: number, h: number, far: number): Uint16Array {
  let sampled = 0;
  for (let y = 8; y < h; y += 8) {
    const row = y * w;
    for (let x = 0; x < w; x++) if ((data[row + x]! ^ data[row - w + x]!) & 0x80) sampled++;
  }
  // Filling costs about min(2·far, h) writes (+ a call) per change; the sweeps touch every pixel twice.
  const changes = sampled * 8;
  return changes * (Math.min(2 * far, h) + 8) < w * h ? columnDistancesAtChanges(data, w, h, far) : columnDistancesBySweeps(data, w, h, far);
}

/** Down then up, saturating at `far`. O(w·h) whatever the mask. */
function columnDistancesBySweeps(data: Uint8Array, w: number, h: number, far: number): Uint16Array {
  const n = w * h;
  const g = new Uint16Array(n);
  g.fill(far, 0, w);
  // Bit 7 set ⇔ value ≥ 128 ⇔ inside.
  for (let i = w; i < n; i++) {
    if ((data[i]! ^ data[i - w]!) & 0x80) g[i] = 1;
    else {
      const above = g[i - w]! + 1;
      g[i] = above < far ? above : far;
    }
  }
  // Against values that already hold the distance from above: when the pixel below is of the same
  // class, its nearest opposite pixel above is ours too, one row farther, so the min stays right.
  for (let i = n - w - 1; i >= 0; i--) {
    if ((data[i]! ^ data[i + w]!) & 0x80) g[i] = 1;
    else {
      const below = g[i + w]! + 1;
      if (below < g[i]!) g[i] = below;
    }
  }
  return g;
}

/**
 * Scans rows for class changes between vertically adjacent pixels (in memory order, 4 px per
 * compare where rows are whole 32-bit words); each column run between two changes is then filled
 * from both ends, at most `far` − 1 px from each, the rest staying `far`.
 */
function columnDistancesAtChanges(data: Uint8Array, w: number, h: number, far: number): Uint16Array {
  const g = new Uint16Array(w * h).fill(far);
  const runStart = new Int32Array(w); // first row of each column's current run
  const fill = (x: number, first: number, last: number, changeAbove: boolean, changeBelow: boolean): void => {
    if (changeAbove) {
      const end = Math.min(last, first + far - 2);
      for (let y = first, i = first * w + x; y <= end; y++, i += w) g[i] = y - first + 1;
    }
    if (changeBelow) {
      const end = Math.max(first, last - far + 2);
      for (let y = last, i = last * w + x; y >= end; y--, i -= w) {
        const d = last - y + 1;
        if (d >= g[i]!) break; // nearer to the change above from here on up
        g[i] = d;
      }
    }
  };
  // Bit 7 set ⇔ value ≥ 128 ⇔ inside.
  const words = data.byteOffset % 4 === 0 && w % 4 === 0 ? new Uint32Array(data.buffer, data.byteOffset, (w * h) >> 2) : undefined;
  const w4 = w >> 2;
  for (let y = 1; y < h; y++) {
    const row = y * w;
    if (words) {
      const wordRow = y * w4;
      for (let j = 0; j < w4; j++) {
        if (((words[wordRow + j]! ^ words[wordRow - w4 + j]!) & 0x80808080) === 0) continue;
        for (let x = 4 * j; x < 4 * j + 4; x++) {
          if ((data[row + x]! ^ data[row - w + x]!) & 0x80) {
            fill(x, runStart[x]!, y - 1, runStart[x]! > 0, true);
            runStart[x] = y;
          }
        }
      }
      continue;
    }
    for (let x = 0; x < w; x++) {
      if ((data[row + x]! ^ data[row - w + x]!) & 0x80) {
        fill(x, runStart[x]!, y - 1, runStart[x]! > 0, true);
        runStart[x] = y;
      }
    }
  }
  for (let x = 0; x < w; x++) if (runStart[x]! > 0) fill(x, runStart[x]!, h - 1, true, false);
  return g;
}

/** Column distances capped for a maximum distance of interest (values ≥ the result mean "too far"). */
function farFor(maxDistance: number): number {
  return Math.min(FAR_MAX, Math.floor(maxDistance) + 1);
}

/** Scratch for the row pass, and the range [lo, hi) of the row it last computed. */
interface RowScratch {
  fv: Float64Array;
  v: Int32Array;
  z: Float64Array;
  lo: number;
  hi: number;
}

function rowScratch(w: number): RowScratch {
  return { fv: new Float64Array(w), v: new Int32Array(w), z: new Float64Array(w + 1), lo: 0, hi: 0 };
}

/**
 * Squared distance from each pixel of the row starting at index `row` to the nearest pixel of
 * class `target`: the lower envelope of the parabolas (x − q)² + f(q), where f = 0 on target
 * pixels and the squared column distance elsewhere. Parabolas that cannot matter are left out:
 * column distances ≥ `far`, and the interior of a run of zeros (only its ends can be nearest to
 * anything outside it). Writes out[scratch.lo … scratch.hi); every pixel outside that range is
 * ≥ far away. Returns false, writing nothing, when no pixel of the row is within reach.
 */
function rowSquaredDistances(data: Uint8Array, g: Uint16Array, row: number, w: number, target: boolean, far: number, scratch: RowScratch, out: Float64Array): boolean {
  const { fv, v, z } = scratch;
  const targetBit = target ? 0x80 : 0;
  // Envelope: parabola k sits at v[k] with height fv[k] and is lowest over (z[k], z[k+1]).
  let k = -1;
  let previousIsTarget = false;
  for (let q = 0; q < w; q++) {
    const i = row + q;
    let fq: number;
    if ((data[i]! & 0x80) === targetBit) {
      const interior = previousIsTarget && q < w - 1 && (data[i + 1]! & 0x80) === targetBit;
      previousIsTarget = true;
      if (interior) continue;
      fq = 0;
    } else {
      previousIsTarget = false;
      const d = g[i]!;
      if (d >= far) continue;
      fq = d * d;
    }
    if (k < 0) {
      k = 0;
      v[0] = q;
      fv[0] = fq;
      z[0] = -Infinity;
      z[1] = Infinity;
      continue;
    }
    const base = fq + q * q;
    let p = v[k]!;
    let s = (base - (fv[k]! + p * p)) / (2 * (q - p));
    while (s <= z[k]!) {
      k--;
      p = v[k]!;
      s = (base - (fv[k]! + p * p)) / (2 * (q - p));
    }
    k++;
    v[k] = q;
    fv[k] = fq;
    z[k] = s;
    z[k + 1] = Infinity;
  }
  if (k < 0) return false;
  const lo = Math.max(0, v[0]! - far + 1);
  const hi = Math.min(w, v[k]! + far);
  scratch.lo = lo;
  scratch.hi = hi;
  k = 0;
  for (let q = lo; q < hi; q++) {
    if ((data[row + q]! & 0x80) === targetBit) {
      out[q] = 0;
      continue;
    }
    while (z[k + 1]! < q) k++;
    const p = v[k]!;
    out[q] = (q - p) * (q - p) + fv[k]!;
  }
  return true;
}

/** out = 255 where data is inside, else 0; 4 px at a time where both are word-aligned. */
function binarizeInto(data: Uint8Array, out: Uint8Array): void {
  const n = data.length;
  if (n % 4 === 0 && data.byteOffset % 4 === 0 && out.byteOffset % 4 === 0) {
    const src = new Uint32Array(data.buffer, data.byteOffset, n >> 2);
    const dst = new Uint32Array(out.buffer, out.byteOffset, n >> 2);
    // Bit 7 of each byte → 0x01 per byte → ×255 = 0xff per byte (no carries).
    for (let i = 0; i < src.length; i++) dst[i] = ((src[i]! & 0x80808080) >>> 7) * 0xff;
    return;
  }
  for (let i = 0; i < n; i++) out[i] = data[i]! >= INSIDE_THRESHOLD ? 255 : 0;
}

/**
 * Squared distance from each pixel's centre to the nearest pixel centre whose inside-ness is
 * `target` (0 on such pixels; Infinity when there is none). With `maxDistance`, results are exact
 * up to maxDistance² and anything farther may read as Infinity, which lets the work skip pixels
 * far from every edge. (Uncapped, exact for masks up to 65534 px tall.)
 */
export function squaredDistanceTransform(mask: Mask, target: boolean, maxDistance = Infinity): Float32Array {
  const { width: w, height: h, data } = mask;
  const far = farFor(maxDistance);
  const g = columnDistances(data, w, h, far);
  const scratch = rowScratch(w);
  const rowOut = new Float64Array(w);
  const dist = new Float32Array(w * h).fill(Infinity);
  for (let y = 0; y < h; y++) {
    if (rowSquaredDistances(data, g, y * w, w, target, far, scratch, rowOut)) {
      dist.set(rowOut.subarray(scratch.lo, scratch.hi), y * w + scratch.lo);
    }
  }
  return dist;
}

function checkRadius(radius: number): void {
  if (!Number.isInteger(radius) || radius < 0) throw new Error(`morphology: radius ${radius} must be a non-negative integer`);
}

/** The mask binarized, then set to 255 (target inside) or 0 (target outside) within `radius` of a target pixel. */
function withinRadius(mask: Mask, target: boolean, radius: number): Mask {
  const { width: w, height: h, data } = mask;
  const out = new Uint8Array(w * h);
  binarizeInto(data, out);
  const far = farFor(radius);
  const g = columnDistances(data, w, h, far);
  const scratch = rowScratch(w);
  const d2 = new Float64Array(w);
  const r2 = radius * radius;
  const value = target ? 255 : 0;
  for (let y = 0; y < h; y++) {
    const row = y * w;
    if (!rowSquaredDistances(data, g, row, w, target, far, scratch, d2)) continue;
    for (let x = scratch.lo; x < scratch.hi; x++) if (d2[x]! <= r2) out[row + x] = value;
  }
  return { width: w, height: h, data: out };
}

/** Pixels within `radius` px (centre to centre, a true disc) of an inside pixel. */
export function dilate(mask: Mask, radius: number): Mask {
  checkRadius(radius);
  return withinRadius(mask, true, radius);
}

/** Pixels whose whole disc of `radius` px lies inside the mask (or past the image's border). */
export function erode(mask: Mask, radius: number): Mask {
  checkRadius(radius);
  return withinRadius(mask, false, radius);
}

/** Dilate then erode: closes gaps and holes narrower than about 2·radius. */
export function closeMask(mask: Mask, radius: number): Mask {
  return erode(dilate(mask, radius), radius);
}

/** Erode then dilate: removes specks and spurs narrower than about 2·radius. */
export function openMask(mask: Mask, radius: number): Mask {
  return dilate(erode(mask, radius), radius);
}

/** Where the feather ramp sits relative to the mask's edge. */
export type FeatherPlacement = 'center' | 'outside' | 'inside';

/**
 * A soft alpha ramp across the mask's edge, linear over `radius` px of signed distance to the
 * edge (the edge lies halfway between an inside and an outside pixel centre):
 * - 'center' (default): 0.5 at the edge, 0 at radius/2 outside, 1 at radius/2 inside;
 * - 'outside': 1 at the edge falling to 0 at radius outside (the selection keeps full alpha);
 * - 'inside': 0 at the edge rising to 1 at radius inside (nothing outside the selection changes).
 * radius 0 gives the hard 0/255 mask. Radius may be fractional.
 */
export function feather(mask: Mask, radius: number, placement: FeatherPlacement = 'center'): Mask {
  if (!(radius >= 0) || !Number.isFinite(radius)) throw new Error(`feather: radius ${radius} must be finite and ≥ 0`);
  const { width, height, data } = mask;
  const out = new Uint8Array(width * height);
  binarizeInto(data, out); // right wherever the ramp does not reach
  if (radius === 0) return { width, height, data: out };
  // alpha = clamp(0.5 + (s + shift)/radius) with s the signed distance (+ inside).
  const shift = placement === 'center' ? 0 : placement === 'outside' ? radius / 2 : -radius / 2;
  // Beyond these distances alpha saturates: no sqrt needed. (s = d − 0.5 inside, −(d − 0.5) outside.)
  const solidInside = radius / 2 - shift + 0.5; // d ≥ this → 255
  const clearOutside = radius / 2 + shift + 0.5; // d ≥ this → 0
  const solid2 = solidInside * solidInside;
  const clear2 = clearOutside * clearOutside;
  const k = 255 / radius;
  const c = 127.5 + (shift * 255) / radius;
  // One column pass serves both distances: to the outside (for inside pixels) and to the inside.
  const far = farFor(Math.max(solidInside, clearOutside));
  const g = columnDistances(data, width, height, far);
  const scratch = rowScratch(width);
  const toOutside = new Float64Array(width);
  const toInside = new Float64Array(width);
  for (let y = 0; y < height; y++) {
    const row = y * width;
    if (rowSquaredDistances(data, g, row, width, false, far, scratch, toOutside)) {
      for (let x = scratch.lo; x < scratch.hi; x++) {
        const d2 = toOutside[x]!;
        if (d2 === 0 || d2 >= solid2) continue; // outside pixels, and inside ones past the ramp
        out[row + x] = byte(c + (Math.sqrt(d2) - 0.5) * k);
      }
    }
    if (rowSquaredDistances(data, g, row, width, true, far, scratch, toInside)) {
      for (let x = scratch.lo; x < scratch.hi; x++) {
        const d2 = toInside[x]!;
        if (d2 === 0 || d2 >= clear2) continue;
        out[row + x] = byte(c - (Math.sqrt(d2) - 0.5) * k);
      }
    }
  }
  return { width, height, data: out };
}

function byte(value: number): number {
  return value <= 0 ? 0 : value >= 255 ? 255 : Math.round(value);
}

// ─── Pixelwise set operations (soft-aware: complement, max, min) ──────────────────────────────────

function sameSize(a: Mask, b: Mask, op: string): void {
  if (a.width !== b.width || a.height !== b.height) {
    throw new Error(`${op}: mask sizes differ (${a.width}×${a.height} vs ${b.width}×${b.height})`);
  }
}

/** 0/255 at a threshold (default: inside = ≥ 128). */
export function binarize(mask: Mask, threshold = INSIDE_THRESHOLD): Mask {
  const out = new Uint8Array(mask.data.length);
  if (threshold === INSIDE_THRESHOLD) binarizeInto(mask.data, out);
  else for (let i = 0; i < out.length; i++) out[i] = mask.data[i]! >= threshold ? 255 : 0;
  return { width: mask.width, height: mask.height, data: out };
}

/** 255 − value. */
export function invert(mask: Mask): Mask {
  const out = new Uint8Array(mask.data.length);
  for (let i = 0; i < out.length; i++) out[i] = 255 - mask.data[i]!;
  return { width: mask.width, height: mask.height, data: out };
}

/** max(a, b). */
export function union(a: Mask, b: Mask): Mask {
  sameSize(a, b, 'union');
  const out = new Uint8Array(a.data.length);
  for (let i = 0; i < out.length; i++) out[i] = Math.max(a.data[i]!, b.data[i]!);
  return { width: a.width, height: a.height, data: out };
}

/** min(a, b). */
export function intersect(a: Mask, b: Mask): Mask {
  sameSize(a, b, 'intersect');
  const out = new Uint8Array(a.data.length);
  for (let i = 0; i < out.length; i++) out[i] = Math.min(a.data[i]!, b.data[i]!);
  return { width: a.width, height: a.height, data: out };
}

/** a without b: min(a, 255 − b). */
export function subtract(a: Mask, b: Mask): Mask {
  sameSize(a, b, 'subtract');
  const out = new Uint8Array(a.data.length);
  for (let i = 0; i < out.length; i++) out[i] = Math.min(a.data[i]!, 255 - b.data[i]!);
  return { width: a.width, height: a.height, data: out };
}

/** An empty mask of the same size. */
export function clear(mask: Mask): Mask {
  return { width: mask.width, height: mask.height, data: new Uint8Array(mask.width * mask.height) };
}
