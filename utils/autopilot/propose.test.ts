import { describe, expect, it } from 'vitest';
import { encodeMaskRle } from '../mask/rle';
import { proposeMask, type ProposeDeps } from './propose';

const input = { image: 'img', embedding: 'emb', width: 4, height: 4, phrase: 'the river' };

describe('proposeMask', () => {
  it('prompts SAM at the best box centre and clips its mask to the box', async () => {
    const asked: unknown[] = [];
    const deps: ProposeDeps = {
      detect: async (r) => (asked.push(r), { detections: [{ x0: 1, y0: 1, x1: 2, y1: 2, score: 0.9 }, { x0: 0, y0: 0, x1: 4, y1: 4, score: 0.5 }], backend: 'wasm', ms: 1 }),
      decode: async (r) => (asked.push(r), { rle: encodeMaskRle(new Uint8Array(16).fill(255)), width: 4, height: 4, scores: [1], chosen: 0, modelMs: 0, totalMs: 0 }),
    };
    const proposal = await proposeMask(deps, input);
    expect(asked).toEqual([{ image: 'img', phrase: 'the river' }, { embedding: 'emb', points: [{ x: 1.5, y: 1.5, label: 1 }] }]);
    expect(proposal).toMatchObject({ phrase: 'the river', score: 0.9, box: { x0: 1, y0: 1, x1: 2, y1: 2 } });
    expect([...proposal!.mask]).toEqual([0, 0, 0, 0, 0, 255, 255, 0, 0, 255, 255, 0, 0, 0, 0, 0]);
  });
  it('proposes nothing, and never asks SAM, when nothing is detected', async () => {
    let decoded = false;
    const deps: ProposeDeps = {
      detect: async () => ({ detections: [], backend: 'wasm', ms: 1 }),
      decode: async () => {
        decoded = true;
        throw new Error('not asked');
      },
    };
    expect(await proposeMask(deps, input)).toBeUndefined();
    expect(decoded).toBe(false);
  });
});
