import { describe, expect, it } from 'vitest';
import { bufferLimitedSide, deviceVerdict, diffusionPlacement, diffusionSide, downloadBytes, formatBytes } from './device';
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

  it('places the model where the verdict said: WebGPU only on a device that can run it, else WASM with the reason', () => {
    const gpu = { backend: 'webgpu' as const, maxBufferSize: 2 ** 31, maxStorageBufferBindingSize: 2 ** 31 };
    expect(diffusionPlacement(inpaint, { ...gpu, shaderF16: true })).toEqual({ backend: 'webgpu' });
    expect(diffusionPlacement(inpaint, { ...gpu, shaderF16: false })).toEqual({ backend: 'wasm', reason: 'WASM: the GPU lacks shader-f16, which the float16 weights need' });
    // 128 MiB (lavapipe's, many integrated GPUs' default) is below what 512² needs, but the GPU runs it smaller.
    expect(diffusionPlacement(inpaint, { ...gpu, shaderF16: true, maxStorageBufferBindingSize: 128 * 2 ** 20 })).toEqual({ backend: 'webgpu' });
    // Too small for even WASM's size: the CPU it is.
    expect(diffusionPlacement(inpaint, { ...gpu, shaderF16: true, maxStorageBufferBindingSize: 8 * 2 ** 20 })).toEqual({
      backend: 'wasm',
      reason: "WASM: the GPU's buffer limit (8 MB) is below the 268 MB the model needs at 512² px",
    });
    expect(diffusionPlacement(inpaint, { backend: 'wasm', shaderF16: false })).toEqual({ backend: 'wasm' });
    for (const device of [{ ...gpu, shaderF16: true }, { ...gpu, shaderF16: false }, { backend: 'wasm' as const, shaderF16: false }, { ...gpu, shaderF16: true, maxBufferSize: 2 ** 24 }]) {
      expect(diffusionPlacement(inpaint, device).backend === 'webgpu').toBe(deviceVerdict(inpaint, device).ok);
    }
  });

  it('diffuses at the largest crop whose attention fits the buffer limit, for the batch guidance runs', () => {
    const limit = 128 * 2 ** 20;
    // SD 1.5 at 128 MiB: 8 heads × 2304² × 2 B = 85 MB at 384² unguided; with guidance the batch of 2 needs 170 MB there, so 320².
    expect(diffusionSide(inpaint, 'webgpu', limit, false)).toBe(384);
    expect(diffusionSide(inpaint, 'webgpu', limit, true)).toBe(320);
    expect(diffusionSide(DIFFUSION_VARIANTS['sd-turbo'], 'webgpu', limit, false)).toBe(448);
    expect(diffusionSide(inpaint, 'webgpu', Infinity, true)).toBe(512);
    // A limit between the unguided and guided need at 512² (268 and 537 MB): only guidance shrinks the crop.
    expect(diffusionSide(inpaint, 'webgpu', 400e6, false)).toBe(512);
    expect(diffusionSide(inpaint, 'webgpu', 400e6, true)).toBe(448);
    expect(diffusionSide(inpaint, 'wasm', Infinity, true)).toBe(256);
    const gpu = { backend: 'webgpu' as const, shaderF16: true, maxStorageBufferBindingSize: limit };
    expect(deviceVerdict(inpaint, gpu, true).text).toBe(
      'Runs on this GPU (WebGPU, shader-f16) at up to 320² px: its buffer limit (134 MB) is below the 537 MB the model needs at 512² px with guidance (a batch of 2).',
    );
    expect(deviceVerdict(inpaint, gpu, false).text).toBe('Runs on this GPU (WebGPU, shader-f16) at up to 384² px: its buffer limit (134 MB) is below the 268 MB the model needs at 512² px.');
    for (const bytes of [2 ** 24, 2 ** 26, 2 ** 27, 2 ** 28, 2 ** 29]) {
      for (const batch of [1, 2] as const) {
        const side = bufferLimitedSide(inpaint, bytes, batch);
        const attention = (s: number) => batch * 8 * (s / 8) ** 4 * 2;
        expect(side % 64).toBe(0);
        if (side < 512) {
          expect(attention(side)).toBeLessThanOrEqual(bytes);
          expect(attention(side + 64)).toBeGreaterThan(bytes);
        }
      }
    }
  });

  it('finds the variant of a registry entry, and none for a model that is not a diffusion model', () => {
    expect(variantOfModel('sdInpaint')).toBe(inpaint);
    expect(variantOfModel('sdTurbo')).toBe(DIFFUSION_VARIANTS['sd-turbo']);
    expect(variantOfModel('migan')).toBeUndefined();
  });
});
