import * as v from 'valibot';
import { describe, expect, it } from 'vitest';
import { DiffusionParams, type SamplingSettings } from '@/utils/protocol';
import { diffusionWithImageSampling } from './image-sampling';

const defaults: DiffusionParams = { model: 'sd-inpaint', steps: 20, guidance: 7.5, strength: 1, seed: 42 };

describe('diffusionWithImageSampling', () => {
  it('takes the seed, steps and CFG an A1111 image states, keeping model and strength', () => {
    const sampling: SamplingSettings = { seed: 3_456_789_012, steps: 30, cfgScale: 6, sampler: 'DPM++ 2M' };
    expect(diffusionWithImageSampling(defaults, sampling)).toEqual({ model: 'sd-inpaint', steps: 30, guidance: 6, strength: 1, seed: 3_456_789_012 });
  });

  it('brings what the backend cannot run within its limits, and the result is a valid request', () => {
    const params = diffusionWithImageSampling(defaults, { seed: 2 ** 32 + 7, steps: 150, cfgScale: 30 });
    expect(params).toMatchObject({ seed: 7, steps: 50, guidance: 20 });
    expect(v.safeParse(DiffusionParams, params).success).toBe(true);
  });

  it('keeps the defaults where the image says nothing', () => {
    expect(diffusionWithImageSampling(defaults, undefined)).toBe(defaults);
    expect(diffusionWithImageSampling(defaults, { sampler: 'Euler a' })).toEqual(defaults);
  });
});
