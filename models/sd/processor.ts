/**
 * Stable Diffusion's pre- and post-processing, pure: the crop to a [-1,1] planar tensor, the
 * masked image, the mask at latent size, latents back to pixels, the working
 * size of a crop, and CLIP BPE tokenizer data from a diffusers repo's vocab.json + merges.txt.
 */
import type { Mask, RGBAImage } from '../../utils/image/types';

/** The VAE's spatial factor: one latent per 8×8 pixels. */
export const LATENT_FACTOR = 8;
export const SD_MAX_TOKENS = 77;

/** [3,H,W] in [-1,1]; with `mask`, pixels to repaint (≥ 128) are 0, as diffusers' `image * (mask < 0.5)`. */
export function imageToPlanar(image: RGBAImage, mask?: Mask): Float32Array {
  const plane = image.width * image.height;
  const out = new Float32Array(3 * plane);
  for (let p = 0; p < plane; p++) {
    if (mask && mask.data[p]! >= 128) continue;
    for (let c = 0; c < 3; c++) out[c * plane + p] = (image.data[4 * p + c]! / 255) * 2 - 1;
  }
  return out;
}

/**
 * The mask at latent size [h,w], 1 = repaint: a latent is repainted when any pixel of its 8×8
 * block is (nearest sampling would keep the old latents of half-masked blocks, and their colour
 * would show inside the feathered edge).
 */
export function latentMask(mask: Mask, latentWidth: number, latentHeight: number): Float32Array {
  const out = new Float32Array(latentWidth * latentHeight);
  const sx = mask.width / latentWidth;
  const sy = mask.height / latentHeight;
  for (let ly = 0; ly < latentHeight; ly++) {
    for (let lx = 0; lx < latentWidth; lx++) {
      const x0 = Math.floor(lx * sx);
      const x1 = Math.max(x0 + 1, Math.ceil((lx + 1) * sx));
      const y0 = Math.floor(ly * sy);
      const y1 = Math.max(y0 + 1, Math.ceil((ly + 1) * sy));
      let hit = 0;
      for (let y = y0; y < y1 && !hit; y++) for (let x = x0; x < x1; x++) if (mask.data[y * mask.width + x]! >= 128) { hit = 1; break; }
      out[ly * latentWidth + lx] = hit;
    }
  }
  return out;
}

/** The VAE decoder's [3,H,W] in [-1,1] to opaque RGBA. */
export function planarToImage(planar: ArrayLike<number>, width: number, height: number): RGBAImage {
  const plane = width * height;
  if (planar.length !== 3 * plane) throw new Error(`The VAE decoder returned ${planar.length} values for ${width}×${height}`);
  const data = new Uint8ClampedArray(4 * plane);
  for (let p = 0; p < plane; p++) {
    for (let c = 0; c < 3; c++) data[4 * p + c] = Math.round((planar[c * plane + p]! / 2 + 0.5) * 255);
    data[4 * p + 3] = 255;
  }
  return { width, height, data };
}

/**
 * The size the crop is diffused at: its aspect kept, the long side at most `cap`, both sides
 * multiples of 8 (the VAE's factor) and at least 64. The paste-back resizes the result to the crop.
 */
export function workingSize(width: number, height: number, cap: number): { width: number; height: number } {
  const scale = Math.min(1, cap / Math.max(width, height));
  const side = (n: number) => Math.min(cap, Math.max(64, Math.round((n * scale) / LATENT_FACTOR) * LATENT_FACTOR));
  return { width: side(width), height: side(height) };
}

/** Latents a and b mixed by mask m per latent position (1 → a): `m·a + (1−m)·b`, channels planar. */
export function blendLatents(a: Float32Array, b: Float32Array, mask: Float32Array): Float32Array {
  const plane = mask.length;
  const out = new Float32Array(a.length);
  for (let i = 0; i < a.length; i++) {
    const m = mask[i % plane]!;
    out[i] = m * a[i]! + (1 - m) * b[i]!;
  }
  return out;
}

/** x · s, a new array (the VAE scale in and out). */
export function scaled(values: ArrayLike<number>, s: number): Float32Array {
  const out = new Float32Array(values.length);
  for (let i = 0; i < out.length; i++) out[i] = values[i]! * s;
  return out;
}

/** Token ids padded (or cut, keeping the end token last) to 77. */
export function padTokenIds(ids: readonly number[], padId: number, length = SD_MAX_TOKENS): number[] {
  const kept = ids.length > length ? [...ids.slice(0, length - 1), ids[ids.length - 1]!] : [...ids];
  while (kept.length < length) kept.push(padId);
  return kept;
}

/**
 * tokenizer.json (the `tokenizers` format) for CLIP's byte-level BPE from a diffusers repo's
 * tokenizer/vocab.json and merges.txt: the normalizer, pre-tokenizer and post-processor of
 * CLIPTokenizerFast, so `@huggingface/tokenizers` tokenizes as the model was trained.
 */
export function clipTokenizerJson(vocab: Record<string, number>, mergesTxt: string): Record<string, unknown> {
  const merges = mergesTxt.split('\n').filter((line) => line.trim() !== '' && !line.startsWith('#version'));
  const bos = '<|startoftext|>';
  const eos = '<|endoftext|>';
  const bosId = vocab[bos];
  const eosId = vocab[eos];
  if (bosId === undefined || eosId === undefined) throw new Error('The tokenizer vocabulary lacks <|startoftext|> or <|endoftext|>');
  const special = (id: number, content: string) => ({ id, content, single_word: false, lstrip: false, rstrip: false, normalized: true, special: true });
  return {
    version: '1.0',
    truncation: null,
    padding: null,
    added_tokens: [special(bosId, bos), special(eosId, eos)],
    normalizer: { type: 'Sequence', normalizers: [{ type: 'NFC' }, { type: 'Replace', pattern: { Regex: '\\s+' }, content: ' ' }, { type: 'Lowercase' }] },
    pre_tokenizer: {
      type: 'Sequence',
      pretokenizers: [
        { type: 'Split', pattern: { Regex: "'s|'t|'re|'ve|'m|'ll|'d|[\\p{L}]+|[\\p{N}]|[^\\s\\p{L}\\p{N}]+" }, behavior: 'Removed', invert: true },
        { type: 'ByteLevel', add_prefix_space: false, trim_offsets: true, use_regex: false },
      ],
    },
    post_processor: { type: 'RobertaProcessing', sep: [eos, eosId], cls: [bos, bosId], trim_offsets: false, add_prefix_space: false },
    decoder: { type: 'BPEDecoder', suffix: '</w>' },
    model: { type: 'BPE', dropout: null, unk_token: eos, continuing_subword_prefix: '', end_of_word_suffix: '</w>', fuse_unk: false, byte_fallback: false, vocab, merges },
  };
}
