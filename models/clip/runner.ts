/** CLIP sessions: image and text embeddings, and the CLIP score between them. */
import * as ort from 'onnxruntime-web';
import { Tokenizer } from '@huggingface/tokenizers';
import type { RGBAImage, Rect } from '../../utils/image/types';
import { declaredFeeds, outputTensor, timedRun, type LoadedModel } from '../hub';
import { floatData } from '../tensors';
import { clipPixelValues, CLIP_INPUT_SIZE, CLIP_MAX_TOKENS, padTokens } from './processor';

interface ClipTokenizer {
  tokenizer: Tokenizer;
  padId: number;
}

// Building the tokenizer from CLIP's tokenizer.json (49k tokens, 48k merges) takes ~75 ms: once per model.
const tokenizers = new WeakMap<LoadedModel<'clip'>, ClipTokenizer>();

export function clipTokenizer(model: LoadedModel<'clip'>): ClipTokenizer {
  let cached = tokenizers.get(model);
  if (!cached) {
    cached = buildTokenizer(model);
    tokenizers.set(model, cached);
  }
  return cached;
}

function buildTokenizer(model: LoadedModel<'clip'>): ClipTokenizer {
  const config = model.configs['tokenizer_config.json'];
  const json = model.configs['tokenizer.json'];
  if (typeof config !== 'object' || config === null || typeof json !== 'object' || json === null) {
    throw new Error('The CLIP repo lacks tokenizer.json or tokenizer_config.json');
  }
  const tokenizer = new Tokenizer(json, config);
  const padToken = 'pad_token' in config && typeof config.pad_token === 'string' ? config.pad_token : '<|endoftext|>';
  const padId = tokenizer.token_to_id(padToken);
  if (padId === undefined) throw new Error(`The CLIP tokenizer has no ${padToken} token`);
  return { tokenizer, padId };
}

export async function clipImageEmbeds(model: LoadedModel<'clip'>, image: RGBAImage, rect?: Rect): Promise<{ embeds: Float32Array; modelMs: number }> {
  const pixels = new ort.Tensor('float32', clipPixelValues(image, rect), [1, 3, CLIP_INPUT_SIZE, CLIP_INPUT_SIZE]);
  const session = model.sessions.vision;
  const { outputs, ms } = await timedRun(session, declaredFeeds(session, { pixel_values: pixels }));
  return { embeds: floatData(outputTensor(outputs, 'image_embeds')), modelMs: ms };
}

export async function clipTextEmbeds(model: LoadedModel<'clip'>, texts: readonly string[]): Promise<{ embeds: Float32Array; dim: number; modelMs: number }> {
  const { tokenizer, padId } = clipTokenizer(model);
  const ids = new BigInt64Array(texts.length * CLIP_MAX_TOKENS);
  const mask = new BigInt64Array(texts.length * CLIP_MAX_TOKENS);
  texts.forEach((text, i) => {
    const padded = padTokens(tokenizer.encode(text).ids, padId);
    ids.set(padded.ids, i * CLIP_MAX_TOKENS);
    mask.set(padded.mask, i * CLIP_MAX_TOKENS);
  });
  const dims = [texts.length, CLIP_MAX_TOKENS];
  const session = model.sessions.text;
  const { outputs, ms } = await timedRun(
    session,
    declaredFeeds(session, { input_ids: new ort.Tensor('int64', ids, dims), attention_mask: new ort.Tensor('int64', mask, dims) }),
  );
  const embeds = outputTensor(outputs, 'text_embeds');
  return { embeds: floatData(embeds), dim: embeds.dims[1] ?? 512, modelMs: ms };
}
