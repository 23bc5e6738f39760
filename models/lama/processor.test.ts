import { describe, expect, it } from 'vitest';
import { lamaImageTensor, lamaMaskTensor, lamaOutputToImage } from './processor';

describe('LaMa processor', () => {
  it('feeds planar RGB in 0..1 and a 0/1 mask with 1 = fill (our polarity)', () => {
    const image = { width: 2, height: 1, data: new Uint8ClampedArray([255, 0, 51, 255, 0, 102, 255, 255]) };
    expect(lamaImageTensor(image)).toEqual(new Float32Array([1, 0, 0, 0.4, 0.2, 1]));
    expect(Array.from(lamaMaskTensor({ width: 3, height: 1, data: new Uint8Array([255, 0, 130]) }))).toEqual([1, 0, 1]);
  });
  it('reads the 0..255 output, and scales a 0..1 one', () => {
    expect(Array.from(lamaOutputToImage(new Float32Array([10, 200, 30]), 1, 1).data)).toEqual([10, 200, 30, 255]);
    expect(Array.from(lamaOutputToImage(new Float32Array([0, 0.5, 1]), 1, 1).data)).toEqual([0, 128, 255, 255]);
    expect(() => lamaOutputToImage(new Float32Array(2), 1, 1)).toThrow(/2 values/);
  });
});
