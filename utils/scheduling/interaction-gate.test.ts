import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { InteractionGate, interactionTracker } from './interaction-gate';

/** A job of `steps` steps of `stepMs` each that takes its turn between steps; resolves with the times its steps started. */
async function job(gate: InteractionGate, steps: number, stepMs: number): Promise<number[]> {
  const starts: number[] = [];
  for (let i = 0; i < steps; i++) {
    await gate.turn();
    starts.push(Date.now());
    await new Promise((resolve) => setTimeout(resolve, stepMs));
  }
  return starts;
}

describe('InteractionGate', () => {
  beforeEach(() => {
    vi.useFakeTimers();
    vi.setSystemTime(0);
  });
  afterEach(() => vi.useRealTimers());

  it('does not hold a job up when nothing interactive runs', async () => {
    const gate = new InteractionGate(250);
    const run = job(gate, 5, 10);
    await vi.advanceTimersByTimeAsync(50);
    expect(await run).toEqual([0, 10, 20, 30, 40]);
  });

  it('holds the next step while a click is busy and resumes the moment it is done', async () => {
    const gate = new InteractionGate(250);
    const run = job(gate, 3, 10);
    await vi.advanceTimersByTimeAsync(5); // mid-step 1: a click starts
    gate.set(true);
    await vi.advanceTimersByTimeAsync(35); // step 2 waits
    gate.set(false);
    await vi.advanceTimersByTimeAsync(100);
    expect(await run).toEqual([0, 40, 50]);
  });

  it('never waits longer than maxWaitMs, so a stream of clicks cannot starve the job', async () => {
    const gate = new InteractionGate(250);
    gate.set(true); // busy for good
    const run = job(gate, 4, 10);
    await vi.advanceTimersByTimeAsync(2000);
    // Each step after a capped wait: 250 ms apart plus the step itself.
    expect(await run).toEqual([250, 510, 770, 1030]);
  });

  it('says whether it is busy', () => {
    const gate = new InteractionGate(250);
    expect(gate.isBusy).toBe(false);
    gate.set(true);
    expect(gate.isBusy).toBe(true);
  });
});

describe('interactionTracker', () => {
  beforeEach(() => {
    vi.useFakeTimers();
    vi.setSystemTime(0);
  });
  afterEach(() => vi.useRealTimers());
  const after = <T>(ms: number, value: T) => () => new Promise<T>((resolve) => setTimeout(() => resolve(value), ms));

  it('is busy from the first request until the grace after the last one, overlapping requests included', async () => {
    const changes: [number, boolean][] = [];
    const { track } = interactionTracker(40, (busy) => changes.push([Date.now(), busy]));
    const a = track(after(30, 'a'));
    await vi.advanceTimersByTimeAsync(10);
    const b = track(after(30, 'b')); // overlaps a: ends at 40
    await vi.advanceTimersByTimeAsync(200);
    expect([await a, await b]).toEqual(['a', 'b']);
    expect(changes).toEqual([[0, true], [80, false]]);
  });

  it('stays busy when the next request comes within the grace, and passes failures through', async () => {
    const changes: [number, boolean][] = [];
    const { track } = interactionTracker(40, (busy) => changes.push([Date.now(), busy]));
    await Promise.all([track(after(20, 1)), vi.advanceTimersByTimeAsync(20)]);
    await vi.advanceTimersByTimeAsync(30); // 50: within the grace
    const failing = track(() => Promise.reject(new Error('decode failed')));
    await expect(failing).rejects.toThrow('decode failed');
    await vi.advanceTimersByTimeAsync(100);
    expect(changes).toEqual([[0, true], [90, false]]);
  });

  it('holds busy for a lease renewed by each hold, then goes idle once it runs out', async () => {
    const changes: [number, boolean][] = [];
    const tracker = interactionTracker(40, (busy) => changes.push([Date.now(), busy]));
    tracker.hold(300); // the pointer comes over the mask
    await vi.advanceTimersByTimeAsync(100);
    tracker.hold(300); // it moves: renewed to 400
    await vi.advanceTimersByTimeAsync(250);
    expect(changes).toEqual([[0, true]]);
    await vi.advanceTimersByTimeAsync(100);
    expect(changes).toEqual([[0, true], [400, false]]);
  });

  it('keeps a hold past a request that ends inside it, and the grace past a hold that ends first', async () => {
    const changes: [number, boolean][] = [];
    const tracker = interactionTracker(40, (busy) => changes.push([Date.now(), busy]));
    tracker.hold(300);
    await Promise.all([tracker.track(after(20, 'click')), vi.advanceTimersByTimeAsync(20)]); // ends at 20: the hold still runs
    await vi.advanceTimersByTimeAsync(200);
    const late = tracker.track(after(100, 'click')); // 220 → 320, past the hold's 300
    await vi.advanceTimersByTimeAsync(500);
    await late;
    expect(changes).toEqual([[0, true], [360, false]]);
  });
});
