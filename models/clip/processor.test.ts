import { describe, expect, it } from 'vitest';
import { centreSquare, padTokens, regionSquare } from './processor';

describe('centreSquare', () => {
  it('keeps the centred square of the shortest side', () => {
    expect(centreSquare(400, 300)).toEqual({ x: 50, y: 0, width: 300, height: 300 });
    expect(centreSquare(200, 500)).toEqual({ x: 0, y: 150, width: 200, height: 200 });
  });
});

describe('regionSquare', () => {
  it('grows the box by the margin and makes it square around its centre', () => {
    expect(regionSquare({ x: 100, y: 100, width: 100, height: 50 }, 1000, 1000, 0.1)).toEqual({ x: 90, y: 65, width: 120, height: 120 });
  });
  it('shifts the square inside the image instead of padding where it fits', () => {
    expect(regionSquare({ x: 0, y: 0, width: 50, height: 50 }, 1000, 1000, 0)).toEqual({ x: 0, y: 0, width: 50, height: 50 });
    expect(regionSquare({ x: 980, y: 10, width: 20, height: 80 }, 1000, 1000, 0)).toEqual({ x: 920, y: 10, width: 80, height: 80 });
  });
  it('centres a square larger than the image', () => {
    expect(regionSquare({ x: 0, y: 0, width: 100, height: 40 }, 100, 40, 0)).toEqual({ x: 0, y: -30, width: 100, height: 100 });
  });
});

describe('padTokens', () => {
  it('pads to 77 with the pad id and masks the padding', () => {
    const { ids, mask } = padTokens([5, 6, 9], 9);
    expect(ids.length).toBe(77);
    expect(Array.from(ids.slice(0, 4))).toEqual([5n, 6n, 9n, 9n]);
    expect(Array.from(mask.slice(0, 4))).toEqual([1n, 1n, 1n, 0n]);
  });
  it('truncates long texts but keeps the end-of-text token last', () => {
    const long = Array.from({ length: 100 }, (_, i) => i);
    const { ids } = padTokens(long, 0);
    expect(ids[75]).toBe(75n);
    expect(ids[76]).toBe(99n);
  });
});
