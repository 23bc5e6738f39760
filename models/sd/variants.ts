/**
 * The two local diffusion models as the product offers them: which registry entry, which
 * scheduler, the defaults a user starts from, the size a crop is diffused at, and what a device
 * needs; data, and the lookup from a registry entry.
 */
import type { SchedulerKind } from '../../utils/diffusion/scheduler';
import type { ModelName } from '../registry';

export interface DiffusionVariant {
  registry: Extract<ModelName, 'sdInpaint' | 'sdTurbo'>;
  label: string;
  scheduler: SchedulerKind;
  defaults: { steps: number; guidance: number; strength: number };
  /** Longest side a crop is diffused at: the model's native size on WebGPU, smaller on WASM (minutes per step at 512²). */
  maxSide: { webgpu: number; wasm: number };
  /** WebGPU adapter limit the UNet's largest activation needs at the native size (SD 1.5's attention at 64² latents: 8 heads × 4096² × 2 bytes). */
  minBufferBytes: number;
}

export const DIFFUSION_VARIANTS = {
  'sd-inpaint': {
    registry: 'sdInpaint',
    label: 'Stable Diffusion 1.5 inpainting',
    scheduler: 'ddim',
    defaults: { steps: 20, guidance: 7.5, strength: 1 },
    maxSide: { webgpu: 512, wasm: 256 },
    minBufferBytes: 8 * 4096 * 4096 * 2,
  },
  'sd-turbo': {
    registry: 'sdTurbo',
    label: 'SD-Turbo (fast, 1–4 steps)',
    scheduler: 'euler-ancestral',
    defaults: { steps: 2, guidance: 0, strength: 1 },
    maxSide: { webgpu: 512, wasm: 256 },
    minBufferBytes: 5 * 4096 * 4096 * 2,
  },
} as const satisfies Record<string, DiffusionVariant>;

/** The product's variant for a registry entry; undefined for a model that is not a diffusion model. */
export function variantOfModel(name: ModelName): DiffusionVariant | undefined {
  return Object.values<DiffusionVariant>(DIFFUSION_VARIANTS).find((variant) => variant.registry === name);
}
