/**
 * The full-size MI-GAN stand-in (migan.ts) has the real file's size, runs in onnxruntime-web
 * (wasm, Node, one thread) on a non-square image, composites like the real v2 pipeline, and builds
 * to the same bytes every time.
 */
import { createHash } from 'node:crypto';
import * as ort from 'onnxruntime-web';
import { beforeAll, describe, expect, it } from 'vitest';
import { miganMaskTensor } from '../../../models/migan/processor.ts';
import { MIGAN_FULL_SIZE_RESOLUTION, buildMiganFullSize } from './migan.ts';

ort.env.wasm.numThreads = 1;

/** migan_pipeline_v2.onnx on the Hub. */
const REAL_BYTES = 28_079_181;
const W = 640;
const H = 480;
const HOLE = { x: 200, y: 150, w: 130, h: 100 };

interface Window {
  x0: number;
  x1: number;
  y0: number;
  y1: number;
}

/**
 * The pipeline's crop (get_masked_bbox): a square of side max(hole side + 2·128, 512) centred on
 * the hole, shifted and clipped to stay inside the image. Only this window is written back.
 */
function cropWindow(): Window {
  const [hx0, hx1] = [HOLE.x, HOLE.x + HOLE.w - 1];
  const [hy0, hy1] = [HOLE.y, HOLE.y + HOLE.h - 1];
  const side = Math.max(Math.max(hx1 - hx0, hy1 - hy0) + 2 * 128, MIGAN_FULL_SIZE_RESOLUTION);
  const half = Math.floor(side / 2);
  const span = (a: number, b: number, size: number): [number, number] => {
    const c = Math.floor((a + b) / 2);
    const lo = Math.max(c - half, 0);
    const hi = Math.min(c + half, size);
    const excess = Math.max(side - (hi - lo), 0);
    return [Math.max(lo - excess, 0), Math.min(hi + excess, size)];
  };
  const [x0, x1] = span(hx0, hx1, W);
  const [y0, y1] = span(hy0, hy1, H);
  return { x0, x1, y0, y1 };
}

/** Chebyshev distance from (x, y) to the hole rectangle (0 inside it). */
function holeDistance(x: number, y: number): number {
  const dx = Math.max(HOLE.x - x, x - (HOLE.x + HOLE.w - 1), 0);
  const dy = Math.max(HOLE.y - y, y - (HOLE.y + HOLE.h - 1), 0);
  return Math.max(dx, dy);
}

let model: Uint8Array;

beforeAll(() => {
  model = buildMiganFullSize();
}, 60_000);

describe('full-size MI-GAN stand-in', { timeout: 60_000 }, () => {
  it('is as big as the real file (its parameters are the real ones)', () => {
    expect(Math.abs(model.length - REAL_BYTES) / REAL_BYTES).toBeLessThan(0.03);
  });

  it('builds to the same bytes every time', () => {
    const sha = (b: Uint8Array): string => createHash('sha256').update(b).digest('hex');
    expect(sha(buildMiganFullSize())).toBe(sha(model));
  });

  it('inpaints a non-square image inside the crop window only', async () => {
    const image = new Uint8Array(3 * W * H);
    for (let i = 0; i < image.length; i++) image[i] = (i * 37 + (i >> 9)) % 251;
    const mask = new Uint8Array(W * H).fill(255);
    for (let y = HOLE.y; y < HOLE.y + HOLE.h; y++) mask.fill(0, y * W + HOLE.x, y * W + HOLE.x + HOLE.w);

    const session = await ort.InferenceSession.create(model, { executionProviders: ['wasm'] });
    try {
      const { result } = await session.run({
        image: new ort.Tensor('uint8', image, [1, 3, H, W]),
        mask: new ort.Tensor('uint8', mask, [1, 1, H, W]),
      });
      expect(result?.type).toBe('uint8');
      expect(result?.dims).toEqual([1, 3, H, W]);
      const out = result?.data as Uint8Array;

      // Outside the window the input is copied. Inside, the blend weight is blur(dilate(mask))/255:
      // the hole's 1-pixel rim is blended with the generator, and elsewhere the weight is
      // 1 − 4·10⁻⁹ (float32 Gaussian, see migan.ts), so the uint8 cast truncates some kept values by 1.
      const win = cropWindow(); // columns [8, 520), rows [0, 480) for HOLE
      const bad = { outsideChanged: 0, insideOffByMore: 0 };
      const changed = { x0: W, x1: 0, y0: H, y1: 0 };
      const holeValues = new Set<number>();
      for (let y = 0; y < H; y++) {
        for (let x = 0; x < W; x++) {
          const inside = x >= win.x0 && x < win.x1 && y >= win.y0 && y < win.y1;
          const d = holeDistance(x, y);
          for (let c = 0; c < 3; c++) {
            const k = (c * H + y) * W + x;
            const diff = (out[k] as number) - (image[k] as number);
            if (d === 0) {
              holeValues.add(out[k] as number);
              continue;
            }
            if (diff !== 0) {
              changed.x0 = Math.min(changed.x0, x);
              changed.x1 = Math.max(changed.x1, x + 1);
              changed.y0 = Math.min(changed.y0, y);
              changed.y1 = Math.max(changed.y1, y + 1);
            }
            if (!inside && diff !== 0) bad.outsideChanged++;
            else if (inside && d >= 2 && (diff < -1 || diff > 0)) bad.insideOffByMore++;
          }
        }
      }
      expect(changed).toEqual(win);
      expect(bad).toEqual({ outsideChanged: 0, insideOffByMore: 0 });
      // Random weights paint noise, but a NaN or saturated generator would paint one value.
      expect(holeValues.size).toBeGreaterThan(16);
    } finally {
      await session.release();
    }
  }, 60_000);

  it('fills our whole region from the model: with the product\'s grown mask nothing of the old content leaks in', async () => {
    // Two images that differ only inside our region (blue vs red): the v2 blend would mix the old
    // colour into the region's last 3 px if the mask the product sends were not grown.
    const ours = new Uint8Array(W * H);
    for (let y = HOLE.y; y < HOLE.y + HOLE.h; y++) ours.fill(255, y * W + HOLE.x, y * W + HOLE.x + HOLE.w);
    const mask = new ort.Tensor('uint8', miganMaskTensor({ width: W, height: H, data: ours }), [1, 1, H, W]);
    const paint = (inside: readonly number[]): ort.Tensor => {
      const image = new Uint8Array(3 * W * H);
      for (let c = 0; c < 3; c++) {
        for (let p = 0; p < W * H; p++) image[c * W * H + p] = ours[p] ? inside[c]! : (p * 7 + c * 50) % 200;
      }
      return new ort.Tensor('uint8', image, [1, 3, H, W]);
    };
    const session = await ort.InferenceSession.create(model, { executionProviders: ['wasm'] });
    try {
      const blue = (await session.run({ image: paint([0, 0, 255]), mask })).result!.data as Uint8Array;
      const red = (await session.run({ image: paint([255, 0, 0]), mask })).result!.data as Uint8Array;
      let differing = 0;
      for (let c = 0; c < 3; c++) for (let p = 0; p < W * H; p++) if (ours[p] && blue[c * W * H + p] !== red[c * W * H + p]) differing++;
      expect(differing).toBe(0);
    } finally {
      await session.release();
    }
  }, 60_000);
});
