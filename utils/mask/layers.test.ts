import { describe, expect, it } from 'vitest';
import { bakedLayers, boxCentre, clipToBox, combineLayers, emptyLayers, PAINT_ADD, PAINT_ERASE } from './layers';

describe('mask layers', () => {
  it('a clicks-only mask is SAM selection itself (no copy per click)', () => {
    const layers = emptyLayers(4);
    layers.sam.set([0, 255, 255, 0]);
    expect(combineLayers(layers)).toBe(layers.sam);
  });

  it('combines base, SAM and brush: added pixels on, erased pixels off, whatever is under them', () => {
    const layers = { ...emptyLayers(5), painted: true };
    layers.base.set([128, 0, 0, 255, 0]);
    layers.sam.set([0, 255, 0, 255, 0]);
    layers.paint.set([0, PAINT_ERASE, PAINT_ADD, PAINT_ERASE, 0]);
    expect([...combineLayers(layers)]).toEqual([128, 0, 255, 0, 0]);
  });

  it('starts from a given mask, soft values kept, and copies it', () => {
    const start = new Uint8Array([0, 100, 255]);
    const layers = emptyLayers(3, start);
    start[0] = 9;
    expect([...combineLayers(layers)]).toEqual([0, 100, 255]);
  });

  it('ignores a starting mask of the wrong size', () => {
    expect([...combineLayers(emptyLayers(2, new Uint8Array(3).fill(255)))]).toEqual([0, 0]);
  });

  it('baked layers show the baked mask and nothing else', () => {
    const mask = new Uint8Array([0, 255, 40]);
    const layers = bakedLayers(mask);
    expect([...combineLayers(layers)]).toEqual([0, 255, 40]);
    expect(layers.points).toEqual([]);
  });

  it('clips a selection to a box given corner to corner in either order', () => {
    const mask = new Uint8Array(16).fill(255); // 4×4
    clipToBox(mask, 4, { x0: 2, y0: 2, x1: 1, y1: 1 });
    const on = [...mask.keys()].filter((i) => mask[i]);
    expect(on).toEqual([5, 6, 9, 10]);
    expect(boxCentre({ x0: 2, y0: 2, x1: 1, y1: 1 })).toEqual({ x: 1.5, y: 1.5, label: 1 });
  });
});
