/**
 * Whether a diffusion job releases the sessions it is done with (the text encoder and the VAE
 * encoder, once the prompts and the image are encoded) before the UNet runs. They cost a reload
 * from the model cache on the next job, so they are released only when memory is short. Pure.
 */

/** ONNX Runtime Web's WASM heap (wasm32): every session's weights and activations share it. */
export const WASM_HEAP_BYTES = 4 * 2 ** 30;

export interface MemoryFacts {
  backend: 'webgpu' | 'wasm';
  /** `navigator.deviceMemory` (GiB, rounded down to a power of two and capped at 8 by the browser), where it exists. */
  deviceMemoryGb?: number;
}

export interface ReleasePlan {
  /** Release the text encoder and the VAE encoder before the denoising loop. */
  releaseEncoders: boolean;
  why: string;
}

/** The UNet's largest activations at 512² (SD 1.5's attention: 8 heads × 4096² float32). */
export const ACTIVATION_BYTES = 8 * 4096 * 4096 * 4;

/**
 * `weightBytes`: the model's weight files (downloadBytes). Keeping everything loaded needs the
 * weights twice while a session is created (the file's bytes and the session's copy) plus the
 * UNet's activations, so memory is short when that does not fit: in WASM's 4 GB heap, or in the
 * device's RAM (as the browser reports it).
 */
export function releasePlan(weightBytes: number, facts: MemoryFacts): ReleasePlan {
  const need = 2 * weightBytes + ACTIVATION_BYTES;
  if (facts.backend === 'wasm' && need > WASM_HEAP_BYTES) {
    return { releaseEncoders: true, why: `the weights twice and the activations (${gb(need)}) exceed WASM's 4 GB memory` };
  }
  if (facts.deviceMemoryGb !== undefined && need > facts.deviceMemoryGb * 2 ** 30) {
    return { releaseEncoders: true, why: `the weights twice and the activations (${gb(need)}) exceed this device's ${facts.deviceMemoryGb} GB of memory` };
  }
  return { releaseEncoders: false, why: facts.deviceMemoryGb === undefined ? 'the browser does not report the device memory; the encoders stay loaded' : `${facts.deviceMemoryGb} GB of memory holds every component` };
}

function gb(bytes: number): string {
  return `${(bytes / 1e9).toFixed(1)} GB`;
}
