/** Scores of one job, pure: the two CLIP conventions per cosine, deltas, and the candidates' ranking. */
import type { ClipScore, ScorePair } from '../protocol';
import { clipScore, hesselClipScore } from '../score';

export function scoreOf(cosine: number): ClipScore {
  return { cosine, score: clipScore(cosine), hessel: hesselClipScore(cosine) };
}

/** After minus before, in the `score` (100·max(cos, 0)) convention. */
export function scoreDelta(before: ScorePair, after: ScorePair): { global: number; region?: number } {
  const global = after.global.score - before.global.score;
  return before.region && after.region ? { global, region: after.region.score - before.region.score } : { global };
}

/** Best first: by region score when both have one, then by global score; ties keep their order. */
export function rankByScore<T extends { scores: ScorePair }>(candidates: readonly T[]): T[] {
  const key = (c: T) => [c.scores.region?.score ?? -Infinity, c.scores.global.score] as const;
  return candidates
    .map((candidate, index) => ({ candidate, index }))
    .sort((a, b) => {
      const [ra, ga] = key(a.candidate);
      const [rb, gb] = key(b.candidate);
      return rb - ra || gb - ga || a.index - b.index;
    })
    .map(({ candidate }) => candidate);
}
