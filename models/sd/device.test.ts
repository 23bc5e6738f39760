import { describe, expect, it } from 'vitest';
import { deviceVerdict, diffusionPlacement, downloadBytes, formatBytes } from './device';
import { DIFFUSION_VARIANTS, variantOfModel } from './variants';

const inpaint = DIFFUSION_VARIANTS['sd-inpaint'];

describe('diffusion device check', () => {
  it('sums the download of every component before anything is fetched', () => {
    expect(downloadBytes(inpaint)).toBe(246_000_000 + 68_400_000 + 99_100_000 + 1_720_000_000);
    expect(formatBytes(downloadBytes(inpaint))).toBe('2.1 GB');
    expect(formatBytes(95_000_000)).toBe('95 MB');
  });

  it('says why a device cannot run it on WebGPU and what it falls back to', () => {
    expect(deviceVerdict(inpaint, { backend: 'wasm', shaderF16: false })).toMatchObject({ ok: false, text: expect.stringMatching(/no WebGPU adapter.*cannot run it on the GPU: it falls back to WASM/) });
    expect(deviceVerdict(inpaint, { backend: 'webgpu', shaderF16: false }).text).toMatch(/lacks it/);
    const small = deviceVerdict(inpaint, { backend: 'webgpu', shaderF16: true, maxBufferSize: 256 * 2 ** 20, maxStorageBufferBindingSize: 128 * 2 ** 20 });
    expect(small).toMatchObject({ ok: false, text: expect.stringMatching(/buffer limit \(134 MB\)/) });
    expect(deviceVerdict(inpaint, { backend: 'webgpu', shaderF16: true, maxBufferSize: 2 ** 31, maxStorageBufferBindingSize: 2 ** 31 }).ok).toBe(true);
  });

  it('places the model where the verdict said: WebGPU only on a device that can run it, else WASM with the reason', () => {
    const gpu = { backend: 'webgpu' as const, maxBufferSize: 2 ** 31, maxStorageBufferBindingSize: 2 ** 31 };
    expect(diffusionPlacement(inpaint, { ...gpu, shaderF16: true })).toEqual({ backend: 'webgpu' });
    expect(diffusionPlacement(inpaint, { ...gpu, shaderF16: false })).toEqual({ backend: 'wasm', reason: 'WASM: the GPU lacks shader-f16, which the float16 weights need' });
    expect(diffusionPlacement(inpaint, { ...gpu, shaderF16: true, maxStorageBufferBindingSize: 128 * 2 ** 20 })).toEqual({
      backend: 'wasm',
      reason: "WASM: the GPU's buffer limit (134 MB) is below the 268 MB the model needs at 512² px",
    });
    expect(diffusionPlacement(inpaint, { backend: 'wasm', shaderF16: false })).toEqual({ backend: 'wasm' });
    for (const device of [{ ...gpu, shaderF16: true }, { ...gpu, shaderF16: false }, { backend: 'wasm' as const, shaderF16: false }]) {
      expect(diffusionPlacement(inpaint, device).backend === 'webgpu').toBe(deviceVerdict(inpaint, device).ok);
    }
  });

  it('finds the variant of a registry entry, and none for a model that is not a diffusion model', () => {
    expect(variantOfModel('sdInpaint')).toBe(inpaint);
    expect(variantOfModel('sdTurbo')).toBe(DIFFUSION_VARIANTS['sd-turbo']);
    expect(variantOfModel('migan')).toBeUndefined();
  });
});
