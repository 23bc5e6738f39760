/**
 * Full-size stand-ins of Stable Diffusion 1.5 inpainting's four ONNX components, in the diffusers /
 * Optimum export layout (text_encoder, vae_encoder, vae_decoder, unet): the real architectures
 * (CLIP ViT-L/14 text; AutoencoderKL; the 9-channel UNet2DConditionModel with resnet blocks,
 * cross-attention transformer blocks, down/up sampling, skip connections and a sinusoidal timestep
 * embedding), their widths, depths and parameter counts, with seeded random weights. They exist so
 * that `npm run bench -- --models=full-size` times graphs that cost what the real ones cost; their
 * outputs mean nothing.
 *
 * Weights go through a `WeightSink`: inline in the model (files under protobuf's 2 GB limit), to an
 * external data file (the fp32 UNet: 3.44 GB), or only counted (tests check parameter counts
 * without generating gigabytes).
 */
import { GraphBuilder } from '../onnx-builder.ts';
import { layerWeights, seededRandom } from './weights.ts';

/** SD 1.5's component configs (config.json of text_encoder, vae, unet in the diffusers repo). */
export const SD15_ARCH = {
  text: { width: 768, layers: 12, heads: 12, mlp: 3072, vocab: 49408, positions: 77 },
  vae: { channels: [128, 256, 512, 512], layersPerBlock: 2, latent: 4, groups: 32 },
  unet: { inChannels: 9, channels: [320, 640, 1280, 1280], crossAttention: [true, true, true, false], layersPerBlock: 2, heads: 8, context: 768, timeEmbed: 1280, groups: 32 },
} as const;

export type UnetArch = {
  inChannels: number;
  channels: readonly number[];
  crossAttention: readonly boolean[];
  layersPerBlock: number;
  heads: number;
  context: number;
  timeEmbed: number;
  groups: number;
};

/**
 * Parameter counts of the real SD 1.5 (inpainting) components, as `sum(p.numel())` in diffusers:
 * CLIPTextModel 123,060,480; AutoencoderKL 83,653,863 in all (encoder + quant_conv in
 * vae_encoder, post_quant_conv + decoder in vae_decoder); the inpainting UNet 859,535,364
 * (SD 1.5's 859,520,964 + 5 × 320 × 9 for the extra input channels).
 */
export const SD15_PARAMS = { textEncoder: 123_060_480, vae: 83_653_863, unet: 859_535_364 } as const;

/** Where a builder puts each weight tensor. */
export interface WeightSink {
  /** Returns the initializer's name; `values` is called only when the data is needed. */
  put(g: GraphBuilder, dims: readonly number[], values: () => Float32Array): string;
}

/** Weights inside the model file. */
export const inlineWeights: WeightSink = { put: (g, dims, values) => g.f32(values(), dims) };

/** Counts parameters and writes nothing; the graph gets external references into no file. */
export function countingWeights(): WeightSink & { readonly count: number } {
  let count = 0;
  return {
    put(g, dims) {
      const size = dims.reduce((a, b) => a * b, 1);
      const name = g.f32External(dims, 'not-written', count * 4);
      count += size;
      return name;
    },
    get count() {
      return count;
    },
  };
}

/** Weights appended to an external data file through `write` (e.g. fs.writeSync on an open fd). */
export function externalWeights(location: string, write: (bytes: Uint8Array) => void): WeightSink & { readonly bytes: number } {
  let offset = 0;
  return {
    put(g, dims, values) {
      const data = values();
      const name = g.f32External(dims, location, offset);
      write(new Uint8Array(data.buffer, data.byteOffset, data.byteLength));
      offset += data.byteLength;
      return name;
    },
    get bytes() {
      return offset;
    },
  };
}

/** Layers shared by the four components. Every parameter goes through the sink (and so is counted). */
class Layers {
  readonly g: GraphBuilder;
  private readonly random: () => number;

  constructor(
    name: string,
    seed: number,
    private readonly sink: WeightSink,
  ) {
    this.g = new GraphBuilder(name);
    this.random = seededRandom(seed);
  }

  /** A random weight with variance 1/fanIn (activations stay in range through every layer). */
  weight(dims: readonly number[], fanIn: number): string {
    return this.sink.put(this.g, dims, () => layerWeights(this.random, dims.reduce((a, b) => a * b, 1), fanIn));
  }

  filled(dims: readonly number[], value: number): string {
    return this.sink.put(this.g, dims, () => new Float32Array(dims.reduce((a, b) => a * b, 1)).fill(value));
  }

  linear(x: string, inDim: number, outDim: number, bias = true): string {
    const y = this.g.op('MatMul', [x, this.weight([inDim, outDim], inDim)]);
    return bias ? this.g.add(y, this.filled([outDim], 0.01)) : y;
  }

  conv(x: string, inC: number, outC: number, kernel: number, stride = 1, pads?: number[]): string {
    const p = (kernel - 1) / 2;
    return this.g.op('Conv', [x, this.weight([outC, inC, kernel, kernel], inC * kernel * kernel), this.filled([outC], 0.01)], {
      kernel_shape: [kernel, kernel],
      strides: [stride, stride],
      pads: pads ?? [p, p, p, p],
    });
  }

  silu(x: string): string {
    return this.g.mul(x, this.g.op('Sigmoid', [x]));
  }

  /** GELU (erf form, as torch exports it at opset 17). */
  gelu(x: string): string {
    const g = this.g;
    return g.mul(g.mul(x, g.f32(0.5, [])), g.add(g.op('Erf', [g.mul(x, g.f32(Math.SQRT1_2, []))]), g.f32(1, [])));
  }

  layerNorm(x: string, width: number, epsilon = 1e-5): string {
    return this.g.op('LayerNormalization', [x, this.filled([width], 1), this.filled([width], 0)], { axis: -1, epsilon: { float: epsilon } });
  }

  /** GroupNorm as torch exports it at opset 17: InstanceNormalization over [N, groups, rest], then the per-channel affine. */
  groupNorm(x: string, channels: number, groups: number, epsilon: number): string {
    const g = this.g;
    const grouped = g.reshape(x, [0, groups, -1]);
    const normed = g.op('InstanceNormalization', [grouped, g.f32(new Float32Array(groups).fill(1), [groups]), g.f32(new Float32Array(groups), [groups])], {
      epsilon: { float: epsilon },
    });
    const back = g.op('Reshape', [normed, g.op('Shape', [x])]);
    return g.add(g.mul(back, this.filled([channels, 1, 1], 1)), this.filled([channels, 1, 1], 0));
  }

  /** Multi-head attention of `query` [B,L,width] over `context` [B,S,contextDim]. */
  attention(query: string, context: string, width: number, contextDim: number, heads: number, qkvBias: boolean): string {
    const g = this.g;
    const headDim = width / heads;
    const split = (t: string): string => g.transpose(g.reshape(t, [0, -1, heads, headDim]), [0, 2, 1, 3]); // [B,H,L,d]
    const q = split(g.mul(this.linear(query, width, width, qkvBias), g.f32(1 / Math.sqrt(headDim), [])));
    const k = split(this.linear(context, contextDim, width, qkvBias));
    const v = split(this.linear(context, contextDim, width, qkvBias));
    const weights = g.op('Softmax', [g.op('MatMul', [q, g.transpose(k, [0, 1, 3, 2])])], { axis: -1 });
    const merged = g.reshape(g.transpose(g.op('MatMul', [weights, v]), [0, 2, 1, 3]), [0, -1, width]);
    return this.linear(merged, width, width);
  }

  /** [B,C,H,W] → [B,HW,C]. */
  toTokens(x: string, channels: number): string {
    return this.g.transpose(this.g.reshape(x, [0, channels, -1]), [0, 2, 1]);
  }

  /** [B,HW,C] → the shape of `like` [B,C,H,W]. */
  toSpatial(tokens: string, like: string): string {
    return this.g.op('Reshape', [this.g.transpose(tokens, [0, 2, 1]), this.g.op('Shape', [like])]);
  }

  /** diffusers' ResnetBlock2D (optionally with the timestep embedding added after conv1). */
  resnet(x: string, inC: number, outC: number, groups: number, epsilon: number, timeEmbedding?: { tensor: string; width: number }): string {
    const g = this.g;
    let h = this.conv(this.silu(this.groupNorm(x, inC, groups, epsilon)), inC, outC, 3);
    if (timeEmbedding) {
      const projected = this.linear(this.silu(timeEmbedding.tensor), timeEmbedding.width, outC);
      h = g.add(h, g.op('Unsqueeze', [projected, g.i64([2, 3])]));
    }
    h = this.conv(this.silu(this.groupNorm(h, outC, groups, epsilon)), outC, outC, 3);
    return g.add(inC === outC ? x : this.conv(x, inC, outC, 1), h);
  }

  /** The VAE's mid-block attention: one head over all pixels, with GroupNorm and a residual. */
  vaeAttention(x: string, channels: number, groups: number): string {
    const tokens = this.toTokens(this.groupNorm(x, channels, groups, 1e-6), channels);
    return this.g.add(x, this.toSpatial(this.attention(tokens, tokens, channels, channels, 1, true), x));
  }

  /** diffusers' Transformer2DModel as SD 1.x has it (conv proj_in/out, one BasicTransformerBlock with GEGLU). */
  transformer(x: string, channels: number, heads: number, context: string, contextDim: number, groups: number): string {
    const g = this.g;
    let t = this.toTokens(this.conv(this.groupNorm(x, channels, groups, 1e-6), channels, channels, 1), channels);
    const normed = this.layerNorm(t, channels);
    t = g.add(t, this.attention(normed, normed, channels, channels, heads, false));
    t = g.add(t, this.attention(this.layerNorm(t, channels), context, channels, contextDim, heads, false));
    const inner = 4 * channels;
    const [value, gate] = g.opN('Split', [this.linear(this.layerNorm(t, channels), channels, 2 * inner), g.i64([inner, inner])], 2, { axis: -1 }) as [string, string];
    t = g.add(t, this.linear(g.mul(value, this.gelu(gate)), inner, channels));
    return g.add(x, this.conv(this.toSpatial(t, x), channels, channels, 1));
  }
}

/** text_encoder/model.onnx: input_ids int64 [B,77] → last_hidden_state [B,77,768] (CLIP ViT-L/14's text tower, quick-GELU, causal). */
export function buildSdTextEncoder(sink: WeightSink = inlineWeights): Uint8Array {
  const { width, layers, heads, mlp, vocab, positions } = SD15_ARCH.text;
  const l = new Layers('text_encoder', 0x5d15_0001, sink);
  const g = l.g;
  const ids = g.input('input_ids', 'int64', ['batch', positions]);
  let h = g.add(g.op('Gather', [l.weight([vocab, width], width), ids], { axis: 0 }), l.weight([positions, width], width));
  const causal = new Float32Array(positions * positions);
  for (let r = 0; r < positions; r++) for (let c = r + 1; c < positions; c++) causal[r * positions + c] = -3.4e38;
  const mask = g.f32(causal, [positions, positions]);
  for (let i = 0; i < layers; i++) {
    const normed = l.layerNorm(h, width);
    // Self-attention with the causal mask (Layers.attention has none: written out here).
    const headDim = width / heads;
    const split = (t: string): string => g.transpose(g.reshape(t, [0, -1, heads, headDim]), [0, 2, 1, 3]);
    const q = split(g.mul(l.linear(normed, width, width), g.f32(1 / Math.sqrt(headDim), [])));
    const k = split(l.linear(normed, width, width));
    const v = split(l.linear(normed, width, width));
    const weights = g.op('Softmax', [g.add(g.op('MatMul', [q, g.transpose(k, [0, 1, 3, 2])]), mask)], { axis: -1 });
    h = g.add(h, l.linear(g.reshape(g.transpose(g.op('MatMul', [weights, v]), [0, 2, 1, 3]), [0, -1, width]), width, width));
    const up = l.linear(l.layerNorm(h, width), width, mlp);
    h = g.add(h, l.linear(g.mul(up, g.op('Sigmoid', [g.mul(up, g.f32(1.702, []))])), mlp, width));
  }
  g.output('last_hidden_state', l.layerNorm(h, width), 'float32', ['batch', positions, width]);
  return g.toModel('Full-size stand-in of SD 1.5 text_encoder (CLIP ViT-L/14 text), random weights: for benchmarks only.');
}

/** vae_encoder/model.onnx: sample [B,3,H,W] → latent_sample [B,4,H/8,W/8] (the posterior's mean; quant_conv included). */
export function buildSdVaeEncoder(sink: WeightSink = inlineWeights): Uint8Array {
  const { channels, layersPerBlock, latent, groups } = SD15_ARCH.vae;
  const l = new Layers('vae_encoder', 0x5d15_0002, sink);
  const g = l.g;
  let h = l.conv(g.input('sample', 'float32', ['batch', 3, 'height', 'width']), 3, channels[0]!, 3);
  let c: number = channels[0]!;
  channels.forEach((out, block) => {
    for (let i = 0; i < layersPerBlock; i++) {
      h = l.resnet(h, c, out, groups, 1e-6);
      c = out;
    }
    // Downsampling pads right and bottom only, then a stride-2 3×3 conv.
    if (block < channels.length - 1) h = l.conv(h, c, c, 3, 2, [0, 0, 1, 1]);
  });
  h = l.resnet(l.vaeAttention(l.resnet(h, c, c, groups, 1e-6), c, groups), c, c, groups, 1e-6);
  const moments = l.conv(l.conv(l.silu(l.groupNorm(h, c, groups, 1e-6)), c, 2 * latent, 3), 2 * latent, 2 * latent, 1); // conv_out, quant_conv
  g.output('latent_sample', g.slice(moments, [0], [latent], [1]), 'float32', ['batch', latent, 'latent_height', 'latent_width']);
  return g.toModel('Full-size stand-in of SD 1.5 vae_encoder (AutoencoderKL), random weights: for benchmarks only.');
}

/** vae_decoder/model.onnx: latent_sample [B,4,h,w] → sample [B,3,8h,8w] (post_quant_conv included). */
export function buildSdVaeDecoder(sink: WeightSink = inlineWeights): Uint8Array {
  const { channels, layersPerBlock, latent, groups } = SD15_ARCH.vae;
  const l = new Layers('vae_decoder', 0x5d15_0003, sink);
  const g = l.g;
  const z = g.input('latent_sample', 'float32', ['batch', latent, 'latent_height', 'latent_width']);
  let c: number = channels.at(-1)!;
  let h = l.conv(l.conv(z, latent, latent, 1), latent, c, 3); // post_quant_conv, conv_in
  h = l.resnet(l.vaeAttention(l.resnet(h, c, c, groups, 1e-6), c, groups), c, c, groups, 1e-6);
  [...channels].reverse().forEach((out, block) => {
    for (let i = 0; i <= layersPerBlock; i++) {
      h = l.resnet(h, c, out, groups, 1e-6);
      c = out;
    }
    if (block < channels.length - 1) h = l.conv(upsample(g, h), c, c, 3);
  });
  g.output('sample', l.conv(l.silu(l.groupNorm(h, c, groups, 1e-6)), c, 3, 3), 'float32', ['batch', 3, 'height', 'width']);
  return g.toModel('Full-size stand-in of SD 1.5 vae_decoder (AutoencoderKL), random weights: for benchmarks only.');
}

/** Nearest-neighbour 2× upsampling. */
function upsample(g: GraphBuilder, x: string): string {
  return g.op('Resize', [x, '', g.f32([1, 1, 2, 2])], { mode: 'nearest' });
}

/**
 * unet/model.onnx: sample [B,9,h,w], timestep int64 [1], encoder_hidden_states [B,77,768] →
 * out_sample [B,4,h,w]. `arch` defaults to SD 1.5 inpainting's; a smaller one keeps the same
 * structure with other widths (for tests that run it).
 */
export function buildSdUnet(sink: WeightSink = inlineWeights, arch: UnetArch = SD15_ARCH.unet): Uint8Array {
  const { inChannels, channels, crossAttention, layersPerBlock, heads, context: contextDim, timeEmbed, groups } = arch;
  const l = new Layers('unet', 0x5d15_0004, sink);
  const g = l.g;
  const sample = g.input('sample', 'float32', ['batch', inChannels, 'latent_height', 'latent_width']);
  const timestep = g.input('timestep', 'int64', [1]);
  const context = g.input('encoder_hidden_states', 'float32', ['batch', 77, contextDim]);

  // Sinusoidal timestep embedding (flip_sin_to_cos, freq_shift 0), then the two-layer MLP.
  const half = channels[0]! / 2;
  const frequencies = Float32Array.from({ length: half }, (_, i) => Math.exp((-Math.log(10000) * i) / half));
  const angles = g.mul(g.op('Unsqueeze', [g.cast(timestep, 'float32'), g.i64([1])]), g.f32(frequencies, [1, half]));
  const sinusoid = g.concat([g.op('Cos', [angles]), g.op('Sin', [angles])], 1);
  const temb = { tensor: l.linear(l.silu(l.linear(sinusoid, channels[0]!, timeEmbed)), timeEmbed, timeEmbed), width: timeEmbed };

  let h = l.conv(sample, inChannels, channels[0]!, 3);
  let c = channels[0]!;
  const skips: { tensor: string; channels: number }[] = [{ tensor: h, channels: c }];
  channels.forEach((out, block) => {
    for (let i = 0; i < layersPerBlock; i++) {
      h = l.resnet(h, c, out, groups, 1e-5, temb);
      c = out;
      if (crossAttention[block]) h = l.transformer(h, c, heads, context, contextDim, groups);
      skips.push({ tensor: h, channels: c });
    }
    if (block < channels.length - 1) {
      h = l.conv(h, c, c, 3, 2);
      skips.push({ tensor: h, channels: c });
    }
  });

  h = l.resnet(l.transformer(l.resnet(h, c, c, groups, 1e-5, temb), c, heads, context, contextDim, groups), c, c, groups, 1e-5, temb);

  const reversed = [...channels].reverse();
  const reversedAttention = [...crossAttention].reverse();
  reversed.forEach((out, block) => {
    for (let i = 0; i <= layersPerBlock; i++) {
      const skip = skips.pop()!;
      h = l.resnet(g.concat([h, skip.tensor], 1), c + skip.channels, out, groups, 1e-5, temb);
      c = out;
      if (reversedAttention[block]) h = l.transformer(h, c, heads, context, contextDim, groups);
    }
    if (block < reversed.length - 1) h = l.conv(upsample(g, h), c, c, 3);
  });
  g.output('out_sample', l.conv(l.silu(l.groupNorm(h, c, groups, 1e-5)), c, 4, 3), 'float32', ['batch', 4, 'latent_height', 'latent_width']);
  return g.toModel('Full-size stand-in of SD 1.5 inpainting unet (UNet2DConditionModel, 9 input channels), random weights: for benchmarks only.');
}
