/**
 * Seeded pseudo-random weights for the full-size stand-in models. The values carry no meaning:
 * these models exist so that `npm run bench` times graphs with the real models' architecture,
 * sizes and FLOPs. Weights are scaled by 1/√fan-in so activations stay in the normal float range
 * (denormals or NaNs would make a CPU kernel slower or faster than the real model's).
 */

/** mulberry32: a small, fast, seeded 32-bit generator (deterministic files, same bytes each run). */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** `count` values uniform in ±√3·scale (variance scale²), from `random`. */
export function uniformWeights(random: () => number, count: number, scale: number): Float32Array {
  const out = new Float32Array(count);
  const half = Math.sqrt(3) * scale;
  for (let i = 0; i < count; i++) out[i] = (random() * 2 - 1) * half;
  return out;
}

/** Weights for a layer with `fanIn` inputs: variance 1/fanIn. */
export function layerWeights(random: () => number, count: number, fanIn: number): Float32Array {
  return uniformWeights(random, count, 1 / Math.sqrt(fanIn));
}
