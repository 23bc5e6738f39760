/**
 * The tiny instruct LLM (`onnx-community/Qwen2.5-0.5B-Instruct` layout): a decoder with past
 * key/values whose greedy output, after the chat template's generation prompt, spells
 * LLM_ANSWER byte by byte and then ends with `<|end|>`.
 *
 * The state that picks the next token lives in the KV cache, so generation only works when the
 * caller feeds the cache back: each token stores (is it the `<|assistant|>` marker, has the
 * marker been seen) as its key; the next token is LLM_ANSWER[number of tokens since the marker −
 * the generation prompt's length]. The cache is multiplied by the attention mask, so an attention
 * mask whose length is not past + new fails the run. See tests/models/README.md.
 */
import { GraphBuilder } from './onnx-builder.ts';
import { bytesToUnicode } from './clip.ts';
import { LLM_ANSWER, LLM_SPECIAL_TOKENS } from './semantics.ts';

/** Token ids: 0–255 the byte symbols (GPT-2 order), then the special tokens. */
export interface LlmTokenizerFiles {
  tokenizerJson: Record<string, unknown>;
  tokenizerConfig: Record<string, unknown>;
  vocabSize: number;
  ids: Record<keyof typeof LLM_SPECIAL_TOKENS, number>;
  /** byte → token id */
  byteIds: Map<number, number>;
}

/** Renders like Phi-3's template: `<|role|>\ncontent<|end|>\n`, then `<|assistant|>\n`. */
export const LLM_CHAT_TEMPLATE =
  "{% for message in messages %}{{ '<|' + message['role'] + '|>\\n' + message['content'] + '<|end|>\\n' }}{% endfor %}{% if add_generation_prompt %}{{ '<|assistant|>\\n' }}{% endif %}";

/** Tokens of the generation prompt from the marker on (`<|assistant|>`, `\n`). */
const GENERATION_PROMPT_TOKENS = 2;

export function buildLlmTokenizer(): LlmTokenizerFiles {
  const bytes = bytesToUnicode();
  const vocab: Record<string, number> = {};
  const byteIds = new Map<number, number>();
  bytes.forEach(([byte, char], id) => {
    vocab[char] = id;
    byteIds.set(byte, id);
  });
  const names = Object.keys(LLM_SPECIAL_TOKENS) as (keyof typeof LLM_SPECIAL_TOKENS)[];
  const ids = Object.fromEntries(names.map((name, i) => [name, bytes.length + i])) as LlmTokenizerFiles['ids'];
  const added = names.map((name) => ({
    id: ids[name],
    content: LLM_SPECIAL_TOKENS[name],
    single_word: false,
    lstrip: false,
    rstrip: false,
    normalized: false,
    special: true,
  }));
  for (const token of added) vocab[token.content] = token.id;
  const byteLevel = { add_prefix_space: false, trim_offsets: false, use_regex: true };
  const tokenizerJson = {
    version: '1.0',
    truncation: null,
    padding: null,
    added_tokens: added,
    normalizer: null,
    pre_tokenizer: { type: 'ByteLevel', ...byteLevel },
    post_processor: { type: 'ByteLevel', ...byteLevel },
    decoder: { type: 'ByteLevel', ...byteLevel },
    model: {
      type: 'BPE',
      dropout: null,
      unk_token: null,
      continuing_subword_prefix: null,
      end_of_word_suffix: null,
      fuse_unk: false,
      byte_fallback: false,
      ignore_merges: false,
      vocab,
      merges: [],
    },
  };
  const tokenizerConfig = {
    tokenizer_class: 'Qwen2Tokenizer',
    chat_template: LLM_CHAT_TEMPLATE,
    bos_token: null,
    eos_token: LLM_SPECIAL_TOKENS.end,
    pad_token: LLM_SPECIAL_TOKENS.end,
    unk_token: null,
    model_max_length: 4096,
    clean_up_tokenization_spaces: false,
    added_tokens_decoder: Object.fromEntries(added.map(({ id, ...token }) => [String(id), token])),
  };
  return { tokenizerJson, tokenizerConfig, vocabSize: bytes.length + names.length, ids, byteIds };
}

/** The token ids that spell LLM_ANSWER (ASCII, one byte each). */
export function answerTokenIds(tok: LlmTokenizerFiles): number[] {
  return [...new TextEncoder().encode(LLM_ANSWER)].map((byte) => tok.byteIds.get(byte)!);
}

/**
 * model.onnx: input_ids, attention_mask, position_ids (int64), past_key_values.0.key/value f32
 * [batch_size, 1, past_sequence_length, 2] → logits f32 [batch_size, sequence_length, vocab],
 * present.0.key/value f32 [batch_size, 1, total_sequence_length, 2].
 */
export function buildLlmModel(tok: LlmTokenizerFiles): Uint8Array {
  const g = new GraphBuilder('tiny_instruct_llm');
  const V = tok.vocabSize;
  const answer = answerTokenIds(tok);
  const ids = g.input('input_ids', 'int64', ['batch_size', 'sequence_length']);
  const attention = g.input('attention_mask', 'int64', ['batch_size', 'total_sequence_length']);
  const positions = g.input('position_ids', 'int64', ['batch_size', 'sequence_length']);
  const pastKey = g.input('past_key_values.0.key', 'float32', ['batch_size', 1, 'past_sequence_length', 2]);
  const pastValue = g.input('past_key_values.0.value', 'float32', ['batch_size', 1, 'past_sequence_length', 2]);

  // m: 1 for the <|assistant|> marker.
  const markerTable = new Float32Array(V);
  markerTable[tok.ids.assistant] = 1;
  const m = g.op('Gather', [g.f32(markerTable, [V]), ids], { axis: 0 }); // [B,L]
  // The past's totals of each channel, [B,1] (0 for an empty past).
  const pastTotal = (channel: number) => g.reduceSum(g.op('Gather', [pastKey, g.i64(channel, [])], { axis: 3 }), [2], false); // [B,1]
  const axis1 = g.i64(1, []);
  const seen = g.min2(g.add(g.op('CumSum', [m, axis1]), pastTotal(0)), g.f32(1)); // [B,L]
  const count = g.add(g.op('CumSum', [seen, axis1]), pastTotal(1)); // tokens since the marker, marker included
  const rows = GENERATION_PROMPT_TOKENS + answer.length + 1;
  const table = new Float32Array(rows * V);
  for (let r = 0; r < rows; r++) {
    const k = r - GENERATION_PROMPT_TOKENS;
    const token = k >= 0 && k < answer.length ? answer[k]! : tok.ids.end;
    table[r * V + token] = 10;
  }
  const row = g.cast(g.min2(count, g.f32(rows - 1)), 'int64');
  const picked = g.op('Gather', [g.f32(table, [rows, V]), row], { axis: 0 }); // [B,L,V]
  // position_ids take part (0·position), so a caller must feed them with the right shape.
  const positionTerm = g.mul(g.op('Unsqueeze', [g.cast(positions, 'float32'), g.i64([2])]), g.f32(0));
  g.output('logits', g.add(picked, positionTerm), 'float32', ['batch_size', 'sequence_length', V]);

  const fresh = g.op('Unsqueeze', [g.concat([g.op('Unsqueeze', [m, g.i64([2])]), g.op('Unsqueeze', [seen, g.i64([2])])], 2), g.i64([1])]); // [B,1,L,2]
  const mask = g.op('Unsqueeze', [g.cast(attention, 'float32'), g.i64([1, 3])]); // [B,1,T,1]
  g.output('present.0.key', g.mul(g.concat([pastKey, fresh], 2), mask), 'float32', ['batch_size', 1, 'total_sequence_length', 2]);
  g.output('present.0.value', g.mul(g.concat([pastValue, fresh], 2), mask), 'float32', ['batch_size', 1, 'total_sequence_length', 2]);
  return g.toModel('Tiny instruct LLM: greedy output spells LLM_ANSWER after the generation prompt');
}

export function llmConfigFiles(tok: LlmTokenizerFiles): Record<string, unknown> {
  return {
    'config.json': {
      architectures: ['Qwen2ForCausalLM'],
      model_type: 'qwen2',
      vocab_size: tok.vocabSize,
      hidden_size: 2,
      head_dim: 2,
      num_hidden_layers: 1,
      num_attention_heads: 1,
      num_key_value_heads: 1,
      max_position_embeddings: 4096,
      bos_token_id: tok.ids.end,
      eos_token_id: tok.ids.end,
      use_cache: true,
    },
    'generation_config.json': { bos_token_id: tok.ids.end, eos_token_id: tok.ids.end, do_sample: false },
    'tokenizer.json': tok.tokenizerJson,
    'tokenizer_config.json': tok.tokenizerConfig,
  };
}
