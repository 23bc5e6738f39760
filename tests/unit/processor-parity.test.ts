/**
 * Parity of our SAM and CLIP pre-processing (models/sam/processor.ts, models/clip/processor.ts)
 * with transformers.js's SamImageProcessor and CLIPImageProcessor (Node: resizing by sharp), run
 * with the same preprocessor_config.json on the same images.
 *
 * Geometry, normalisation and padding must agree exactly: the same resized size, the same crop,
 * zeros in the same padding. Pixel values may differ only by the resampling filter (ours: bilinear,
 * averaged over the footprint when shrinking; the reference: sharp's bilinear for SAM, bicubic for
 * CLIP), so they are compared in 8-bit levels. Stated tolerance, on smooth images: SAM mean < 1,
 * max < 4 levels; CLIP (bicubic reference) mean < 2, max < 8 levels; measured: SAM ≤ 0.30 / 0.75,
 * CLIP ≤ 1.0 / 4.9 (the most when enlarging 150×100, where bicubic and bilinear differ most).
 */
import { describe, expect, it } from 'vitest';
import { CLIPImageProcessor, RawImage, SamImageProcessor } from '@huggingface/transformers';
import { clipPixelValues } from '../../models/clip/processor';
import { samFrame, samPixelValues, SAM_INPUT_SIZE } from '../../models/sam/processor';
import type { RGBAImage } from '../../utils/image/types';
import { clipConfigFiles, buildClipTokenizer } from '../models/clip';
import { samConfigFiles } from '../models/sam';

/** A smooth image: low-frequency waves in each channel (what photographs mostly are at this scale). */
function smoothImage(width: number, height: number): RGBAImage {
  const data = new Uint8ClampedArray(width * height * 4);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const i = (y * width + x) * 4;
      data[i] = 128 + 100 * Math.sin((2 * Math.PI * x) / width);
      data[i + 1] = 128 + 100 * Math.cos((3 * Math.PI * y) / height);
      data[i + 2] = (255 * (x + y)) / (width + height);
      data[i + 3] = 255;
    }
  }
  return { width, height, data };
}

function rgb(image: RGBAImage): RawImage {
  const data = new Uint8ClampedArray(image.width * image.height * 3);
  for (let p = 0; p < image.width * image.height; p++) for (let c = 0; c < 3; c++) data[p * 3 + c] = image.data[p * 4 + c]!;
  return new RawImage(data, image.width, image.height, 3);
}

interface Difference {
  /** Mean and largest |ours − reference|, in 8-bit levels (normalised difference × std × 255). */
  meanLevels: number;
  maxLevels: number;
}

/**
 * Compares planar [3, size, size] tensors over width × height, in 8-bit levels, leaving out
 * `edge` rows and columns at each border: when sharp enlarges, its affine resize blends the edge with its
 * black background (up to 155 levels darker there; bicubic reaches 2 source pixels, 3 output pixels
 * at 1.5×), where PIL (Python
 * transformers) and our resampler repeat the edge pixel.
 */
function difference(ours: Float32Array, reference: Float32Array, size: number, width: number, height: number, std: readonly number[], edge: number): Difference {
  let sum = 0;
  let max = 0;
  for (let c = 0; c < 3; c++) {
    for (let y = edge; y < height - edge; y++) {
      for (let x = edge; x < width - edge; x++) {
        const i = c * size * size + y * size + x;
        const levels = Math.abs(ours[i]! - reference[i]!) * std[c]! * 255;
        sum += levels;
        max = Math.max(max, levels);
      }
    }
  }
  return { meanLevels: sum / (3 * (width - 2 * edge) * (height - 2 * edge)), maxLevels: max };
}

const samConfig = samConfigFiles()['preprocessor_config.json'] as Record<string, unknown>;
const clipConfig = clipConfigFiles(buildClipTokenizer())['preprocessor_config.json'] as Record<string, unknown>;
const IMAGENET_STD = [0.229, 0.224, 0.225];
const CLIP_STD = [0.26862954, 0.26130258, 0.27577711];

describe('SAM pre-processing matches SamImageProcessor', () => {
  const processor = new SamImageProcessor(samConfig);
  it('rounds the resized side half up like Python transformers (transformers.js rounds down)', async () => {
    // 700 × 1024/1000 = 716.8: SamImageProcessor (Python) gives int(716.8 + 0.5) = 717, the size the
    // model was exported with; transformers.js floors it to 716. We follow Python.
    const reference = await processor(rgb(smoothImage(700, 1000)));
    expect(reference.reshaped_input_sizes).toEqual([[1024, 716]]);
    expect(samFrame(700, 1000)).toMatchObject({ resizedWidth: 717, resizedHeight: 1024 });
  });

  for (const [width, height] of [
    [640, 480],
    [2048, 1536],
    [600, 1000],
  ] as const) {
    it(`${width}×${height}: same resized size and padding, pixels within the stated tolerance`, async () => {
      const image = smoothImage(width, height);
      const reference = await processor(rgb(image));
      const refValues = reference.pixel_values.data as Float32Array;
      expect(reference.pixel_values.dims).toEqual([1, 3, SAM_INPUT_SIZE, SAM_INPUT_SIZE]);
      const frame = samFrame(width, height);
      const [[resizedHeight, resizedWidth]] = reference.reshaped_input_sizes as [[number, number]];
      expect([frame.resizedWidth, frame.resizedHeight]).toEqual([resizedWidth, resizedHeight]);
      const ours = samPixelValues(image, frame);
      // Padding: every value outside the resized image is 0 (after normalising), in both.
      let paddingValues = 0;
      for (let c = 0; c < 3; c++) {
        for (let y = 0; y < SAM_INPUT_SIZE; y++) {
          for (let x = y < resizedHeight ? resizedWidth : 0; x < SAM_INPUT_SIZE; x++) {
            const i = c * SAM_INPUT_SIZE * SAM_INPUT_SIZE + y * SAM_INPUT_SIZE + x;
            if (ours[i] !== 0 || refValues[i] !== 0) paddingValues++;
          }
        }
      }
      expect(paddingValues).toBe(0);
      const diff = difference(ours, refValues, SAM_INPUT_SIZE, resizedWidth, resizedHeight, IMAGENET_STD, 1);
      console.log(`SAM ${width}×${height}: mean ${diff.meanLevels.toFixed(3)}, max ${diff.maxLevels.toFixed(2)} levels`);
      expect(diff.meanLevels).toBeLessThan(1);
      expect(diff.maxLevels).toBeLessThan(4);
    });
  }
});

describe('CLIP pre-processing matches CLIPImageProcessor (bicubic, shortest side, centre crop)', () => {
  const processor = new CLIPImageProcessor(clipConfig);
  for (const [width, height] of [
    [640, 480],
    [480, 800],
    [224, 224],
    [150, 100],
  ] as const) {
    it(`${width}×${height}: same crop, pixels within the stated tolerance`, async () => {
      const image = smoothImage(width, height);
      const reference = await processor(rgb(image));
      expect(reference.pixel_values.dims).toEqual([1, 3, 224, 224]);
      const diff = difference(clipPixelValues(image), reference.pixel_values.data as Float32Array, 224, 224, 224, CLIP_STD, 3);
      console.log(`CLIP ${width}×${height}: mean ${diff.meanLevels.toFixed(3)}, max ${diff.maxLevels.toFixed(2)} levels`);
      expect(diff.meanLevels).toBeLessThan(2);
      expect(diff.maxLevels).toBeLessThan(8);
    });
  }
});
