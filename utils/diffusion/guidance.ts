/** Guidance runs only above scale 1; at ≤ 1 the UNet runs once per step on the prompt alone (as diffusers). */
export function isGuided(scale: number): boolean {
  return scale > 1;
}

/** Images the UNet runs per step: the unconditional and the conditional one when guided. */
export function unetBatch(guided: boolean): 1 | 2 {
  return guided ? 2 : 1;
}

/**
 * Classifier-free guidance: uncond + scale·(cond − uncond). Takes the UNet's batched output
 * [2,...] as one array (uncond first, then cond) or the two halves as two arrays.
 */
export function classifierFreeGuidance(batched: Float32Array, scale: number): Float32Array;
export function classifierFreeGuidance(uncond: Float32Array, cond: Float32Array, scale: number): Float32Array;
export function classifierFreeGuidance(first: Float32Array, second: Float32Array | number, third?: number): Float32Array {
  let uncond: Float32Array;
  let cond: Float32Array;
  let scale: number;
  if (typeof second === 'number') {
    if (first.length % 2 !== 0) throw new Error(`A batched guidance output needs an even length, got ${first.length}`);
    const half = first.length / 2;
    uncond = first.subarray(0, half);
    cond = first.subarray(half);
    scale = second;
  } else {
    if (third === undefined) throw new Error('Guidance over two arrays needs a scale');
    uncond = first;
    cond = second;
    scale = third;
  }
  if (uncond.length !== cond.length) throw new Error(`Guidance halves differ: ${uncond.length} vs ${cond.length}`);
  const out = new Float32Array(cond.length);
  for (let i = 0; i < out.length; i++) out[i] = uncond[i]! + scale * (cond[i]! - uncond[i]!);
  return out;
}
