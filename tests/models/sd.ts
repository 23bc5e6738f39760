/**
 * Tiny Stable Diffusion test models in the diffusers/Optimum ONNX layout (text_encoder,
 * vae_encoder, vae_decoder, unet, tokenizer, scheduler), shape-exact, with weights that mean
 * something (see README.md, "Stable Diffusion"):
 * - the text encoder puts colour word k on hidden dim k (other tokens 0);
 * - the VAE pools 8×8 blocks and keeps RGB as latent channels 0..2 (channel 3 is 0), so
 *   decode(encode(x)) = x for images flat over each 8×8 block;
 * - the UNets predict the noise ε = (x_t − √ᾱ_t·x̂₀)/√(1−ᾱ_t) of a target x̂₀: the prompt's colour
 *   where the mask says repaint (the 9-channel one moves only SD_INPAINT_PULL of the way from the
 *   masked image, so guidance 7.5 reaches the colour), the masked-image latents elsewhere.
 */
import { GraphBuilder } from './onnx-builder.ts';
import type { ClipTokenizerFiles } from './clip.ts';
import { CLIP_COLOURS, CLIP_COLOUR_WORDS, clipColourIndex, CLIP_MAX_LENGTH, SD_INPAINT_HIDDEN, SD_INPAINT_PULL, SD_TRAIN_SCHEDULE, SD_TURBO_HIDDEN, SD_VAE_SCALE } from './semantics.ts';

const K = CLIP_COLOURS.length;

/** input_ids [B,77] (int64 or int32, as the two real exports) → last_hidden_state f32 [B,77,hidden]. */
export function buildSdTextEncoder(tok: ClipTokenizerFiles, hidden: number, idType: 'int64' | 'int32'): Uint8Array {
  const g = new GraphBuilder('sd_text_encoder');
  const ids = g.input('input_ids', idType, ['batch_size', CLIP_MAX_LENGTH]);
  const table = new Float32Array(tok.vocab.size * K);
  const colourOf = new Map(Object.entries(CLIP_COLOUR_WORDS).map(([word, colour]) => [`${word}</w>`, clipColourIndex(colour)]));
  for (const [token, id] of tok.vocab) {
    const colour = colourOf.get(token);
    if (colour !== undefined) table[id * K + colour] = 1;
  }
  const compact = g.op('Gather', [g.f32(table, [tok.vocab.size, K]), ids], { axis: 0 }); // [B,77,K]
  const widen = new Float32Array(K * hidden);
  for (let k = 0; k < K; k++) widen[k * hidden + k] = 1;
  g.output('last_hidden_state', g.op('MatMul', [compact, g.f32(widen, [K, hidden])]), 'float32', ['batch_size', CLIP_MAX_LENGTH, hidden]);
  return g.toModel('Test SD text encoder: colour word k → hidden dim k.');
}

/** sample f32 [B,3,H,W] in [-1,1] → latent_sample [B,4,H/8,W/8]: the 8×8 block means of R, G, B (and 0), divided by the VAE scale. */
export function buildSdVaeEncoder(): Uint8Array {
  const g = new GraphBuilder('sd_vae_encoder');
  const x = g.input('sample', 'float32', ['batch_size', 3, 'height', 'width']);
  const shape = g.op('Shape', [x]); // [B,3,H,W]
  const blocks = g.op('Div', [g.slice(shape, [2], [4], [0]), g.i64([8, 8])]); // [h,w]
  const six = g.concat([g.slice(shape, [0], [2], [0]), g.slice(blocks, [0], [1], [0]), g.i64([8]), g.slice(blocks, [1], [2], [0]), g.i64([8])], 0);
  const pooled = g.reduceMean(g.op('Reshape', [x, six]), [3, 5], false); // [B,3,h,w]
  const withZero = g.op('Pad', [pooled, g.i64([0, 0, 0, 0, 0, 1, 0, 0])]); // [B,4,h,w]
  g.output('latent_sample', g.mul(withZero, g.f32(1 / SD_VAE_SCALE, [])), 'float32', ['batch_size', 4, 'height_latent', 'width_latent']);
  return g.toModel('Test SD VAE encoder: 8×8 mean pooling, RGB as latent channels 0..2.');
}

/** latent_sample f32 [B,4,h,w] (already divided by the VAE scale) → sample [B,3,8h,8w] in [-1,1]: channels 0..2 × scale, each latent an 8×8 block. */
export function buildSdVaeDecoder(): Uint8Array {
  const g = new GraphBuilder('sd_vae_decoder');
  const z = g.input('latent_sample', 'float32', ['batch_size', 4, 'height_latent', 'width_latent']);
  const rgb = g.mul(g.slice(z, [0], [3], [1]), g.f32(SD_VAE_SCALE, [])); // [B,3,h,w]
  const spread = g.op('Unsqueeze', [rgb, g.i64([3, 5])]); // [B,3,h,1,w,1]
  const blocks = g.expand(spread, [1, 1, 1, 8, 1, 8]);
  const size = g.op('Mul', [g.op('Shape', [rgb]), g.i64([1, 1, 8, 8])]);
  g.output('sample', g.op('Reshape', [blocks, size]), 'float32', ['batch_size', 3, 'height', 'width']);
  return g.toModel('Test SD VAE decoder: each latent → an 8×8 block of its RGB channels.');
}

/** ᾱ_t of the scaled_linear training schedule, t = 0..999. */
function alphasCumprod(): Float64Array {
  const { steps, betaStart, betaEnd } = SD_TRAIN_SCHEDULE;
  const out = new Float64Array(steps);
  let product = 1;
  for (let t = 0; t < steps; t++) {
    const beta = (Math.sqrt(betaStart) + ((Math.sqrt(betaEnd) - Math.sqrt(betaStart)) * t) / (steps - 1)) ** 2;
    product *= 1 - beta;
    out[t] = product;
  }
  return out;
}

/**
 * The UNet. `inpainting`: sample [B,9,h,w] = noisy latents ‖ mask ‖ masked-image latents, target
 * x̂₀ = I + M·pull·(c − has·I); else sample [B,4,h,w] and x̂₀ = c (grey 0 without a colour word).
 * c = the mean of the prompt's colours (RGB in [-1,1], channel 3 = 0), has = 1 with a colour word.
 */
export function buildSdUnet(inpainting: boolean, hidden: number): Uint8Array {
  const g = new GraphBuilder(inpainting ? 'sd_inpaint_unet' : 'sd_unet');
  const channels = inpainting ? 9 : 4;
  const sample = g.input('sample', 'float32', ['batch_size', channels, 'height', 'width']);
  const timestep = g.input('timestep', 'int64', [1]);
  const text = g.input('encoder_hidden_states', 'float32', ['batch_size', CLIP_MAX_LENGTH, hidden]);

  const weights = g.slice(g.reduceSum(text, [1], false), [0], [K], [1]); // [B,K]
  const total = g.reduceSum(weights, [1]); // [B,1]
  const norm = g.clip(total, 1);
  const palette = new Float32Array(K * 4);
  CLIP_COLOURS.forEach((c, k) => c.rgb.forEach((v, ch) => (palette[k * 4 + ch] = (v / 255) * 2 - 1)));
  const colour = g.reshape(g.div(g.op('MatMul', [weights, g.f32(palette, [K, 4])]), norm), [-1, 4, 1, 1]);
  const has = g.reshape(g.div(total, norm), [-1, 1, 1, 1]);

  const x = g.slice(sample, [0], [4], [1]);
  let target = colour;
  if (inpainting) {
    const mask = g.slice(sample, [4], [5], [1]);
    const image = g.slice(sample, [5], [9], [1]);
    const pull = g.mul(g.sub(colour, g.mul(has, image)), g.f32(SD_INPAINT_PULL, []));
    target = g.add(image, g.mul(mask, pull));
  }
  const alphas = alphasCumprod();
  const sqrtA = g.f32(Float32Array.from(alphas, (a) => Math.sqrt(a)), [alphas.length]);
  const sqrt1mA = g.f32(Float32Array.from(alphas, (a) => Math.sqrt(1 - a)), [alphas.length]);
  const at = (table: string) => g.reshape(g.op('Gather', [table, timestep], { axis: 0 }), [1, 1, 1, 1]);
  const eps = g.div(g.sub(x, g.mul(at(sqrtA), target)), at(sqrt1mA));
  g.output('out_sample', eps, 'float32', ['batch_size', 4, 'height', 'width']);
  return g.toModel(inpainting ? 'Test SD inpainting UNet: masked latents toward the prompt colour.' : 'Test 4-channel UNet: latents toward the prompt colour.');
}

/** tokenizer/ in the real repos' form: vocab.json and merges.txt (with the version line), plus the configs. */
export function sdTokenizerFiles(tok: ClipTokenizerFiles, padToken: string): { vocab: string; merges: string; config: unknown; specialTokens: unknown } {
  const model = tok.tokenizerJson['model'] as { merges: (string | [string, string])[] };
  const merges = model.merges.map((m) => (typeof m === 'string' ? m : m.join(' ')));
  return {
    vocab: JSON.stringify(Object.fromEntries(tok.vocab)),
    merges: `#version: 0.2\n${merges.join('\n')}\n`,
    config: { ...tok.tokenizerConfig, pad_token: padToken },
    specialTokens: { ...tok.specialTokensMap, pad_token: padToken },
  };
}

/** scheduler_config.json as diffusers writes it. */
export function sdSchedulerConfig(kind: 'inpaint' | 'turbo'): Record<string, unknown> {
  const common = {
    num_train_timesteps: SD_TRAIN_SCHEDULE.steps,
    beta_start: SD_TRAIN_SCHEDULE.betaStart,
    beta_end: SD_TRAIN_SCHEDULE.betaEnd,
    beta_schedule: 'scaled_linear',
    prediction_type: 'epsilon',
    steps_offset: 1,
    set_alpha_to_one: false,
    clip_sample: false,
  };
  return kind === 'inpaint'
    ? { _class_name: 'DDIMScheduler', ...common, timestep_spacing: 'leading' }
    : { _class_name: 'EulerDiscreteScheduler', ...common, timestep_spacing: 'trailing' };
}

export { SD_INPAINT_HIDDEN, SD_TURBO_HIDDEN };
