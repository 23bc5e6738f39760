import { describe, expect, it } from 'vitest';
import { bakedLayers, combineLayers, emptyLayers, PAINT_ADD, PAINT_ERASE } from './layers';

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
});
