/**
 * Diffusion inpainting, top to bottom: encode the prompt and the negative prompt → encode the
 * image, the masked image and the mask (once per job: prepareInpaint) → per candidate
 * (denoiseInpaint), for each timestep: UNet (both prompts as a batch of 2
 * for classifier-free guidance), guidance, scheduler step, for a 4-channel model the kept latents
 * re-noised to the next timestep, non-finite check, progress, cancel, the user's turn → decode.
 * Seeded: the same seed gives the same pixels on the same backend.
 */
import type { Mask, RGBAImage } from '../../utils/image/types';
import { firstNonFinite } from '../../utils/diffusion/finite';
import { classifierFreeGuidance, isGuided, unetBatch } from '../../utils/diffusion/guidance';
import { seededRandom } from '../../utils/diffusion/random';
import { createScheduler, schedulerConfigFromJson, type SchedulerKind } from '../../utils/diffusion/scheduler';
import { blendLatents, imageToPlanar, LATENT_FACTOR, latentMask, planarToImage, scaled } from './processor';
import { encodeText, unetChannels, unetStep, vaeDecode, vaeEncode, type SdModel } from './runner';
import { PUBLISHED_SCHEDULER_CONFIG } from './scheduler-defaults';

export interface DiffusionParams {
  prompt: string;
  negativePrompt: string;
  seed: number;
  steps: number;
  /** Classifier-free guidance scale; ≤ 1 runs the prompt alone (one UNet run per step). */
  guidance: number;
  /** 1: start from noise; below 1 keeps some of the original (img2img's denoising strength). */
  strength: number;
  scheduler: SchedulerKind;
}

export interface DiffusionHooks {
  signal?: AbortSignal;
  /** After each step, with the latents [4,h,w] (for a cheap preview). */
  onStep?(step: number, total: number, latents: Float32Array, latentWidth: number, latentHeight: number): void;
  /** Awaited between steps: interactive work (a click's decode) may run first. */
  turn?(): Promise<void>;
}

/** NaN or ±Inf in the latents after a step, or in the decoded pixels: the known float16 overflow. */
export class NonFiniteError extends Error {
  /** `where`: "at step 3", or "in the VAE decoder's output"; `backend`: where the model ran (on WASM the float16 weights are computed in float32). */
  constructor(where: string, backend: 'webgpu' | 'wasm' = 'webgpu') {
    super(
      backend === 'webgpu'
        ? `The model produced NaN or infinite values ${where} (a float16 overflow on this GPU): choose WASM as the device in the options, which runs in float32, or fewer steps.`
        : `The model produced NaN or infinite values ${where}, on WASM (float32): the model files may be damaged; clear the model cache in the options, or try another seed or fewer steps.`,
    );
    this.name = 'NonFiniteError';
  }
}

/** What every candidate of a job shares: the prompts and the image, encoded once. */
export interface PreparedInpaint {
  /** [uncond, cond] (guided) or [cond]: [B,77,hidden]. */
  text: Float32Array;
  hidden: number;
  /** The image's latents [4,h,w] (× VAE scale). */
  original: Float32Array;
  /** The mask at latent size, 1 = repaint. */
  repaint: Float32Array;
  /** 9-channel UNets: mask ‖ masked-image latents; empty otherwise. */
  conditioning: Float32Array;
  latentWidth: number;
  latentHeight: number;
  channels: number;
  guided: boolean;
}

/**
 * The text encoder and the VAE encoder's part: the prompt (and the negative prompt when guided),
 * the image, and for an inpainting UNet the masked image and the mask. After this the job needs
 * only the UNet and the VAE decoder, so a caller short of memory may release the encoders.
 */
export async function prepareInpaint(
  model: SdModel,
  image: RGBAImage,
  mask: Mask,
  params: Pick<DiffusionParams, 'prompt' | 'negativePrompt' | 'guidance'>,
  signal?: AbortSignal,
): Promise<{ prepared: PreparedInpaint; modelMs: number }> {
  let modelMs = 0;
  const lw = image.width / LATENT_FACTOR;
  const lh = image.height / LATENT_FACTOR;
  const channels = unetChannels(model);
  const guided = isGuided(params.guidance);

  // Prompts: [uncond, cond] as one batch when guided.
  const cond = await encodeText(model, params.prompt);
  modelMs += cond.modelMs;
  let text = cond.data;
  if (guided) {
    const uncond = await encodeText(model, params.negativePrompt);
    modelMs += uncond.modelMs;
    text = concat([uncond.data, cond.data]);
  }
  signal?.throwIfAborted();

  // Image, masked image and mask in latent space.
  const original = await vaeEncode(model, imageToPlanar(image), image.width, image.height);
  modelMs += original.modelMs;
  const repaint = latentMask(mask, lw, lh);
  let conditioning: Float32Array = new Float32Array(0);
  if (channels === 9) {
    const masked = await vaeEncode(model, imageToPlanar(image, mask), image.width, image.height);
    modelMs += masked.modelMs;
    conditioning = concat([repaint, masked.latents]);
  }
  signal?.throwIfAborted();
  return { prepared: { text, hidden: cond.dims[2], original: original.latents, repaint, conditioning, latentWidth: lw, latentHeight: lh, channels, guided }, modelMs };
}

/** One candidate from prepared inputs: seeded noise → the denoising loop → the VAE decoder. */
export async function denoiseInpaint(model: SdModel, prepared: PreparedInpaint, params: DiffusionParams, hooks: DiffusionHooks = {}): Promise<{ image: RGBAImage; modelMs: number }> {
  const { signal, onStep, turn } = hooks;
  const { text, hidden, original, repaint, conditioning, latentWidth: lw, latentHeight: lh, channels, guided } = prepared;
  let modelMs = 0;
  const plane = lw * lh;
  const schedulerJson = model.configs['scheduler/scheduler_config.json'] ?? PUBLISHED_SCHEDULER_CONFIG[model.name];
  const scheduler = createScheduler(params.scheduler, schedulerConfigFromJson(schedulerJson));
  const timesteps = scheduler.setTimesteps(params.steps, params.strength);
  const random = seededRandom(params.seed);
  const noise = random.normals(4 * plane);
  const first = timesteps[0];
  if (first === undefined) throw new Error('No denoising steps: raise the steps or the strength');
  let latents = params.strength < 1 ? scheduler.addNoise(original, noise, first) : scaled(noise, scheduler.initNoiseSigma);

  for (const [i, t] of timesteps.entries()) {
    const input = scheduler.scaleModelInput(latents, t);
    const one = channels === 9 ? concat([input, conditioning]) : input;
    const batch = unetBatch(guided);
    const result = await unetStep(model, guided ? concat([one, one]) : one, { batch, channels, width: lw, height: lh }, t, text, hidden);
    modelMs += result.modelMs;
    const eps = guided ? classifierFreeGuidance(result.noise.subarray(0, 4 * plane), result.noise.subarray(4 * plane), params.guidance) : result.noise;
    latents = scheduler.step(eps, t, latents, random);
    if (channels === 4) {
      // A plain UNet knows nothing of the mask: outside it, the original re-noised to where the next step starts.
      const next = timesteps[i + 1];
      latents = blendLatents(latents, next === undefined ? original : scheduler.addNoise(original, noise, next), repaint);
    }
    if (firstNonFinite(latents) >= 0) throw new NonFiniteError(`at step ${i + 1}`, model.backend);
    onStep?.(i + 1, timesteps.length, latents, lw, lh);
    await betweenSteps();
    signal?.throwIfAborted();
    if (turn) {
      await turn();
      signal?.throwIfAborted();
    }
  }

  const decoded = await vaeDecode(model, latents, lw, lh);
  modelMs += decoded.modelMs;
  // The decoder is float16 too: an overflow there would paste black (NaN → 0) into the picture.
  if (firstNonFinite(decoded.planar) >= 0) throw new NonFiniteError("in the VAE decoder's output", model.backend);
  return { image: planarToImage(decoded.planar, lw * LATENT_FACTOR, lh * LATENT_FACTOR), modelMs };
}

/** Inpaints `image` where `mask` (255 = repaint) says; both at the working size (multiples of 8). */
export async function diffusionInpaint(model: SdModel, image: RGBAImage, mask: Mask, params: DiffusionParams, hooks: DiffusionHooks = {}): Promise<{ image: RGBAImage; modelMs: number }> {
  const { prepared, modelMs } = await prepareInpaint(model, image, mask, params, hooks.signal);
  const result = await denoiseInpaint(model, prepared, params, hooks);
  return { image: result.image, modelMs: modelMs + result.modelMs };
}

/**
 * A WASM run holds the inference worker's thread, and its promise settles without a task in
 * between: without this a cancel (a message) and the preview's encoding would wait for the whole loop.
 */
function betweenSteps(): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, 0));
}

function concat(parts: readonly Float32Array[]): Float32Array {
  const out = new Float32Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.length;
  }
  return out;
}
