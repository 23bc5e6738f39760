/**
 * Stable Diffusion sessions, one call per component: text encoder, VAE encoder, one UNet step,
 * VAE decoder. Inputs are fed in the dtypes the session declares (float16 exports get half
 * floats, int32 or int64 token ids and timesteps as the export wants); outputs come back float32.
 */
import { Tokenizer } from '@huggingface/tokenizers';
import { VAE_SCALE } from '../../utils/diffusion/scheduler';
import { declaredFeeds, outputTensor, timedRun, type LoadedModel } from '../hub';
import { floatData, floatFeed, integerFeed } from '../tensors';
import { clipTokenizerJson, LATENT_FACTOR, padTokenIds, scaled, SD_MAX_TOKENS } from './processor';

export type SdModel = LoadedModel<'sdInpaint'> | LoadedModel<'sdTurbo'>;

interface SdTokenizer {
  tokenizer: Tokenizer;
  padId: number;
}

const tokenizers = new WeakMap<SdModel, SdTokenizer>();

function tokenizerOf(model: SdModel): SdTokenizer {
  const known = tokenizers.get(model);
  if (known) return known;
  const vocab = model.configs['tokenizer/vocab.json'];
  const merges = model.configs['tokenizer/merges.txt'];
  const config = model.configs['tokenizer/tokenizer_config.json'];
  if (!isRecord(vocab) || typeof merges !== 'string' || !isRecord(config)) throw new Error('The diffusion repo lacks tokenizer/vocab.json, merges.txt or tokenizer_config.json');
  const ids: Record<string, number> = {};
  for (const [token, id] of Object.entries(vocab)) if (typeof id === 'number') ids[token] = id;
  const tokenizer = new Tokenizer(clipTokenizerJson(ids, merges), config);
  // SD 1.x pads with <|endoftext|>, SD 2.x / Turbo (OpenCLIP) with "!".
  const padToken = typeof config['pad_token'] === 'string' ? config['pad_token'] : '<|endoftext|>';
  const padId = tokenizer.token_to_id(padToken);
  if (padId === undefined) throw new Error(`The diffusion tokenizer has no ${padToken} token`);
  const made = { tokenizer, padId };
  tokenizers.set(model, made);
  return made;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export interface TextEmbedding {
  data: Float32Array;
  /** [1,77,hidden] */
  dims: [number, number, number];
}

/** CLIP BPE ids padded to 77 (what the text encoder reads). */
export function sdTokenIds(model: SdModel, text: string): number[] {
  const { tokenizer, padId } = tokenizerOf(model);
  return padTokenIds(tokenizer.encode(text).ids, padId);
}

export async function encodeText(model: SdModel, text: string): Promise<TextEmbedding & { modelMs: number }> {
  const session = model.sessions.textEncoder;
  const ids = integerFeed(session, 'input_ids', sdTokenIds(model, text), [1, SD_MAX_TOKENS]);
  const { outputs, ms } = await timedRun(session, declaredFeeds(session, { input_ids: ids }));
  const hidden = outputTensor(outputs, 'last_hidden_state');
  const width = hidden.dims[2] ?? 0;
  return { data: floatData(hidden), dims: [1, SD_MAX_TOKENS, width], modelMs: ms };
}

/** [3,H,W] in [-1,1] → scaled latents [4,H/8,W/8] (× VAE_SCALE). */
export async function vaeEncode(model: SdModel, planar: Float32Array, width: number, height: number): Promise<{ latents: Float32Array; modelMs: number }> {
  const session = model.sessions.vaeEncoder;
  const { outputs, ms } = await timedRun(session, declaredFeeds(session, { sample: floatFeed(session, 'sample', planar, [1, 3, height, width]) }));
  const latent = floatData(outputTensor(outputs, 'latent_sample'));
  const expected = 4 * (width / LATENT_FACTOR) * (height / LATENT_FACTOR);
  if (latent.length !== expected) throw new Error(`The VAE encoder returned ${latent.length} values, expected ${expected}`);
  return { latents: scaled(latent, VAE_SCALE), modelMs: ms };
}

/** Scaled latents [4,h,w] → [3,8h,8w] in [-1,1]. */
export async function vaeDecode(model: SdModel, latents: Float32Array, latentWidth: number, latentHeight: number): Promise<{ planar: Float32Array; modelMs: number }> {
  const session = model.sessions.vaeDecoder;
  const unscaled = scaled(latents, 1 / VAE_SCALE);
  const feeds = declaredFeeds(session, { latent_sample: floatFeed(session, 'latent_sample', unscaled, [1, 4, latentHeight, latentWidth]) });
  const { outputs, ms } = await timedRun(session, feeds);
  return { planar: floatData(outputTensor(outputs, 'sample')), modelMs: ms };
}

/**
 * One UNet evaluation on a batch: `sample` [B,C,h,w] (C = 9 for inpainting, 4 otherwise),
 * `text` [B,77,hidden] → ε [B,4,h,w].
 */
export async function unetStep(
  model: SdModel,
  sample: Float32Array,
  shape: { batch: number; channels: number; width: number; height: number },
  timestep: number,
  text: Float32Array,
  hidden: number,
): Promise<{ noise: Float32Array; modelMs: number }> {
  const session = model.sessions.unet;
  const { batch, channels, width, height } = shape;
  const feeds = declaredFeeds(session, {
    sample: floatFeed(session, 'sample', sample, [batch, channels, height, width]),
    timestep: integerFeed(session, 'timestep', [timestep], [1]),
    encoder_hidden_states: floatFeed(session, 'encoder_hidden_states', text, [batch, SD_MAX_TOKENS, hidden]),
  });
  const { outputs, ms } = await timedRun(session, feeds);
  return { noise: floatData(outputTensor(outputs, 'out_sample')), modelMs: ms };
}

/** The UNet's latent channels in: 9 for an inpainting UNet, 4 for a plain one (read from the session when it says). */
export function unetChannels(model: SdModel): number {
  const meta = model.sessions.unet.inputMetadata.find((m) => m.name === 'sample');
  const channels = meta?.isTensor ? meta.shape[1] : undefined;
  if (typeof channels === 'number') return channels;
  return model.name === 'sdInpaint' ? 9 : 4;
}

/** Releases the text encoder and the VAE encoder (a job short of memory, once they are done); the model is then only good for denoising and decoding. */
export async function releaseEncoders(model: SdModel): Promise<void> {
  await model.sessions.textEncoder.release();
  await model.sessions.vaeEncoder.release();
}
