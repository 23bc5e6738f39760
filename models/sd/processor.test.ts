import { describe, expect, it } from 'vitest';
import { blendLatents, clipTokenizerJson, imageToPlanar, latentMask, padTokenIds, planarToImage, workingSize } from './processor';

const rgba = (width: number, height: number, rgb: [number, number, number]) => ({
  width,
  height,
  data: new Uint8ClampedArray(width * height * 4).map((_, i) => (i % 4 === 3 ? 255 : rgb[i % 4]!)),
});

describe('SD processor', () => {
  it('maps pixels to planar [-1,1] and back exactly for 8-bit values', () => {
    const image = rgba(2, 1, [255, 0, 51]);
    const planar = imageToPlanar(image);
    expect(Array.from(planar)).toEqual([1, 1, -1, -1, 51 / 127.5 - 1, 51 / 127.5 - 1].map((v) => Math.fround(v)));
    expect(planarToImage(planar, 2, 1).data).toEqual(image.data);
  });

  it('zeroes the pixels to repaint in the masked image (diffusers: image × (mask < 0.5))', () => {
    const planar = imageToPlanar(rgba(2, 1, [255, 255, 255]), { width: 2, height: 1, data: new Uint8Array([255, 0]) });
    expect(Array.from(planar)).toEqual([0, 1, 0, 1, 0, 1]);
  });

  it('repaints a latent when any pixel of its 8×8 block is masked', () => {
    const mask = { width: 16, height: 8, data: new Uint8Array(128) };
    mask.data[7 * 16 + 15] = 255; // one pixel in the right block
    expect(Array.from(latentMask(mask, 2, 1))).toEqual([0, 1]);
  });

  it('keeps the aspect, caps the long side and rounds to multiples of 8', () => {
    expect(workingSize(1000, 500, 512)).toEqual({ width: 512, height: 256 });
    expect(workingSize(100, 30, 512)).toEqual({ width: 104, height: 64 });
    expect(workingSize(333, 250, 256)).toEqual({ width: 256, height: 192 });
  });

  it('blends latents per position across the 4 channels', () => {
    const a = Float32Array.from([1, 1, 1, 1, 1, 1, 1, 1]);
    const b = new Float32Array(8);
    expect(Array.from(blendLatents(a, b, Float32Array.from([1, 0])))).toEqual([1, 0, 1, 0, 1, 0, 1, 0]);
  });

  it('pads token ids to 77 and keeps the end token when cutting', () => {
    expect(padTokenIds([5, 6, 7], 0, 5)).toEqual([5, 6, 7, 0, 0]);
    expect(padTokenIds([1, 2, 3, 4, 9], 0, 3)).toEqual([1, 2, 9]);
  });

  it('builds a CLIP BPE tokenizer.json from vocab.json and merges.txt', () => {
    const json = clipTokenizerJson({ '<|startoftext|>': 3, '<|endoftext|>': 4, a: 0 }, '#version: 0.2\nr e\nre d</w>\n');
    expect(json['model']).toMatchObject({ type: 'BPE', merges: ['r e', 're d</w>'], end_of_word_suffix: '</w>' });
    expect(json['post_processor']).toMatchObject({ cls: ['<|startoftext|>', 3], sep: ['<|endoftext|>', 4] });
    expect(() => clipTokenizerJson({ a: 0 }, '')).toThrow(/startoftext/);
  });
});
