/**
 * Full-size stand-in for MI-GAN's `migan_pipeline_v2.onnx` (andraniksargsyan/migan, 28,079,181
 * bytes): the real graph, layer for layer, with seeded random weights. `npm run bench` times the
 * product against it because the real file cannot be downloaded here; its run time is the real
 * model's because its tensors, FLOPs and ops are.
 *
 * Sources (Picsart-AI-Research/MI-GAN): the v2 `scripts/create_onnx_pipeline.py` (opset 17: crop
 * around the hole, resize to 512, generator, resize back, blend with a dilated and blurred mask,
 * paste back with ScatterND) and the `lib/model_zoo/migan_inference.py` whose Upsample2d is a
 * nearest ×2 resize times a fixed `filter_const` grid (not the ConvTranspose of the first
 * release): the file size tells the two apart. With `filter_const`, and equal constants stored once
 * as torch's exporter does, the parameters take 27.9 MB; with ConvTranspose they would take 26.5.
 * So this is not the older opset-12 pipeline that resizes the whole image to 512 and keeps every
 * kept pixel exact: here only the crop window is rewritten, and its kept pixels may move by 1.
 */
import { GraphBuilder } from '../onnx-builder.ts';
import { layerWeights, seededRandom, uniformWeights } from './weights.ts';

/** The generator's input and output side: every crop is resized to this square. */
export const MIGAN_FULL_SIZE_RESOLUTION = 512;

/** The pipeline's context margin around the hole's bounding box (`padding=128`). */
const CROP_PADDING = 128;
const SEED = 0x6d16a4;

/** ch(res) = min(32768 / res, 512). */
function channels(res: number): number {
  return Math.min(32768 / res, 512);
}

/** Normalised outer product of [1, 3, 3, 1], times `gain` (StyleGAN2's `setup_filter`). */
function binomialFilter(gain: number): Float32Array {
  const taps = [1, 3, 3, 1];
  return Float32Array.from(taps.flatMap((a) => taps.map((b) => (a * b * gain) / 64)));
}

/**
 * The pipeline's GaussianSmoothing(kernel 5, σ 1) weights, rounded step by step as torch computes
 * them in float32 (its exponent reads ((x − μ) / 2σ)²). They sum to 1 − 4·10⁻⁹, not 1, so an
 * all-kept area blurs to just under 255 and the uint8 cast after the blend truncates some kept
 * pixels by 1, as the real graph does with these same weights.
 */
function gaussianKernel(): Float32Array {
  const f = Math.fround;
  const scale = f(1 / Math.sqrt(2 * Math.PI));
  const k1 = [0, 1, 2, 3, 4].map((i) => f(scale * f(Math.exp(-(((i - 2) / 2) ** 2)))));
  const k2 = k1.flatMap((a) => k1.map((b) => f(a * b)));
  const sum = k2.reduce((a, b) => f(a + b), 0);
  return Float32Array.from(k2, (v) => v / sum);
}

/** image uint8 [1,3,H,W], mask uint8 [1,1,H,W] (255 keep, 0 fill) → result uint8 [1,3,H,W]. */
export function buildMiganFullSize(): Uint8Array {
  const R = MIGAN_FULL_SIZE_RESOLUTION;
  const g = new GraphBuilder('migan_pipeline_v2');
  const random = seededRandom(SEED);
  const image = g.input('image', 'uint8', [1, 3, 'height', 'width']);
  const mask = g.input('mask', 'uint8', [1, 1, 'height', 'width']);

  // torch's exporter stores equal-valued constants once; so does this builder.
  const shared = new Map<string, string>();
  const constant = (key: string, make: () => string): string => {
    let name = shared.get(key);
    if (!name) {
      name = make();
      shared.set(key, name);
    }
    return name;
  };
  const scalar = (v: number): string => constant(`f${v}`, () => g.f32(v, []));
  const i64 = (v: number): string => constant(`i${v}`, () => g.i64([v]));

  // ---- generator (lib/model_zoo/migan_inference.py) -----------------------------------------

  const clip = (x: string, lo: number, hi: number): string => g.op('Clip', [x, scalar(lo), scalar(hi)]);
  const act = (x: string): string =>
    clip(g.mul(g.op('LeakyRelu', [x], { alpha: { float: 0.2 } }), scalar(Math.SQRT2)), -256, 256);

  const conv1x1 = (x: string, ic: number, oc: number, bias: boolean): string => {
    const w = g.f32(layerWeights(random, oc * ic, ic), [oc, ic, 1, 1]);
    const inputs = bias ? [x, w, g.f32(uniformWeights(random, oc, 0.1), [oc])] : [x, w];
    return g.op('Conv', inputs, { kernel_shape: [1, 1] });
  };

  const depthwise = (x: string, c: number, filter: string, k: number, pads: number[], strides = 1): string =>
    g.op('Conv', [x, filter], { group: c, kernel_shape: [k, k], pads, strides: [strides, strides] });

  const downsample = (x: string, c: number): string => {
    const filter = constant(`down${c}`, () => g.f32(repeat(binomialFilter(1), c), [c, 1, 4, 4]));
    return depthwise(x, c, filter, 4, [1, 1, 1, 1], 2);
  };

  /** Upsample2d(c, res): nearest ×2, keep one pixel of each 2×2 (filter_const), then a 4×4 blur. */
  const upsample = (x: string, c: number, res: number): string => {
    const up = g.op('Resize', [x, '', constant('scale2', () => g.f32([1, 1, 2, 2]))], {
      coordinate_transformation_mode: 'asymmetric',
      cubic_coeff_a: { float: -0.75 },
      mode: 'nearest',
      nearest_mode: 'floor',
    });
    const grid = constant(`grid${res}`, () => {
      const v = new Float32Array(res * res);
      for (let y = 0; y < res; y += 2) for (let col = 0; col < res; col += 2) v[y * res + col] = 1;
      return g.f32(v, [1, 1, res, res]);
    });
    const padded = g.op('Pad', [g.mul(up, grid), constant('pad2211', () => g.i64([0, 0, 2, 2, 0, 0, 1, 1]))]);
    const filter = constant(`up${c}`, () => g.f32(repeat(binomialFilter(4), c), [c, 1, 4, 4]));
    return depthwise(padded, c, filter, 4, [0, 0, 0, 0]);
  };

  interface SepOptions {
    down?: boolean;
    /** Output resolution of an up ×2 layer. */
    upRes?: number;
    /** Resolution of the per-layer noise constant (noise_const · noise_strength, folded). */
    noiseRes?: number;
  }
  const separable = (x: string, ic: number, oc: number, o: SepOptions = {}): string => {
    const dw = g.f32(layerWeights(random, ic * 9, 9), [ic, 1, 3, 3]);
    let y = act(g.op('Conv', [x, dw, g.f32(uniformWeights(random, ic, 0.1), [ic])], {
      group: ic,
      kernel_shape: [3, 3],
      pads: [1, 1, 1, 1],
    }));
    if (o.down) y = downsample(y, ic);
    y = conv1x1(y, ic, oc, false);
    if (o.upRes) y = upsample(y, oc, o.upRes);
    if (o.noiseRes) {
      const n = o.noiseRes;
      y = g.add(y, g.f32(uniformWeights(random, n * n, 0.1), [n, n]));
    }
    return act(y);
  };

  const generator = (input: string): string => {
    // Encoder: b512 … b8 halve the resolution; b4 keeps it. feats[res] = each block's conv1.
    const feats = new Map<number, string>();
    let x = act(conv1x1(input, 4, channels(R), true));
    for (let res = R; res >= 4; res /= 2) {
      const c = channels(res);
      const feat = separable(x, c, c);
      feats.set(res, feat);
      x = res > 4 ? separable(feat, c, channels(res / 2), { down: true }) : separable(feat, c, c);
    }
    // Synthesis: b4, then b8 … b512, each adding an upsampled image to its own toRGB.
    const c4 = channels(4);
    x = separable(g.add(separable(x, c4, c4), feats.get(4) as string), c4, c4);
    let img = conv1x1(x, c4, 3, true);
    for (let res = 8; res <= R; res *= 2) {
      const ic = channels(res / 2);
      const oc = channels(res);
      x = separable(x, ic, oc, { upRes: res, noiseRes: res });
      x = separable(g.add(x, feats.get(res) as string), oc, oc, { noiseRes: res });
      img = g.add(upsample(img, 3, res), conv1x1(x, oc, 3, true));
    }
    return img;
  };

  // ---- pipeline (scripts/create_onnx_pipeline.py, v2) -----------------------------------------

  const reduce = (type: 'ReduceMin' | 'ReduceMax', parts: string[]): string =>
    g.op(type, [g.concat(parts, 0)], { keepdims: 1 });
  const ordered = (a: string, b: string): [string, string] => [
    reduce('ReduceMin', [a, b]),
    reduce('ReduceMax', [a, b]),
  ];
  const shape = (x: string, from: number, to: number): string => g.slice(g.op('Shape', [x]), [from], [to], [0]);
  const resize = (x: string, sizes: string, mode: 'linear' | 'nearest'): string =>
    g.op('Resize', [x, '', '', sizes], {
      coordinate_transformation_mode: mode === 'linear' ? 'half_pixel' : 'asymmetric',
      cubic_coeff_a: { float: -0.75 },
      mode,
      nearest_mode: 'floor',
    });
  /** torchvision's resize of a uint8 tensor: interpolate in float, round, back to uint8. */
  const resizeU8 = (x: string, sizes: string, mode: 'linear' | 'nearest'): string =>
    g.cast(g.op('Round', [resize(g.cast(x, 'float32'), sizes, mode)]), 'uint8');

  // get_masked_bbox: H and W come from sums over a 1-padded mask (the export's dynamic-shape hack).
  const padded = g.op('Squeeze', [
    g.op('Pad', [mask, g.i64([0, 0, 1, 1, 0, 0, 1, 1]), g.u8(Uint8Array.of(1), [])]),
  ]);
  const extent = (axis: number): string =>
    g.op('Gather', [g.sub(g.reduceSum(g.cast(padded, 'int64'), [axis], false), g.i64(2, [])), g.i64(0, [])]);
  const h = extent(0);
  const w = extent(1);
  const maskF = g.cast(g.op('Squeeze', [mask]), 'float32'); // [H, W]
  /** Indices along one side of the rows/columns holding a hole pixel (NonZero + GatherND). */
  const holeIndices = (meanAxis: number, size: string): string => {
    const hasHole = g.op('Less', [g.reduceMean(maskF, [meanAxis], false), scalar(255)]);
    const range = g.op('Range', [g.i64(0, []), size, g.i64(1, [])]);
    return g.op('GatherND', [range, g.transpose(g.op('NonZero', [hasHole]), [1, 0])]);
  };
  const wv = g.reshape(w, [-1]);
  const hv = g.reshape(h, [-1]);
  const xs = holeIndices(0, w);
  const ys = holeIndices(1, h);
  // No hole: min = size and max = 0, which `ordered` swaps into the whole side.
  const [x0, x1] = ordered(reduce('ReduceMin', [xs, wv]), reduce('ReduceMax', [xs, i64(0)]));
  const [y0, y1] = ordered(reduce('ReduceMin', [ys, hv]), reduce('ReduceMax', [ys, i64(0)]));
  const cx = g.div(g.add(x0, x1), i64(2));
  const cy = g.div(g.add(y0, y1), i64(2));
  const side = g.add(reduce('ReduceMax', [g.sub(x1, x0), g.sub(y1, y0)]), g.mul(i64(CROP_PADDING), i64(2)));
  const crop = reduce('ReduceMax', [side, i64(R)]);
  const offset = g.div(crop, i64(2));
  /** Centre a `crop`-wide window on `c`, clip it to [0, size), then regrow it on the other side. */
  const window = (c: string, size: string): [string, string] => {
    const lo = reduce('ReduceMax', [g.sub(c, offset), i64(0)]);
    const hi = reduce('ReduceMin', [g.add(c, offset), size]);
    const excess = reduce('ReduceMax', [g.sub(crop, g.sub(hi, lo)), i64(0)]);
    return [reduce('ReduceMax', [g.sub(lo, excess), i64(0)]), reduce('ReduceMin', [g.add(hi, excess), size])];
  };
  const [left, right] = window(cx, wv);
  const [top, bottom] = window(cy, hv);
  const starts = g.concat([top, left], 0);
  const ends = g.concat([bottom, right], 0);
  const cropImage = g.op('Slice', [image, starts, ends, g.i64([2, 3])]);
  const cropMask = g.op('Slice', [mask, starts, ends, g.i64([2, 3])]);

  // preprocess
  const toR = (x: string): string => g.concat([shape(x, 0, 2), g.i64([R, R])], 0);
  const imgU8 = resizeU8(cropImage, toR(cropImage), 'linear');
  const img01 = g.sub(g.div(g.mul(g.cast(imgU8, 'float32'), scalar(2)), scalar(255)), scalar(1));
  const mask01 = g.div(g.cast(resizeU8(cropMask, toR(cropMask), 'nearest'), 'float32'), scalar(255));
  const modelInput = g.concat([g.sub(mask01, scalar(0.5)), g.mul(img01, mask01)], 1);

  // postprocess: blend weight = blur(dilate(keep)) / 255, so the hole's rim blends softly.
  const out = clip(g.mul(g.add(g.mul(generator(modelInput), scalar(0.5)), scalar(0.5)), scalar(255)), 0, 255);
  const outCrop = resize(out, g.concat([shape(out, 0, 2), shape(cropImage, 2, 4)], 0), 'linear');
  const keep = g.op('MaxPool', [g.cast(cropMask, 'float32')], {
    kernel_shape: [3, 3],
    pads: [1, 1, 1, 1],
    strides: [1, 1],
  });
  const blurred = g.op('Conv', [
    g.op('Pad', [keep, g.i64([0, 0, 2, 2, 0, 0, 2, 2])], { mode: 'reflect' }),
    g.f32(gaussianKernel(), [1, 1, 5, 5]),
  ], { kernel_shape: [5, 5] });
  const weight = g.div(blurred, scalar(255));
  const composed = g.add(g.mul(g.cast(cropImage, 'float32'), weight), g.mul(outCrop, g.sub(scalar(1), weight)));
  const patch = g.cast(clip(composed, 0, 255), 'uint8');

  // image[:, :, top:bottom, left:right] = patch, exported as ScatterND over one index per element.
  const squeeze = (t: string): string => g.op('Squeeze', [t]);
  const dimIndex = (start: string, end: string, dim: number): string => {
    const view = [1, 1, 1, 1];
    view[dim] = -1;
    return g.reshape(g.op('Range', [start, end, g.i64(1, [])]), view);
  };
  const full = (dim: number): string => dimIndex(g.i64(0, []), squeeze(shape(image, dim, dim + 1)), dim);
  const index = [
    full(0),
    full(1),
    dimIndex(squeeze(top), squeeze(bottom), 2),
    dimIndex(squeeze(left), squeeze(right), 3),
  ];
  const indexShape = g.op('Shape', [index.reduce((a, b) => g.add(a, b))]);
  const indices = g.concat(
    index.map((t) => g.op('Unsqueeze', [g.op('Expand', [t, indexShape]), g.i64([-1])])),
    -1,
  );
  const result = g.op('ScatterND', [image, indices, g.op('Expand', [patch, indexShape])]);
  g.output('result', result, 'uint8', [1, 3, 'height', 'width']);
  return g.toModel('Full-size MI-GAN 512 pipeline v2 stand-in: real architecture, seeded random weights.');
}

function repeat(filter: Float32Array, times: number): Float32Array {
  const out = new Float32Array(filter.length * times);
  for (let i = 0; i < times; i++) out.set(filter, i * filter.length);
  return out;
}
