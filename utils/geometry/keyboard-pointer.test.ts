import { describe, expect, it } from 'vitest';
import { arrowDirection, movePointer } from './keyboard-pointer';

describe('keyboard pointer', () => {
  it('starts at the centre and moves 1/50 of the longer side per arrow, 5× with Shift', () => {
    const right = arrowDirection('ArrowRight')!;
    expect(movePointer(undefined, right, false, 1000, 500)).toEqual({ x: 520, y: 250 });
    expect(movePointer({ x: 100, y: 100 }, arrowDirection('ArrowDown')!, true, 1000, 500)).toEqual({ x: 100, y: 200 });
  });
  it('stays on the image', () => {
    expect(movePointer({ x: 5, y: 495 }, arrowDirection('ArrowLeft')!, true, 1000, 500)).toEqual({ x: 0, y: 495 });
    expect(movePointer({ x: 5, y: 495 }, arrowDirection('ArrowDown')!, false, 1000, 500)).toEqual({ x: 5, y: 499 });
  });
  it('knows only the four arrows', () => {
    expect(arrowDirection('a')).toBeUndefined();
    expect(arrowDirection('ArrowUp')).toEqual([0, -1]);
  });
});
