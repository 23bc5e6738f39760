import { describe, expect, it } from 'vitest';
import { bufferLimitedSide, deviceVerdict, diffusionPlacement, downloadBytes, formatBytes } from './device';
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
    const small = deviceVerdict(inpaint, { backend: 'webgpu', shaderF16: true, maxBufferSize: 256 * 2 ** 20, maxStorageBufferBindingSize: 8 * 2 ** 20 });
    expect(small).toMatchObject({ ok: false, text: expect.stringMatching(/buffer limit \(8 MB\).*falls back to WASM/) });
    expect(deviceVerdict(inpaint, { backend: 'webgpu', shaderF16: true, maxBufferSize: 2 ** 31, maxStorageBufferBindingSize: 2 ** 31 }).ok).toBe(true);
  });

  it('places the model where the verdict said: WebGPU only on a device that can run it, at the size its buffer limit allows, else WASM with the reason', () => {
    const gpu = { backend: 'webgpu' as const, maxBufferSize: 2 ** 31, maxStorageBufferBindingSize: 2 ** 31 };
    expect(diffusionPlacement(inpaint, { ...gpu, shaderF16: true })).toEqual({ backend: 'webgpu', maxSide: 512 });
    expect(diffusionPlacement(inpaint, { ...gpu, shaderF16: false })).toEqual({ backend: 'wasm', maxSide: 256, reason: 'WASM: the GPU lacks shader-f16, which the float16 weights need' });
    // 128 MiB (lavapipe's, many integrated GPUs' default): the attention scores fit up to 384² (8 × 2304² × 2 B = 85 MB; 448² would need 157 MB).
    expect(diffusionPlacement(inpaint, { ...gpu, shaderF16: true, maxStorageBufferBindingSize: 128 * 2 ** 20 })).toEqual({ backend: 'webgpu', maxSide: 384 });
    expect(deviceVerdict(inpaint, { ...gpu, shaderF16: true, maxStorageBufferBindingSize: 128 * 2 ** 20 }).text).toBe(
      'Runs on this GPU (WebGPU, shader-f16) at up to 384² px: its buffer limit (134 MB) is below the 268 MB the model needs at 512² px.',
    );
    expect(diffusionPlacement(DIFFUSION_VARIANTS['sd-turbo'], { ...gpu, shaderF16: true, maxStorageBufferBindingSize: 128 * 2 ** 20 })).toEqual({ backend: 'webgpu', maxSide: 448 });
    // Too small for even WASM's size: the CPU it is.
    expect(diffusionPlacement(inpaint, { ...gpu, shaderF16: true, maxStorageBufferBindingSize: 8 * 2 ** 20 })).toEqual({
      backend: 'wasm',
      maxSide: 256,
      reason: "WASM: the GPU's buffer limit (8 MB) is below the 268 MB the model needs at 512² px",
    });
    expect(diffusionPlacement(inpaint, { backend: 'wasm', shaderF16: false })).toEqual({ backend: 'wasm', maxSide: 256 });
    for (const device of [{ ...gpu, shaderF16: true }, { ...gpu, shaderF16: false }, { backend: 'wasm' as const, shaderF16: false }, { ...gpu, shaderF16: true, maxBufferSize: 2 ** 24 }]) {
      expect(diffusionPlacement(inpaint, device).backend === 'webgpu').toBe(deviceVerdict(inpaint, device).ok);
    }
  });

  it('fits the crop to the buffer limit: the largest attention at the chosen side stays within it', () => {
    for (const limit of [2 ** 24, 2 ** 26, 2 ** 27, 2 ** 28, 2 ** 29]) {
      const side = bufferLimitedSide(inpaint, limit);
      const attention = (s: number) => 8 * (s / 8) ** 4 * 2;
      expect(side % 64).toBe(0);
      expect(side).toBeLessThanOrEqual(512);
      if (side < 512) {
        expect(attention(side)).toBeLessThanOrEqual(limit);
        expect(attention(side + 64)).toBeGreaterThan(limit);
      }
    }
  });

  it('finds the variant of a registry entry, and none for a model that is not a diffusion model', () => {
    expect(variantOfModel('sdInpaint')).toBe(inpaint);
    expect(variantOfModel('sdTurbo')).toBe(DIFFUSION_VARIANTS['sd-turbo']);
    expect(variantOfModel('migan')).toBeUndefined();
  });
});
