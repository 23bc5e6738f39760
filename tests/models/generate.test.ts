/**
 * Generates the tiny test models, runs them with onnxruntime-web (wasm) in Node and checks that
 * they compute what tests/models/README.md promises.
 */
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Tokenizer } from '@huggingface/tokenizers';
import * as ort from 'onnxruntime-web';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateTestModels } from './generate.ts';
import {
  CLIP_COLOURS,
  CLIP_IMAGE_MEAN,
  CLIP_IMAGE_NEUTRAL_BIAS,
  CLIP_IMAGE_SIZE,
  CLIP_IMAGE_STD,
  CLIP_MAX_LENGTH,
  CLIP_NEUTRAL_DIM,
  CLIP_REPO,
  CLIP_TEXT_NEUTRAL_BIAS,
  MIGAN_FILE,
  MIGAN_REPO,
  MODEL_FILES,
  SAM_DISC_RADIUS,
  SAM_EMB,
  SAM_IMAGE_MEAN,
  SAM_IMAGE_SIZE,
  SAM_IMAGE_STD,
  SAM_IOU_SCORES,
  SAM_POS,
  SAM_REPO,
  clipColourIndex,
} from './semantics.ts';

ort.env.wasm.numThreads = 1;

type RGB = readonly [number, number, number];

// ---------------------------------------------------------------------------------------------
// Test-local image helpers (RGB, row-major, 3 bytes per pixel)
// ---------------------------------------------------------------------------------------------

interface Img {
  w: number;
  h: number;
  data: Uint8Array;
}

interface Rect {
  x: number;
  y: number;
  w: number;
  h: number;
}

function solid(w: number, h: number, c: RGB): Img {
  const data = new Uint8Array(w * h * 3);
  for (let i = 0; i < w * h; i++) data.set(c, i * 3);
  return { w, h, data };
}

function fillRect(img: Img, r: Rect, c: RGB): void {
  for (let y = r.y; y < r.y + r.h; y++) {
    for (let x = r.x; x < r.x + r.w; x++) img.data.set(c, (y * img.w + x) * 3);
  }
}

function inRect(r: Rect, x: number, y: number): boolean {
  return x >= r.x && x < r.x + r.w && y >= r.y && y < r.y + r.h;
}

/** Bilinear resize, half-pixel centres (as PIL / canvas do for upscaling). */
function resizeBilinear(img: Img, w: number, h: number): Img {
  const out = new Uint8Array(w * h * 3);
  const sx = img.w / w;
  const sy = img.h / h;
  for (let y = 0; y < h; y++) {
    const fy = Math.min(Math.max((y + 0.5) * sy - 0.5, 0), img.h - 1);
    const y0 = Math.floor(fy);
    const y1 = Math.min(y0 + 1, img.h - 1);
    const ty = fy - y0;
    for (let x = 0; x < w; x++) {
      const fx = Math.min(Math.max((x + 0.5) * sx - 0.5, 0), img.w - 1);
      const x0 = Math.floor(fx);
      const x1 = Math.min(x0 + 1, img.w - 1);
      const tx = fx - x0;
      for (let c = 0; c < 3; c++) {
        const p = (xx: number, yy: number): number => img.data[(yy * img.w + xx) * 3 + c] as number;
        const v = (1 - ty) * ((1 - tx) * p(x0, y0) + tx * p(x1, y0)) + ty * ((1 - tx) * p(x0, y1) + tx * p(x1, y1));
        out[(y * w + x) * 3 + c] = Math.round(v);
      }
    }
  }
  return { w, h, data: out };
}

/** SAM preprocessing: longest side → 1024 (bilinear), /255, ImageNet normalize, zero-pad. */
function samPreprocess(img: Img): { pixelValues: ort.Tensor; rw: number; rh: number; scale: number } {
  const scale = SAM_IMAGE_SIZE / Math.max(img.w, img.h);
  const rw = Math.round(img.w * scale);
  const rh = Math.round(img.h * scale);
  const resized = rw === img.w && rh === img.h ? img : resizeBilinear(img, rw, rh);
  const S = SAM_IMAGE_SIZE;
  const px = new Float32Array(3 * S * S); // zero = padding
  for (let y = 0; y < rh; y++) {
    for (let x = 0; x < rw; x++) {
      for (let c = 0; c < 3; c++) {
        const v = (resized.data[(y * rw + x) * 3 + c] as number) / 255;
        px[c * S * S + y * S + x] = (v - (SAM_IMAGE_MEAN[c] as number)) / (SAM_IMAGE_STD[c] as number);
      }
    }
  }
  return { pixelValues: new ort.Tensor('float32', px, [1, 3, S, S]), rw, rh, scale };
}

/** CLIP preprocessing for an image that is already 224×224. */
function clipPixels(imgs: Img[]): ort.Tensor {
  const S = CLIP_IMAGE_SIZE;
  const px = new Float32Array(imgs.length * 3 * S * S);
  imgs.forEach((img, b) => {
    expect([img.w, img.h]).toEqual([S, S]);
    for (let i = 0; i < S * S; i++) {
      for (let c = 0; c < 3; c++) {
        const v = (img.data[i * 3 + c] as number) / 255;
        px[(b * 3 + c) * S * S + i] = (v - (CLIP_IMAGE_MEAN[c] as number)) / (CLIP_IMAGE_STD[c] as number);
      }
    }
  });
  return new ort.Tensor('float32', px, [imgs.length, 3, S, S]);
}

// ---------------------------------------------------------------------------------------------
// Session helpers
// ---------------------------------------------------------------------------------------------

let outDir = '';
const sessions = new Map<string, ort.InferenceSession>();

async function session(repo: string, path: string): Promise<ort.InferenceSession> {
  const key = `${repo}/${path}`;
  let s = sessions.get(key);
  if (!s) {
    s = await ort.InferenceSession.create(await readFile(join(outDir, key)), { executionProviders: ['wasm'] });
    sessions.set(key, s);
  }
  return s;
}

function f32(t: ort.Tensor | undefined): Float32Array {
  if (!t) throw new Error('missing output');
  return t.data as Float32Array;
}

function maxOf(a: ArrayLike<number>): number {
  let m = -Infinity;
  for (let i = 0; i < a.length; i++) m = Math.max(m, a[i] as number);
  return m;
}

function sameValues(a: ArrayLike<number>, b: ArrayLike<number>): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

function cos(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let ab = 0;
  let aa = 0;
  let bb = 0;
  for (let i = 0; i < a.length; i++) {
    const x = a[i] as number;
    const y = b[i] as number;
    ab += x * y;
    aa += x * x;
    bb += y * y;
  }
  return ab / Math.sqrt(aa * bb);
}

beforeAll(async () => {
  outDir = await mkdtemp(join(tmpdir(), 'inpaint-test-models-'));
  const t0 = performance.now();
  await generateTestModels(outDir);
  const ms = performance.now() - t0;
  expect(ms).toBeLessThan(5000);
});

afterAll(async () => {
  for (const s of sessions.values()) await s.release();
  if (outDir) await rm(outDir, { recursive: true, force: true });
});

describe('generator', () => {
  it('writes every file of the Hub layout, small, and is idempotent', async () => {
    for (const [repo, files] of Object.entries(MODEL_FILES)) {
      for (const f of files) {
        const st = await stat(join(outDir, repo, f));
        expect(st.size).toBeGreaterThan(0);
        expect(st.size).toBeLessThan(2 * 1024 * 1024);
      }
    }
    const a = await readFile(join(outDir, SAM_REPO, 'onnx/vision_encoder.onnx'));
    // The dtype variants are real conversions (tests/unit/precision.test.ts checks them), not copies.
    for (const variant of ['vision_encoder_quantized.onnx', 'vision_encoder_fp16.onnx']) {
      expect(Buffer.compare(a, await readFile(join(outDir, SAM_REPO, 'onnx', variant)))).not.toBe(0);
    }
    await generateTestModels(outDir);
    expect(Buffer.compare(a, await readFile(join(outDir, SAM_REPO, 'onnx/vision_encoder.onnx')))).toBe(0);
  });

  it('writes the SAM and CLIP configs the processors need', async () => {
    const samPre = JSON.parse(await readFile(join(outDir, SAM_REPO, 'preprocessor_config.json'), 'utf8'));
    expect(samPre).toMatchObject({
      processor_class: 'SamProcessor',
      image_processor_type: 'SamImageProcessor',
      size: { longest_edge: 1024 },
      pad_size: { height: 1024, width: 1024 },
      do_pad: true,
      do_normalize: true,
    });
    const samCfg = JSON.parse(await readFile(join(outDir, SAM_REPO, 'config.json'), 'utf8'));
    expect(samCfg.model_type).toBe('sam');
    const clipCfg = JSON.parse(await readFile(join(outDir, CLIP_REPO, 'config.json'), 'utf8'));
    expect(clipCfg).toMatchObject({ model_type: 'clip', projection_dim: 512 });
    const clipPre = JSON.parse(await readFile(join(outDir, CLIP_REPO, 'preprocessor_config.json'), 'utf8'));
    expect(clipPre).toMatchObject({ size: { shortest_edge: 224 }, do_center_crop: true });
  });
});

// ---------------------------------------------------------------------------------------------
// SAM
// ---------------------------------------------------------------------------------------------

describe('SAM (Xenova/slimsam-77-uniform)', () => {
  const BLUE: RGB = [0, 0, 255];
  const RED: RGB = [255, 0, 0];
  const DARK_RED: RGB = [180, 0, 0];

  async function encode(img: Img) {
    const pre = samPreprocess(img);
    const enc = await session(SAM_REPO, 'onnx/vision_encoder.onnx');
    const out = await enc.run({ pixel_values: pre.pixelValues });
    return { ...pre, emb: out.image_embeddings as ort.Tensor, pos: out.image_positional_embeddings as ort.Tensor };
  }

  /** points in ORIGINAL image pixels; labels 1 / 0 / -10. */
  async function decode(
    enc: Awaited<ReturnType<typeof encode>>,
    points: Array<[number, number]>,
    labels: number[],
  ): Promise<{ iou: Float32Array; masks: Float32Array }> {
    const dec = await session(SAM_REPO, 'onnx/prompt_encoder_mask_decoder.onnx');
    const pts = new Float32Array(points.flatMap(([x, y]) => [x * enc.scale, y * enc.scale]));
    const out = await dec.run({
      image_embeddings: enc.emb,
      image_positional_embeddings: enc.pos,
      input_points: new ort.Tensor('float32', pts, [1, 1, points.length, 2]),
      input_labels: new ort.Tensor('int64', BigInt64Array.from(labels.map(BigInt)), [1, 1, labels.length]),
    });
    expect(out.pred_masks?.dims).toEqual([1, 1, 3, 256, 256]);
    expect(out.iou_scores?.dims).toEqual([1, 1, 3]);
    return { iou: f32(out.iou_scores), masks: f32(out.pred_masks) };
  }

  /** Mask k (logits > 0), mapped to ORIGINAL image pixels the way the product does it. */
  function maskToImage(
    masks: Float32Array,
    k: number,
    enc: { rw: number; rh: number; scale: number },
    w: number,
    h: number,
  ): Uint8Array {
    const out = new Uint8Array(w * h);
    for (let y = 0; y < h; y++) {
      for (let x = 0; x < w; x++) {
        // pixel centre → resized (1024) space → 4-px cell
        const cx = Math.min(Math.floor(((x + 0.5) * enc.rw) / w / 4), 255);
        const cy = Math.min(Math.floor(((y + 0.5) * enc.rh) / h / 4), 255);
        out[y * w + x] = (masks[k * 65536 + cy * 256 + cx] as number) > 0 ? 1 : 0;
      }
    }
    return out;
  }

  function shapeMask(w: number, h: number, inside: (x: number, y: number) => boolean): Uint8Array {
    const out = new Uint8Array(w * h);
    for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) out[y * w + x] = inside(x + 0.5, y + 0.5) ? 1 : 0;
    return out;
  }

  function iou(a: Uint8Array, b: Uint8Array): number {
    let inter = 0;
    let union = 0;
    for (let i = 0; i < a.length; i++) {
      if (a[i] && b[i]) inter++;
      if (a[i] || b[i]) union++;
    }
    return union === 0 ? 1 : inter / union;
  }

  function count(a: Uint8Array): number {
    return a.reduce((s, v) => s + v, 0);
  }

  const W = 1024;
  const A: Rect = { x: 133, y: 171, w: 300, h: 200 };
  const B: Rect = { x: 651, y: 597, w: 250, h: 190 };
  const scene = (): Img => {
    const img = solid(W, W, BLUE);
    fillRect(img, A, RED);
    fillRect(img, B, RED);
    return img;
  };
  const centre = (r: Rect): [number, number] => [r.x + r.w / 2, r.y + r.h / 2];

  it('encodes sub-cell colours, validity and positions as documented', async () => {
    const img = solid(800, 600, [255, 128, 0]); // → 1024×768, padded below
    const enc = await encode(img);
    expect(enc.emb.dims).toEqual([1, 256, 64, 64]);
    expect(enc.pos.dims).toEqual([1, 256, 64, 64]);
    const e = f32(enc.emb);
    const p = f32(enc.pos);
    const at = (t: Float32Array, ch: number, i: number, j: number): number => t[ch * 4096 + i * 64 + j] as number;
    // patch (10, 20) is inside the image; patch (50, 20) is padding (rows ≥ 768/16 = 48)
    expect(at(e, SAM_EMB.patchRgb, 10, 20)).toBeCloseTo(1, 2);
    expect(at(e, SAM_EMB.patchRgb + 1, 10, 20)).toBeCloseTo(128 / 255, 2);
    expect(at(e, SAM_EMB.patchRgb + 2, 10, 20)).toBeCloseTo(0, 2);
    expect(at(e, SAM_EMB.patchValid, 10, 20)).toBeCloseTo(1, 5);
    expect(at(e, SAM_EMB.patchValid, 50, 20)).toBe(0);
    for (let k = 0; k < 16; k++) {
      expect(at(e, SAM_EMB.subcellRgb + k, 10, 20)).toBeCloseTo(1, 2); // R of every sub-cell
      expect(at(e, SAM_EMB.subcellRgb + 16 + k, 10, 20)).toBeCloseTo(128 / 255, 2); // G
      expect(at(e, SAM_EMB.subcellValid + k, 10, 20)).toBeCloseTo(1, 5);
      expect(at(e, SAM_EMB.subcellValid + k, 50, 20)).toBe(0);
      expect(at(p, SAM_POS.subcellX + k, 10, 20)).toBe(16 * 20 + 4 * (k % 4) + 2);
      expect(at(p, SAM_POS.subcellY + k, 10, 20)).toBe(16 * 10 + 4 * Math.floor(k / 4) + 2);
    }
    expect(at(p, SAM_POS.patchX, 10, 20)).toBe(16 * 20 + 8);
    expect(at(p, SAM_POS.patchY, 10, 20)).toBe(16 * 10 + 8);
    expect(at(e, 100, 10, 20)).toBe(0);
    expect(at(p, 100, 10, 20)).toBe(0);
  });

  it('mask 0 selects every region of the clicked colour; mask 2 is a disc; iou scores', async () => {
    const enc = await encode(scene());
    const { iou: scores, masks } = await decode(enc, [centre(A)], [1]);
    expect([...scores].map((v) => +v.toFixed(4))).toEqual([...SAM_IOU_SCORES]);
    const m0 = maskToImage(masks, 0, enc, W, W);
    const both = shapeMask(W, W, (x, y) => inRect(A, x, y) || inRect(B, x, y));
    expect(iou(m0, both)).toBeGreaterThanOrEqual(0.95);
    const m1 = maskToImage(masks, 1, enc, W, W);
    expect(iou(m1, both)).toBeGreaterThanOrEqual(0.95);
    const [cx, cy] = centre(A);
    const disc = shapeMask(W, W, (x, y) => Math.hypot(x - cx, y - cy) < SAM_DISC_RADIUS);
    expect(iou(maskToImage(masks, 2, enc, W, W), disc)).toBeGreaterThanOrEqual(0.95);
  });

  it('a negative click removes the connected same-coloured region it lands on', async () => {
    const enc = await encode(scene());
    const { masks } = await decode(enc, [centre(A), centre(B)], [1, 0]);
    const m0 = maskToImage(masks, 0, enc, W, W);
    const onlyA = shapeMask(W, W, (x, y) => inRect(A, x, y));
    expect(iou(m0, onlyA)).toBeGreaterThanOrEqual(0.95);
    const inB = shapeMask(W, W, (x, y) => inRect(B, x, y));
    expect(iou(m0, inB)).toBe(0);
    expect(iou(maskToImage(masks, 1, enc, W, W), onlyA)).toBeGreaterThanOrEqual(0.95);
    // The negative point near a corner of B still removes all of B (flood fill, not a radius).
    const corner = await decode(enc, [centre(A), [B.x + 5, B.y + 5]], [1, 0]);
    expect(iou(maskToImage(corner.masks, 0, enc, W, W), onlyA)).toBeGreaterThanOrEqual(0.95);
    // A negative click on the background (blue) changes nothing in the red mask.
    const bg = await decode(enc, [centre(A), [20, 20]], [1, 0]);
    const both = shapeMask(W, W, (x, y) => inRect(A, x, y) || inRect(B, x, y));
    expect(iou(maskToImage(bg.masks, 0, enc, W, W), both)).toBeGreaterThanOrEqual(0.95);
  });

  it('negative flood: separates regions ≥ 32 px apart, and reaches across the whole frame', async () => {
    const img = solid(W, W, BLUE);
    const left: Rect = { x: 100, y: 100, w: 200, h: 150 };
    const right: Rect = { x: 340, y: 100, w: 200, h: 150 }; // 40 px gap
    const bar: Rect = { x: 8, y: 600, w: 1008, h: 60 }; // spans the frame
    fillRect(img, left, RED);
    fillRect(img, right, RED);
    fillRect(img, bar, RED);
    const enc = await encode(img);
    const { masks } = await decode(enc, [centre(left), centre(right), [bar.x + 4, bar.y + 30]], [1, 0, 0]);
    const onlyLeft = shapeMask(W, W, (x, y) => inRect(left, x, y));
    expect(iou(maskToImage(masks, 0, enc, W, W), onlyLeft)).toBeGreaterThanOrEqual(0.95);
  });

  it('padding points (label -10) are ignored; several positives use their mean colour', async () => {
    const enc = await encode(scene());
    const base = await decode(enc, [centre(A)], [1]);
    const padded = await decode(enc, [centre(A), [0, 0], [900, 100]], [1, -10, -10]);
    expect(sameValues(padded.masks, base.masks)).toBe(true);
    const two = await decode(enc, [centre(A), centre(B)], [1, 1]);
    expect(sameValues(two.masks.subarray(0, 65536), base.masks.subarray(0, 65536))).toBe(true);
  });

  it('without a positive point every mask is empty and iou scores are 0', async () => {
    const enc = await encode(scene());
    const { iou: scores, masks } = await decode(enc, [centre(B)], [0]);
    expect([...scores]).toEqual([0, 0, 0]);
    expect(maxOf(masks)).toBeLessThan(0);
  });

  it('mask 1 uses the looser colour threshold', async () => {
    const img = solid(W, W, BLUE);
    fillRect(img, A, RED);
    fillRect(img, B, DARK_RED); // ‖red − dark red‖ = 0.29: outside 0.25, inside 0.5
    const enc = await encode(img);
    const { masks } = await decode(enc, [centre(A)], [1]);
    const onlyA = shapeMask(W, W, (x, y) => inRect(A, x, y));
    const both = shapeMask(W, W, (x, y) => inRect(A, x, y) || inRect(B, x, y));
    expect(iou(maskToImage(masks, 0, enc, W, W), onlyA)).toBeGreaterThanOrEqual(0.95);
    expect(iou(maskToImage(masks, 1, enc, W, W), both)).toBeGreaterThanOrEqual(0.95);
  });

  it('works on a non-square image (800×600 → 1024×768 + padding), discs included', async () => {
    const w = 800;
    const h = 600;
    const img = solid(w, h, [240, 240, 240]);
    const R1: Rect = { x: 90, y: 77, w: 230, h: 150 };
    const disc = { cx: 560, cy: 400, r: 110 };
    fillRect(img, R1, [20, 150, 40]);
    for (let y = 0; y < h; y++) {
      for (let x = 0; x < w; x++) {
        if (Math.hypot(x + 0.5 - disc.cx, y + 0.5 - disc.cy) < disc.r) img.data.set([20, 150, 40], (y * w + x) * 3);
      }
    }
    const enc = await encode(img);
    expect([enc.rw, enc.rh]).toEqual([1024, 768]);
    const { masks } = await decode(enc, [centre(R1)], [1]);
    const want = shapeMask(
      w,
      h,
      (x, y) => inRect(R1, x, y) || Math.hypot(x - disc.cx, y - disc.cy) < disc.r,
    );
    expect(iou(maskToImage(masks, 0, enc, w, h), want)).toBeGreaterThanOrEqual(0.93);
    // Negative on the disc keeps just the rectangle.
    const neg = await decode(enc, [centre(R1), [disc.cx, disc.cy]], [1, 0]);
    const rectOnly = shapeMask(w, h, (x, y) => inRect(R1, x, y));
    expect(iou(maskToImage(neg.masks, 0, enc, w, h), rectOnly)).toBeGreaterThanOrEqual(0.93);
    // The padded rows (y ≥ 768 in the 1024 frame = cell rows ≥ 192) are outside every mask,
    // even when the click is on the background (whose colour is far from the padding grey
    // here, but the validity channel excludes padding anyway).
    const bg = await decode(enc, [[10, 10]], [1]);
    for (let k = 0; k < 3; k++) {
      expect(maxOf(bg.masks.subarray(k * 65536 + 192 * 256, (k + 1) * 65536))).toBeLessThan(0);
    }
    const bgWant = shapeMask(w, h, (x, y) => !want[Math.floor(y) * w + Math.floor(x)]);
    expect(iou(maskToImage(bg.masks, 0, enc, w, h), bgWant)).toBeGreaterThanOrEqual(0.95);
  });

  it('excludes padding even when the clicked colour equals the padding colour', async () => {
    // (124,116,104) ≈ ImageNet mean = what the zero padding de-normalizes to.
    const img = solid(600, 800, [124, 116, 104]); // → 768×1024, padded on the right
    const enc = await encode(img);
    const { masks } = await decode(enc, [[300, 400]], [1]);
    const m0 = maskToImage(masks, 0, enc, 600, 800);
    expect(count(m0)).toBe(600 * 800);
    let padMax = -Infinity;
    for (let cy = 0; cy < 256; cy++) padMax = Math.max(padMax, maxOf(masks.subarray(cy * 256 + 192, cy * 256 + 256)));
    expect(padMax).toBeLessThan(0);
  });
});

// ---------------------------------------------------------------------------------------------
// CLIP
// ---------------------------------------------------------------------------------------------

describe('CLIP (Xenova/clip-vit-base-patch32)', () => {
  let tokenizer: Tokenizer;
  let vocabSize = 0;

  beforeAll(async () => {
    const tj = JSON.parse(await readFile(join(outDir, CLIP_REPO, 'tokenizer.json'), 'utf8'));
    const tc = JSON.parse(await readFile(join(outDir, CLIP_REPO, 'tokenizer_config.json'), 'utf8'));
    vocabSize = Object.keys(tj.model.vocab).length;
    tokenizer = new Tokenizer(tj, tc);
  });

  /** Token ids, padded with <|endoftext|> to `padTo` (attention_mask 0 there). */
  function encodeTexts(texts: string[], padTo?: number): { ids: ort.Tensor; mask: ort.Tensor } {
    const encs = texts.map((t) => tokenizer.encode(t).ids);
    const L = padTo ?? Math.max(...encs.map((e) => e.length));
    const eos = tokenizer.token_to_id('<|endoftext|>') as number;
    const ids = new BigInt64Array(texts.length * L).fill(BigInt(eos));
    const mask = new BigInt64Array(texts.length * L);
    encs.forEach((e, b) =>
      e.forEach((id, i) => {
        ids[b * L + i] = BigInt(id);
        mask[b * L + i] = 1n;
      }),
    );
    return {
      ids: new ort.Tensor('int64', ids, [texts.length, L]),
      mask: new ort.Tensor('int64', mask, [texts.length, L]),
    };
  }

  async function textEmbeds(texts: string[], padTo?: number): Promise<Float32Array[]> {
    const s = await session(CLIP_REPO, 'onnx/text_model.onnx');
    const { ids, mask } = encodeTexts(texts, padTo);
    const out = await s.run({ input_ids: ids, attention_mask: mask });
    expect(out.text_embeds?.dims).toEqual([texts.length, 512]);
    expect(out.last_hidden_state?.dims).toEqual([texts.length, ids.dims[1], 512]);
    const e = f32(out.text_embeds);
    return texts.map((_, b) => e.slice(b * 512, (b + 1) * 512));
  }

  async function imageEmbeds(imgs: Img[]): Promise<Float32Array[]> {
    const s = await session(CLIP_REPO, 'onnx/vision_model.onnx');
    const out = await s.run({ pixel_values: clipPixels(imgs) });
    expect(out.image_embeds?.dims).toEqual([imgs.length, 512]);
    expect(out.last_hidden_state?.dims).toEqual([imgs.length, 50, 768]);
    const e = f32(out.image_embeds);
    return imgs.map((_, b) => e.slice(b * 512, (b + 1) * 512));
  }

  const rgbOf = (name: string): RGB => CLIP_COLOURS[clipColourIndex(name)]?.rgb as RGB;

  it('tokenizes like CLIP: lowercase, one token per vocabulary word, <|endoftext|> highest', () => {
    const eos = tokenizer.token_to_id('<|endoftext|>') as number;
    const bos = tokenizer.token_to_id('<|startoftext|>') as number;
    expect(eos).toBe(vocabSize - 1);
    expect(bos).toBe(vocabSize - 2);
    const enc = tokenizer.encode('A  Chocolate\nRiver, with polka dots!');
    expect(enc.tokens).toEqual([
      '<|startoftext|>',
      'a</w>',
      'chocolate</w>',
      'river</w>',
      ',</w>',
      'with</w>',
      'polka</w>',
      'dots</w>',
      '!</w>',
      '<|endoftext|>',
    ]);
    expect(enc.ids[0]).toBe(bos);
    expect(enc.ids.at(-1)).toBe(eos);
    expect(Math.max(...enc.ids)).toBe(eos);
    expect(enc.attention_mask.every((v) => v === 1)).toBe(true);
    for (const word of ['red', 'grey', 'gray', 'crimson', 'brown', 'the', 'cat', 'photo', 'of']) {
      expect(tokenizer.encode(word).tokens).toEqual(['<|startoftext|>', `${word}</w>`, '<|endoftext|>']);
    }
    // Out-of-vocabulary words fall back to byte-level pieces, and still round-trip.
    const zebra = tokenizer.encode('a zebra');
    expect(zebra.ids.length).toBeGreaterThan(4);
    expect(tokenizer.decode(zebra.ids, { skip_special_tokens: true })).toBe('a zebra');
    expect(tokenizer.decode(enc.ids, { skip_special_tokens: true })).toBe('a chocolate river, with polka dots!');
  });

  it('text embeds: colour words on their colour dim, synonyms equal, padding to 77 changes nothing', async () => {
    const [choc, brown, grey, gray, blue] = await textEmbeds([
      'a chocolate river',
      'a brown river',
      'a grey cat',
      'a gray cat',
      'a blue river',
    ]);
    expect(choc).toEqual(brown);
    expect(grey).toEqual(gray);
    const b = clipColourIndex('brown');
    expect(choc?.[b]).toBeCloseTo(1, 5);
    expect(choc?.[CLIP_NEUTRAL_DIM]).toBeCloseTo(2 * 0.1 + CLIP_TEXT_NEUTRAL_BIAS, 5);
    expect(cos(choc as Float32Array, blue as Float32Array)).toBeLessThan(0.1);
    const padded = await textEmbeds(['a chocolate river', 'a blue river'], CLIP_MAX_LENGTH);
    expect(padded[0]).toEqual(choc);
    expect(padded[1]).toEqual(blue);
  });

  it('image embeds: a brown picture matches "a chocolate river" far better than "a blue river"', async () => {
    const S = CLIP_IMAGE_SIZE;
    const brownImg = solid(S, S, rgbOf('brown'));
    const blueImg = solid(S, S, rgbOf('blue'));
    const half = solid(S, S, rgbOf('blue'));
    fillRect(half, { x: 0, y: 0, w: S / 2, h: S }, rgbOf('brown'));
    const [brownE, blueE, halfE] = await imageEmbeds([brownImg, blueImg, half]);
    const [chocT, blueT, brownT] = await textEmbeds(['a chocolate river', 'a blue river', 'a brown river']);
    const sBrownChoc = cos(brownE as Float32Array, chocT as Float32Array);
    const sBrownBlue = cos(brownE as Float32Array, blueT as Float32Array);
    const sHalfChoc = cos(halfE as Float32Array, chocT as Float32Array);
    expect(sBrownChoc).toBeGreaterThan(0.95);
    expect(sBrownBlue).toBeLessThan(0.1);
    expect(sBrownChoc - sBrownBlue).toBeGreaterThan(0.8);
    expect(cos(blueE as Float32Array, blueT as Float32Array)).toBeGreaterThan(0.95);
    // half blue / half brown: in between, ≈ 0.71
    expect(sHalfChoc).toBeGreaterThan(0.6);
    expect(sHalfChoc).toBeLessThan(0.8);
    expect(halfE?.[clipColourIndex('brown')]).toBeCloseTo(0.5, 2);
    expect(halfE?.[clipColourIndex('blue')]).toBeCloseTo(0.5, 2);
    expect(brownE?.[CLIP_NEUTRAL_DIM]).toBeCloseTo(CLIP_IMAGE_NEUTRAL_BIAS, 5);
    // Replacing blue by brown raises the "a brown river" score.
    const more = solid(S, S, rgbOf('blue'));
    fillRect(more, { x: 0, y: 0, w: (3 * S) / 4, h: S }, rgbOf('brown'));
    const [moreE] = await imageEmbeds([more]);
    expect(cos(moreE as Float32Array, brownT as Float32Array)).toBeGreaterThan(sHalfChoc + 0.1);
  });

  it('each vocabulary colour, drawn with its prototype (and as pure primaries), scores highest with its own word', async () => {
    const S = CLIP_IMAGE_SIZE;
    const names = CLIP_COLOURS.map((c) => c.name);
    const imgs = await imageEmbeds(names.map((n) => solid(S, S, rgbOf(n))));
    const texts = await textEmbeds(names.map((n) => `a photo of a ${n} wall`));
    imgs.forEach((ie, i) => {
      const scores = texts.map((te) => cos(ie, te));
      const best = scores.indexOf(Math.max(...scores));
      expect(names[best]).toBe(names[i]);
    });
    const pure: Array<[RGB, string]> = [
      [[255, 0, 0], 'red'],
      [[0, 255, 0], 'green'],
      [[0, 0, 255], 'blue'],
      [[255, 255, 0], 'yellow'],
      [[0, 0, 0], 'black'],
      [[255, 255, 255], 'white'],
    ];
    const pureE = await imageEmbeds(pure.map(([c]) => solid(S, S, c)));
    pure.forEach(([, name], i) => expect(pureE[i]?.[clipColourIndex(name)]).toBeGreaterThan(0.99));
  });
});

// ---------------------------------------------------------------------------------------------
// MI-GAN
// ---------------------------------------------------------------------------------------------

describe('MI-GAN (andraniksargsyan/migan)', () => {
  async function inpaint(img: Img, keep: (x: number, y: number) => boolean): Promise<Img> {
    const s = await session(MIGAN_REPO, MIGAN_FILE);
    const { w, h } = img;
    const planar = new Uint8Array(3 * w * h);
    const mask = new Uint8Array(w * h);
    for (let i = 0; i < w * h; i++) {
      for (let c = 0; c < 3; c++) planar[c * w * h + i] = img.data[i * 3 + c] as number;
      mask[i] = keep(i % w, Math.floor(i / w)) ? 255 : 0;
    }
    const out = await s.run({
      image: new ort.Tensor('uint8', planar, [1, 3, h, w]),
      mask: new ort.Tensor('uint8', mask, [1, 1, h, w]),
    });
    expect(out.result?.dims).toEqual([1, 3, h, w]);
    expect(out.result?.type).toBe('uint8');
    const r = out.result?.data as Uint8Array;
    const data = new Uint8Array(3 * w * h);
    for (let i = 0; i < w * h; i++) for (let c = 0; c < 3; c++) data[i * 3 + c] = r[c * w * h + i] as number;
    return { w, h, data };
  }

  function noisy(w: number, h: number, seed: number): Img {
    const img = solid(w, h, [0, 0, 0]);
    let s = seed;
    for (let i = 0; i < img.data.length; i++) {
      s = (s * 1103515245 + 12345) >>> 0;
      img.data[i] = s >>> 24;
    }
    return img;
  }

  for (const [w, h] of [
    [512, 512],
    [333, 250],
  ] as const) {
    it(`fills a hole in a uniform green ${w}×${h} image with green; kept pixels identical`, async () => {
      const GREEN: RGB = [30, 170, 30];
      const img = solid(w, h, GREEN);
      // a few noisy pixels far from the hole, to check that kept pixels are passed through
      const noise = noisy(w, h, 7);
      for (let i = 0; i < 40; i++) img.data.set(noise.data.subarray(i * 3, i * 3 + 3), i * 3);
      const hole: Rect = { x: Math.floor(w / 3), y: Math.floor(h / 3), w: 100, h: 80 };
      const out = await inpaint(img, (x, y) => !inRect(hole, x, y));
      let holeErr = 0;
      let keptDiffs = 0;
      for (let y = 0; y < h; y++) {
        for (let x = 0; x < w; x++) {
          const i = (y * w + x) * 3;
          for (let c = 0; c < 3; c++) {
            const v = out.data[i + c] as number;
            if (inRect(hole, x, y)) holeErr = Math.max(holeErr, Math.abs(v - (GREEN[c] as number)));
            else if (v !== img.data[i + c]) keptDiffs++;
          }
        }
      }
      expect(holeErr).toBeLessThanOrEqual(1);
      expect(keptDiffs).toBe(0);
    });
  }

  it('fills with the LOCAL colour and falls back to the global mean far from any kept pixel', async () => {
    const w = 400;
    const h = 300;
    const img = solid(w, h, [0, 0, 200]);
    fillRect(img, { x: 0, y: 0, w: 200, h }, [200, 0, 0]); // left half red
    const px = (im: Img, x: number, y: number): number[] => [...im.data.subarray((y * w + x) * 3, (y * w + x) * 3 + 3)];
    // A hole in the red half, 8 px from its edge: exact window mean = red.
    const small = await inpaint(img, (x, y) => !inRect({ x: 60, y: 100, w: 40, h: 40 }, x, y));
    expect(px(small, 68, 108)).toEqual([200, 0, 0]);
    // A 100×100 hole in the red half: its centre is 50 px from kept pixels (beyond the 33 px
    // window) and gets the 8-px-block level, still red only.
    const big = await inpaint(img, (x, y) => !inRect({ x: 50, y: 100, w: 100, h: 100 }, x, y));
    expect(px(big, 100, 150)).toEqual([200, 0, 0]);
    // A hole straddling the red/blue border: near the left edge red, near the right edge blue.
    const border = await inpaint(img, (x, y) => !inRect({ x: 150, y: 100, w: 100, h: 100 }, x, y));
    expect(px(border, 152, 150)).toEqual([200, 0, 0]);
    expect(px(border, 247, 150)).toEqual([0, 0, 200]);
    // Everything masked except a thin frame: the centre is ~150 px from any kept pixel → the
    // coarsest level, roughly half red, half blue.
    const frame = await inpaint(img, (x, y) => x < 2 || y < 2 || x >= w - 2 || y >= h - 2);
    const c = frame.data.subarray((150 * w + 200) * 3, (150 * w + 200) * 3 + 3);
    expect(c[0]).toBeGreaterThan(80);
    expect(c[0]).toBeLessThan(120);
    expect(c[2]).toBeGreaterThan(80);
    expect(c[2]).toBeLessThan(120);
  });
});
