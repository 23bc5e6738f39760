import { describe, expect, it } from 'vitest';
import type { EditSession } from './session-store';
import type { InpaintResult } from './protocol';
import { sessionBlobKeys, sessionsToPrune, unreferencedBlobs } from './session-retention';

const MB = 1024 * 1024;
const s = (id: string, updatedAt: number, mb: number) => ({ id, updatedAt, bytes: mb * MB });

describe('sessionsToPrune', () => {
  it('keeps everything within the limits', () => {
    expect(sessionsToPrune([s('a', 1, 10), s('b', 2, 10)], { maxSessions: 2, maxBytes: 20 * MB })).toEqual([]);
  });

  it('drops the least recently edited sessions beyond the count', () => {
    const sessions = [s('new', 30, 1), s('old', 10, 1), s('mid', 20, 1), s('oldest', 5, 1)];
    expect(sessionsToPrune(sessions, { maxSessions: 2, maxBytes: 100 * MB })).toEqual(['oldest', 'old']);
  });

  it('drops old sessions until the bytes fit', () => {
    const sessions = [s('a', 1, 40), s('b', 2, 40), s('c', 3, 40)];
    expect(sessionsToPrune(sessions, { maxSessions: 10, maxBytes: 90 * MB })).toEqual(['a']);
    expect(sessionsToPrune(sessions, { maxSessions: 10, maxBytes: 50 * MB })).toEqual(['a', 'b']);
  });

  it('never prunes the open session, even when it alone is over budget', () => {
    const sessions = [s('open', 1, 900), s('b', 2, 10), s('c', 3, 10)];
    expect(sessionsToPrune(sessions, { maxSessions: 10, maxBytes: 500 * MB }, new Set(['open']))).toEqual(['b', 'c']);
    expect(sessionsToPrune([s('open', 1, 1)], { maxSessions: 0, maxBytes: 0 }, new Set(['open']))).toEqual([]);
  });
});

const scores = { global: { cosine: 0.2, score: 20, hessel: 0.5 } };
function result(image: string, mask: string, candidates: string[]): InpaintResult {
  return {
    jobId: `job-${image}`, backend: 'local', model: 'migan', prompt: 'p', fullPrompt: 'p', image, mask, before: scores,
    candidates: candidates.map((c) => ({ image: c, scores, delta: { global: 1 } })), createdAt: 1, ms: { total: 1, inpaint: 1, score: 1 },
  };
}

describe('sessionBlobKeys', () => {
  it('collects the image, mask, job inputs, candidates and accepted edits', () => {
    const session: EditSession = {
      id: 's', createdAt: 1, updatedAt: 2, source: { pageUrl: 'https://e.com/' }, image: 'image:0', width: 2, height: 2, mask: 'mask:2',
      results: [result('image:0', 'mask:1', ['image:c1', 'image:c2']), result('image:c1', 'mask:2', ['image:c3'])],
      history: { steps: [{ image: 'image:0', acceptedAt: 1 }, { image: 'image:c1', mask: 'mask:1', acceptedAt: 2, pendingMask: 'mask:3' }], index: 1 },
    };
    expect([...sessionBlobKeys(session)].sort()).toEqual(['image:0', 'image:c1', 'image:c2', 'image:c3', 'mask:1', 'mask:2', 'mask:3']);
  });
});

describe('unreferencedBlobs', () => {
  it('returns old blobs nobody refers to, sparing recent ones', () => {
    const blobs = [{ key: 'a', createdAt: 0 }, { key: 'b', createdAt: 0 }, { key: 'c', createdAt: 9_500 }];
    expect(unreferencedBlobs(blobs, new Set(['a']), 10_000, 1_000)).toEqual(['b']);
  });
});
