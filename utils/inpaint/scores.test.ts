import { describe, expect, it } from 'vitest';
import { cosine } from '../score';
import { rankByScore, scoreDelta, scoreOf } from './scores';

describe('job scores', () => {
  it('gives both conventions for a cosine computed from hand-made vectors', () => {
    // cos([1,2,2], [2,0,1]) = 4 / (3·√5) ≈ 0.596285
    const s = scoreOf(cosine([1, 2, 2], [2, 0, 1]));
    expect(s.cosine).toBeCloseTo(0.596285, 6);
    expect(s.score).toBeCloseTo(59.6285, 4);
    expect(s.hessel).toBeCloseTo(1.490712, 6);
    expect(scoreOf(-0.3)).toEqual({ cosine: -0.3, score: 0, hessel: 0 });
  });
  it('reports deltas in the 100·max(cos, 0) convention, region only when both sides have one', () => {
    const before = { global: scoreOf(0.2), region: scoreOf(0.1) };
    const after = { global: scoreOf(0.25), region: scoreOf(0.3) };
    const delta = scoreDelta(before, after);
    expect(delta.global).toBeCloseTo(5, 10);
    expect(delta.region).toBeCloseTo(20, 10);
    expect(scoreDelta({ global: scoreOf(0.2) }, after)).toEqual({ global: expect.closeTo(5, 10) });
  });
  it('ranks by region score, then global score, stable', () => {
    const c = (id: string, region: number | undefined, global: number) => ({ id, scores: { global: scoreOf(global), ...(region === undefined ? {} : { region: scoreOf(region) }) } });
    const ranked = rankByScore([c('a', 0.2, 0.9), c('b', 0.3, 0.1), c('c', 0.3, 0.2), c('d', 0.2, 0.9)]);
    expect(ranked.map((x) => x.id)).toEqual(['c', 'b', 'a', 'd']);
    expect(rankByScore([c('x', undefined, 0.1), c('y', undefined, 0.4)]).map((x) => x.id)).toEqual(['y', 'x']);
  });
});
