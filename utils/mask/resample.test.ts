import { describe, expect, it } from 'vitest';
import type { Mask } from '../image/types';
import { cropMask, maskArea, maskBoundingBox, pasteMask, resizeMask } from './resample';

/** A mask from rows of '#' (255), '.' (0). */
function fromRows(rows: string[]): Mask {
  const width = rows[0]?.length ?? 0;
  const data = new Uint8Array(rows.flatMap((r) => [...r].map((c) => (c === '#' ? 255 : 0))));
  return { width, height: rows.length, data };
}

function values(width: number, height: number, data: number[]): Mask {
  return { width, height, data: new Uint8Array(data) };
}

describe('resizeMask nearest', () => {
  it('duplicates pixels when upscaling 2×', () => {
    const out = resizeMask(values(2, 2, [255, 0, 0, 255]), 4, 4);
    expect(Array.from(out.data)).toEqual([255, 255, 0, 0, 255, 255, 0, 0, 0, 0, 255, 255, 0, 0, 255, 255]);
  });

  it('takes the pixel under each output centre when downscaling', () => {
    // 4×4 → 2×2: centres at source x, y = floor((i + ½)·2) = 1, 3.
    const src = values(4, 4, Array.from({ length: 16 }, (_, i) => i * 10));
    // (1,1) = 50, (3,1) = 70, (1,3) = 130, (3,3) = 150
    expect(Array.from(resizeMask(src, 2, 2, 'nearest').data)).toEqual([50, 70, 130, 150]);
  });

  it('handles non-integer ratios (3 → 2: centres 0.75 and 2.25 → pixels 0 and 2)', () => {
    expect(Array.from(resizeMask(values(3, 1, [10, 20, 30]), 2, 1).data)).toEqual([10, 30]);
  });
});

describe('resizeMask area', () => {
  // 4×4 with the top-left 3×3 set.
  const src = fromRows(['###.', '###.', '###.', '....']);

  it('gives coverage·255 for 4×4 → 2×2', () => {
    // (0,0): 4/4 → 255; (1,0): 2/4 → 127.5 → 128; (0,1): 128; (1,1): 1/4 → 63.75 → 64
    expect(Array.from(resizeMask(src, 2, 2, 'area').data)).toEqual([255, 128, 128, 64]);
  });

  it('thresholds the coverage when asked', () => {
    expect(Array.from(resizeMask(src, 2, 2, 'area', 128).data)).toEqual([255, 255, 255, 0]);
    expect(Array.from(resizeMask(src, 2, 2, 'area', 129).data)).toEqual([255, 0, 0, 0]);
  });

  it('weights partial pixels exactly (3 → 2)', () => {
    // output 0 covers source [0, 1.5): 1·255 + 0.5·0 over 1.5 = 170; output 1 covers [1.5, 3): 170
    expect(Array.from(resizeMask(values(3, 1, [255, 0, 255]), 2, 1, 'area').data)).toEqual([170, 170]);
  });

  it('blends the straddling pixel when upscaling (2 → 3)', () => {
    // output 1 covers source [2/3, 4/3): half of 255, half of 0 → 127.5 → 128
    expect(Array.from(resizeMask(values(2, 1, [255, 0]), 3, 1, 'area').data)).toEqual([255, 128, 0]);
  });

  it('averages soft values', () => {
    // 2×2 → 1×1: (10 + 20 + 30 + 41)/4 = 25.25 → 25
    expect(Array.from(resizeMask(values(2, 2, [10, 20, 30, 41]), 1, 1, 'area').data)).toEqual([25]);
  });

  it('is the identity at scale 1 and handles empty sizes', () => {
    expect(Array.from(resizeMask(src, 4, 4, 'area').data)).toEqual(Array.from(src.data));
    expect(resizeMask(src, 0, 3, 'area')).toMatchObject({ width: 0, height: 3 });
    expect(() => resizeMask(src, 1.5, 2)).toThrow();
  });
});

describe('cropMask', () => {
  const src = fromRows(['#..', '.#.', '..#']);

  it('copies the rect', () => {
    expect(cropMask(src, { x: 1, y: 1, width: 2, height: 2 })).toEqual(fromRows(['#.', '.#']));
  });

  it('reads 0 outside the mask', () => {
    // rows −1..0, columns −1..0: only src (0,0) = '#' is inside, at the crop's (1,1)
    expect(cropMask(src, { x: -1, y: -1, width: 2, height: 2 })).toEqual(fromRows(['..', '.#']));
    // row 2 = '..#' from x 1: '.', '#', then x 3 outside; row 3 is outside
    expect(cropMask(src, { x: 1, y: 2, width: 3, height: 2 })).toEqual(fromRows(['.#.', '...']));
  });
});

describe('pasteMask', () => {
  it('replaces the covered pixels and reports the clipped rect', () => {
    const target = fromRows(['....', '....', '....']);
    const rect = pasteMask(target, fromRows(['##', '#.']), 3, 1);
    // only column 3 of the target is inside: rows 1 and 2 get the source's left column '#', '#'
    expect(rect).toEqual({ x: 3, y: 1, width: 1, height: 2 });
    expect(target).toEqual(fromRows(['....', '...#', '...#']));
  });

  it('union keeps the larger value', () => {
    const target = values(2, 1, [200, 10]);
    pasteMask(target, values(2, 1, [100, 50]), 0, 0, 'union');
    expect(Array.from(target.data)).toEqual([200, 50]);
  });

  it('does nothing outside', () => {
    const target = fromRows(['..']);
    expect(pasteMask(target, fromRows(['#']), 5, 0)).toBeUndefined();
    expect(target).toEqual(fromRows(['..']));
  });
});

describe('maskBoundingBox / maskArea', () => {
  it('finds the tightest rect and counts pixels', () => {
    const mask = fromRows(['.....', '..#..', '.#...', '...#.', '.....']);
    expect(maskBoundingBox(mask)).toEqual({ x: 1, y: 1, width: 3, height: 3 });
    expect(maskArea(mask)).toBe(3);
  });

  it('is undefined / 0 when empty', () => {
    expect(maskBoundingBox(fromRows(['...', '...']))).toBeUndefined();
    expect(maskArea(fromRows(['...']))).toBe(0);
  });

  it('respects a threshold for soft masks', () => {
    const soft = values(3, 1, [10, 200, 0]);
    expect(maskBoundingBox(soft)).toEqual({ x: 0, y: 0, width: 2, height: 1 });
    expect(maskBoundingBox(soft, 128)).toEqual({ x: 1, y: 0, width: 1, height: 1 });
    expect(maskArea(soft, 128)).toBe(1);
  });
});
