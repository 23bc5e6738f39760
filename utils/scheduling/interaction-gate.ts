/**
 * Interaction first: a long job (a diffusion denoising loop) calls `turn()` between its steps;
 * while the user's interactive work is busy (an overlay click's SAM decode), the turn waits until
 * it is done, but never longer than `maxWaitMs`, so a stream of clicks slows the job (one step per
 * `maxWaitMs` at worst) and never stops it. On 2 cores a job's step and a click's decode slow each
 * other ~2×; waiting at the step boundary gives the click the machine. Pure (timers only).
 */
export class InteractionGate {
  private busy = false;
  private waiting: (() => void)[] = [];

  constructor(private readonly maxWaitMs: number) {}

  /** The interactive side: `true` while any interactive request is in flight. */
  set(busy: boolean): void {
    this.busy = busy;
    if (busy) return;
    const waiting = this.waiting;
    this.waiting = [];
    for (const resume of waiting) resume();
  }

  get isBusy(): boolean {
    return this.busy;
  }

  /** Resolves at once when nothing interactive runs; else when it is done or `maxWaitMs` passed. */
  turn(): Promise<void> {
    if (!this.busy) return Promise.resolve();
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.waiting = this.waiting.filter((w) => w !== resume);
        resolve();
      }, this.maxWaitMs);
      const resume = () => {
        clearTimeout(timer);
        resolve();
      };
      this.waiting.push(resume);
    });
  }
}

/**
 * The interactive side's bookkeeping: `track` wraps each interactive request; `onChange(true)`
 * when the first one starts, `onChange(false)` once none has run for `graceMs` (the overlay still
 * decodes and draws the mask after the reply, and a click's next request may follow at once).
 */
export function interactionTracker(graceMs: number, onChange: (busy: boolean) => void): <T>(work: () => Promise<T>) => Promise<T> {
  let running = 0;
  let busy = false;
  let idleTimer: ReturnType<typeof setTimeout> | undefined;
  return async (work) => {
    clearTimeout(idleTimer);
    running++;
    if (!busy) onChange((busy = true));
    try {
      return await work();
    } finally {
      if (--running === 0) idleTimer = setTimeout(() => onChange((busy = false)), graceMs);
    }
  };
}
