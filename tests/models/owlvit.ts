/**
 * Tiny OWL-ViT ("Xenova/owlvit-base-patch32"-shaped) test detector: what transformers.js's
 * `zero-shot-object-detection` pipeline loads (OwlViTProcessor, CLIP tokenizer, onnx/model.onnx
 * with input_ids, pixel_values, attention_mask → logits, pred_boxes). Its box for a text query
 * follows the colour the text names ("the blue river", or "the river": rivers are blue here).
 * See README.md for the semantics.
 */
import { clipConfigFiles, type ClipTokenizerFiles } from './clip.ts';
import { GraphBuilder } from './onnx-builder.ts';
import {
  CLIP_COLOURS,
  CLIP_COLOUR_WORDS,
  CLIP_IMAGE_MEAN,
  CLIP_IMAGE_STD,
  CLIP_SOFTMAX_SCALE,
  OWLVIT_IMAGE_SIZE,
  OWLVIT_LOGIT_SCALE,
  OWLVIT_OBJECT_COLOURS,
  OWLVIT_PATCH,
  OWLVIT_SAME_OBJECT,
  clipColourIndex,
} from './semantics.ts';

const K = CLIP_COLOURS.length;
const S = OWLVIT_IMAGE_SIZE;
const G = S / OWLVIT_PATCH;
const N = G * G;

/**
 * model: per patch, the share of its pixels nearest each colour prototype (f, [B,N,K]); per query,
 * the colour its words name (t, [Q,K], normalised). logits[b,n,q] = SCALE·(f·t − 0.5). Each
 * patch's box is the bounding box of every patch whose colour shares overlap its own by more
 * than OWLVIT_SAME_OBJECT (the object it belongs to), as (cx, cy, w, h) in 0..1.
 */
export function buildOwlVitModel(tok: ClipTokenizerFiles): Uint8Array {
  const g = new GraphBuilder('owlvit_for_object_detection');
  const ids = g.input('input_ids', 'int64', ['num_queries', 'sequence_length']);
  const x = g.input('pixel_values', 'float32', ['batch_size', 3, S, S]);
  const attention = g.input('attention_mask', 'int64', ['num_queries', 'sequence_length']);

  // Text: a bag of colour words (and things of a known colour), normalised to sum 1 (0 if none).
  const V = tok.vocab.size;
  const table = new Float32Array(V * K);
  const colourOf = new Map<string, number>();
  for (const [word, colour] of [...Object.entries(CLIP_COLOUR_WORDS), ...Object.entries(OWLVIT_OBJECT_COLOURS)]) colourOf.set(`${word}</w>`, clipColourIndex(colour));
  for (const [token, id] of tok.vocab) {
    const colour = colourOf.get(token);
    if (colour !== undefined) table[id * K + colour] = 1;
  }
  const words = g.op('Gather', [g.f32(table, [V, K]), ids], { axis: 0 }); // [Q,L,K]
  const m = g.op('Unsqueeze', [g.cast(attention, 'float32'), g.i64([2])]); // [Q,L,1]
  const bag = g.reduceSum(g.mul(words, m), [1], false); // [Q,K]
  const text = g.div(bag, g.add(g.reduceSum(bag, [1]), g.f32(1e-6))); // [Q,K]

  // Image: per-pixel soft assignment to the colour prototypes (as the test CLIP), averaged per patch.
  const rgb = g.add(g.mul(x, g.f32([...CLIP_IMAGE_STD], [1, 3, 1, 1])), g.f32([...CLIP_IMAGE_MEAN], [1, 3, 1, 1]));
  const protos = new Float32Array(K * 3);
  CLIP_COLOURS.forEach((c, k) => {
    for (let ch = 0; ch < 3; ch++) protos[k * 3 + ch] = (c.rgb[ch] as number) / 255;
  });
  const d2 = g.reduceSum(g.square(g.sub(g.reshape(rgb, [0, 1, 3, S * S]), g.f32(protos, [1, K, 3, 1]))), [2], false); // [B,K,P]
  const e = g.op('Exp', [g.mul(g.clip(d2, 0, 0.8), g.f32(-CLIP_SOFTMAX_SCALE))]);
  const share = g.div(e, g.reduceSum(e, [1])); // [B,K,P]
  const patches = g.reduceMean(g.reshape(share, [0, K, G, OWLVIT_PATCH, G, OWLVIT_PATCH]), [3, 5], false); // [B,K,G,G]
  const f = g.transpose(g.reshape(patches, [0, K, N]), [0, 2, 1]); // [B,N,K]

  const overlap = g.op('MatMul', [f, g.transpose(text, [1, 0])]); // [B,N,Q]
  const logits = g.mul(g.sub(overlap, g.f32(0.5)), g.f32(OWLVIT_LOGIT_SCALE));

  // Boxes: patch j joins patch i's object when their shares overlap; out = 2 pushes it out of min/max.
  const same = g.cast(g.op('Greater', [g.op('MatMul', [f, g.transpose(f, [0, 2, 1])]), g.f32(OWLVIT_SAME_OBJECT)]), 'float32'); // [B,N,N]
  const out = g.mul(g.sub(g.f32(1), same), g.f32(2));
  const edges = (start: (n: number) => number) => {
    const v = new Float32Array(N);
    for (let n = 0; n < N; n++) v[n] = start(n) / G;
    return g.f32(v, [1, 1, N]);
  };
  const reduce = (op: 'ReduceMin' | 'ReduceMax', a: string) => g.op(op, [a], { axes: [2], keepdims: 1 }); // [B,N,1]
  const x0 = reduce('ReduceMin', g.add(edges((n) => n % G), out));
  const x1 = reduce('ReduceMax', g.sub(edges((n) => (n % G) + 1), out));
  const y0 = reduce('ReduceMin', g.add(edges((n) => Math.floor(n / G)), out));
  const y1 = reduce('ReduceMax', g.sub(edges((n) => Math.floor(n / G) + 1), out));
  const half = g.f32(0.5);
  const boxes = g.concat([g.mul(g.add(x0, x1), half), g.mul(g.add(y0, y1), half), g.sub(x1, x0), g.sub(y1, y0)], 2); // [B,N,4]

  g.output('logits', logits, 'float32', ['batch_size', N, 'num_queries']);
  g.output('pred_boxes', boxes, 'float32', ['batch_size', N, 4]);
  g.output('text_embeds', text, 'float32', ['num_queries', K]);
  g.output('image_embeds', g.reshape(f, [0, G, G, K]), 'float32', ['batch_size', G, G, K]);
  return g.toModel('Test OWL-ViT: boxes of the regions whose colour the query names.');
}

export function owlVitConfigFiles(tok: ClipTokenizerFiles): Record<string, unknown> {
  const clip = clipConfigFiles(tok);
  return {
    'config.json': {
      _name_or_path: 'Xenova/owlvit-base-patch32 (tiny test stand-in)',
      model_type: 'owlvit',
      architectures: ['OwlViTForObjectDetection'],
      projection_dim: K,
      text_config: { model_type: 'owlvit_text_model', vocab_size: tok.vocab.size, max_position_embeddings: 16, bos_token_id: tok.bosId, eos_token_id: tok.eosId, pad_token_id: tok.eosId },
      vision_config: { model_type: 'owlvit_vision_model', image_size: S, patch_size: OWLVIT_PATCH, num_channels: 3 },
      transformers_version: '4.36.0',
    },
    'preprocessor_config.json': {
      processor_class: 'OwlViTProcessor',
      image_processor_type: 'OwlViTImageProcessor',
      do_convert_rgb: true,
      do_resize: true,
      size: { height: S, width: S },
      resample: 3,
      do_center_crop: false,
      crop_size: { height: S, width: S },
      do_rescale: true,
      rescale_factor: 1 / 255,
      do_normalize: true,
      image_mean: [...CLIP_IMAGE_MEAN],
      image_std: [...CLIP_IMAGE_STD],
    },
    'tokenizer.json': clip['tokenizer.json'],
    'tokenizer_config.json': { ...(clip['tokenizer_config.json'] as Record<string, unknown>), model_max_length: 16 },
    'special_tokens_map.json': clip['special_tokens_map.json'],
  };
}
