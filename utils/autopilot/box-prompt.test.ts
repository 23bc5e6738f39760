import { describe, expect, it } from 'vitest';
import { boxCentre, clipMaskToBox } from './box-prompt';

describe('box prompt', () => {
  it('prompts SAM at the box centre', () => {
    expect(boxCentre({ x0: 10, y0: 20, x1: 30, y1: 60 })).toEqual({ x: 20, y: 40, label: 1 });
  });
  it('keeps only the pixels inside the box, whatever the corner order', () => {
    const mask = new Uint8Array(16).fill(255);
    clipMaskToBox(mask, 4, { x0: 2, y0: 2, x1: 1, y1: 1 });
    expect([...mask]).toEqual([0, 0, 0, 0, 0, 255, 255, 0, 0, 255, 255, 0, 0, 0, 0, 0]);
  });
});
