/**
 * The run-time fallback shared by every model family: when a run on the fp16 path fails or gives
 * NaN/Inf (a float16 overflow), or a WebGPU run fails, the model is loaded again at the next
 * candidate (fp32 on the same device, then WASM) and the work runs once more. Loading errors are
 * hub.ts's (it falls back to WASM when WebGPU cannot create a session).
 */
import type { Backend } from './hub';
import type { Dtype } from './registry';
import { NonFiniteOutputError } from './tensors';

/** Where a model runs and in which dtype. */
export interface Placement {
  backend: Backend;
  precision: Dtype;
}

/** What to load next: a backend and the dtypes to try there, in order. */
export interface Candidate {
  backend: Backend;
  dtypes: readonly Dtype[];
}

export const WASM_DTYPES: readonly Dtype[] = ['q8', 'fp32', 'fp16'];

/** The candidate after `placement`, or undefined where nothing is left to try (WASM). */
export function nextCandidate(placement: Placement): Candidate | undefined {
  if (placement.backend === 'wasm') return undefined;
  if (placement.precision === 'fp16') return { backend: 'webgpu', dtypes: ['fp32', 'q8'] };
  return { backend: 'wasm', dtypes: WASM_DTYPES };
}

/** Why `error` on `placement` calls for the next candidate, or undefined when it does not (a bad input, a cancel). */
export function fallbackCause(placement: Placement, error: unknown): string | undefined {
  if (placement.backend === 'wasm') return undefined;
  if (error instanceof DOMException && error.name === 'AbortError') return undefined;
  const label = placement.precision === 'fp16' ? 'fp16' : 'WebGPU';
  if (error instanceof NonFiniteOutputError) return placement.precision === 'fp16' ? `${label} gave non-finite values` : undefined;
  return `${label} failed: ${error instanceof Error ? error.message : String(error)}`;
}

/** How the badge names a placement: "fp32", "WASM q8". */
export function placementLabel(placement: Placement): string {
  return placement.backend === 'wasm' ? `WASM ${placement.precision}` : placement.precision;
}

export interface FallbackHost<M extends Placement> {
  /** Loads the model at `candidate` (releasing the one that failed is the host's). */
  reload(candidate: Candidate): Promise<M>;
  /** Told once per step down, with the reason the user sees: "fp32 (fp16 gave non-finite values)". */
  onFallback?(model: M, reason: string): void;
}

/**
 * Runs `work` on `model`; when it fails in a way the next candidate may not (see fallbackCause),
 * loads that candidate, records why, and runs `work` once there, and so on down to WASM.
 */
export async function runWithFallback<M extends Placement, T>(model: M, work: (model: M) => Promise<T>, host: FallbackHost<M>): Promise<T> {
  try {
    return await work(model);
  } catch (error) {
    const cause = fallbackCause(model, error);
    const next = cause === undefined ? undefined : nextCandidate(model);
    if (cause === undefined || next === undefined) throw error;
    const replacement = await host.reload(next);
    host.onFallback?.(replacement, `${placementLabel(replacement)} (${cause})`);
    return runWithFallback(replacement, work, host);
  }
}

/** Runs work on a model with the fallback above (what Inference.run gives a caller holding no model). */
export type RunOn<M> = <T>(work: (model: M) => Promise<T>) => Promise<T>;
