import { describe, expect, it } from 'vitest';
import { drawnRect } from './drawn-rect';
import type { RGBAImage } from './types';

/** A canvas of `background`, with `fill` painted in `rect` (a stand-in for a drawn image). */
function canvas(width: number, height: number, background: number[], rect?: { x: number; y: number; width: number; height: number }, fill = [200, 40, 40, 255]): RGBAImage {
  const data = new Uint8ClampedArray(width * height * 4);
  for (let i = 0; i < width * height; i++) data.set(background, i * 4);
  if (rect) for (let y = rect.y; y < rect.y + rect.height; y++) for (let x = rect.x; x < rect.x + rect.width; x++) data.set(fill, (y * width + x) * 4);
  return { width, height, data };
}

describe('drawnRect', () => {
  it('finds an image drawn with transparent margins, whatever RGB the transparent pixels hold', () => {
    const image = canvas(100, 80, [0, 0, 0, 0], { x: 20, y: 10, width: 50, height: 40 });
    image.data.set([255, 255, 255, 0], 0); // transparent white is still background
    expect(drawnRect(image)).toEqual({ x: 20, y: 10, width: 50, height: 40 });
  });

  it('finds an image on a plain background colour, ignoring noise within the tolerance', () => {
    const image = canvas(100, 100, [30, 30, 30, 255], { x: 10, y: 25, width: 80, height: 50 });
    image.data.set([34, 27, 30, 255], (5 * 100 + 5) * 4);
    expect(drawnRect(image)).toEqual({ x: 10, y: 25, width: 80, height: 50 });
  });

  it('includes background-coloured pixels inside the drawn image', () => {
    const image = canvas(60, 60, [0, 0, 0, 0], { x: 10, y: 10, width: 40, height: 40 });
    image.data.set([0, 0, 0, 0], (30 * 60 + 30) * 4); // a transparent hole in the picture
    expect(drawnRect(image)).toEqual({ x: 10, y: 10, width: 40, height: 40 });
  });

  it('gives nothing when the image fills the canvas, the corners disagree, or nothing is drawn', () => {
    expect(drawnRect(canvas(50, 50, [200, 40, 40, 255]))).toBeUndefined();
    expect(drawnRect(canvas(50, 50, [0, 0, 0, 0]))).toBeUndefined();
    const photo = canvas(50, 50, [0, 0, 0, 0], { x: 0, y: 0, width: 25, height: 50 });
    expect(drawnRect(photo)).toBeUndefined();
  });

  it('does not crop an opaque picture whose corners merely share a colour (a river across a field)', () => {
    const field = canvas(100, 100, [40, 160, 60, 255]);
    for (let x = 0; x < 100; x++) for (let y = 40 + Math.round(10 * Math.sin(x / 8)); y < 60 + Math.round(10 * Math.sin(x / 8)); y++) field.data.set([30, 60, 200, 255], (y * 100 + x) * 4);
    expect(drawnRect(field)).toBeUndefined();
  });

  it('does not crop a one-pixel frame line', () => {
    const framed = canvas(200, 200, [255, 255, 255, 255], { x: 1, y: 1, width: 198, height: 198 });
    expect(drawnRect(framed)).toBeUndefined();
  });
});
