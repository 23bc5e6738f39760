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

  it('gives the per-pixel result for every mix of layers, at any length and buffer offset', () => {
    let seed = 11;
    const random = () => ((seed = (seed * 1103515245 + 12345) >>> 0) / 2 ** 32);
    const pick = (values: number[]) => values[Math.floor(random() * values.length)]!;
    for (const [length, offset] of [[4096, 0], [1027, 0], [1027, 1], [7, 3]] as const) {
      // Runs, so whole words of one kind occur as well as mixed ones.
      const layer = (values: number[]) => {
        const out = new Uint8Array(length + offset);
        for (let i = offset; i < out.length; ) {
          const run = 1 + Math.floor(random() * 12);
          out.fill(pick(values), i, i + run);
          i += run;
        }
        return out.subarray(offset);
      };
      const layers = { ...emptyLayers(length), base: layer([0, 0, 255, 40]), sam: layer([0, 0, 255]), paint: layer([0, 0, 0, PAINT_ADD, PAINT_ERASE]), painted: true };
      const expected = Array.from({ length }, (_, i) => (layers.paint[i] === PAINT_ERASE ? 0 : layers.paint[i] === PAINT_ADD ? 255 : Math.max(layers.base[i]!, layers.sam[i]!)));
      expect(Buffer.compare(combineLayers(layers), Uint8Array.from(expected)), `${length} px at offset ${offset}`).toBe(0);
    }
  });

  it('baked layers show the baked mask and nothing else', () => {
    const mask = new Uint8Array([0, 255, 40]);
    const layers = bakedLayers(mask);
    expect([...combineLayers(layers)]).toEqual([0, 255, 40]);
    expect(layers.points).toEqual([]);
  });
});
