import { describe, expect, it } from 'vitest';
import type { Mask } from '../image/types';
import {
  binarize,
  clear,
  closeMask,
  dilate,
  erode,
  feather,
  intersect,
  invert,
  openMask,
  squaredDistanceTransform,
  subtract,
  union,
} from './morphology';

/** A mask from rows of '#' (255) and '.' (0). */
function fromRows(rows: string[]): Mask {
  const width = rows[0]?.length ?? 0;
  const data = new Uint8Array(rows.flatMap((r) => [...r].map((c) => (c === '#' ? 255 : 0))));
  return { width, height: rows.length, data };
}

function toRows(mask: Mask): string[] {
  const rows: string[] = [];
  for (let y = 0; y < mask.height; y++) {
    rows.push(Array.from(mask.data.subarray(y * mask.width, (y + 1) * mask.width), (v) => (v === 255 ? '#' : v === 0 ? '.' : '?')).join(''));
  }
  return rows;
}

function values(width: number, height: number, data: number[]): Mask {
  return { width, height, data: new Uint8Array(data) };
}

describe('squaredDistanceTransform', () => {
  it('is the exact squared Euclidean distance to the nearest target pixel', () => {
    // One target pixel at (1,1) of a 4×3 grid: d² = dx² + dy².
    const mask = fromRows(['....', '.#..', '....']);
    expect(Array.from(squaredDistanceTransform(mask, true))).toEqual([
      2, 1, 2, 5, //
      1, 0, 1, 4,
      2, 1, 2, 5,
    ]);
  });

  it('is Infinity when there is no target', () => {
    expect(Array.from(squaredDistanceTransform(fromRows(['..', '..']), true))).toEqual([Infinity, Infinity, Infinity, Infinity]);
  });

  it('takes the nearer of two targets', () => {
    // targets at x 0 and x 6 of one row: 0 1 4 9 4 1 0
    expect(Array.from(squaredDistanceTransform(fromRows(['#.....#']), true))).toEqual([0, 1, 4, 9, 4, 1, 0]);
  });
});

describe('dilate', () => {
  it('grows one pixel into the r = 2 disc: dx² + dy² ≤ 4 (13 px, no (±2, ±1))', () => {
    const dot = fromRows(['.......', '.......', '.......', '...#...', '.......', '.......', '.......']);
    expect(toRows(dilate(dot, 2))).toEqual(['.......', '...#...', '..###..', '.#####.', '..###..', '...#...', '.......']);
  });

  it('grows one pixel into the r = 3 disc: rows of half-width 0, 2, 2, 3 (29 px, a disc, not a square or diamond)', () => {
    // dy = 0: |dx| ≤ 3; dy = ±1: dx² ≤ 8 → 2; dy = ±2: dx² ≤ 5 → 2; dy = ±3: 0.
    const dot = fromRows(['.........', '.........', '.........', '.........', '....#....', '.........', '.........', '.........', '.........']);
    expect(toRows(dilate(dot, 3))).toEqual([
      '.........',
      '....#....',
      '..#####..',
      '..#####..',
      '.#######.',
      '..#####..',
      '..#####..',
      '....#....',
      '.........',
    ]);
  });

  it('clips at the border and leaves empty masks empty; radius 0 binarizes', () => {
    expect(toRows(dilate(fromRows(['#..', '...', '...']), 1))).toEqual(['##.', '#..', '...']);
    expect(toRows(dilate(fromRows(['...', '...']), 100))).toEqual(['...', '...']);
    expect(Array.from(dilate(values(3, 1, [127, 128, 255]), 0).data)).toEqual([0, 255, 255]);
    expect(() => dilate(fromRows(['#']), 1.5)).toThrow();
  });
});

describe('erode', () => {
  it('erodes the r = 2 disc by r = 2 down to its centre', () => {
    const disc = fromRows(['.......', '...#...', '..###..', '.#####.', '..###..', '...#...', '.......']);
    expect(toRows(erode(disc, 2))).toEqual(['.......', '.......', '.......', '...#...', '.......', '.......', '.......']);
  });

  it('r = 1 (a plus) keeps pixels whose 4 neighbours are set', () => {
    const block = fromRows(['.....', '.###.', '.###.', '.###.', '.....']);
    expect(toRows(erode(block, 1))).toEqual(['.....', '.....', '..#..', '.....', '.....']);
  });

  it('does not erode from the image border', () => {
    expect(toRows(erode(fromRows(['###', '###', '###']), 5))).toEqual(['###', '###', '###']);
    // only the hole erodes: the r = 1 plus around (1,1) reaches (2,1)
    expect(toRows(erode(fromRows(['####', '####', '###.']), 1))).toEqual(['####', '###.', '##..']);
  });
});

describe('openMask / closeMask', () => {
  it('close fills a 1 px gap', () => {
    expect(toRows(closeMask(fromRows(['##.##']), 1))).toEqual(['#####']);
  });

  it('open with r = 1 rounds a 3×3 square into a plus', () => {
    const block = fromRows(['.....', '.###.', '.###.', '.###.', '.....']);
    expect(toRows(openMask(block, 1))).toEqual(['.....', '..#..', '.###.', '..#..', '.....']);
  });
});

describe('feather', () => {
  // Inside x 0..3; the edge is at x = 3.5. Signed distance s = ±(d − 0.5): 3.5 2.5 1.5 0.5 | −0.5 −1.5 −2.5 −3.5
  const strip = fromRows(['####....']);

  it('center: 0.5 + s/radius; r = 4 → 255 255 223 159 | 96 32 0 0', () => {
    // x 2: 0.5 + 1.5/4 = 0.875 → 223.125; x 3: 0.625 → 159.375; x 4: 0.375 → 95.625; x 5: 0.125 → 31.875
    expect(Array.from(feather(strip, 4).data)).toEqual([255, 255, 223, 159, 96, 32, 0, 0]);
  });

  it('outside: 1 + s/radius, the selection keeps full alpha', () => {
    // x 4: 1 − 0.5/4 = 0.875 → 223; x 5: 0.625 → 159; x 6: 0.375 → 96; x 7: 0.125 → 32
    expect(Array.from(feather(strip, 4, 'outside').data)).toEqual([255, 255, 255, 255, 223, 159, 96, 32]);
  });

  it('inside: s/radius, nothing outside changes', () => {
    // x 0: 3.5/4 → 223; x 1: 2.5/4 → 159; x 2: 1.5/4 → 96; x 3: 0.5/4 → 32
    expect(Array.from(feather(strip, 4, 'inside').data)).toEqual([223, 159, 96, 32, 0, 0, 0, 0]);
  });

  it('uses Euclidean distances in 2D', () => {
    // A single inside pixel, r = 2: centre s = 0.5 → 0.75 → 191.25; edge neighbours s = −0.5 → 0.25 → 63.75;
    // corners s = −(√2 − 0.5) = −0.9142 → 0.5 − 0.4571 = 0.0429 → 10.94
    expect(Array.from(feather(fromRows(['...', '.#.', '...']), 2).data)).toEqual([11, 64, 11, 64, 191, 64, 11, 64, 11]);
  });

  it('leaves empty and full masks alone; radius 0 is a hard edge', () => {
    expect(Array.from(feather(fromRows(['...']), 3).data)).toEqual([0, 0, 0]);
    expect(Array.from(feather(fromRows(['###']), 3).data)).toEqual([255, 255, 255]);
    expect(Array.from(feather(values(3, 1, [100, 200, 0]), 0).data)).toEqual([0, 255, 0]);
  });
});

describe('set operations', () => {
  const a = values(4, 1, [0, 255, 255, 100]);
  const b = values(4, 1, [255, 0, 255, 50]);

  it('invert / union / intersect / subtract, soft values included', () => {
    expect(Array.from(invert(a).data)).toEqual([255, 0, 0, 155]);
    expect(Array.from(union(a, b).data)).toEqual([255, 255, 255, 100]);
    expect(Array.from(intersect(a, b).data)).toEqual([0, 0, 255, 50]);
    // min(a, 255 − b): min(0,0) min(255,255) min(255,0) min(100,205)
    expect(Array.from(subtract(a, b).data)).toEqual([0, 255, 0, 100]);
  });

  it('binarize / clear', () => {
    expect(Array.from(binarize(a).data)).toEqual([0, 255, 255, 0]);
    expect(Array.from(binarize(a, 100).data)).toEqual([0, 255, 255, 255]);
    expect(clear(a)).toEqual(values(4, 1, [0, 0, 0, 0]));
  });

  it('leaves inputs alone and rejects mismatched sizes', () => {
    union(a, b);
    expect(Array.from(a.data)).toEqual([0, 255, 255, 100]);
    expect(() => union(a, values(2, 2, [0, 0, 0, 0]))).toThrow(/sizes differ/);
  });
});

describe('against brute force on random masks', () => {
  /** Deterministic pseudo-random masks (LCG), with blobs and speckle. */
  function randomMask(width: number, height: number, seed: number, density: number): Mask {
    let state = seed;
    const next = (): number => {
      state = (state * 1664525 + 1013904223) >>> 0;
      return state / 2 ** 32;
    };
    const data = new Uint8Array(width * height);
    for (let i = 0; i < data.length; i++) data[i] = next() < density ? 255 : next() < 0.1 ? 140 : next() < 0.1 ? 100 : 0;
    return { width, height, data };
  }

  /** Two overlapping discs, a bar and a hole: few class changes per column. */
  function shapes(width: number, height: number): Mask {
    const data = new Uint8Array(width * height);
    for (let y = 0; y < height; y++) {
      for (let x = 0; x < width; x++) {
        const inDisc = (x - 20) ** 2 + (y - 20) ** 2 < 15 ** 2 || (x - 34) ** 2 + (y - 26) ** 2 < 11 ** 2;
        const inBar = y >= 41 && y < 45 && x >= 5;
        const inHole = (x - 20) ** 2 + (y - 18) ** 2 < 16;
        data[y * width + x] = (inDisc && !inHole) || inBar ? 255 : 0;
      }
    }
    return { width, height, data };
  }

  /** The same pixels in a view whose byteOffset is odd (not word-aligned). */
  function unaligned(mask: Mask): Mask {
    const data = new Uint8Array(new ArrayBuffer(mask.data.length + 1), 1);
    data.set(mask.data);
    return { ...mask, data };
  }

  /** The definitions, straight: O(w²·h²). */
  function bruteSquaredDistance(mask: Mask, target: boolean): number[] {
    const { width, height, data } = mask;
    const out: number[] = [];
    for (let y = 0; y < height; y++) {
      for (let x = 0; x < width; x++) {
        let best = Infinity;
        for (let qy = 0; qy < height; qy++) {
          for (let qx = 0; qx < width; qx++) {
            if (data[qy * width + qx]! >= 128 === target) best = Math.min(best, (x - qx) ** 2 + (y - qy) ** 2);
          }
        }
        out.push(best);
      }
    }
    return out;
  }

  const cases = [
    randomMask(23, 17, 1, 0.05),
    randomMask(24, 16, 2, 0.5),
    randomMask(31, 9, 3, 0.9),
    randomMask(16, 20, 4, 0.2),
    randomMask(1, 12, 5, 0.3),
    randomMask(12, 1, 6, 0.3),
    unaligned(randomMask(16, 10, 7, 0.4)),
    // smooth shapes, as SAM and brushes make (these take the change-filling column pass)
    shapes(96, 64),
    unaligned(shapes(61, 40)),
  ];

  it('squaredDistanceTransform is exact, capped or not', () => {
    for (const mask of cases) {
      for (const target of [true, false]) {
        const expected = bruteSquaredDistance(mask, target);
        expect(Array.from(squaredDistanceTransform(mask, target))).toEqual(expected);
        const capped = Array.from(squaredDistanceTransform(mask, target, 3));
        capped.forEach((d2, i) => {
          if (expected[i]! <= 9) expect(d2).toBe(expected[i]);
          else expect(d2).toBeGreaterThan(9);
        });
      }
    }
  });

  it('dilate / erode / feather follow their definitions', () => {
    for (const mask of cases) {
      const toInside = bruteSquaredDistance(mask, true);
      const toOutside = bruteSquaredDistance(mask, false);
      for (const radius of [0, 1, 2, 3, 5]) {
        expect(Array.from(dilate(mask, radius).data)).toEqual(toInside.map((d2) => (d2 <= radius * radius ? 255 : 0)));
        expect(Array.from(erode(mask, radius).data)).toEqual(toOutside.map((d2) => (d2 > radius * radius ? 255 : 0)));
      }
      for (const radius of [1, 2.5, 6]) {
        const expected = Array.from(mask.data, (v, i) => {
          const s = v >= 128 ? Math.sqrt(toOutside[i]!) - 0.5 : -(Math.sqrt(toInside[i]!) - 0.5);
          return Math.round(255 * Math.min(1, Math.max(0, 0.5 + s / radius)));
        });
        expect(Array.from(feather(mask, radius).data)).toEqual(expected);
      }
    }
  });
});
