/**
 * A rate limit that never drops the last value: `push` runs `run` at once when the last run was
 * at least `intervalMs` ago, else keeps the value and runs it when the interval ends (a newer push
 * replaces it). `flush` runs a kept value now. For progress a UI shows: a few updates per second
 * carry as much as one per step, at a fraction of the messages. Pure (timers only).
 */
export interface LatestWins<T> {
  push(value: T): void;
  /** Runs the kept value now, if any (e.g. before a final update that must follow it). */
  flush(): void;
  /** Drops the kept value. */
  cancel(): void;
}

export function latestWins<T>(intervalMs: number, run: (value: T) => void, now: () => number = () => performance.now()): LatestWins<T> {
  let lastRun = -Infinity;
  let kept: { value: T } | undefined;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const fire = () => {
    clearTimeout(timer);
    timer = undefined;
    const value = kept;
    kept = undefined;
    if (!value) return;
    lastRun = now();
    run(value.value);
  };
  return {
    push(value) {
      kept = { value };
      const wait = lastRun + intervalMs - now();
      if (wait <= 0) fire();
      else timer ??= setTimeout(fire, wait);
    },
    flush: fire,
    cancel() {
      clearTimeout(timer);
      timer = undefined;
      kept = undefined;
    },
  };
}
