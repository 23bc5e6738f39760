import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { latestWins } from './latest-wins';

describe('latestWins', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());
  const clock = () => Date.now();

  it('runs the first value at once, then at most one per interval, always the latest and always the last', () => {
    const seen: number[] = [];
    const limit = latestWins<number>(200, (v) => seen.push(v), clock);
    // 50 steps, one every 15 ms (750 ms).
    for (let step = 1; step <= 50; step++) {
      limit.push(step);
      vi.advanceTimersByTime(15);
    }
    vi.advanceTimersByTime(1000);
    expect(seen[0]).toBe(1);
    expect(seen.at(-1)).toBe(50);
    expect(seen.length).toBeLessThanOrEqual(Math.ceil(750 / 200) + 2);
    expect([...seen].sort((a, b) => a - b)).toEqual(seen); // in order, none repeated
    expect(new Set(seen).size).toBe(seen.length);
  });

  it('keeps runs at least the interval apart', () => {
    const at: number[] = [];
    const limit = latestWins<number>(200, () => at.push(Date.now()), clock);
    for (let i = 0; i < 100; i++) {
      limit.push(i);
      vi.advanceTimersByTime(7);
    }
    vi.advanceTimersByTime(500);
    for (let i = 1; i < at.length; i++) expect(at[i]! - at[i - 1]!).toBeGreaterThanOrEqual(200);
  });

  it('flush runs the kept value now; cancel drops it', () => {
    const seen: string[] = [];
    const limit = latestWins<string>(200, (v) => seen.push(v), clock);
    limit.push('a');
    limit.push('b');
    limit.flush();
    expect(seen).toEqual(['a', 'b']);
    limit.push('c');
    limit.cancel();
    vi.advanceTimersByTime(1000);
    expect(seen).toEqual(['a', 'b']);
    limit.flush(); // nothing kept: nothing runs
    expect(seen).toEqual(['a', 'b']);
  });
});
