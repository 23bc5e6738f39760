/**
 * Full-size stand-ins of `Xenova/clip-vit-base-patch32`'s ONNX files (CLIPVisionModelWithProjection
 * and CLIPTextModelWithProjection as exported by Optimum): the real ViT-B/32 architecture, widths,
 * depths and parameter counts, with seeded random weights. They exist for `npm run bench`, so that
 * the split between our own code and model time is measured against a model that costs what the
 * real one costs (the real weights cannot be downloaded here). Their outputs mean nothing.
 *
 * `q8` mirrors onnxruntime's dynamic quantization, which the `_quantized` files on the Hub were
 * made with: every weight MatMul becomes DynamicQuantizeLinear → MatMulInteger → Cast → Mul by the
 * scales, the patch Conv a ConvInteger, the token table uint8 with a DequantizeLinear.
 */
import { GraphBuilder } from '../onnx-builder.ts';
import { quantize, quantizedConv, quantizedMatMul } from './quantize.ts';
import { layerWeights, seededRandom } from './weights.ts';

export type FullSizeDtype = 'fp32' | 'q8';

/** ViT-B/32 (vision) and the CLIP text transformer, as in the model's config.json. */
export const CLIP_FULL_SIZE = {
  vision: { width: 768, layers: 12, heads: 12, mlp: 3072, patch: 32, image: 224 },
  text: { width: 512, layers: 12, heads: 8, mlp: 2048, vocab: 49408, positions: 77 },
  projection: 512,
} as const;

/** Graph helpers shared by both encoders. */
class TransformerBuilder {
  readonly g: GraphBuilder;
  private readonly random: () => number;
  private readonly dtype: FullSizeDtype;

  constructor(name: string, seed: number, dtype: FullSizeDtype) {
    this.g = new GraphBuilder(name);
    this.random = seededRandom(seed);
    this.dtype = dtype;
  }

  weights(count: number, fanIn: number): Float32Array {
    return layerWeights(this.random, count, fanIn);
  }

  /** x [..., inDim] · W [inDim, outDim] (+ b): float MatMul, or MatMulInteger for q8. */
  linear(x: string, inDim: number, outDim: number, bias = true): string {
    const g = this.g;
    const w = this.weights(inDim * outDim, inDim);
    const y = this.dtype === 'fp32' ? g.op('MatMul', [x, g.f32(w, [inDim, outDim])]) : quantizedMatMul(g, x, w, inDim, outDim);
    return bias ? g.add(y, g.f32(new Float32Array(outDim).fill(0.01), [outDim])) : y;
  }

  layerNorm(x: string, width: number): string {
    const g = this.g;
    return g.op('LayerNormalization', [x, g.f32(new Float32Array(width).fill(1), [width]), g.f32(new Float32Array(width), [width])], {
      axis: -1,
      epsilon: { float: 1e-5 },
    });
  }

  /** One pre-LN encoder layer: self-attention (optionally with an additive mask) and a quick-GELU MLP. */
  encoderLayer(x: string, width: number, heads: number, mlp: number, mask?: string): string {
    const g = this.g;
    const headDim = width / heads;
    const h = this.layerNorm(x, width);
    const split = (t: string): string => g.transpose(g.reshape(t, [0, -1, heads, headDim]), [0, 2, 1, 3]); // [B,H,L,d]
    const q = split(g.mul(this.linear(h, width, width), g.f32(1 / Math.sqrt(headDim), [])));
    const k = split(this.linear(h, width, width));
    const v = split(this.linear(h, width, width));
    let scores = g.op('MatMul', [q, g.transpose(k, [0, 1, 3, 2])]); // [B,H,L,L]
    if (mask) scores = g.add(scores, mask);
    const attn = g.op('MatMul', [g.op('Softmax', [scores], { axis: -1 }), v]);
    const merged = g.reshape(g.transpose(attn, [0, 2, 1, 3]), [0, -1, width]);
    const x1 = g.add(x, this.linear(merged, width, width));
    const h2 = this.layerNorm(x1, width);
    const up = this.linear(h2, width, mlp);
    const act = g.mul(up, g.op('Sigmoid', [g.mul(up, g.f32(1.702, []))])); // quick_gelu
    return g.add(x1, this.linear(act, mlp, width));
  }
}

/** onnx/vision_model: pixel_values [B,3,224,224] → image_embeds [B,512], last_hidden_state [B,50,768]. */
export function buildClipVisionFullSize(dtype: FullSizeDtype): Uint8Array {
  const { width, layers, heads, mlp, patch, image } = CLIP_FULL_SIZE.vision;
  const tokens = (image / patch) ** 2 + 1;
  const t = new TransformerBuilder('clip_vision_model', 0x5eed_0001, dtype);
  const g = t.g;
  const x = g.input('pixel_values', 'float32', ['batch_size', 3, image, image]);

  const patchW = t.weights(width * 3 * patch * patch, 3 * patch * patch);
  const convAttrs = { kernel_shape: [patch, patch], strides: [patch, patch] };
  const patchDims = [width, 3, patch, patch];
  const patches = dtype === 'fp32' ? g.op('Conv', [x, g.f32(patchW, patchDims)], convAttrs) : quantizedConv(g, x, patchW, patchDims, convAttrs);
  const seq = g.transpose(g.reshape(patches, [0, width, -1]), [0, 2, 1]); // [B,49,768]
  const batch = g.slice(g.op('Shape', [x]), [0], [1], [0]);
  const cls = g.op('Expand', [g.f32(t.weights(width, width), [1, 1, width]), g.concat([batch, g.i64([1, width])], 0)]);
  let h = g.add(g.concat([cls, seq], 1), g.f32(t.weights(tokens * width, width), [tokens, width]));
  h = t.layerNorm(h, width); // pre_layrnorm
  for (let i = 0; i < layers; i++) h = t.encoderLayer(h, width, heads, mlp);
  const pooled = t.layerNorm(g.op('Gather', [h, g.i64(0, [])], { axis: 1 }), width); // CLS, post_layernorm
  // Outputs last: declaring one renames its producer, which later nodes would not see.
  g.output('image_embeds', t.linear(pooled, width, CLIP_FULL_SIZE.projection, false), 'float32', ['batch_size', CLIP_FULL_SIZE.projection]);
  g.output('last_hidden_state', h, 'float32', ['batch_size', tokens, width]);
  return g.toModel(`Full-size stand-in of CLIP ViT-B/32 vision (${dtype}), random weights: for benchmarks only.`);
}

/** onnx/text_model: input_ids [B,L] → text_embeds [B,512], last_hidden_state [B,L,512]; pools at the highest id (EOS). */
export function buildClipTextFullSize(dtype: FullSizeDtype): Uint8Array {
  const { width, layers, heads, mlp, vocab, positions } = CLIP_FULL_SIZE.text;
  const t = new TransformerBuilder('clip_text_model', 0x5eed_0002, dtype);
  const g = t.g;
  const ids = g.input('input_ids', 'int64', ['batch_size', 'sequence_length']);

  const tableW = t.weights(vocab * width, width);
  let embedded: string;
  if (dtype === 'fp32') {
    embedded = g.op('Gather', [g.f32(tableW, [vocab, width]), ids], { axis: 0 });
  } else {
    const { q, scale, zeroPoint } = quantize(tableW);
    const rows = g.op('Gather', [g.u8(q, [vocab, width]), ids], { axis: 0 });
    embedded = g.op('DequantizeLinear', [rows, g.f32(scale, []), g.u8(Uint8Array.of(zeroPoint), [])]);
  }
  const length = g.slice(g.op('Shape', [ids]), [1], [2], [0]); // [L]
  const posTable = g.f32(t.weights(positions * width, width), [positions, width]);
  let h = g.add(embedded, g.op('Slice', [posTable, g.i64([0]), length, g.i64([0])]));

  // Causal mask: −∞-like above the diagonal, sliced to the sequence length.
  const causal = new Float32Array(positions * positions);
  for (let r = 0; r < positions; r++) for (let c = r + 1; c < positions; c++) causal[r * positions + c] = -3.4e38;
  const mask = g.op('Slice', [g.f32(causal, [positions, positions]), g.i64([0, 0]), g.concat([length, length], 0), g.i64([0, 1])]);
  for (let i = 0; i < layers; i++) h = t.encoderLayer(h, width, heads, mlp, mask);
  h = t.layerNorm(h, width); // final_layer_norm

  // Pooled output: the hidden state at each row's highest token id (EOS), as CLIP's original pooling.
  const eosAt = g.op('ArgMax', [g.cast(ids, 'float32')], { axis: 1, keepdims: 1 }); // [B,1]
  const index = g.op('Expand', [g.op('Unsqueeze', [eosAt, g.i64([2])]), g.concat([g.slice(g.op('Shape', [ids]), [0], [1], [0]), g.i64([1, width])], 0)]);
  const pooled = g.op('Squeeze', [g.op('GatherElements', [h, index], { axis: 1 }), g.i64([1])]); // [B,width]
  g.output('text_embeds', t.linear(pooled, width, CLIP_FULL_SIZE.projection, false), 'float32', ['batch_size', CLIP_FULL_SIZE.projection]);
  g.output('last_hidden_state', h, 'float32', ['batch_size', 'sequence_length', width]);
  return g.toModel(`Full-size stand-in of CLIP ViT-B/32 text (${dtype}), random weights: for benchmarks only.`);
}
