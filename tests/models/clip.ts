/**
 * Tiny CLIP ("Xenova/clip-vit-base-patch32"-shaped) test models and tokenizer.
 * See README.md for the semantics.
 */
import { GraphBuilder } from './onnx-builder.ts';
import {
  CLIP_COLOURS,
  CLIP_COLOUR_WORDS,
  CLIP_EMBED_DIM,
  CLIP_IMAGE_MEAN,
  CLIP_IMAGE_NEUTRAL_BIAS,
  CLIP_IMAGE_SIZE,
  CLIP_IMAGE_STD,
  CLIP_MAX_LENGTH,
  CLIP_NEUTRAL_DIM,
  CLIP_PLAIN_WORDS,
  CLIP_SOFTMAX_SCALE,
  CLIP_SPECIAL_TOKENS,
  CLIP_TEXT_NEUTRAL_BIAS,
  CLIP_TEXT_NEUTRAL_PER_TOKEN,
  clipColourIndex,
} from './semantics.ts';

const D = CLIP_EMBED_DIM;
/** Compact token space: dims 0..K-1 colours, dim K neutral; projected to 512 by a MatMul. */
const K = CLIP_COLOURS.length;
const COMPACT = K + 1;

// ---------------------------------------------------------------------------------------------
// Tokenizer
// ---------------------------------------------------------------------------------------------

/** GPT-2's bytes_to_unicode: byte → printable character, in CLIP's vocabulary order. */
export function bytesToUnicode(): Array<[number, string]> {
  const bs: number[] = [];
  for (let b = 0x21; b <= 0x7e; b++) bs.push(b);
  for (let b = 0xa1; b <= 0xac; b++) bs.push(b);
  for (let b = 0xae; b <= 0xff; b++) bs.push(b);
  const cs = [...bs];
  let n = 0;
  for (let b = 0; b < 256; b++) {
    if (!bs.includes(b)) {
      bs.push(b);
      cs.push(256 + n);
      n++;
    }
  }
  return bs.map((b, i) => [b, String.fromCharCode(cs[i] as number)]);
}

/** Word → initial BPE symbols (characters, the last one carrying `</w>`). ASCII words only. */
function initialSymbols(word: string): string[] {
  const chars = [...word];
  return chars.map((c, i) => (i === chars.length - 1 ? `${c}</w>` : c));
}

/** Plain BPE: repeatedly merge the adjacent pair with the lowest rank (leftmost on ties). */
function bpe(word: string, ranks: Map<string, number>): string[] {
  const syms = initialSymbols(word);
  for (;;) {
    let best = -1;
    let bestRank = Infinity;
    for (let i = 0; i + 1 < syms.length; i++) {
      const r = ranks.get(`${syms[i]} ${syms[i + 1]}`);
      if (r !== undefined && r < bestRank) {
        bestRank = r;
        best = i;
      }
    }
    if (best < 0) return syms;
    syms.splice(best, 2, `${syms[best]}${syms[best + 1]}`);
  }
}

export interface ClipTokenizerFiles {
  tokenizerJson: Record<string, unknown>;
  tokenizerConfig: Record<string, unknown>;
  specialTokensMap: Record<string, unknown>;
  vocab: Map<string, number>;
  bosId: number;
  eosId: number;
}

/** All words that must be single tokens. */
export function clipWords(): string[] {
  return [...new Set([...Object.keys(CLIP_COLOUR_WORDS), ...CLIP_PLAIN_WORDS])];
}

/** Deterministic pseudo-words (a, b, …, z, then two letters and up) to grow a vocabulary with. */
function* fillerWords(): Generator<string> {
  const letters = 'etaoinshrdlucmfwypvbgkjqxz';
  for (let n = 0; ; n++) {
    let word = '';
    for (let v = n + 26; v > 0; v = Math.floor(v / 26) - 1) word = (letters[v % 26] as string) + word;
    yield word;
  }
}

/**
 * The tiny tokenizer, or with `vocabSize` (real CLIP: 49408) one grown with merges of filler
 * words to that size: the bench's full-size stand-in, so that loading and using the tokenizer
 * costs what the real one does. New merges get the highest ranks, so the test words tokenize
 * the same either way.
 */
export function buildClipTokenizer(vocabSize?: number): ClipTokenizerFiles {
  const byteChars = bytesToUnicode().map(([, c]) => c);
  const vocab = new Map<string, number>();
  const addToken = (t: string): void => {
    if (!vocab.has(t)) vocab.set(t, vocab.size);
  };
  for (const c of byteChars) addToken(c);
  for (const c of byteChars) addToken(`${c}</w>`);

  // Learn merges so that every vocabulary word is one token. A new merge always gets the
  // highest rank, so it never changes how previously-finished words are merged.
  const merges: string[] = [];
  const ranks = new Map<string, number>();
  for (const word of clipWords()) {
    for (;;) {
      const syms = bpe(word, ranks);
      if (syms.length === 1) break;
      const pair = `${syms[0]} ${syms[1]}`;
      ranks.set(pair, merges.length);
      merges.push(pair);
      addToken(`${syms[0]}${syms[1]}`);
    }
  }
  if (vocabSize !== undefined) {
    for (const word of fillerWords()) {
      if (vocab.size >= vocabSize - 2) break;
      for (;;) {
        const syms = bpe(word, ranks);
        if (syms.length === 1 || vocab.size >= vocabSize - 2) break;
        const pair = `${syms[0]} ${syms[1]}`;
        ranks.set(pair, merges.length);
        merges.push(pair);
        addToken(`${syms[0]}${syms[1]}`);
      }
    }
  }
  const bosId = vocab.size;
  vocab.set(CLIP_SPECIAL_TOKENS.bos, bosId);
  const eosId = vocab.size;
  vocab.set(CLIP_SPECIAL_TOKENS.eos, eosId); // the highest id, as in real CLIP

  const special = (id: number, content: string): Record<string, unknown> => ({
    id,
    content,
    single_word: false,
    lstrip: false,
    rstrip: false,
    normalized: true,
    special: true,
  });

  const tokenizerJson = {
    version: '1.0',
    truncation: null,
    padding: null,
    added_tokens: [special(bosId, CLIP_SPECIAL_TOKENS.bos), special(eosId, CLIP_SPECIAL_TOKENS.eos)],
    normalizer: {
      type: 'Sequence',
      normalizers: [
        { type: 'NFC' },
        { type: 'Replace', pattern: { Regex: '\\s+' }, content: ' ' },
        { type: 'Lowercase' },
      ],
    },
    pre_tokenizer: {
      type: 'Sequence',
      pretokenizers: [
        {
          type: 'Split',
          pattern: { Regex: "'s|'t|'re|'ve|'m|'ll|'d|[\\p{L}]+|[\\p{N}]|[^\\s\\p{L}\\p{N}]+" },
          behavior: 'Removed',
          invert: true,
        },
        { type: 'ByteLevel', add_prefix_space: false, trim_offsets: true, use_regex: false },
      ],
    },
    post_processor: {
      type: 'RobertaProcessing',
      sep: [CLIP_SPECIAL_TOKENS.eos, eosId],
      cls: [CLIP_SPECIAL_TOKENS.bos, bosId],
      trim_offsets: false,
      add_prefix_space: false,
    },
    decoder: { type: 'BPEDecoder', suffix: '</w>' },
    model: {
      type: 'BPE',
      dropout: null,
      unk_token: CLIP_SPECIAL_TOKENS.unk,
      continuing_subword_prefix: '',
      end_of_word_suffix: '</w>',
      fuse_unk: false,
      byte_fallback: false,
      vocab: Object.fromEntries(vocab),
      merges,
    },
  };

  const tokenizerConfig = {
    add_prefix_space: false,
    added_tokens_decoder: {
      [String(bosId)]: { ...special(bosId, CLIP_SPECIAL_TOKENS.bos), id: undefined },
      [String(eosId)]: { ...special(eosId, CLIP_SPECIAL_TOKENS.eos), id: undefined },
    },
    bos_token: CLIP_SPECIAL_TOKENS.bos,
    clean_up_tokenization_spaces: true,
    do_lower_case: true,
    eos_token: CLIP_SPECIAL_TOKENS.eos,
    errors: 'replace',
    model_max_length: CLIP_MAX_LENGTH,
    pad_token: CLIP_SPECIAL_TOKENS.pad,
    tokenizer_class: 'CLIPTokenizer',
    unk_token: CLIP_SPECIAL_TOKENS.unk,
  };

  const specialTokensMap = {
    bos_token: CLIP_SPECIAL_TOKENS.bos,
    eos_token: CLIP_SPECIAL_TOKENS.eos,
    pad_token: CLIP_SPECIAL_TOKENS.pad,
    unk_token: CLIP_SPECIAL_TOKENS.unk,
  };

  return { tokenizerJson, tokenizerConfig, specialTokensMap, vocab, bosId, eosId };
}

// ---------------------------------------------------------------------------------------------
// Models
// ---------------------------------------------------------------------------------------------

/** [rows, 512] projection: colour k → dim k, row K (neutral) → CLIP_NEUTRAL_DIM. */
function projection(rows: number): Float32Array {
  const w = new Float32Array(rows * D);
  for (let k = 0; k < Math.min(rows, K); k++) w[k * D + k] = 1;
  if (rows > K) w[K * D + CLIP_NEUTRAL_DIM] = 1;
  return w;
}

function neutralBias(v: number): Float32Array {
  const b = new Float32Array(D);
  b[CLIP_NEUTRAL_DIM] = v;
  return b;
}

/** text_model: input_ids, attention_mask (int64 [B,L]) → text_embeds [B,512], last_hidden_state [B,L,512]. */
export function buildClipTextModel(tok: ClipTokenizerFiles): Uint8Array {
  const g = new GraphBuilder('clip_text_model');
  const ids = g.input('input_ids', 'int64', ['batch_size', 'sequence_length']);
  const mask = g.input('attention_mask', 'int64', ['batch_size', 'sequence_length']);

  const V = tok.vocab.size;
  const table = new Float32Array(V * COMPACT);
  const byToken = new Map<string, number>();
  for (const [word, colour] of Object.entries(CLIP_COLOUR_WORDS)) byToken.set(`${word}</w>`, clipColourIndex(colour));
  for (const [token, id] of tok.vocab) {
    if (id === tok.bosId || id === tok.eosId) continue; // special tokens embed to 0
    const colour = byToken.get(token);
    if (colour !== undefined) table[id * COMPACT + colour] = 1;
    else table[id * COMPACT + K] = CLIP_TEXT_NEUTRAL_PER_TOKEN;
  }

  const emb = g.op('Gather', [g.f32(table, [V, COMPACT]), ids], { axis: 0 }); // [B,L,C]
  const m = g.op('Unsqueeze', [g.cast(mask, 'float32'), g.i64([2])]); // [B,L,1]
  const pooled = g.reduceSum(g.mul(emb, m), [1], false); // [B,C]
  const proj = g.f32(projection(COMPACT), [COMPACT, D]);
  const textEmbeds = g.add(g.op('MatMul', [pooled, proj]), g.f32(neutralBias(CLIP_TEXT_NEUTRAL_BIAS), [D]));
  const hidden = g.op('MatMul', [emb, proj]); // [B,L,512]
  g.output('text_embeds', textEmbeds, 'float32', ['batch_size', D]);
  g.output('last_hidden_state', hidden, 'float32', ['batch_size', 'sequence_length', D]);
  return g.toModel('Test CLIP text model: bag of colour words.');
}

/** vision_model: pixel_values [B,3,224,224] → image_embeds [B,512], last_hidden_state [B,50,768]. */
export function buildClipVisionModel(): Uint8Array {
  // Element-wise ops and reductions only: Softmax, pooling and skinny MatMuls are very slow on
  // software WebGPU adapters (SwiftShader), which is what headless test browsers get.
  const g = new GraphBuilder('clip_vision_model');
  const S = CLIP_IMAGE_SIZE;
  const P = S * S;
  const x = g.input('pixel_values', 'float32', ['batch_size', 3, S, S]);
  const rgb = g.add(
    g.mul(x, g.f32([...CLIP_IMAGE_STD], [1, 3, 1, 1])),
    g.f32([...CLIP_IMAGE_MEAN], [1, 3, 1, 1]),
  ); // [B,3,S,S] in [0,1]

  // Squared distance of every pixel to every prototype: [B,K,P].
  const protos = new Float32Array(K * 3);
  CLIP_COLOURS.forEach((c, k) => {
    for (let ch = 0; ch < 3; ch++) protos[k * 3 + ch] = (c.rgb[ch] as number) / 255;
  });
  const diff = g.sub(g.reshape(rgb, [0, 1, 3, P]), g.f32(protos, [1, K, 3, 1])); // [B,K,3,P]
  const d2 = g.reduceSum(g.square(diff), [2], false); // [B,K,P]
  // Softmax over prototypes of −SCALE·d², as exp / sum (d² capped so exp never underflows to 0).
  const e = g.op('Exp', [g.mul(g.clip(d2, 0, 0.8), g.f32(-CLIP_SOFTMAX_SCALE, []))]);
  const share = g.div(e, g.reduceSum(e, [1])); // [B,K,P]
  const hist = g.reduceMean(share, [2], false); // [B,K]
  const imageEmbeds = g.add(
    g.op('MatMul', [hist, g.f32(projection(K), [K, D])]),
    g.f32(neutralBias(CLIP_IMAGE_NEUTRAL_BIAS), [D]),
  );
  g.output('image_embeds', imageEmbeds, 'float32', ['batch_size', D]);

  // last_hidden_state: a CLS token (mean of the patch tokens) then 49 patch tokens, each the
  // mean RGB in [0,1] of its 32×32 patch in dims 0..2, zeros elsewhere.
  const patches = g.reduceMean(g.reshape(rgb, [0, 3, 7, 32, 7, 32]), [3, 5], false); // [B,3,7,7]
  const tokens = g.transpose(g.reshape(patches, [0, 3, 49]), [0, 2, 1]); // [B,49,3]
  const hiddenPatches = g.op('Pad', [tokens, g.i64([0, 0, 0, 0, 0, 768 - 3])]); // [B,49,768]
  const cls = g.reduceMean(hiddenPatches, [1], true); // [B,1,768]
  g.output('last_hidden_state', g.concat([cls, hiddenPatches], 1), 'float32', ['batch_size', 50, 768]);
  return g.toModel('Test CLIP vision model: soft colour histogram.');
}

export function clipConfigFiles(tok: ClipTokenizerFiles): Record<string, unknown> {
  return {
    'config.json': {
      _name_or_path: 'Xenova/clip-vit-base-patch32 (tiny test stand-in)',
      model_type: 'clip',
      architectures: ['CLIPModel'],
      projection_dim: D,
      logit_scale_init_value: 2.6592,
      text_config: {
        model_type: 'clip_text_model',
        hidden_size: D,
        projection_dim: D,
        max_position_embeddings: CLIP_MAX_LENGTH,
        vocab_size: tok.vocab.size,
        bos_token_id: tok.bosId,
        eos_token_id: tok.eosId,
        pad_token_id: tok.eosId,
      },
      vision_config: {
        model_type: 'clip_vision_model',
        hidden_size: 768,
        projection_dim: D,
        image_size: CLIP_IMAGE_SIZE,
        patch_size: 32,
        num_channels: 3,
      },
      transformers_version: '4.36.0',
    },
    'preprocessor_config.json': {
      processor_class: 'CLIPProcessor',
      image_processor_type: 'CLIPImageProcessor',
      feature_extractor_type: 'CLIPFeatureExtractor',
      do_convert_rgb: true,
      do_resize: true,
      size: { shortest_edge: CLIP_IMAGE_SIZE },
      resample: 3,
      do_center_crop: true,
      crop_size: { height: CLIP_IMAGE_SIZE, width: CLIP_IMAGE_SIZE },
      do_rescale: true,
      rescale_factor: 1 / 255,
      do_normalize: true,
      image_mean: [...CLIP_IMAGE_MEAN],
      image_std: [...CLIP_IMAGE_STD],
    },
    'tokenizer.json': tok.tokenizerJson,
    'tokenizer_config.json': tok.tokenizerConfig,
    'special_tokens_map.json': tok.specialTokensMap,
  };
}
