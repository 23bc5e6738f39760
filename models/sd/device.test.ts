import { describe, expect, it } from 'vitest';
import { deviceVerdict, downloadBytes, formatBytes } from './device';
import { DIFFUSION_VARIANTS } from './variants';

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
});
