import { describe, expect, it } from 'vitest';
import { fallbackCause, nextCandidate, runWithFallback, type Candidate, type Placement } from './fallback';
import { NonFiniteOutputError } from './tensors';

const gpu16: Placement = { backend: 'webgpu', precision: 'fp16' };
const gpu32: Placement = { backend: 'webgpu', precision: 'fp32' };
const wasm: Placement = { backend: 'wasm', precision: 'q8' };

describe('fallback order', () => {
  it('steps fp16 → fp32 on the same device → WASM, and stops there', () => {
    expect(nextCandidate(gpu16)).toEqual({ backend: 'webgpu', dtypes: ['fp32', 'q8'] });
    expect(nextCandidate(gpu32)).toEqual({ backend: 'wasm', dtypes: ['q8', 'fp32', 'fp16'] });
    expect(nextCandidate(wasm)).toBeUndefined();
  });

  it('falls back for a failing run or an fp16 overflow, never for a cancel or on WASM', () => {
    expect(fallbackCause(gpu16, new NonFiniteOutputError('image_embeddings'))).toBe('fp16 gave non-finite values');
    expect(fallbackCause(gpu16, new Error('device lost'))).toBe('fp16 failed: device lost');
    expect(fallbackCause(gpu32, new Error('device lost'))).toBe('WebGPU failed: device lost');
    expect(fallbackCause(gpu16, new DOMException('stop', 'AbortError'))).toBeUndefined();
    expect(fallbackCause(wasm, new Error('bad input'))).toBeUndefined();
  });
});

describe('runWithFallback', () => {
  /** A model that overflows or fails as told, and records its runs. */
  const fake = (placement: Placement, outcome: 'ok' | 'overflow' | 'fail') => ({ ...placement, outcome });
  type Fake = ReturnType<typeof fake>;
  const work = async (model: Fake) => {
    if (model.outcome === 'overflow') throw new NonFiniteOutputError('pred_masks');
    if (model.outcome === 'fail') throw new Error('kernel missing');
    return `${model.backend}/${model.precision}`;
  };

  it('reloads at the next candidate, runs again once, and says why', async () => {
    const loads: Candidate[] = [];
    const reasons: string[] = [];
    const result = await runWithFallback(fake(gpu16, 'overflow'), work, {
      reload: async (candidate) => (loads.push(candidate), fake({ backend: candidate.backend, precision: 'fp32' }, 'ok')),
      onFallback: (_, reason) => reasons.push(reason),
    });
    expect(result).toBe('webgpu/fp32');
    expect(loads).toHaveLength(1);
    expect(reasons).toEqual(['fp32 (fp16 gave non-finite values)']);
  });

  it('goes on to WASM when fp32 on WebGPU fails too', async () => {
    const reasons: string[] = [];
    const result = await runWithFallback(fake(gpu16, 'fail'), work, {
      reload: async (candidate) => fake(candidate.backend === 'wasm' ? wasm : gpu32, candidate.backend === 'wasm' ? 'ok' : 'fail'),
      onFallback: (_, reason) => reasons.push(reason),
    });
    expect(result).toBe('wasm/q8');
    expect(reasons).toEqual(['fp32 (fp16 failed: kernel missing)', 'WASM q8 (WebGPU failed: kernel missing)']);
  });

  it('passes on an error where nothing is left to try, without reloading', async () => {
    let reloads = 0;
    await expect(runWithFallback(fake(wasm, 'fail'), work, { reload: async () => (reloads++, fake(wasm, 'ok')) })).rejects.toThrow('kernel missing');
    expect(reloads).toBe(0);
  });
});
