import { describe, expect, it } from 'vitest';
import type { InpaintResult, ScorePair } from './protocol';
import type { EditSession } from './session-store';
import { acceptCandidate, acceptStoredCandidate, canRedo, canUndo, deltaTone, editCount, formatDelta, redoEdit, roundCandidates, undoEdit, workingImage } from './edit-history';

const pair = (global: number, region?: number): ScorePair => ({
  global: { cosine: global / 100, score: global, hessel: global / 40 },
  ...(region === undefined ? {} : { region: { cosine: region / 100, score: region, hessel: region / 40 } }),
});

function session(extra: Partial<EditSession> = {}): EditSession {
  return { id: 's', createdAt: 100, updatedAt: 100, source: { pageUrl: 'https://e.com/' }, image: 'image:orig', width: 4, height: 4, mask: 'mask:1', ...extra };
}

function result(image: string, createdAt: number, candidates: [string, ScorePair][]): InpaintResult {
  return {
    jobId: `job-${createdAt}`, backend: 'local', model: 'migan', prompt: 'chocolate', fullPrompt: 'a river', image, mask: 'mask:1', before: pair(20, 18),
    candidates: candidates.map(([key, scores]) => ({ image: key, scores, delta: { global: scores.global.score - 20 } })), createdAt, ms: { total: 1, inpaint: 1, score: 1 },
  };
}

describe('accepted edits', () => {
  it('starts on the original image with nothing to undo', () => {
    const s = session();
    expect(workingImage(s)).toBe('image:orig');
    expect([canUndo(s), canRedo(s), editCount(s)]).toEqual([false, false, 0]);
  });

  it('accepting makes the candidate the working image and clears the mask for the next region', () => {
    const s = acceptCandidate(session(), { image: 'image:a', mask: 'mask:1', prompt: 'chocolate', scores: pair(25) }, 200);
    expect(workingImage(s)).toBe('image:a');
    expect(s.mask).toBeUndefined();
    expect(s.history?.steps.map((step) => step.image)).toEqual(['image:orig', 'image:a']);
    expect(s.history?.steps[0]?.acceptedAt).toBe(100);
    expect([canUndo(s), canRedo(s), editCount(s)]).toEqual([true, false, 1]);
  });

  it('undo goes back to the previous image and restores the mask that made the edit; redo re-applies it', () => {
    const first = acceptCandidate(session(), { image: 'image:a', mask: 'mask:1', prompt: 'p', scores: pair(25) }, 200);
    const second = acceptCandidate({ ...first, mask: 'mask:2' }, { image: 'image:b', mask: 'mask:2', prompt: 'q', scores: pair(26) }, 300);
    const undone = undoEdit(second);
    expect(workingImage(undone)).toBe('image:a');
    expect(undone.mask).toBe('mask:2');
    expect(canRedo(undone)).toBe(true);
    const twice = undoEdit(undone);
    expect(workingImage(twice)).toBe('image:orig');
    expect(twice.mask).toBe('mask:1');
    expect(undoEdit(twice)).toBe(twice);
    const redone = redoEdit(redoEdit(twice));
    expect(workingImage(redone)).toBe('image:b');
    expect(redone.mask).toBeUndefined();
    expect(redoEdit(redone)).toBe(redone);
  });

  it('keeps a mask drawn on top of an edit through undo and redo', () => {
    const first = acceptCandidate(session(), { image: 'image:a', mask: 'mask:1', prompt: 'p', scores: pair(25) }, 200);
    const drawing = { ...first, mask: 'mask:next' };
    const undone = undoEdit(drawing);
    expect(undone.mask).toBe('mask:1');
    const redone = redoEdit(undone);
    expect(workingImage(redone)).toBe('image:a');
    expect(redone.mask).toBe('mask:next');
  });

  it('accepting after an undo drops the undone edits', () => {
    const first = acceptCandidate(session(), { image: 'image:a', mask: 'mask:1', prompt: 'p', scores: pair(25) }, 200);
    const branched = acceptCandidate(undoEdit(first), { image: 'image:z', mask: 'mask:1', prompt: 'p', scores: pair(27) }, 300);
    expect(branched.history?.steps.map((step) => step.image)).toEqual(['image:orig', 'image:z']);
    expect(canRedo(branched)).toBe(false);
  });
});

describe('acceptStoredCandidate', () => {
  it('accepts a candidate by its image key with the scores, mask and prompt of its job', () => {
    const s = session({ results: [result('image:orig', 1, [['image:c1', pair(21, 19)], ['image:c2', pair(22, 30)]])] });
    const accepted = acceptStoredCandidate(s, 'image:c2', 7);
    expect(accepted.history?.steps[1]).toEqual({ image: 'image:c2', mask: 'mask:1', prompt: 'chocolate', scores: pair(22, 30), acceptedAt: 7 });
    expect(() => acceptStoredCandidate(s, 'image:gone', 7)).toThrow(/no longer/);
  });
});

describe('roundCandidates', () => {
  it('lists only candidates made from the working image, best region score first', () => {
    const s = session({
      results: [
        result('image:orig', 1, [['image:c1', pair(21, 19)], ['image:c2', pair(22, 30)]]),
        result('image:orig', 2, [['image:c3', pair(30, 25)]]),
        result('image:other', 3, [['image:c4', pair(99, 99)]]),
      ],
    });
    expect(roundCandidates(s).map((r) => r.candidate.image)).toEqual(['image:c2', 'image:c3', 'image:c1']);
    const accepted = acceptCandidate(s, { image: 'image:other', mask: 'mask:1', prompt: 'p', scores: pair(1) }, 5);
    expect(roundCandidates(accepted).map((r) => r.candidate.image)).toEqual(['image:c4']);
  });

  it('ranks by the global score when there is no region score; equal scores: the newer job first', () => {
    const s = session({ results: [result('image:orig', 1, [['image:low', pair(10)], ['image:high', pair(40)]])] });
    expect(roundCandidates(s).map((r) => r.candidate.image)).toEqual(['image:high', 'image:low']);
    const tie = session({ results: [result('image:orig', 1, [['image:old', pair(30, 20)]]), result('image:orig', 2, [['image:new', pair(30, 20)]])] });
    expect(roundCandidates(tie).map((r) => r.candidate.image)).toEqual(['image:new', 'image:old']);
  });
});

describe('score deltas', () => {
  it('tones and formats', () => {
    expect([deltaTone(1.2), deltaTone(-0.3), deltaTone(0.01), deltaTone(undefined)]).toEqual(['up', 'down', 'same', 'same']);
    expect([formatDelta(1.25), formatDelta(-0.44), formatDelta(0.02)]).toEqual(['+1.3', '−0.4', '±0.0']);
  });
});
