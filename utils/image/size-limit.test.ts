import { describe, expect, it } from 'vitest';
import { downscaledSize, overLimit } from './size-limit';

describe('the 16 Mpx limit', () => {
  it('lets 4096² through and asks about anything larger', () => {
    expect(overLimit(4096, 4096)).toBe(false);
    expect(overLimit(4097, 4096)).toBe(true);
    expect(overLimit(4200, 4200)).toBe(true);
    expect(overLimit(10000, 1000)).toBe(false); // 10 Mpx: long but within the limit
  });

  it('downscales to a longer side of 4096, keeping the aspect', () => {
    expect(downscaledSize(4200, 4200)).toEqual({ width: 4096, height: 4096 });
    expect(downscaledSize(8000, 6000)).toEqual({ width: 4096, height: 3072 });
    expect(downscaledSize(3000, 9000)).toEqual({ width: 1365, height: 4096 });
    expect(downscaledSize(100000, 2)).toEqual({ width: 4096, height: 1 });
    expect(downscaledSize(1024, 768)).toEqual({ width: 1024, height: 768 });
  });
});
