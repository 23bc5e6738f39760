import { describe, expect, it } from 'vitest';
import { bestMaskIndex, samFrame, samMaskToNatural, samPixelValues, samPromptTensors } from './processor';

describe('samFrame', () => {
  it('fits the longest side to 1024, rounding like SamImageProcessor', () => {
    expect(samFrame(800, 600)).toMatchObject({ scale: 1.28, resizedWidth: 1024, resizedHeight: 768 });
    expect(samFrame(1000, 333)).toMatchObject({ resizedWidth: 1024, resizedHeight: 341 }); // 340.99 → 341
    expect(samFrame(2048, 4096)).toMatchObject({ scale: 0.25, resizedWidth: 512, resizedHeight: 1024 });
  });
});

describe('samPromptTensors', () => {
  it('scales natural points into the resized frame, per axis', () => {
    const { coords, labels } = samPromptTensors(
      [{ x: 400, y: 300, label: 1 }, { x: 0, y: 599, label: 0 }],
      samFrame(800, 600),
    );
    expect(Array.from(coords)).toEqual([512, 384, 0, 766.719970703125]);
    expect(Array.from(labels)).toEqual([1n, 0n]);
  });
});

describe('samPixelValues', () => {
  it('pads below a landscape image with zeros (the normalised mean)', () => {
    const width = 8;
    const height = 4;
    const data = new Uint8ClampedArray(width * height * 4).fill(255);
    const pixels = samPixelValues({ width, height, data });
    const inside = pixels[0]!; // (0,0) red channel of white
    expect(inside).toBeCloseTo((1 - 0.485) / 0.229, 4);
    expect(pixels[600 * 1024 + 10]).toBe(0); // row 600 > 512 resized rows: padding
  });
});

describe('samMaskToNatural', () => {
  it('un-pads and upsamples low-res logits to the natural size', () => {
    // 800×600 → resized 1024×768 → valid low-res cells 256×192. Left half positive.
    const logits = new Float32Array(256 * 256).fill(-5);
    for (let y = 0; y < 256; y++) for (let x = 0; x < 128; x++) logits[y * 256 + x] = 5;
    const mask = samMaskToNatural(logits, 0, samFrame(800, 600));
    expect(mask.width).toBe(800);
    expect(mask.height).toBe(600);
    // 128 cells of 256 ↔ 512 resized px ↔ 400 natural px.
    expect(mask.data[300 * 800 + 398]).toBe(255);
    expect(mask.data[300 * 800 + 402]).toBe(0);
    expect(mask.data[599 * 800 + 10]).toBe(255); // the last natural row maps inside the valid rows
  });

  it('reads the requested mask of several', () => {
    const logits = new Float32Array(3 * 4 * 4).fill(-1);
    logits.fill(1, 32, 48); // third mask all positive
    const mask = samMaskToNatural(logits, 2, samFrame(16, 16), 4);
    expect(mask.data.every((v) => v === 255)).toBe(true);
    expect(samMaskToNatural(logits, 0, samFrame(16, 16), 4).data.every((v) => v === 0)).toBe(true);
  });
});

/** samMaskToNatural as it was before its spans: one lerp per pixel (the reference). */
function perPixelReference(logits: Float32Array, index: number, frame: ReturnType<typeof samFrame>, maskSize: number): Uint8Array {
  const { naturalWidth: w, naturalHeight: h } = frame;
  const out = new Uint8Array(w * h);
  const max = maskSize - 1;
  const kx = (frame.resizedWidth / w) * (maskSize / 1024);
  const ky = (frame.resizedHeight / h) * (maskSize / 1024);
  for (let y = 0; y < h; y++) {
    const v = Math.min(max, Math.max(0, (y + 0.5) * ky - 0.5));
    const [y0, wy] = [Math.floor(v), v - Math.floor(v)];
    const y1 = Math.min(max, y0 + 1);
    for (let x = 0; x < w; x++) {
      const u = Math.min(max, Math.max(0, (x + 0.5) * kx - 0.5));
      const x0 = Math.floor(u);
      const x1 = Math.min(max, x0 + 1);
      const wx = Math.fround(u - x0);
      const at = (yy: number, xx: number) => logits[index * maskSize * maskSize + yy * maskSize + xx]!;
      const a = at(y0, x0) + (at(y1, x0) - at(y0, x0)) * wy;
      const b = at(y0, x1) + (at(y1, x1) - at(y0, x1)) * wy;
      out[y * w + x] = a + (b - a) * wx > 0 ? 255 : 0;
    }
  }
  return out;
}

describe('samMaskToNatural spans', () => {
  it('gives exactly the per-pixel result: noisy logits, edges near zero, up- and downsampling, several masks', () => {
    let seed = 7;
    const random = () => ((seed = (seed * 1103515245 + 12345) >>> 0) / 2 ** 32);
    for (const [w, h, maskSize] of [[800, 600, 256], [1024, 1024, 256], [333, 1000, 64], [4000, 3000, 256], [5, 3, 4]] as const) {
      const logits = new Float32Array(2 * maskSize * maskSize);
      for (let i = 0; i < logits.length; i++) {
        const x = i % maskSize;
        const y = Math.floor(i / maskSize) % maskSize;
        // Blobs with noise, plain zeros and tiny values of both signs around them.
        const blob = 20 - Math.hypot(x - maskSize / 3, y - maskSize / 2) * (40 / maskSize);
        logits[i] = random() < 0.05 ? 0 : random() < 0.05 ? (random() - 0.5) * 1e-30 : blob + (random() - 0.5) * 8;
      }
      const frame = samFrame(w, h);
      for (const index of [0, 1]) {
        const fast = samMaskToNatural(logits, index, frame, maskSize).data;
        expect(Buffer.compare(fast, perPixelReference(logits, index, frame, maskSize)), `${w}×${h}, mask ${index}`).toBe(0);
      }
    }
  });
});

describe('bestMaskIndex', () => {
  it('picks the highest predicted IoU', () => {
    expect(bestMaskIndex([0.5, 0.9, 0.7])).toBe(1);
  });
});
