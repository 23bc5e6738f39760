/**
 * How long the next local diffusion run will take, said before it starts: from the last run of the
 * same model on the same backend on this device (its per-step, per-candidate and encoding times),
 * scaled to the steps, strength, guidance and candidates now chosen. Nothing is guessed for a device
 * that has not run the model yet: published timings of other GPUs say little about this one. Pure.
 */
import { isGuided, unetBatch } from '../../utils/diffusion/guidance';
import { createScheduler, schedulerConfigFromJson } from '../../utils/diffusion/scheduler';
import type { Backend, DiffusionModel, DiffusionSettings, DiffusionTiming, InpaintResult } from '../../utils/protocol';
import { PUBLISHED_SCHEDULER_CONFIG } from './scheduler-defaults';
import { DIFFUSION_VARIANTS } from './variants';

/** The latest timing of `model` on `backend` among the results (any session), or undefined. */
export function latestTiming(results: readonly InpaintResult[], model: DiffusionModel, backend: Backend): DiffusionTiming | undefined {
  let latest: InpaintResult | undefined;
  for (const result of results) {
    if (result.diffusion?.model === model && result.diffusion.backend === backend && (!latest || result.createdAt > latest.createdAt)) latest = result;
  }
  return latest?.diffusion;
}

/** Denoising steps a run makes: the strength keeps only the last part of the schedule (0: it keeps none, the run would fail). */
export function denoisingSteps(settings: Pick<DiffusionSettings, 'model' | 'steps' | 'strength'>): number {
  const variant = DIFFUSION_VARIANTS[settings.model];
  const scheduler = createScheduler(variant.scheduler, schedulerConfigFromJson(PUBLISHED_SCHEDULER_CONFIG[variant.registry]));
  try {
    return scheduler.setTimesteps(settings.steps, settings.strength).length;
  } catch {
    return 0;
  }
}

/** Milliseconds the inpainting part of a run of `n` candidates will take, from a measured run. */
export function estimateMs(timing: DiffusionTiming, settings: Pick<DiffusionSettings, 'model' | 'steps' | 'strength' | 'guidance'>, n: number): number {
  // Guidance runs the UNet on a batch of two: a step costs about twice an unguided one.
  const stepMs = (timing.stepMs * unetBatch(isGuided(settings.guidance))) / unetBatch(timing.guided);
  return timing.prepareMs + n * (denoisingSteps(settings) * stepMs + timing.candidateMs);
}

export function formatDuration(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)} ms`;
  const seconds = ms / 1000;
  if (seconds < 10) return `${seconds.toFixed(1)} s`;
  if (seconds < 90) return `${Math.round(seconds)} s`;
  const minutes = Math.floor(seconds / 60);
  const rest = Math.round(seconds - minutes * 60);
  return rest === 60 ? `${minutes + 1} min` : `${minutes} min ${rest} s`;
}

/** The sentence the picker shows: the estimate and what it rests on, or that the first run measures it. */
export function estimateText(timing: DiffusionTiming | undefined, settings: Pick<DiffusionSettings, 'model' | 'steps' | 'strength' | 'guidance'>, n: number, backend: Backend): string {
  const on = backend === 'webgpu' ? 'WebGPU' : 'WASM';
  if (denoisingSteps(settings) === 0) return `Strength ${settings.strength.toFixed(2)} keeps no denoising step of ${settings.steps}: raise the steps or the strength.`;
  if (!timing) return `Time: not measured on this device yet (${on}); the first run measures it.`;
  const steps = denoisingSteps(settings);
  return (
    `About ${formatDuration(estimateMs(timing, settings, n))} for ${n} candidate${n === 1 ? '' : 's'} × ${steps} step${steps === 1 ? '' : 's'} ` +
    `(this device's last run on ${on}: ${formatDuration(timing.stepMs)} per step at ${timing.width}×${timing.height}), plus scoring.`
  );
}
