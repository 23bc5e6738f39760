/**
 * Full-size stand-in of `Xenova/slimsam-77-uniform`'s `onnx/vision_encoder` (fp32 and the q8
 * `_quantized` file): the SAM ViT image encoder of transformers' `SamVisionEncoder` (4.36, the
 * version the export was made with) at SlimSAM-77's pruned widths, with seeded random weights.
 * It exists for `npm run bench -- --models=full-size`, so that our share of the `sam.encode`
 * stage is measured against a model that costs what the real one costs (the real file cannot be
 * downloaded here).
 *
 * Widths: the repo's config.json sets only `vision_config.hidden_size` 168 and `mlp_dim` 696;
 * every other field is SamVisionConfig's default (12 layers, 12 heads, 16² patches, 14² windows,
 * global attention in layers 2, 5, 8, 11, decomposed relative positions, a 256-channel neck).
 * That gives 5,659,224 parameters ({@link samEncoderParameters}), 22.6 MB in fp32 against the
 * Hub's 23,276,014 bytes: the difference is what torch's exporter adds around them (index
 * tables, shape constants), which this builder does not copy beyond the relative-position index
 * tables. See `SAM_FULL_SIZE_TOLERANCE` for the measured deviation.
 *
 * Outputs: the tiny test decoder (tests/models/sam.ts) still answers the clicks, and it reads the
 * test semantics from image_embeddings' first 68 channels and from the test positional
 * embeddings. So image_embeddings = the test semantics' 68 channels ‖ the neck's channels
 * 68–255 (the neck computes all 256: the model's cost is whole), and image_positional_embeddings
 * is the test one (in the real export it is image independent too, and folded at load).
 */
import { GraphBuilder } from '../onnx-builder.ts';
import { SAM_SEMANTIC_CHANNELS, samSemanticChannels, samTestPositionalEmbeddings } from '../sam.ts';
import type { FullSizeDtype } from './clip.ts';
import { quantizedConv, quantizedMatMul } from './quantize.ts';
import { layerWeights, seededRandom, uniformWeights } from './weights.ts';

/** SlimSAM-77's vision encoder: config.json's two widths, SamVisionConfig's defaults for the rest. */
export const SAM_FULL_SIZE = {
  width: 168,
  mlp: 696,
  layers: 12,
  heads: 12,
  patch: 16,
  image: 1024,
  window: 14,
  globalLayers: [2, 5, 8, 11],
  neck: 256,
} as const;

/** The encoder's hyper-parameters (tests build a narrow, shallow one to run it in seconds). */
export interface SamEncoderShape {
  width: number;
  mlp: number;
  layers: number;
  heads: number;
  patch: number;
  image: number;
  window: number;
  globalLayers: readonly number[];
  neck: number;
}

/**
 * The Hub's files pin down how many weights the q8 file quantized: fp32 − q8 bytes = 3 per
 * quantized weight gives 4.80 M, which is every linear layer and both neck convolutions
 * (4.79 M) but not the 16×16 patch embedding (0.13 M more); quantizing it too would leave the
 * q8 stand-in 11 % under the Hub's size instead of 3 %. So the patch Conv stays float in q8.
 */
const PATCH_EMBED_STAYS_FLOAT = true;
const LAYER_NORM_EPS = 1e-6;

/**
 * How far under the Hub's byte sizes the stand-in may be (measured: the built fp32 file is 1.3 %
 * under 23,276,014 bytes, q8 2.9 % under 8,882,165; the architecture's arithmetic alone 1.5 % and
 * 3.8 %). The rest is what torch's exporter and the quantizer write around the weights.
 */
export const SAM_FULL_SIZE_TOLERANCE = { fp32: 0.02, q8: 0.04 } as const;
const SEED = 0x51a5a77;

/** Parameters of SamVisionEncoder at `shape`'s widths (SamModel's 2×128 positional matrix, outside it, is left out). */
export function samEncoderParameters(shape: SamEncoderShape = SAM_FULL_SIZE): number {
  const { width: c, mlp, layers, heads, patch, image, window, globalLayers, neck } = shape;
  const grid = image / patch;
  const headDim = c / heads;
  const relPos = (size: number) => 2 * (2 * size - 1) * headDim; // rel_pos_h and rel_pos_w
  let total = c * 3 * patch * patch + c; // patch_embed (Conv with bias)
  total += grid * grid * c; // pos_embed
  for (let i = 0; i < layers; i++) {
    total += 2 * c * 2; // layer_norm1, layer_norm2
    total += c * 3 * c + 3 * c + c * c + c; // qkv, proj
    total += relPos(globalLayers.includes(i) ? grid : window);
    total += c * mlp + mlp + mlp * c + c; // lin1, lin2
  }
  total += c * neck + 2 * neck + neck * neck * 9 + 2 * neck; // neck: conv1 (1×1), LN2d, conv2 (3×3), LN2d; convs without bias
  return total;
}

/** The file's bytes as this builder writes them, estimated from the architecture: parameters (4 bytes each in fp32; 1 byte per quantized weight in q8) and the relative-position index tables. */
export function samEncoderBytesEstimate(dtype: FullSizeDtype, shape: SamEncoderShape = SAM_FULL_SIZE): number {
  const { width: c, mlp, layers, patch, image, window, globalLayers, neck } = shape;
  const grid = image / patch;
  const params = samEncoderParameters(shape);
  // int64 tables [q, k] of relative offsets, one per axis and layer.
  const indexBytes = globalLayers.length * 2 * grid * grid * 8 + (layers - globalLayers.length) * 2 * window * window * 8;
  if (dtype === 'fp32') return params * 4 + indexBytes;
  const quantized = (PATCH_EMBED_STAYS_FLOAT ? 0 : c * 3 * patch * patch) + layers * (c * 3 * c + c * c + c * mlp + mlp * c) + c * neck + neck * neck * 9;
  return (params - quantized) * 4 + quantized + indexBytes;
}

class SamEncoderBuilder {
  readonly g = new GraphBuilder('sam_vision_encoder');
  readonly random = seededRandom(SEED);
  readonly shape: SamEncoderShape;
  private readonly dtype: FullSizeDtype;
  private readonly eps: string;

  constructor(dtype: FullSizeDtype, shape: SamEncoderShape) {
    this.dtype = dtype;
    this.shape = shape;
    this.eps = this.g.f32(LAYER_NORM_EPS, []);
  }

  /** x [..., inDim] · W + b: MatMul, or the quantizer's MatMulInteger for q8. */
  linear(x: string, inDim: number, outDim: number): string {
    const g = this.g;
    const w = layerWeights(this.random, inDim * outDim, inDim);
    const y = this.dtype === 'fp32' ? g.op('MatMul', [x, g.f32(w, [inDim, outDim])]) : quantizedMatMul(g, x, w, inDim, outDim);
    return g.add(y, g.f32(new Float32Array(outDim).fill(0.01), [outDim]));
  }

  /** Conv (no bias); ConvInteger for q8 unless `float` (see PATCH_EMBED_STAYS_FLOAT). */
  conv(x: string, inC: number, outC: number, kernel: number, attrs: Record<string, number[]>, float = false): string {
    const g = this.g;
    const dims = [outC, inC, kernel, kernel];
    const w = layerWeights(this.random, outC * inC * kernel * kernel, inC * kernel * kernel);
    const all = { kernel_shape: [kernel, kernel], ...attrs };
    return this.dtype === 'fp32' || float ? g.op('Conv', [x, g.f32(w, dims)], all) : quantizedConv(g, x, w, dims, all);
  }

  layerNorm(x: string, width: number): string {
    const g = this.g;
    return g.op('LayerNormalization', [x, g.f32(new Float32Array(width).fill(1), [width]), g.f32(new Float32Array(width), [width])], {
      axis: -1,
      epsilon: { float: LAYER_NORM_EPS },
    });
  }

  /** SamLayerNorm over channels of [B,C,H,W], as the exporter writes it (mean, variance, scale). */
  layerNorm2d(x: string, channels: number): string {
    const g = this.g;
    const centred = g.sub(x, g.reduceMean(x, [1]));
    const normed = g.div(centred, g.sqrt(g.add(g.reduceMean(g.op('Pow', [centred, g.f32(2, [])]), [1]), this.eps)));
    return g.add(g.mul(normed, g.f32(new Float32Array(channels).fill(1), [channels, 1, 1])), g.f32(new Float32Array(channels), [channels, 1, 1]));
  }

  /** get_rel_pos: rel_pos [2s−1, d] gathered at (q − k + s − 1) → [s, s, d]. */
  relPos(size: number, headDim: number): string {
    const g = this.g;
    const table = g.f32(uniformWeights(this.random, (2 * size - 1) * headDim, 0.02), [2 * size - 1, headDim]);
    const index = Array.from({ length: size * size }, (_, i) => Math.floor(i / size) - (i % size) + size - 1);
    return g.op('Gather', [table, g.i64(index, [size, size])], { axis: 0 });
  }

  /**
   * SamVisionAttention on [N, s, s, C] (N windows of s², or the whole 64² grid): multi-head
   * attention with decomposed relative positions added to the logits.
   */
  attention(x: string, n: number, size: number): string {
    const g = this.g;
    const { width: c, heads } = this.shape;
    const d = c / heads;
    const tokens = size * size;
    const qkv = g.reshape(g.transpose(g.reshape(this.linear(x, c, 3 * c), [n, tokens, 3, heads, d]), [2, 0, 3, 1, 4]), [3, n * heads, tokens, d]);
    const [q, k, v] = g.opN('Split', [qkv], 3, { axis: 0 }).map((t) => g.op('Squeeze', [t, g.i64([0])])) as [string, string, string];
    let logits = g.op('MatMul', [g.mul(q, g.f32(d ** -0.5, [])), g.transpose(k, [0, 2, 1])]); // [NH, L, L]
    // add_decomposed_rel_pos: einsum with the unscaled query, broadcast over key rows / columns.
    const rq = g.reshape(q, [n * heads, size, size, d]);
    const relH = g.op('Einsum', [rq, this.relPos(size, d)], { equation: 'bhwc,hkc->bhwk' });
    const relW = g.op('Einsum', [rq, this.relPos(size, d)], { equation: 'bhwc,wkc->bhwk' });
    logits = g.reshape(logits, [n * heads, size, size, size, size]);
    logits = g.add(g.add(logits, g.op('Unsqueeze', [relH, g.i64([4])])), g.op('Unsqueeze', [relW, g.i64([3])]));
    logits = g.reshape(logits, [n * heads, tokens, tokens]);
    const out = g.op('MatMul', [g.op('Softmax', [logits], { axis: -1 }), v]); // [NH, L, d]
    const merged = g.reshape(g.transpose(g.reshape(out, [n, heads, size, size, d]), [0, 2, 3, 1, 4]), [n, size, size, c]);
    return this.linear(merged, c, c);
  }

  /** SamVisionLayer on [1, 64, 64, C]: windowed (padded to a multiple of the window) or global attention, then the MLP. */
  layer(x: string, global: boolean): string {
    const g = this.g;
    const { width: c, mlp, window, image, patch } = this.shape;
    const grid = image / patch;
    const h = this.layerNorm(x, c);
    let attended: string;
    if (global) {
      attended = this.attention(h, 1, grid);
    } else {
      const per = Math.ceil(grid / window);
      const padded = per * window;
      const pad = g.op('Pad', [h, g.i64([0, 0, 0, 0, 0, padded - grid, padded - grid, 0])]);
      const windows = g.reshape(g.transpose(g.reshape(pad, [1, per, window, per, window, c]), [0, 1, 3, 2, 4, 5]), [per * per, window, window, c]);
      const out = this.attention(windows, per * per, window);
      const merged = g.reshape(g.transpose(g.reshape(out, [1, per, per, window, window, c]), [0, 1, 3, 2, 4, 5]), [1, padded, padded, c]);
      attended = g.slice(merged, [0, 0], [grid, grid], [1, 2]);
    }
    const x1 = g.add(x, attended);
    const up = this.linear(this.layerNorm(x1, c), c, mlp);
    const gelu = g.mul(g.mul(up, g.f32(0.5, [])), g.add(g.f32(1, []), g.op('Erf', [g.mul(up, g.f32(Math.SQRT1_2, []))]))); // exact GELU
    return g.add(x1, this.linear(gelu, mlp, c));
  }
}

/** vision_encoder: pixel_values [1,3,1024,1024] → image_embeddings, image_positional_embeddings [1,256,64,64]. */
export function buildSamVisionEncoderFullSize(dtype: FullSizeDtype, shape: SamEncoderShape = SAM_FULL_SIZE): Uint8Array {
  const { width: c, layers, patch, image, neck, globalLayers } = shape;
  if (image !== SAM_FULL_SIZE.image || patch !== SAM_FULL_SIZE.patch || neck !== SAM_FULL_SIZE.neck) throw new Error('the test semantics need a 1024² input, 16² patches and 256 channels');
  const grid = image / patch;
  const b = new SamEncoderBuilder(dtype, shape);
  const g = b.g;
  const x = g.input('pixel_values', 'float32', [1, 3, image, image]);

  const patches = g.add(b.conv(x, 3, c, patch, { strides: [patch, patch] }, PATCH_EMBED_STAYS_FLOAT), g.f32(new Float32Array(c).fill(0.01), [c, 1, 1]));
  let h = g.add(g.transpose(patches, [0, 2, 3, 1]), g.f32(uniformWeights(b.random, grid * grid * c, 0.02), [1, grid, grid, c])); // + pos_embed
  for (let i = 0; i < layers; i++) h = b.layer(h, globalLayers.includes(i));

  let n = b.conv(g.transpose(h, [0, 3, 1, 2]), c, neck, 1, {});
  n = b.layerNorm2d(n, neck);
  n = b.conv(n, neck, neck, 3, { pads: [1, 1, 1, 1] });
  n = b.layerNorm2d(n, neck);

  const embeddings = g.concat([samSemanticChannels(g, x), g.slice(n, [SAM_SEMANTIC_CHANNELS], [neck], [1])], 1);
  g.output('image_embeddings', embeddings, 'float32', [1, neck, grid, grid]);
  g.output('image_positional_embeddings', samTestPositionalEmbeddings(g), 'float32', [1, neck, grid, grid]);
  return g.toModel(`Full-size stand-in of SlimSAM-77's vision encoder (${dtype}), random weights, test semantics in channels 0–67: for benchmarks only.`);
}
