import { describe, expect, it } from 'vitest';
import { IDLE_MS, OverlayNonces, UNCLAIMED_MS } from './overlay-nonces';

const A = '6f1c1b8e-2f43-4a4e-9a52-1d1b7f9a0001';
const B = '6f1c1b8e-2f43-4a4e-9a52-1d1b7f9a0002';

function clock() {
  let t = 1_000;
  return { now: () => t, advance: (ms: number) => void (t += ms) };
}

describe('overlay nonces', () => {
  it('trusts a frame only with a claimed nonce of its own tab, on every request', () => {
    const nonces = new OverlayNonces();
    nonces.register(A, 7);
    expect(nonces.check(A, 7)).toBe(false); // not claimed yet
    expect(() => nonces.claim(A, 8)).toThrow(/not opened by Inpaint Biases/);
    expect(nonces.claim(A, 7)).toBe(7);
    expect(() => nonces.claim(A, 7)).toThrow(); // once
    expect(nonces.check(A, 7)).toBe(true);
    expect(nonces.check(A, 8)).toBe(false);
    expect(nonces.check(B, 7)).toBe(false);
    expect(nonces.check(undefined, 7)).toBe(false);
  });

  it('expires an unclaimed nonce after a minute and a claimed one after half an hour unused, pruning both', () => {
    const c = clock();
    const nonces = new OverlayNonces(c.now);
    nonces.register(A, 1);
    nonces.register(B, 1);
    nonces.claim(B, 1);
    c.advance(UNCLAIMED_MS);
    expect(() => nonces.claim(A, 1)).toThrow();
    expect(nonces.size).toBe(1);
    c.advance(IDLE_MS - UNCLAIMED_MS - 1);
    expect(nonces.check(B, 1)).toBe(true); // used: its life starts again
    c.advance(IDLE_MS - 1);
    expect(nonces.check(B, 1)).toBe(true);
    c.advance(IDLE_MS);
    expect(nonces.check(B, 1)).toBe(false);
    expect(nonces.size).toBe(0);
  });

  it('survives a restart: a restored table trusts the claimed frame, keeps its expiry, and drops what is malformed', () => {
    const c = clock();
    const before = new OverlayNonces(c.now);
    before.register(A, 3);
    before.claim(A, 3);
    before.register(B, 3);
    const saved = JSON.parse(JSON.stringify(before.snapshot())) as unknown;
    const after = new OverlayNonces(c.now, { ...(saved as object), junk: { tabId: 'x' } });
    expect(after.size).toBe(2);
    expect(after.check(A, 3)).toBe(true);
    expect(() => after.claim(A, 3)).toThrow(); // still claimed once
    expect(after.claim(B, 3)).toBe(3);
    c.advance(IDLE_MS);
    expect(new OverlayNonces(c.now, after.snapshot()).size).toBe(0); // expired while stopped
    expect(new OverlayNonces(c.now, 'damaged').size).toBe(0);
  });
});
