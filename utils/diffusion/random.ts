/** Seeded randomness for diffusion: a seed reproduces a candidate's noise on every JS engine. */
export interface Random {
  /** Uniform in [0, 1). */
  uniform(): number;
  /** Standard normal N(0, 1). */
  normal(): number;
  /** `n` standard normals, the same values `n` calls of `normal()` would give. */
  normals(n: number): Float32Array;
}

const TWO_POW_32 = 4294967296;

/**
 * sfc32 (Chris Doty-Humphrey's small fast counting generator; passes PractRand) seeded through
 * splitmix32 from the 32-bit seed, with Box–Muller normals. Only 32-bit integer arithmetic
 * (`Math.imul`, `>>>`, `|0`), so every engine gives the same sequence.
 */
export function seededRandom(seed: number): Random {
  let mix = seed >>> 0;
  const splitmix32 = (): number => {
    mix = (mix + 0x9e3779b9) | 0;
    let z = mix;
    z = Math.imul(z ^ (z >>> 16), 0x21f0aaad);
    z = Math.imul(z ^ (z >>> 15), 0x735a2d97);
    return (z ^ (z >>> 15)) >>> 0;
  };
  let a = splitmix32();
  let b = splitmix32();
  let c = splitmix32();
  let counter = 1;
  const next32 = (): number => {
    const t = (((a + b) | 0) + counter) | 0;
    counter = (counter + 1) | 0;
    a = b ^ (b >>> 9);
    b = (c + (c << 3)) | 0;
    c = (c << 21) | (c >>> 11);
    c = (c + t) | 0;
    return t >>> 0;
  };
  // Warm up: the first outputs of a freshly seeded sfc32 still correlate with the seed.
  for (let i = 0; i < 12; i++) next32();

  const uniform = (): number => next32() / TWO_POW_32;
  // Box–Muller yields normals in pairs; the second waits for the next call.
  let spare: number | undefined;
  const normal = (): number => {
    if (spare !== undefined) {
      const value = spare;
      spare = undefined;
      return value;
    }
    const radius = Math.sqrt(-2 * Math.log(1 - uniform())); // 1 - u is in (0, 1]: no log(0)
    const angle = 2 * Math.PI * uniform();
    spare = radius * Math.sin(angle);
    return radius * Math.cos(angle);
  };
  const normals = (n: number): Float32Array => {
    const out = new Float32Array(n);
    for (let i = 0; i < n; i++) out[i] = normal();
    return out;
  };
  return { uniform, normal, normals };
}
