import { describe, expect, it } from 'vitest';
import { releasePlan } from './memory';

const SD15_FP16 = 2_133_500_000; // the registry's SD 1.5 inpainting download
const SMALL = 300_000_000;

describe('diffusion session release policy', () => {
  it('releases the encoders before the UNet on WASM when the weights twice plus the activations pass its 4 GB heap', () => {
    expect(releasePlan(SD15_FP16, { backend: 'wasm' })).toMatchObject({ releaseEncoders: true, why: expect.stringMatching(/WASM's 4 GB/) });
    expect(releasePlan(SMALL, { backend: 'wasm' }).releaseEncoders).toBe(false);
  });

  it('releases them on a device that reports little memory, keeps them where it reports enough', () => {
    expect(releasePlan(SD15_FP16, { backend: 'webgpu', deviceMemoryGb: 4 })).toMatchObject({ releaseEncoders: true, why: expect.stringMatching(/4 GB of memory/) });
    expect(releasePlan(SD15_FP16, { backend: 'webgpu', deviceMemoryGb: 8 }).releaseEncoders).toBe(false);
    expect(releasePlan(SMALL, { backend: 'webgpu', deviceMemoryGb: 0.5 }).releaseEncoders).toBe(true);
  });

  it('keeps them when the browser says nothing (Firefox has no navigator.deviceMemory) and the GPU holds the weights', () => {
    expect(releasePlan(SD15_FP16, { backend: 'webgpu' })).toMatchObject({ releaseEncoders: false, why: expect.stringMatching(/does not report/) });
  });
});
