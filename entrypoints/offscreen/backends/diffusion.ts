/**
 * Local prompt-following inpainting with a diffusion model (SD 1.5 inpainting, or SD-Turbo with
 * latent blending) on WebGPU or WASM: the mask's box plus context (the padding setting) is cropped, diffused at a working
 * size (multiples of 8, capped per device), one candidate per seed (seed + i), with progress and a
 * latent preview per step and cancel (and the user's turn) between steps. The job pastes each through the feathered mask.
 * When memory is short (models/sd/memory.ts) the encoders are released before the UNet runs.
 */
import { diffusionSide, downloadBytes } from '@/models/sd/device';
import { releasePlan } from '@/models/sd/memory';
import { denoiseInpaint, prepareInpaint } from '@/models/sd/pipeline';
import { workingSize } from '@/models/sd/processor';
import { releaseEncoders, type SdModel } from '@/models/sd/runner';
import { DIFFUSION_VARIANTS } from '@/models/sd/variants';
import { isGuided } from '@/utils/diffusion/guidance';
import { latentsToPreview } from '@/utils/diffusion/preview';
import { cropAroundMask, cropImage, cropMaskTo, onlyMaskedPadding, resizeImage } from '@/utils/inpaint/crop';
import type { DiffusionParams } from '@/utils/protocol';
import { median } from '@/utils/stats';
import type { FillBackend } from './types';

/** How a job learns whether memory is short, and forgets a model whose encoders it released. */
export interface DiffusionMemory {
  /** `navigator.deviceMemory` where the browser reports it. */
  deviceMemoryGb?: number;
  /** Drops the loaded model (releasing what is left of it), so the next job loads it whole again, from the cache. */
  discard(): Promise<void>;
}

export function diffusionBackend(params: DiffusionParams, loadModel: () => Promise<SdModel>, memory?: DiffusionMemory): FillBackend {
  const variant = DIFFUSION_VARIANTS[params.model];
  return async ({ image, mask, prompt, negativePrompt, n }, { signal, onProgress, onPreview, turn }) => {
    const rect = cropAroundMask(mask, onlyMaskedPadding(params.padding));
    if (!rect) throw new Error('The mask is empty: mark the region to repaint first');
    const model = await loadModel();
    // From here on the job's time is the device's, not the download's: the estimate's encoding part starts here.
    const prepareStarted = performance.now();
    const size = workingSize(rect.width, rect.height, diffusionSide(variant, model.backend, model.bufferLimit ?? Infinity, isGuided(params.guidance)));
    const input = resizeImage(cropImage(image, rect), size.width, size.height);
    const region = cropMaskTo(mask, rect, size.width, size.height);
    const knobs = { prompt, negativePrompt: negativePrompt ?? '', steps: params.steps, guidance: params.guidance, strength: params.strength, scheduler: variant.scheduler };
    // The prompts and the image are encoded once for every candidate.
    const { prepared, modelMs: prepareModelMs } = await prepareInpaint(model, input, region, knobs, signal);
    const prepareMs = performance.now() - prepareStarted;
    let modelMs = prepareModelMs;
    const plan = releasePlan(downloadBytes(variant), { backend: model.backend, ...(memory?.deviceMemoryGb !== undefined ? { deviceMemoryGb: memory.deviceMemoryGb } : {}) });
    let released = false;
    if (memory && plan.releaseEncoders) {
      onProgress(0, `Memory is short (${plan.why}): the text and image encoders are released before the UNet`);
      await releaseEncoders(model);
      released = true;
    }
    const outputs: { image: typeof input; seed: number }[] = [];
    const clock = stepClock();
    try {
      for (let i = 0; i < n; i++) {
        const seed = (params.seed + i) >>> 0;
        clock.candidateStarts();
        const result = await denoiseInpaint(model, prepared, { ...knobs, seed }, {
          signal,
          ...(turn ? { turn: () => clock.waitFor(turn) } : {}),
          onStep: (step, total, latents, width, height) => {
            clock.stepEnds(total);
            onProgress((i + step / total) / n, `Candidate ${i + 1} of ${n}: step ${step} of ${total}`);
            onPreview?.(latentsToPreview(latents, width, height));
          },
        });
        clock.candidateEnds();
        modelMs += result.modelMs;
        outputs.push({ image: result.image, seed });
      }
    } finally {
      if (released) await memory?.discard();
    }
    const timing = clock.timing();
    return {
      rect,
      outputs,
      model: `${variant.label}, ${params.steps} steps, ${size.width}×${size.height} on ${model.backend === 'webgpu' ? 'WebGPU' : 'WASM'}`,
      modelMs,
      ...(timing ? { diffusion: { model: params.model, backend: model.backend, width: size.width, height: size.height, guided: prepared.guided, prepareMs, ...timing } } : {}),
    };
  };
}

/**
 * Wall time of a denoising step (the median) and of the rest of each candidate (the decoder), as the user
 * waits for them, less the waits for the user's turn (a click, a pointer over the mask): those
 * depend on the user, not the device, and would inflate the next run's estimate.
 */
function stepClock() {
  let mark = 0;
  let waitedMs = 0;
  const stepMs: number[] = [];
  let stepsPerCandidate = 0;
  let restMs = 0;
  let candidates = 0;
  /** Time since the mark, less the waits in it; moves the mark. */
  const lap = () => {
    const now = performance.now();
    const ms = Math.max(0, now - mark - waitedMs);
    mark = now;
    waitedMs = 0;
    return ms;
  };
  return {
    async waitFor(turn: () => Promise<void>) {
      const start = performance.now();
      try {
        await turn();
      } finally {
        waitedMs += performance.now() - start;
      }
    },
    candidateStarts() {
      mark = performance.now();
      waitedMs = 0;
    },
    stepEnds(total: number) {
      stepMs.push(lap());
      stepsPerCandidate = total;
    },
    candidateEnds() {
      restMs += lap();
      candidates += 1;
    },
    timing(): { steps: number; stepMs: number; candidateMs: number } | undefined {
      // The median step: the first one on WebGPU also compiles its shaders (seconds with real models), which the next run does not.
      return stepMs.length > 0 && candidates > 0 ? { steps: stepsPerCandidate, stepMs: median(stepMs), candidateMs: restMs / candidates } : undefined;
    },
  };
}
