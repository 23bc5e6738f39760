/**
 * What the content script does when the page removes the overlay's host: put it back (the frame
 * reloads with the editor's state), unless the page keeps doing it. A page that removes foreign
 * nodes as soon as they appear (a MutationObserver, a timer) removes every re-attach within
 * milliseconds: `MAX_REMOVALS` removals within `WINDOW_MS` call it blocked, so the user hears
 * "this page blocked the overlay" well inside 2 s instead of watching it flicker. A page that
 * removes it now and then (a re-render) gets it back every time. Pure.
 */
export const MAX_REMOVALS = 3;
export const WINDOW_MS = 2_000;

export type RemovalAnswer = 'reattach' | 'blocked';

export class RemovalPolicy {
  private times: number[] = [];

  /** A removal at `now` (ms, monotonic): put the overlay back, or give up on this page. */
  removed(now: number): RemovalAnswer {
    this.times = [...this.times.filter((t) => now - t < WINDOW_MS), now];
    return this.times.length >= MAX_REMOVALS ? 'blocked' : 'reattach';
  }
}
