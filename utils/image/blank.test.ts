import { describe, expect, it } from 'vitest';
import { isBlank } from './blank';

const image = (width: number, height: number, fill?: (data: Uint8ClampedArray) => void) => {
  const data = new Uint8ClampedArray(width * height * 4);
  fill?.(data);
  return { width, height, data };
};

describe('isBlank', () => {
  it('is true for a copy that is all transparent black', () => {
    expect(isBlank(image(64, 48))).toBe(true);
  });

  it('is false as soon as one channel of one pixel is set (a black opaque pixel, a transparent coloured one)', () => {
    expect(isBlank(image(64, 48, (d) => (d[4 * 100 + 3] = 255)))).toBe(false);
    expect(isBlank(image(64, 48, (d) => (d[d.length - 2] = 1)))).toBe(false);
  });

  it('reads a view that does not start on a word boundary', () => {
    const buffer = new Uint8ClampedArray(1 + 3 * 3 * 4);
    const view = new Uint8ClampedArray(buffer.buffer, 1, 3 * 3 * 4);
    expect(isBlank({ width: 3, height: 3, data: view })).toBe(true);
    view[20] = 7;
    expect(isBlank({ width: 3, height: 3, data: view })).toBe(false);
  });
});
