/**
 * A mask being edited, as layers: `base` (what whole-mask operations and a starting mask left),
 * SAM's selection from the prompt points, and brush strokes that add or erase on top. The mask the
 * user sees is (base ∪ SAM ∪ added) minus erased. Snapshots are never mutated once shared (copy on
 * write), so an undo history can keep them as they are. Pure.
 */

/** Brush layer values: what a stroke did to a pixel. */
export const PAINT_ADD = 1;
export const PAINT_ERASE = 2;

export interface PromptPoint {
  x: number;
  y: number;
  /** 1 includes what is under the point, 0 excludes it. */
  label: 0 | 1;
}

export interface PromptBox {
  x0: number;
  y0: number;
  x1: number;
  y1: number;
}

export interface MaskLayers {
  base: Uint8Array;
  sam: Uint8Array;
  paint: Uint8Array;
  /** Whether `paint` / `base` may hold anything: a clicks-only mask is SAM's selection as is. */
  painted?: boolean;
  baked?: boolean;
  points: PromptPoint[];
  box?: PromptBox;
  /** Which of SAM's candidate masks is shown. */
  candidate?: number;
}

/** Empty layers of `size` pixels; a starting mask (0..255) becomes the base. */
export function emptyLayers(size: number, start?: Uint8Array): MaskLayers {
  const base = start?.length === size ? new Uint8Array(start) : new Uint8Array(size);
  return { base, sam: new Uint8Array(size), paint: new Uint8Array(size), points: [], baked: !!start };
}

/** The mask as the user sees it, 0..255. A clicks-only mask is returned as SAM's own array. */
export function combineLayers({ base, sam, paint, painted, baked }: MaskLayers): Uint8Array {
  if (!painted && !baked) return sam;
  const out = new Uint8Array(base.length);
  // 4 px at a time where no brush touched them and one layer is empty there (most of a mask, after
  // a Clear or a baked edit): a click on such layers costs ~¼ of a per-pixel pass.
  const arrays = [base, sam, paint, out];
  const words = arrays.every((a) => a.byteOffset % 4 === 0) ? base.length >> 2 : 0;
  const [b32, s32, p32, o32] = arrays.map((a) => (words ? new Uint32Array(a.buffer, a.byteOffset, words) : new Uint32Array(0))) as [Uint32Array, Uint32Array, Uint32Array, Uint32Array];
  for (let w = 0; w < words; w++) {
    if (p32[w] === 0) {
      const b = b32[w]!;
      const s = s32[w]!;
      if (b === 0 || s === 0) {
        o32[w] = b | s;
        continue;
      }
    }
    for (let i = w * 4; i < w * 4 + 4; i++) out[i] = pixel(base[i]!, sam[i]!, paint[i]!);
  }
  for (let i = words * 4; i < out.length; i++) out[i] = pixel(base[i]!, sam[i]!, paint[i]!);
  return out;
}

function pixel(base: number, sam: number, paint: number): number {
  return paint === PAINT_ERASE ? 0 : paint === PAINT_ADD ? 255 : Math.max(base, sam);
}

/** Layers whose base is `mask` and nothing else: after a whole-mask operation (grow, invert…). */
export function bakedLayers(mask: Uint8Array): MaskLayers {
  return { base: mask, sam: new Uint8Array(mask.length), paint: new Uint8Array(mask.length), points: [], baked: true };
}
