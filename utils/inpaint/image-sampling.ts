/**
 * The local diffusion backend started from the image's own generation settings (issue #16): the
 * seed, steps and CFG its metadata states, brought within the backend's limits. A1111 takes the
 * settings as they are (utils/inpaint/a1111.ts); the local pipeline has no sampler choice.
 */
import type { DiffusionParams, SamplingSettings } from '@/utils/protocol';

/** The backend's limits (DiffusionSettings in the protocol). */
const MAX_STEPS = 50;
const MAX_GUIDANCE = 20;

export function diffusionWithImageSampling(params: DiffusionParams, sampling: SamplingSettings | undefined): DiffusionParams {
  if (!sampling) return params;
  return {
    ...params,
    // A1111 seeds run past 32 bits on some builds; ours is a 32-bit seed, so the low 32 bits are kept.
    ...(sampling.seed !== undefined ? { seed: sampling.seed % 2 ** 32 } : {}),
    ...(sampling.steps !== undefined ? { steps: Math.min(MAX_STEPS, sampling.steps) } : {}),
    ...(sampling.cfgScale !== undefined ? { guidance: Math.min(MAX_GUIDANCE, sampling.cfgScale) } : {}),
  };
}
