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
  for (let i = 0; i < out.length; i++) {
    const p = paint[i];
    out[i] = p === PAINT_ERASE ? 0 : p === PAINT_ADD ? 255 : Math.max(base[i]!, sam[i]!);
  }
  return out;
}

/** Layers whose base is `mask` and nothing else: after a whole-mask operation (grow, invert…). */
export function bakedLayers(mask: Uint8Array): MaskLayers {
  return { base: mask, sam: new Uint8Array(mask.length), paint: new Uint8Array(mask.length), points: [], baked: true };
}
