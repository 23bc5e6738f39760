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

/** The interactive side's bookkeeping (interactionTracker). */
export interface InteractionTracker {
  /** Wraps one interactive request (a click's decode): busy while it runs, and `graceMs` after. */
  track<T>(work: () => Promise<T>): Promise<T>;
  /** Busy for the next `ms` at least (renewed by each call): the pointer is over the mask, a click may come. */
  hold(ms: number): void;
}

/**
 * `onChange(true)` when interactive work starts or a hold begins; `onChange(false)` once no request
 * has run for `graceMs` (the overlay still decodes and draws the mask after the reply, and a
 * click's next request may follow at once) and the last hold has run out. A hold lets the job's
 * step in flight end before the click's decode arrives, instead of beside it.
 */
export function interactionTracker(graceMs: number, onChange: (busy: boolean) => void): InteractionTracker {
  let running = 0;
  let busy = false;
  let until = 0; // busy at least until then (Date.now): the grace after a request, or a hold
  let timer: ReturnType<typeof setTimeout> | undefined;
  const update = () => {
    clearTimeout(timer);
    const now = Date.now();
    const wanted = running > 0 || now < until;
    if (wanted !== busy) onChange((busy = wanted));
    if (busy && running === 0) timer = setTimeout(update, until - now);
  };
  const extend = (ms: number) => {
    until = Math.max(until, Date.now() + ms);
  };
  return {
    async track(work) {
      running++;
      update();
      try {
        return await work();
      } finally {
        running--;
        extend(graceMs);
        update();
      }
    },
    hold(ms) {
      extend(ms);
      update();
    },
  };
}
