import { describe, expect, it } from 'vitest';
import { fromFloat16, isHalfNonFinite, toFloat16 } from './float16';

describe('float16', () => {
  it('packs IEEE half, round to nearest even, overflow to infinity', () => {
    expect(Array.from(toFloat16([0, 1, -2, 0.5, 65504, 1e6, 2 ** -24]))).toEqual([0, 0x3c00, 0xc000, 0x3800, 0x7bff, 0x7c00, 1]);
    expect(Array.from(toFloat16([1 + 2 ** -11, 1234.5]))).toEqual([0x3c00, 0x64d2]); // ties round to even
  });

  it('reads back within half precision (relative error ≤ 2^-11)', () => {
    const values = [0.1, -3.75, 1234, 6e-5, -0.0421, 300.3];
    fromFloat16(toFloat16(values)).forEach((v, i) => expect(Math.abs(v - values[i]!)).toBeLessThanOrEqual(Math.abs(values[i]!) * 2 ** -11 + 2 ** -25));
  });

  it('keeps NaN and infinities, and says which bits are not finite', () => {
    const back = fromFloat16(toFloat16([NaN, Infinity, -Infinity, 70000]));
    expect(back[0]).toBeNaN();
    expect(Array.from(back.slice(1))).toEqual([Infinity, -Infinity, Infinity]);
    expect(Array.from(toFloat16([NaN, Infinity, -1e9, 65504, 0]), isHalfNonFinite)).toEqual([true, true, true, false, false]);
  });
});
