/** Index of the first NaN/±Inf, or -1: the fp16-overflow guard checks the latents after every step. */
export function firstNonFinite(values: ArrayLike<number>): number {
  for (let i = 0; i < values.length; i++) {
    if (!Number.isFinite(values[i])) return i;
  }
  return -1;
}
