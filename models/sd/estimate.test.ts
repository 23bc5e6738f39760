import { describe, expect, it } from 'vitest';
import type { DiffusionTiming, InpaintResult } from '../../utils/protocol';
import { denoisingSteps, estimateMs, estimateText, formatDuration, latestTiming } from './estimate';

const measured: DiffusionTiming = { model: 'sd-inpaint', backend: 'webgpu', width: 512, height: 512, steps: 20, guided: true, stepMs: 400, prepareMs: 900, candidateMs: 600 };

function result(createdAt: number, diffusion?: DiffusionTiming): InpaintResult {
  const score = { cosine: 0.2, score: 20, hessel: 0.5 };
  return {
    jobId: `job-${createdAt}`,
    backend: diffusion ? 'diffusion' : 'local',
    model: 'test',
    prompt: 'a brown chocolate river',
    fullPrompt: 'a brown chocolate river',
    image: 'image:x',
    mask: 'mask:x',
    before: { global: score },
    candidates: [],
    createdAt,
    ms: { total: 1, inpaint: 1, score: 0 },
    ...(diffusion ? { diffusion } : {}),
  };
}

describe('diffusion time estimate', () => {
  it('counts the steps the strength keeps, as the scheduler runs them', () => {
    expect(denoisingSteps({ model: 'sd-inpaint', steps: 20, strength: 1 })).toBe(20);
    expect(denoisingSteps({ model: 'sd-inpaint', steps: 20, strength: 0.5 })).toBe(10);
    expect(denoisingSteps({ model: 'sd-turbo', steps: 4, strength: 1 })).toBe(4);
    // SD-Turbo's 2 steps at strength 0.3 keep none: said, not thrown (the picker computes this as the slider moves).
    expect(denoisingSteps({ model: 'sd-turbo', steps: 2, strength: 0.3 })).toBe(0);
    expect(estimateText(measured, { model: 'sd-turbo', steps: 2, strength: 0.3, guidance: 0 }, 1, 'webgpu')).toBe('Strength 0.30 keeps no denoising step of 2: raise the steps or the strength.');
  });

  it('scales the measured run to the steps, guidance and candidates chosen now', () => {
    // The measured run itself: encoding once, then per candidate its steps and its decoder.
    expect(estimateMs(measured, { model: 'sd-inpaint', steps: 20, strength: 1, guidance: 7.5 }, 1)).toBe(900 + 20 * 400 + 600);
    expect(estimateMs(measured, { model: 'sd-inpaint', steps: 20, strength: 1, guidance: 7.5 }, 4)).toBe(900 + 4 * (20 * 400 + 600));
    // Half the strength, half the steps; no guidance, one UNet run per step instead of two.
    expect(estimateMs(measured, { model: 'sd-inpaint', steps: 20, strength: 0.5, guidance: 7.5 }, 1)).toBe(900 + 10 * 400 + 600);
    expect(estimateMs(measured, { model: 'sd-inpaint', steps: 20, strength: 1, guidance: 1 }, 1)).toBe(900 + 20 * 200 + 600);
    expect(estimateMs({ ...measured, guided: false }, { model: 'sd-inpaint', steps: 20, strength: 1, guidance: 7.5 }, 1)).toBe(900 + 20 * 800 + 600);
  });

  it('takes the latest run of the same model on the same backend, from any session', () => {
    const older = { ...measured, stepMs: 1000 };
    const wasm = { ...measured, backend: 'wasm' as const, stepMs: 9000 };
    const turbo = { ...measured, model: 'sd-turbo' as const, stepMs: 50 };
    const results = [result(3, wasm), result(1, older), result(2, measured), result(4), result(5, turbo)];
    expect(latestTiming(results, 'sd-inpaint', 'webgpu')).toBe(measured);
    expect(latestTiming(results, 'sd-inpaint', 'wasm')).toBe(wasm);
    expect(latestTiming([result(4)], 'sd-inpaint', 'webgpu')).toBeUndefined();
  });

  it('says the estimate and what it rests on, or that the first run measures it', () => {
    const settings = { model: 'sd-inpaint', steps: 20, strength: 1, guidance: 7.5 } as const;
    expect(estimateText(undefined, settings, 4, 'webgpu')).toBe('Time: not measured on this device yet (WebGPU); the first run measures it.');
    expect(estimateText(measured, settings, 4, 'webgpu')).toBe(
      "About 35 s for 4 candidates × 20 steps (this device's last run on WebGPU: 400 ms per step at 512×512), plus scoring.",
    );
    expect(formatDuration(4321)).toBe('4.3 s');
    expect(formatDuration(150_000)).toBe('2 min 30 s');
    expect(formatDuration(119_800)).toBe('2 min');
  });
});
