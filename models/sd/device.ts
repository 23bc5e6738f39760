/**
 * What a diffusion model costs and needs, said before any download: the download size from the
 * registry, and whether this device's runtime can carry it (WebGPU with shader-f16 for the fp16
 * exports, a large enough buffer limit) or what it falls back to. Pure.
 */
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

/**
 * The longest crop side the UNet's largest activation fits in at a buffer limit: that activation
 * (self-attention scores over the latent grid) grows with the side to the 4th power, so a limit
 * below the native size's need still fits a smaller crop; multiples of 64 (a latent grid the UNet's
 * three downsamplings divide).
 */
export function bufferLimitedSide(variant: DiffusionVariant, limit: number): number {
  const native = variant.maxSide.webgpu;
  if (limit >= variant.minBufferBytes) return native;
  return Math.floor((native * (limit / variant.minBufferBytes) ** 0.25) / 64) * 64;
}

/**
 * One sentence for the user: can this device run the model on WebGPU, at what size (`maxSide`),
 * and if not, why (`reason`) and what happens instead.
 */
export function deviceVerdict(variant: DiffusionVariant, device: DeviceFacts): { ok: boolean; text: string; reason?: string; maxSide?: number } {
  // The registry's exports are float16 only (no fp32 or q8 export fits WASM's 4 GB memory; see registry.ts).
  const wasm =
    `This device cannot run it on the GPU: it falls back to WASM (the CPU), at up to ${variant.maxSide.wasm}² px, with the same float16 files (computed in float32), ` +
    'which is untested with the real weights and takes minutes per step. MI-GAN (local, no prompt) or an Automatic1111 server is the quicker choice here.';
  const cannot = (reason: string, text: string) => ({ ok: false, reason, text: `${text} ${wasm}` });
  if (device.backend !== 'webgpu') return cannot('no WebGPU adapter', 'Needs WebGPU with shader-f16; this device has no WebGPU adapter.');
  if (!device.shaderF16) return cannot('the GPU lacks shader-f16, which the float16 weights need', 'Needs WebGPU with shader-f16 (its weights are float16); this GPU lacks it.');
  const slow = device.softwareAdapter ? ', a software adapter: slow' : '';
  const limit = Math.min(device.maxBufferSize ?? Infinity, device.maxStorageBufferBindingSize ?? Infinity);
  const side = bufferLimitedSide(variant, limit);
  const native = variant.maxSide.webgpu;
  if (side === native) return { ok: true, maxSide: native, text: `Runs on this GPU (WebGPU, shader-f16)${slow}.` };
  const below = `buffer limit (${formatBytes(limit)}) is below the ${formatBytes(variant.minBufferBytes)} the model needs at ${native}² px`;
  // Below WASM's own size the CPU is no worse off: fall back.
  if (side < variant.maxSide.wasm) return cannot(`the GPU's ${below}`, `This GPU's ${below}.`);
  return { ok: true, maxSide: side, text: `Runs on this GPU (WebGPU, shader-f16)${slow} at up to ${side}² px: its ${below}.` };
}

/**
 * Where a diffusion model is loaded, and the longest crop side it diffuses there: on WebGPU only
 * where deviceVerdict says this device can run it there (at the size its buffer limit allows),
 * else on WASM, as the side panel said before the download (`reason`: why, for the model's
 * placement). fp16 files on an adapter without shader-f16 fail in WebGPU's shader compiler.
 */
export function diffusionPlacement(variant: DiffusionVariant, device: DeviceFacts): { backend: 'webgpu' | 'wasm'; maxSide: number; reason?: string } {
  const onWasm = { backend: 'wasm' as const, maxSide: variant.maxSide.wasm };
  if (device.backend !== 'webgpu') return onWasm;
  const verdict = deviceVerdict(variant, device);
  if (verdict.ok) return { backend: 'webgpu', maxSide: verdict.maxSide ?? variant.maxSide.webgpu };
  return { ...onWasm, ...(verdict.reason ? { reason: `WASM: ${verdict.reason}` } : {}) };
}
