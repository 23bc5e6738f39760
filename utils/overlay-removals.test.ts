import { describe, expect, it } from 'vitest';
import { MAX_REMOVALS, RemovalPolicy, WINDOW_MS } from './overlay-removals';

describe('RemovalPolicy', () => {
  it('puts the overlay back after a single removal', () => {
    expect(new RemovalPolicy().removed(0)).toBe('reattach');
  });

  it('calls a page that removes every re-attach at once blocked on its third removal', () => {
    const policy = new RemovalPolicy();
    const answers = Array.from({ length: MAX_REMOVALS }, (_, i) => policy.removed(i * 5));
    expect(answers).toEqual(['reattach', 'reattach', 'blocked']);
  });

  it('calls removals every 600 ms blocked within 2 s of the first', () => {
    const policy = new RemovalPolicy();
    const answers = [0, 600, 1200].map((t) => policy.removed(t));
    expect(answers.at(-1)).toBe('blocked');
  });

  it('keeps re-attaching for a page that removes it now and then', () => {
    const policy = new RemovalPolicy();
    for (let i = 0; i < 10; i++) expect(policy.removed(i * WINDOW_MS)).toBe('reattach');
  });
});
