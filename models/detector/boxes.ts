/** Pure box handling for the text-prompted detector: no browser or ONNX Runtime imports. */

/** A box in image pixels, corners inclusive of x0/y0 and exclusive of x1/y1. */
export interface PixelBox {
  x0: number;
  y0: number;
  x1: number;
  y1: number;
}

export interface Detection {
  /** The text query it answers. */
  label: string;
  /** 0..1 (the model's sigmoid). */
  score: number;
  box: PixelBox;
}

/** transformers.js's boxes (xmin…ymax, possibly past the edges) clamped to the image; undefined when nothing is left. */
export function clampBox(box: { xmin: number; ymin: number; xmax: number; ymax: number }, width: number, height: number): PixelBox | undefined {
  const x0 = Math.max(0, Math.min(width, Math.min(box.xmin, box.xmax)));
  const x1 = Math.max(0, Math.min(width, Math.max(box.xmin, box.xmax)));
  const y0 = Math.max(0, Math.min(height, Math.min(box.ymin, box.ymax)));
  const y1 = Math.max(0, Math.min(height, Math.max(box.ymin, box.ymax)));
  return x1 - x0 >= 1 && y1 - y0 >= 1 ? { x0, y0, x1, y1 } : undefined;
}

/** The highest-scoring detection (the first on ties), or undefined when there is none. */
export function bestDetection(detections: readonly Detection[]): Detection | undefined {
  let best: Detection | undefined;
  for (const d of detections) if (!best || d.score > best.score) best = d;
  return best;
}
