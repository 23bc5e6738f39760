/** CLIP score math, pure. */

export function cosine(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) throw new Error(`Vectors differ in length: ${a.length} vs ${b.length}`);
  let dot = 0;
  let na = 0;
  let nb = 0;
  for (let i = 0; i < a.length; i++) {
    dot += a[i]! * b[i]!;
    na += a[i]! * a[i]!;
    nb += b[i]! * b[i]!;
  }
  return na === 0 || nb === 0 ? 0 : dot / Math.sqrt(na * nb);
}

/** torchmetrics' CLIP score: 100 · max(cos, 0). The product shows this one. */
export function clipScore(cos: number): number {
  return 100 * Math.max(cos, 0);
}

/** Hessel et al.'s CLIPScore: 2.5 · max(cos, 0), defined for ViT-B/32. */
export function hesselClipScore(cos: number): number {
  return 2.5 * Math.max(cos, 0);
}

/** Row `i` of a row-major [rows, dim] buffer. */
export function row(data: Float32Array, i: number, dim: number): Float32Array {
  return data.subarray(i * dim, (i + 1) * dim);
}
