import * as v from 'valibot';
import type { Random } from './random';

/** SD's VAE latent scale: latents = encoder output × VAE_SCALE; the decoder gets latents ÷ VAE_SCALE. */
export const VAE_SCALE = 0.18215;

/** A scheduler's constants, as diffusers' scheduler_config.json gives them (camel-cased). */
export interface SchedulerConfig {
  numTrainTimesteps: number;
  betaStart: number;
  betaEnd: number;
  betaSchedule: 'scaled_linear' | 'linear';
  stepsOffset: number;
  predictionType: 'epsilon' | 'v_prediction';
  timestepSpacing: 'leading' | 'trailing' | 'linspace';
  setAlphaToOne: boolean;
  /** LCM: the distillation schedule's length (default 50). */
  originalInferenceSteps?: number;
  /** LCM: the boundary-condition scaling of the timestep (default 10). */
  timestepScaling?: number;
}

/** SD 1.5 (and SD 1.5 inpainting)'s scheduler_config.json. */
export const SD15_SCHEDULER: SchedulerConfig = {
  numTrainTimesteps: 1000,
  betaStart: 0.00085,
  betaEnd: 0.012,
  betaSchedule: 'scaled_linear',
  stepsOffset: 1,
  predictionType: 'epsilon',
  timestepSpacing: 'leading',
  setAlphaToOne: false,
};

// Defaults are diffusers' DDIMScheduler's (LCM's two extras: LCMScheduler's), for keys a config omits.
const SchedulerJson = v.object({
  num_train_timesteps: v.optional(v.pipe(v.number(), v.integer(), v.minValue(1)), 1000),
  beta_start: v.optional(v.pipe(v.number(), v.minValue(0)), 0.0001),
  beta_end: v.optional(v.pipe(v.number(), v.maxValue(1)), 0.02),
  beta_schedule: v.optional(v.picklist(['scaled_linear', 'linear']), 'linear'),
  trained_betas: v.optional(v.null()),
  steps_offset: v.optional(v.pipe(v.number(), v.integer(), v.minValue(0)), 0),
  prediction_type: v.optional(v.picklist(['epsilon', 'v_prediction']), 'epsilon'),
  timestep_spacing: v.optional(v.picklist(['leading', 'trailing', 'linspace']), 'leading'),
  set_alpha_to_one: v.optional(v.boolean(), true),
  original_inference_steps: v.optional(v.pipe(v.number(), v.integer(), v.minValue(1)), 50),
  timestep_scaling: v.optional(v.number(), 10),
});

/** diffusers' scheduler_config.json (snake_case keys), validated; missing keys take diffusers' defaults. */
export function schedulerConfigFromJson(json: unknown): SchedulerConfig {
  const parsed = v.safeParse(SchedulerJson, json);
  if (!parsed.success) {
    const issue = parsed.issues[0]!;
    throw new Error(`Unsupported scheduler_config.json: ${v.getDotPath(issue) ?? 'config'}: ${issue.message}`);
  }
  const c = parsed.output;
  return {
    numTrainTimesteps: c.num_train_timesteps,
    betaStart: c.beta_start,
    betaEnd: c.beta_end,
    betaSchedule: c.beta_schedule,
    stepsOffset: c.steps_offset,
    predictionType: c.prediction_type,
    timestepSpacing: c.timestep_spacing,
    setAlphaToOne: c.set_alpha_to_one,
    originalInferenceSteps: c.original_inference_steps,
    timestepScaling: c.timestep_scaling,
  };
}

/** ᾱ_t = Π(1 − β_s) for s ≤ t, over the training schedule. */
export function alphasCumprod(config: SchedulerConfig): Float64Array {
  const n = config.numTrainTimesteps;
  const out = new Float64Array(n);
  // scaled_linear is linear in √β (the schedule SD was trained with).
  const [from, to] = config.betaSchedule === 'scaled_linear' ? [Math.sqrt(config.betaStart), Math.sqrt(config.betaEnd)] : [config.betaStart, config.betaEnd];
  let product = 1;
  for (let t = 0; t < n; t++) {
    const x = n === 1 ? from : from + ((to - from) * t) / (n - 1);
    const beta = config.betaSchedule === 'scaled_linear' ? x * x : x;
    product *= 1 - beta;
    out[t] = product;
  }
  return out;
}

export type SchedulerKind = 'ddim' | 'euler-ancestral' | 'lcm';

export interface Scheduler {
  readonly kind: SchedulerKind;
  /**
   * Sets and returns the run's timesteps, descending. strength < 1 (img2img / "keep some of the
   * original") keeps only the last floor(steps·strength) of them, as diffusers' get_timesteps does
   * (LCM, as diffusers' LCMScheduler: `steps` timesteps drawn from the first strength·50 of its
   * distillation schedule).
   */
  setTimesteps(steps: number, strength?: number): readonly number[];
  readonly timesteps: readonly number[];
  /** Factor for the initial noise: Euler's largest sigma (sqrt(σ_max²+1) for 'leading', σ_max otherwise, as diffusers), 1 for DDIM and LCM. */
  readonly initNoiseSigma: number;
  /** The UNet's input for this timestep (Euler: sample / sqrt(σ²+1); others: the sample itself). */
  scaleModelInput(sample: Float32Array, timestep: number): Float32Array;
  /** One denoising step: the previous (less noisy) sample. `random` is used by the ancestral/LCM noise. */
  step(modelOutput: Float32Array, timestep: number, sample: Float32Array, random: Random): Float32Array;
  /** q(x_t | x_0): noising the image latents for strength < 1 and re-noising the kept latents of a 4-channel model. For Euler it is original + σ·noise. */
  addNoise(original: Float32Array, noise: Float32Array, timestep: number): Float32Array;
}

export function createScheduler(kind: SchedulerKind, config: SchedulerConfig): Scheduler {
  switch (kind) {
    case 'ddim':
      return new DdimScheduler(config);
    case 'euler-ancestral':
      return new EulerAncestralScheduler(config);
    case 'lcm':
      return new LcmScheduler(config);
  }
}

/** diffusers' integer timestep spacings (DDIM; Euler's 'leading' and 'trailing' give the same values). */
function spacedTimesteps(config: SchedulerConfig, steps: number): number[] {
  const n = config.numTrainTimesteps;
  const out: number[] = [];
  if (config.timestepSpacing === 'leading') {
    const ratio = Math.floor(n / steps);
    for (let i = steps - 1; i >= 0; i--) out.push(i * ratio + config.stepsOffset);
  } else if (config.timestepSpacing === 'trailing') {
    const ratio = n / steps;
    for (let i = 0; i < steps; i++) out.push(roundHalfEven(n - i * ratio) - 1);
  } else {
    for (let i = steps - 1; i >= 0; i--) out.push(roundHalfEven(steps === 1 ? 0 : ((n - 1) * i) / (steps - 1)));
  }
  return out;
}

/** numpy's round (half to even), so spacings match diffusers exactly. */
function roundHalfEven(x: number): number {
  const r = Math.round(x);
  return Math.abs(x % 1) === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

function checkSteps(steps: number, strength: number): void {
  if (!Number.isInteger(steps) || steps < 1) throw new Error(`Steps must be a positive integer, got ${steps}`);
  if (!(strength > 0 && strength <= 1)) throw new Error(`Strength must be in (0, 1], got ${strength}`);
}

/** The last floor(steps·strength) timesteps, as diffusers' get_timesteps. */
function keepForStrength(timesteps: number[], strength: number): number[] {
  const kept = Math.min(Math.floor(timesteps.length * strength), timesteps.length);
  if (kept < 1) throw new Error(`Strength ${strength} keeps no step of ${timesteps.length}`);
  return timesteps.slice(timesteps.length - kept);
}

function checkLengths(a: Float32Array, b: Float32Array, what: string): void {
  if (a.length !== b.length) throw new Error(`${what}: lengths differ (${a.length} vs ${b.length})`);
}

/** x0 predicted from the model output (epsilon or v), as diffusers' schedulers compute it. */
function predictOriginal(config: SchedulerConfig, output: number, sample: number, alphaProd: number): number {
  if (config.predictionType === 'epsilon') return (sample - Math.sqrt(1 - alphaProd) * output) / Math.sqrt(alphaProd);
  return Math.sqrt(alphaProd) * sample - Math.sqrt(1 - alphaProd) * output;
}

function trainingTimestep(config: SchedulerConfig, timestep: number): number {
  if (!Number.isInteger(timestep) || timestep < 0 || timestep >= config.numTrainTimesteps) {
    throw new Error(`Timestep ${timestep} is not a training timestep (0..${config.numTrainTimesteps - 1})`);
  }
  return timestep;
}

/** q(x_t | x_0) = √ᾱ_t·x0 + √(1−ᾱ_t)·ε (DDIM and LCM). */
function addNoiseVariancePreserving(alphas: Float64Array, config: SchedulerConfig, original: Float32Array, noise: Float32Array, timestep: number): Float32Array {
  checkLengths(original, noise, 'addNoise');
  const alphaProd = alphas[trainingTimestep(config, timestep)]!;
  const a = Math.sqrt(alphaProd);
  const b = Math.sqrt(1 - alphaProd);
  const out = new Float32Array(original.length);
  for (let i = 0; i < out.length; i++) out[i] = a * original[i]! + b * noise[i]!;
  return out;
}

/** DDIM with η = 0 (deterministic), as diffusers' DDIMScheduler without clipping or thresholding. */
class DdimScheduler implements Scheduler {
  readonly kind = 'ddim';
  readonly initNoiseSigma = 1;
  timesteps: readonly number[] = [];
  private readonly alphas: Float64Array;
  private readonly finalAlphaProd: number;
  private stepRatio = 0;

  constructor(private readonly config: SchedulerConfig) {
    this.alphas = alphasCumprod(config);
    this.finalAlphaProd = config.setAlphaToOne ? 1 : this.alphas[0]!;
  }

  setTimesteps(steps: number, strength = 1): readonly number[] {
    checkSteps(steps, strength);
    if (steps > this.config.numTrainTimesteps) throw new Error(`At most ${this.config.numTrainTimesteps} steps, got ${steps}`);
    this.stepRatio = Math.floor(this.config.numTrainTimesteps / steps);
    this.timesteps = keepForStrength(spacedTimesteps(this.config, steps), strength);
    return this.timesteps;
  }

  scaleModelInput(sample: Float32Array): Float32Array {
    return sample;
  }

  step(modelOutput: Float32Array, timestep: number, sample: Float32Array): Float32Array {
    checkLengths(modelOutput, sample, 'DDIM step');
    if (this.stepRatio === 0) throw new Error('setTimesteps first');
    const alphaProd = this.alphas[trainingTimestep(this.config, timestep)]!;
    const previous = timestep - this.stepRatio;
    const alphaProdPrev = previous >= 0 ? this.alphas[previous]! : this.finalAlphaProd;
    const a = Math.sqrt(alphaProd);
    const b = Math.sqrt(1 - alphaProd);
    const aPrev = Math.sqrt(alphaProdPrev);
    const bPrev = Math.sqrt(1 - alphaProdPrev);
    const epsilon = this.config.predictionType === 'epsilon';
    const out = new Float32Array(sample.length);
    for (let i = 0; i < out.length; i++) {
      const x = sample[i]!;
      const m = modelOutput[i]!;
      const x0 = epsilon ? (x - b * m) / a : a * x - b * m;
      const eps = epsilon ? m : a * m + b * x;
      out[i] = aPrev * x0 + bPrev * eps;
    }
    return out;
  }

  addNoise(original: Float32Array, noise: Float32Array, timestep: number): Float32Array {
    return addNoiseVariancePreserving(this.alphas, this.config, original, noise, timestep);
  }
}

/** Euler ancestral (k-diffusion's sample_euler_ancestral, η = 1), as diffusers' EulerAncestralDiscreteScheduler. */
class EulerAncestralScheduler implements Scheduler {
  readonly kind = 'euler-ancestral';
  timesteps: readonly number[] = [];
  initNoiseSigma = 1;
  /** σ(t) = √((1−ᾱ_t)/ᾱ_t) over the training schedule, interpolated for fractional timesteps. */
  private readonly trainingSigmas: Float64Array;
  /** The full schedule (before strength) and its sigmas, with a final 0. */
  private schedule: number[] = [];
  private sigmas: number[] = [];

  constructor(private readonly config: SchedulerConfig) {
    this.trainingSigmas = alphasCumprod(config).map((a) => Math.sqrt((1 - a) / a));
  }

  setTimesteps(steps: number, strength = 1): readonly number[] {
    checkSteps(steps, strength);
    const n = this.config.numTrainTimesteps;
    // diffusers keeps Euler's linspace timesteps fractional (float32), unlike DDIM's.
    this.schedule =
      this.config.timestepSpacing === 'linspace'
        ? Array.from({ length: steps }, (_, i) => Math.fround(steps === 1 ? 0 : ((n - 1) * (steps - 1 - i)) / (steps - 1)))
        : spacedTimesteps(this.config, steps);
    this.sigmas = [...this.schedule.map((t) => Math.fround(this.sigmaAt(t))), 0];
    const sigmaMax = Math.max(...this.sigmas);
    this.initNoiseSigma = this.config.timestepSpacing === 'leading' ? Math.sqrt(sigmaMax * sigmaMax + 1) : sigmaMax;
    this.timesteps = keepForStrength(this.schedule, strength);
    return this.timesteps;
  }

  scaleModelInput(sample: Float32Array, timestep: number): Float32Array {
    const sigma = this.sigmas[this.indexOf(timestep)]!;
    const scale = 1 / Math.sqrt(sigma * sigma + 1);
    return sample.map((x) => x * scale);
  }

  step(modelOutput: Float32Array, timestep: number, sample: Float32Array, random: Random): Float32Array {
    checkLengths(modelOutput, sample, 'Euler step');
    const index = this.indexOf(timestep);
    const sigma = this.sigmas[index]!;
    const sigmaTo = this.sigmas[index + 1]!;
    const sigmaUp = Math.sqrt((sigmaTo * sigmaTo * (sigma * sigma - sigmaTo * sigmaTo)) / (sigma * sigma));
    const sigmaDown = Math.sqrt(sigmaTo * sigmaTo - sigmaUp * sigmaUp);
    const dt = sigmaDown - sigma;
    const epsilon = this.config.predictionType === 'epsilon';
    const vScale = 1 / Math.sqrt(sigma * sigma + 1);
    const out = new Float32Array(sample.length);
    for (let i = 0; i < out.length; i++) {
      const x = sample[i]!;
      const m = modelOutput[i]!;
      const x0 = epsilon ? x - sigma * m : m * (-sigma * vScale) + x * vScale * vScale;
      const derivative = (x - x0) / sigma;
      out[i] = x + derivative * dt;
    }
    if (sigmaUp > 0) for (let i = 0; i < out.length; i++) out[i]! += random.normal() * sigmaUp;
    return out;
  }

  addNoise(original: Float32Array, noise: Float32Array, timestep: number): Float32Array {
    checkLengths(original, noise, 'addNoise');
    const sigma = Math.fround(this.sigmaAt(timestep));
    const out = new Float32Array(original.length);
    for (let i = 0; i < out.length; i++) out[i] = original[i]! + sigma * noise[i]!;
    return out;
  }

  private sigmaAt(timestep: number): number {
    const last = this.trainingSigmas.length - 1;
    if (!(timestep >= 0 && timestep <= last)) throw new Error(`Timestep ${timestep} is outside 0..${last}`);
    const low = Math.floor(timestep);
    const high = Math.min(low + 1, last);
    return this.trainingSigmas[low]! + (this.trainingSigmas[high]! - this.trainingSigmas[low]!) * (timestep - low);
  }

  private indexOf(timestep: number): number {
    const index = this.schedule.indexOf(timestep);
    if (index < 0) throw new Error(`Timestep ${timestep} is not in the schedule (setTimesteps first)`);
    return index;
  }
}

/** Latent Consistency Models' multistep sampler, as diffusers' LCMScheduler. */
class LcmScheduler implements Scheduler {
  readonly kind = 'lcm';
  readonly initNoiseSigma = 1;
  timesteps: readonly number[] = [];
  private readonly alphas: Float64Array;
  private readonly finalAlphaProd: number;

  constructor(private readonly config: SchedulerConfig) {
    this.alphas = alphasCumprod(config);
    this.finalAlphaProd = config.setAlphaToOne ? 1 : this.alphas[0]!;
  }

  setTimesteps(steps: number, strength = 1): readonly number[] {
    checkSteps(steps, strength);
    const original = this.config.originalInferenceSteps ?? 50;
    if (original > this.config.numTrainTimesteps) throw new Error(`originalInferenceSteps ${original} exceeds the training schedule`);
    if (steps > original) throw new Error(`LCM takes at most ${original} steps, got ${steps}`);
    const k = Math.floor(this.config.numTrainTimesteps / original);
    // The distillation schedule k−1, 2k−1, …, descending; strength < 1 keeps its low-noise part.
    const originTimesteps: number[] = [];
    for (let i = Math.floor(original * strength); i >= 1; i--) originTimesteps.push(i * k - 1);
    if (Math.floor(originTimesteps.length / steps) < 1) {
      throw new Error(`Strength ${strength} leaves ${originTimesteps.length} LCM timesteps, fewer than ${steps} steps`);
    }
    this.timesteps = Array.from({ length: steps }, (_, i) => originTimesteps[Math.floor(i * (originTimesteps.length / steps))]!);
    return this.timesteps;
  }

  scaleModelInput(sample: Float32Array): Float32Array {
    return sample;
  }

  step(modelOutput: Float32Array, timestep: number, sample: Float32Array, random: Random): Float32Array {
    checkLengths(modelOutput, sample, 'LCM step');
    const index = this.timesteps.indexOf(timestep);
    if (index < 0) throw new Error(`Timestep ${timestep} is not in the schedule (setTimesteps first)`);
    const last = index === this.timesteps.length - 1;
    const previous = last ? timestep : this.timesteps[index + 1]!;
    const alphaProd = this.alphas[timestep]!;
    const alphaProdPrev = previous >= 0 ? this.alphas[previous]! : this.finalAlphaProd;
    // Boundary-condition scalings: the consistency function is the identity at t = 0.
    const sigmaData = 0.5;
    const scaled = timestep * (this.config.timestepScaling ?? 10);
    const cSkip = (sigmaData * sigmaData) / (scaled * scaled + sigmaData * sigmaData);
    const cOut = scaled / Math.sqrt(scaled * scaled + sigmaData * sigmaData);
    const out = new Float32Array(sample.length);
    for (let i = 0; i < out.length; i++) {
      out[i] = cOut * predictOriginal(this.config, modelOutput[i]!, sample[i]!, alphaProd) + cSkip * sample[i]!;
    }
    if (last) return out;
    const a = Math.sqrt(alphaProdPrev);
    const b = Math.sqrt(1 - alphaProdPrev);
    for (let i = 0; i < out.length; i++) out[i] = a * out[i]! + b * random.normal();
    return out;
  }

  addNoise(original: Float32Array, noise: Float32Array, timestep: number): Float32Array {
    return addNoiseVariancePreserving(this.alphas, this.config, original, noise, timestep);
  }
}
