import { describe, expect, it } from 'vitest';
import type { Mask } from '../image/types';
import { applyDiff, MaskHistory, xorDiff } from './history';

function mask(width: number, height: number, fill: (i: number) => number): Mask {
  return { width, height, data: Uint8Array.from({ length: width * height }, (_, i) => fill(i)) };
}

describe('xorDiff / applyDiff', () => {
  it('codes XOR runs as [value, LEB128 length]', () => {
    // 300 px, pixels 100..199 flip 0 → 255: runs (0,100) (255,100) (0,100)
    const before = new Uint8Array(300);
    const after = before.slice().fill(255, 100, 200);
    expect(Array.from(xorDiff(before, after))).toEqual([0, 0, 100, 255, 100, 0, 100]);
    // every pixel flips: one run of 300 = 0b10_0101100 → LEB128 [0x80 | 44, 2] = [172, 2]
    expect(Array.from(xorDiff(before, new Uint8Array(300).fill(255)))).toEqual([0, 255, 172, 2]);
  });

  it('falls back to raw XOR bytes when runs would be longer', () => {
    // XOR [0,0,255,0,255,0]: 5 runs = 11 bytes > 7 raw
    const before = Uint8Array.from([0, 0, 0, 255, 255, 0]);
    const after = Uint8Array.from([0, 0, 255, 255, 0, 0]);
    expect(Array.from(xorDiff(before, after))).toEqual([1, 0, 0, 255, 0, 255, 0]);
  });

  it('turns before into after and back, soft values included', () => {
    const before = Uint8Array.from({ length: 1000 }, (_, i) => (i * 37) % 256);
    const after = before.slice();
    after.fill(200, 300, 700);
    for (const diff of [xorDiff(before, after), xorDiff(before, Uint8Array.from(before, (v) => 255 - v))]) {
      const state = before.slice();
      applyDiff(state, diff);
      applyDiff(state, diff);
      expect(state).toEqual(before);
    }
    const state = before.slice();
    applyDiff(state, xorDiff(before, after));
    expect(state).toEqual(after);
  });

  it('rejects a diff for another size', () => {
    expect(() => applyDiff(new Uint8Array(10), xorDiff(new Uint8Array(5), new Uint8Array(5)))).toThrow();
  });
});

describe('MaskHistory', () => {
  const a = mask(4, 4, () => 0);
  const b = mask(4, 4, (i) => (i < 4 ? 255 : 0));
  const c = mask(4, 4, (i) => (i < 8 ? 255 : 0));
  const d = mask(4, 4, (i) => (i % 2 ? 128 : 0));

  it('undoes and redoes in order', () => {
    const history = new MaskHistory(a);
    expect(history.canUndo).toBe(false);
    expect(history.push(b)).toBe(true);
    expect(history.push(c)).toBe(true);
    expect(history.current).toEqual(c);
    expect(history.undo()).toEqual(b);
    expect(history.undo()).toEqual(a);
    expect(history.canUndo).toBe(false);
    expect(history.undo()).toBeUndefined();
    expect(history.redo()).toEqual(b);
    expect(history.redo()).toEqual(c);
    expect(history.canRedo).toBe(false);
    expect(history.redo()).toBeUndefined();
  });

  it('a new edit after undo drops the redo steps', () => {
    const history = new MaskHistory(a);
    history.push(b);
    history.push(c);
    history.undo();
    expect(history.canRedo).toBe(true);
    history.push(d);
    expect(history.canRedo).toBe(false);
    expect(history.undo()).toEqual(b);
    expect(history.undo()).toEqual(a);
  });

  it('records nothing when the mask did not change', () => {
    const history = new MaskHistory(b);
    expect(history.push(b)).toBe(false);
    expect(history.canUndo).toBe(false);
  });

  it('copies masks in and out', () => {
    const working = mask(4, 4, () => 0);
    const history = new MaskHistory(working);
    working.data[0] = 255;
    history.push(working);
    working.data[1] = 255; // not pushed
    expect(Array.from(history.current.data.subarray(0, 2))).toEqual([255, 0]);
    const out = history.current;
    out.data.fill(7);
    expect(history.current.data[5]).toBe(0);
  });

  it('keeps at most maxSteps', () => {
    const history = new MaskHistory(a, { maxSteps: 2 });
    history.push(b);
    history.push(c);
    history.push(d);
    expect(history.undoDepth).toBe(2);
    expect(history.undo()).toEqual(c);
    expect(history.undo()).toEqual(b);
    expect(history.undo()).toBeUndefined();
  });

  it('keeps within maxBytes, always keeping the newest step', () => {
    // 300 px masks flipping between all-0 and all-255: each diff is 4 bytes ([0, 255, 172, 2]).
    const zero = mask(300, 1, () => 0);
    const full = mask(300, 1, () => 255);
    const history = new MaskHistory(zero, { maxBytes: 10 });
    history.push(full);
    history.push(zero);
    expect(history.byteLength).toBe(8);
    history.push(full); // 12 bytes > 10: the oldest step goes
    expect(history.byteLength).toBe(8);
    expect(history.undoDepth).toBe(2);
    // undo/redo move diffs between the stacks without changing the total
    history.undo();
    expect(history.byteLength).toBe(8);
    const tiny = new MaskHistory(zero, { maxBytes: 1 });
    tiny.push(full);
    expect(tiny.undoDepth).toBe(1);
  });

  it('reset forgets the steps; other sizes are rejected', () => {
    const history = new MaskHistory(a);
    history.push(b);
    history.reset(c);
    expect(history.canUndo).toBe(false);
    expect(history.byteLength).toBe(0);
    expect(history.current).toEqual(c);
    expect(() => history.push(mask(2, 2, () => 0))).toThrow(/2×2/);
  });

  it('stores a small stroke on a 1024² mask in about a hundred bytes', () => {
    const size = 1024;
    const before: Mask = { width: size, height: size, data: new Uint8Array(size * size) };
    const after: Mask = { width: size, height: size, data: new Uint8Array(size * size) };
    // a 20×20 block at (300, 500)
    for (let y = 500; y < 520; y++) after.data.fill(255, y * size + 300, y * size + 320);
    const history = new MaskHistory(before);
    history.push(after);
    // tag 1 + leading zero run (512300 px: 3 LEB128 bytes) 4 + 20 rows of [255, 20] 40
    // + 19 gaps of [0, 1004 (2 LEB128 bytes)] 57 + trailing zero run (516800 px) 4 = 106
    expect(history.byteLength).toBe(106);
    const undone = history.undo();
    // compare 1 MB without a per-element deep equal
    expect(undone && Buffer.compare(undone.data, before.data)).toBe(0);
    const redone = history.redo();
    expect(redone && Buffer.compare(redone.data, after.data)).toBe(0);
  });
});
