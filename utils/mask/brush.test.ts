import { describe, expect, it } from 'vitest';
import type { Mask } from '../image/types';
import { stampDisc, strokeLine, strokePath, unionRect } from './brush';

function blank(width: number, height: number): Mask {
  return { width, height, data: new Uint8Array(width * height) };
}

function toRows(mask: Mask): string[] {
  const rows: string[] = [];
  for (let y = 0; y < mask.height; y++) {
    rows.push(Array.from(mask.data.subarray(y * mask.width, (y + 1) * mask.width), (v) => (v === 255 ? '#' : v === 0 ? '.' : '?')).join(''));
  }
  return rows;
}

describe('stampDisc', () => {
  it('paints the pixels whose centres are within the radius: r = 2 at a pixel centre is the 13 px disc', () => {
    const mask = blank(7, 7);
    const dirty = stampDisc(mask, 3.5, 3.5, 2, 255);
    expect(toRows(mask)).toEqual(['.......', '...#...', '..###..', '.#####.', '..###..', '...#...', '.......']);
    expect(dirty).toEqual({ x: 1, y: 1, width: 5, height: 5 });
  });

  it('r = 1.5: dy = ±1 leaves dx² ≤ 1.25, so a 3×3 square', () => {
    const mask = blank(5, 5);
    stampDisc(mask, 2.5, 2.5, 1.5, 255);
    expect(toRows(mask)).toEqual(['.....', '.###.', '.###.', '.###.', '.....']);
  });

  it('centred on a pixel corner, r = 1 covers the four pixels around it (centres √0.5 away)', () => {
    const mask = blank(4, 4);
    stampDisc(mask, 2, 2, 1, 255);
    expect(toRows(mask)).toEqual(['....', '.##.', '.##.', '....']);
  });

  it('erases with 0, clips at the border, and is a no-op off the mask', () => {
    const mask: Mask = { width: 3, height: 3, data: new Uint8Array(9).fill(255) };
    expect(stampDisc(mask, 0, 0, 1, 0)).toEqual({ x: 0, y: 0, width: 1, height: 1 }); // only (0.5,0.5) is within 1 of (0,0)
    expect(toRows(mask)).toEqual(['.##', '###', '###']);
    expect(stampDisc(mask, -10, -10, 2, 0)).toBeUndefined();
    expect(stampDisc(mask, 1.5, 1.5, 0, 0)).toBeUndefined();
  });

  it('writes soft values, clamped to a byte', () => {
    const mask = blank(1, 1);
    stampDisc(mask, 0.5, 0.5, 1, 127.6);
    expect(mask.data[0]).toBe(128);
    stampDisc(mask, 0.5, 0.5, 1, 300);
    expect(mask.data[0]).toBe(255);
  });
});

describe('strokeLine', () => {
  it('paints the capsule around a horizontal segment', () => {
    // (1.5, 2.5) → (5.5, 2.5), r = 1.2. Row 2: x in [0.3, 6.7] → pixels 0..6.
    // Rows 1, 3 (1 px off the axis): the band spans x 1.5..5.5, the end discs half-width √0.44 = 0.66
    // → [0.84, 6.16] → pixels 1..5. Rows 0, 4 are 2 px away: nothing.
    const mask = blank(8, 5);
    const dirty = strokeLine(mask, { x: 1.5, y: 2.5 }, { x: 5.5, y: 2.5 }, 1.2, 255);
    expect(toRows(mask)).toEqual(['........', '.#####..', '#######.', '.#####..', '........']);
    expect(dirty).toEqual({ x: 0, y: 1, width: 7, height: 3 });
  });

  it('leaves no gap along a fast diagonal move', () => {
    // (0.5, 0.5) → (6.5, 6.5), r = 0.75: the diagonal pixels (distance 0) and their side neighbours
    // (distance 1/√2 = 0.707 from the line, projecting inside the segment); (7,6) and (6,7) project
    // past the end and are 1 from it.
    const mask = blank(8, 8);
    strokeLine(mask, { x: 0.5, y: 0.5 }, { x: 6.5, y: 6.5 }, 0.75, 255);
    expect(toRows(mask)).toEqual(['##......', '###.....', '.###....', '..###...', '...###..', '....###.', '.....##.', '........']);
  });

  it('a zero-length stroke is a disc; erasing cuts through', () => {
    const a = blank(7, 7);
    const b = blank(7, 7);
    stampDisc(a, 3.5, 3.5, 2, 255);
    strokeLine(b, { x: 3.5, y: 3.5 }, { x: 3.5, y: 3.5 }, 2, 255);
    expect(b).toEqual(a);
    strokeLine(b, { x: 0, y: 3.5 }, { x: 7, y: 3.5 }, 0.5, 0);
    expect(toRows(b)).toEqual(['.......', '...#...', '..###..', '.......', '..###..', '...#...', '.......']);
  });
});

describe('strokePath / unionRect', () => {
  it('paints every segment and returns the union of their rects', () => {
    const mask = blank(6, 6);
    // an L: (0.5,0.5) → (4.5,0.5) → (4.5,4.5), r = 0.5 paints the centres on the path
    const dirty = strokePath(mask, [{ x: 0.5, y: 0.5 }, { x: 4.5, y: 0.5 }, { x: 4.5, y: 4.5 }], 0.5, 255);
    expect(toRows(mask)).toEqual(['#####.', '....#.', '....#.', '....#.', '....#.', '......']);
    expect(dirty).toEqual({ x: 0, y: 0, width: 5, height: 5 });
    expect(strokePath(mask, [], 1, 255)).toBeUndefined();
  });

  it('unionRect', () => {
    expect(unionRect({ x: 0, y: 0, width: 2, height: 2 }, { x: 3, y: 1, width: 1, height: 4 })).toEqual({ x: 0, y: 0, width: 4, height: 5 });
    expect(unionRect(undefined, { x: 1, y: 1, width: 1, height: 1 })).toEqual({ x: 1, y: 1, width: 1, height: 1 });
  });
});

describe('strokeLine against the capsule definition', () => {
  it('paints exactly the pixels whose centre is within the radius of the segment', () => {
    let state = 42;
    const next = (): number => {
      state = (state * 1664525 + 1013904223) >>> 0;
      return state / 2 ** 32;
    };
    /** Distance from (px, py) to the segment a–b, straight from the definition. */
    const toSegment = (px: number, py: number, ax: number, ay: number, bx: number, by: number): number => {
      const dx = bx - ax;
      const dy = by - ay;
      const len2 = dx * dx + dy * dy;
      const t = len2 === 0 ? 0 : Math.min(1, Math.max(0, ((px - ax) * dx + (py - ay) * dy) / len2));
      return Math.hypot(px - (ax + t * dx), py - (ay + t * dy));
    };
    for (let trial = 0; trial < 200; trial++) {
      const mask = blank(20, 15);
      const a = { x: next() * 26 - 3, y: next() * 21 - 3 };
      const b = trial % 10 === 0 ? a : { x: next() * 26 - 3, y: next() * 21 - 3 };
      const radius = 0.3 + next() * 5;
      strokeLine(mask, a, b, radius, 255);
      const expected = Array.from({ length: 20 * 15 }, (_, i) => (toSegment((i % 20) + 0.5, Math.floor(i / 20) + 0.5, a.x, a.y, b.x, b.y) <= radius ? 255 : 0));
      expect(Array.from(mask.data)).toEqual(expected);
    }
  });
});
