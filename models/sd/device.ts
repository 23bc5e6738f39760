/**
 * What a diffusion model costs and needs, said before any download: the download size from the
 * registry, and whether this device's runtime can carry it (WebGPU with shader-f16 for the fp16
 * exports, a large enough buffer limit) or what it falls back to. Pure.
 */
import { isGuided, unetBatch } from '../../utils/diffusion/guidance';
import { registry, type Dtype, type ModelFile } from '../registry';
import type { DiffusionVariant } from './variants';

export interface DeviceFacts {
  backend: 'webgpu' | 'wasm';
  shaderF16: boolean;
  softwareAdapter?: boolean;
  maxBufferSize?: number;
  maxStorageBufferBindingSize?: number;
}

/** Bytes downloaded on first use (every weight file with its external data, the largest dtype the repo lists). */
export function downloadBytes(variant: DiffusionVariant): number {
  let total = 0;
  for (const file of Object.values<ModelFile>(registry[variant.registry].files)) {
    const sizes = Object.entries(file.bytes).map(([dtype, bytes]) => (bytes ?? 0) + (file.externalData?.[dtype as Dtype]?.bytes ?? 0));
    total += Math.max(0, ...sizes);
  }
  return total;
}

export function formatBytes(bytes: number): string {
  return bytes >= 1e9 ? `${(bytes / 1e9).toFixed(1)} GB` : `${Math.round(bytes / 1e6)} MB`;
}

/** The largest buffer an adapter gives one activation: the smaller of its two limits (bytes). */
export function bufferLimit(device: Pick<DeviceFacts, 'maxBufferSize' | 'maxStorageBufferBindingSize'>): number {
  return Math.min(device.maxBufferSize ?? Infinity, device.maxStorageBufferBindingSize ?? Infinity);
}

/**
 * The longest crop side the UNet's largest activation fits in at a buffer limit: that activation
 * (self-attention scores over the latent grid, for every image of the batch: 2 with guidance)
 * grows with the side to the 4th power, so a limit below the native size's need still fits a
 * smaller crop; multiples of 64 (a latent grid the UNet's three downsamplings divide), at least 64.
 */
export function bufferLimitedSide(variant: DiffusionVariant, limit: number, batch: 1 | 2 = 1): number {
  const native = variant.maxSide.webgpu;
  const need = variant.minBufferBytes * batch;
  if (limit >= need) return native;
  return Math.max(64, Math.floor((native * (limit / need) ** 0.25) / 64) * 64);
}

/** The longest side a job diffuses at where the model runs: its buffer-limited size on WebGPU, WASM's own on the CPU. */
export function diffusionSide(variant: DiffusionVariant, backend: 'webgpu' | 'wasm', limit: number, guided: boolean): number {
  return backend === 'webgpu' ? bufferLimitedSide(variant, limit, unetBatch(guided)) : variant.maxSide.wasm;
}

/**
 * One sentence for the user: can this device run the model on WebGPU, at what size for this
 * guidance (guided runs a batch of 2), and if not, why (`reason`) and what happens instead.
 * Whether it runs on the GPU does not depend on the guidance (the load comes before it is known).
 */
export function deviceVerdict(variant: DiffusionVariant, device: DeviceFacts, guided = isGuided(variant.defaults.guidance)): { ok: boolean; text: string; reason?: string } {
  // The registry's exports are float16 only (no fp32 or q8 export fits WASM's 4 GB memory; see registry.ts).
  const wasm =
    `This device cannot run it on the GPU: it falls back to WASM (the CPU), at up to ${variant.maxSide.wasm}² px, with the same float16 files (computed in float32), ` +
    'which is untested with the real weights and takes minutes per step. MI-GAN (local, no prompt) or an Automatic1111 server is the quicker choice here.';
  const cannot = (reason: string, text: string) => ({ ok: false, reason, text: `${text} ${wasm}` });
  if (device.backend !== 'webgpu') return cannot('no WebGPU adapter', 'Needs WebGPU with shader-f16; this device has no WebGPU adapter.');
  if (!device.shaderF16) return cannot('the GPU lacks shader-f16, which the float16 weights need', 'Needs WebGPU with shader-f16 (its weights are float16); this GPU lacks it.');
  const slow = device.softwareAdapter ? ', a software adapter: slow' : '';
  const limit = bufferLimit(device);
  const native = variant.maxSide.webgpu;
  const below = (batch: 1 | 2) =>
    `buffer limit (${formatBytes(limit)}) is below the ${formatBytes(variant.minBufferBytes * batch)} the model needs at ${native}² px${batch === 2 ? ' with guidance (a batch of 2)' : ''}`;
  // Below WASM's own size the CPU is no worse off: fall back.
  if (bufferLimitedSide(variant, limit) < variant.maxSide.wasm) return cannot(`the GPU's ${below(1)}`, `This GPU's ${below(1)}.`);
  const side = diffusionSide(variant, 'webgpu', limit, guided);
  if (side === native) return { ok: true, text: `Runs on this GPU (WebGPU, shader-f16)${slow}.` };
  return { ok: true, text: `Runs on this GPU (WebGPU, shader-f16)${slow} at up to ${side}² px: its ${below(unetBatch(guided))}.` };
}

/**
 * Where a diffusion model is loaded: on WebGPU only where deviceVerdict says this device can run
 * it there, else on WASM, as the side panel said before the download (`reason`: why, for the
 * model's placement). fp16 files on an adapter without shader-f16 fail in WebGPU's shader compiler.
 */
export function diffusionPlacement(variant: DiffusionVariant, device: DeviceFacts): { backend: 'webgpu' | 'wasm'; reason?: string } {
  if (device.backend !== 'webgpu') return { backend: 'wasm' };
  const verdict = deviceVerdict(variant, device);
  return verdict.ok ? { backend: 'webgpu' } : { backend: 'wasm', ...(verdict.reason ? { reason: `WASM: ${verdict.reason}` } : {}) };
}
