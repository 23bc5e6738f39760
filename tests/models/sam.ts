/**
 * Tiny SAM ("Xenova/slimsam-77-uniform"-shaped) test models. See README.md for the semantics.
 */
import { GraphBuilder } from './onnx-builder.ts';
import {
  SAM_COLOUR_LOGIT_SLOPE,
  SAM_DISC_LOGIT_SLOPE,
  SAM_DISC_RADIUS,
  SAM_IMAGE_MEAN,
  SAM_IMAGE_SIZE,
  SAM_IMAGE_STD,
  SAM_IOU_SCORES,
  SAM_MASK0_THRESHOLD,
  SAM_MASK1_THRESHOLD,
  SAM_NEGATIVE_FLOOD_STEPS,
  SAM_NEGATIVE_PENALTY,
  SAM_PADDING_EPSILON,
} from './semantics.ts';

const S = SAM_IMAGE_SIZE; // 1024
const G = 64; // embedding grid
const M = 256; // mask grid
const EPS = 1e-6;

/** Channels of image_embeddings that carry the test semantics (the decoder reads no others). */
export const SAM_SEMANTIC_CHANNELS = 68;

/**
 * The test semantics' part of image_embeddings, [1,68,64,64]: per-4px sub-cell colours and
 * validity packed into channels 0–63, each patch's mean colour and validity in 64–67. Shared by
 * the tiny encoder and the full-size stand-in (tests/models/full-size/sam.ts), so the tiny
 * decoder's clicks mean the same with either.
 */
export function samSemanticChannels(g: GraphBuilder, x: string): string {
  // Only reshapes, reductions and element-wise ops: pooling/convolution kernels are very slow on
  // software WebGPU adapters (SwiftShader), which is what headless test browsers get.
  //
  // Padding is exactly 0 in normalized space (the processor pads after normalizing), so sums of
  // x over a cell already ignore it; a real 8-bit pixel never has |x_R| < 0.0056, so
  // min(|x_R|, ε)/ε counts real pixels.
  const realR = g.clip(g.abs(g.slice(x, [0], [1], [1])), 0, SAM_PADDING_EPSILON); // [1,1,S,S]
  const cellSum = (t: string, c: number, n: number): string =>
    g.reduceSum(g.reshape(t, [1, c, n, 4, n, 4]), [3, 5], false); // 4×4 block sums → [1,c,n,n]
  const sum4 = cellSum(x, 3, M); // [1,3,256,256] sums of normalized values
  const count4 = g.mul(cellSum(realR, 1, M), g.f32(1 / SAM_PADDING_EPSILON, [])); // real pixels, 0..16

  const std = g.f32([...SAM_IMAGE_STD], [1, 3, 1, 1]);
  const mean = g.f32([...SAM_IMAGE_MEAN], [1, 3, 1, 1]);
  /** mean RGB in [0,1] over the real pixels (0 where there is none). */
  const meanRgb = (sum: string, count: string): string =>
    g.mul(g.add(g.mul(g.div(sum, g.clip(count, 1)), std), mean), g.clip(count, 0, 1));

  const rgb4 = meanRgb(sum4, count4);
  const valid4 = g.mul(count4, g.f32(1 / 16, []));
  // Pack each 4×4 block of sub-cells into channels: channel = ch*16 + sy*4 + sx.
  const packed = g.reshape(
    g.transpose(g.reshape(g.concat([rgb4, valid4], 1), [1, 4, G, 4, G, 4]), [0, 1, 3, 5, 2, 4]),
    [1, 64, G, G],
  );

  // Whole 16×16 patches.
  const sum16 = cellSum(sum4, 3, G);
  const count16 = cellSum(count4, 1, G);
  const rgb16 = meanRgb(sum16, count16);
  const valid16 = g.mul(count16, g.f32(1 / 256, []));
  return g.concat([packed, rgb16, valid16], 1);
}

/**
 * image_positional_embeddings [1,256,64,64] as the tiny decoder reads them: image independent
 * (ORT folds them into a constant at load time), coordinates in 1024-space pixels.
 */
export function samTestPositionalEmbeddings(g: GraphBuilder): string {
  const subX = new Float32Array(16);
  const subY = new Float32Array(16);
  for (let k = 0; k < 16; k++) {
    subX[k] = 4 * (k % 4) + 2;
    subY[k] = 4 * Math.floor(k / 4) + 2;
  }
  const col16 = Float32Array.from({ length: G }, (_, j) => 16 * j);
  const xs = g.expand(g.add(g.f32(subX, [1, 16, 1, 1]), g.f32(col16, [1, 1, 1, G])), [1, 16, G, G]);
  const ys = g.expand(g.add(g.f32(subY, [1, 16, 1, 1]), g.f32(col16, [1, 1, G, 1])), [1, 16, G, G]);
  const col16c = Float32Array.from({ length: G }, (_, j) => 16 * j + 8);
  const px = g.expand(g.f32(col16c, [1, 1, 1, G]), [1, 1, G, G]);
  const py = g.expand(g.f32(col16c, [1, 1, G, 1]), [1, 1, G, G]);
  const zerosP = g.expand(g.f32(0, []), [1, 256 - 34, G, G]);
  return g.concat([xs, ys, px, py, zerosP], 1);
}

/**
 * vision_encoder: pixel_values [1,3,1024,1024] → image_embeddings, image_positional_embeddings
 * (both [1,256,64,64]).
 */
export function buildSamVisionEncoder(): Uint8Array {
  const g = new GraphBuilder('sam_vision_encoder');
  const x = g.input('pixel_values', 'float32', [1, 3, S, S]);
  const semantic = samSemanticChannels(g, x);
  const zerosE = g.expand(g.f32(0, []), [1, 256 - SAM_SEMANTIC_CHANNELS, G, G]);
  g.output('image_embeddings', g.concat([semantic, zerosE], 1), 'float32', [1, 256, G, G]);
  g.output('image_positional_embeddings', samTestPositionalEmbeddings(g), 'float32', [1, 256, G, G]);

  return g.toModel('Test SAM vision encoder: per-4px sub-cell colours packed into channels.');
}

/**
 * prompt_encoder_mask_decoder: (image_embeddings, image_positional_embeddings, input_points
 * [1,1,N,2], input_labels int64 [1,1,N]) → iou_scores [1,1,3], pred_masks [1,1,3,256,256].
 */
export function buildSamMaskDecoder(floodSteps = SAM_NEGATIVE_FLOOD_STEPS): Uint8Array {
  const g = new GraphBuilder('sam_prompt_encoder_mask_decoder');
  const emb = g.input('image_embeddings', 'float32', [1, 256, G, G]);
  const posEmb = g.input('image_positional_embeddings', 'float32', [1, 256, G, G]);
  const points = g.input('input_points', 'float32', [1, 1, 'num_points', 2]);
  const labels = g.input('input_labels', 'int64', [1, 1, 'num_points']);

  /** [1, C*16, 64, 64] packed sub-cells → [1, C, 256, 256]. */
  const unpack = (t: string, c: number): string =>
    g.reshape(g.transpose(g.reshape(t, [1, c, 4, 4, G, G]), [0, 1, 4, 2, 5, 3]), [1, c, M, M]);

  const cv = unpack(g.slice(emb, [0], [64], [1]), 4); // [1,4,256,256]
  const colour = g.slice(cv, [0], [3], [1]); // [1,3,256,256]
  const validity = g.slice(cv, [3], [4], [1]); // [1,1,256,256]
  const xy = unpack(g.slice(posEmb, [0], [32], [1]), 2);
  const X = g.slice(xy, [0], [1], [1]); // [1,1,256,256] cell centre x
  const Y = g.slice(xy, [1], [2], [1]);
  const Xp = g.slice(posEmb, [32], [33], [1]); // [1,1,64,64] patch centre x
  const Yp = g.slice(posEmb, [33], [34], [1]);

  // Points and labels.
  const pts = g.reshape(points, [-1, 2]); // [N,2]
  const px = g.slice(pts, [0], [1], [1]); // [N,1]
  const py = g.slice(pts, [1], [2], [1]);
  const lf = g.reshape(g.cast(labels, 'float32'), [-1]); // [N]
  const one = g.f32(1, []);
  const pos = g.relu(g.sub(one, g.abs(g.sub(lf, one)))); // 1 for label 1 else 0
  const neg = g.relu(g.sub(one, g.abs(lf))); // 1 for label 0 else 0

  // Colour of the 4×4 cell under each point.
  const cellOf = (v: string): string => g.floor(g.div(g.clip(v, 0, S - 1), g.f32(4, [])));
  const idx = g.cast(g.reshape(g.add(g.mul(cellOf(py), g.f32(M, [])), cellOf(px)), [-1]), 'int64'); // [N]
  const pointColour = g.transpose(g.op('Gather', [g.reshape(colour, [3, M * M]), idx], { axis: 1 }), [1, 0]); // [N,3]

  // Mean colour of the positive points.
  const nPos = g.reduceSum(pos, [0]); // [1]
  const hasPos = g.clip(nPos, 0, 1); // [1]
  const posColour = g.div(g.op('MatMul', [g.reshape(pos, [1, -1]), pointColour]), g.clip(nPos, EPS)); // [1,3]
  const dPos = g.sqrt(g.reduceSum(g.square(g.sub(colour, g.reshape(posColour, [1, 3, 1, 1]))), [1])); // [1,1,256,256]

  // Gates shared by all masks: real (non-padding) cells, and at least one positive point.
  const slope = g.f32(SAM_COLOUR_LOGIT_SLOPE, []);
  const half = g.f32(0.5, []);
  const validLogit = g.mul(g.sub(validity, half), slope); // ±20
  const hasPosLogit = g.reshape(g.mul(g.sub(hasPos, half), slope), [1, 1, 1, 1]);
  const gate = (l: string): string => g.min2(g.min2(l, validLogit), hasPosLogit);

  // Negative points: the same-coloured region connected to each negative point.
  const dNeg = g.sqrt(
    g.reduceSum(g.square(g.sub(colour, g.reshape(pointColour, [-1, 3, 1, 1]))), [1]),
  ); // [N,1,256,256]
  const match0 = g.lessF(dNeg, g.f32(SAM_MASK0_THRESHOLD, [])); // [N,1,256,256]
  const match1 = g.lessF(dNeg, g.f32(SAM_MASK1_THRESHOLD, []));
  // A patch matches when any of its sub-cells is within the looser threshold.
  const match64 = g.reduceMax(g.reshape(match1, [-1, 1, G, 4, G, 4]), [3, 5], false); // [N,1,64,64]
  const within = (pc: string, p: string): string =>
    g.lessF(g.abs(g.sub(pc, g.reshape(p, [-1, 1, 1, 1]))), g.f32(8.01, []));
  const seed = g.mul(within(Xp, px), within(Yp, py)); // [N,1,64,64]: the patch under the point
  let flood = g.mul(seed, match64);
  // Geodesic dilation, one patch (8-neighbourhood) per step: band · F · band counts the 3×3
  // neighbours; ×match64 keeps matching patches. Counts grow (≤ 9^16 between clips), so clip
  // back to {0,1} every 16 steps. (MatMul, not MaxPool: pooling is slow on software WebGPU.)
  const band = new Float32Array(G * G);
  for (let i = 0; i < G; i++) for (let j = Math.max(0, i - 1); j <= Math.min(G - 1, i + 1); j++) band[i * G + j] = 1;
  const bandT = g.f32(band, [G, G]);
  for (let i = 1; i <= floodSteps; i++) {
    const grown = g.op('MatMul', [bandT, g.op('MatMul', [flood, bandT])]);
    flood = g.mul(grown, match64);
    if (i % 16 === 0 || i === floodSteps) flood = g.clip(flood, 0, 1);
  }
  // Back to the 256×256 grid, restricted to negative points.
  const floodUp = g.reshape(g.expand(g.reshape(flood, [-1, 1, G, 1, G, 1]), [1, 1, 1, 4, 1, 4]), [-1, 1, M, M]);
  const region = g.mul(floodUp, g.reshape(neg, [-1, 1, 1, 1])); // [N,1,256,256]
  const penalty = g.f32(SAM_NEGATIVE_PENALTY, []);
  const colourMask = (t: number, match: string): string =>
    g.sub(
      gate(g.mul(g.sub(g.f32(t, []), dPos), slope)),
      g.mul(g.reduceMax(g.mul(match, region), [0]), penalty), // [1,1,256,256]
    );
  const mask0 = colourMask(SAM_MASK0_THRESHOLD, match0);
  const mask1 = colourMask(SAM_MASK1_THRESHOLD, match1);

  // Mask 2: disc around the first positive point.
  const first = g.op('ArgMax', [pos], { axis: 0, keepdims: 1 }); // [1] int64
  const fp = g.op('Gather', [pts, first], { axis: 0 }); // [1,2]
  const fx = g.reshape(g.slice(fp, [0], [1], [1]), [1, 1, 1, 1]);
  const fy = g.reshape(g.slice(fp, [1], [2], [1]), [1, 1, 1, 1]);
  const r = g.sqrt(g.add(g.square(g.sub(X, fx)), g.square(g.sub(Y, fy))));
  const mask2 = gate(g.mul(g.sub(g.f32(SAM_DISC_RADIUS, []), r), g.f32(SAM_DISC_LOGIT_SLOPE, [])));

  const masks = g.reshape(g.concat([mask0, mask1, mask2], 1), [1, 1, 3, M, M]);
  const iou = g.mul(g.f32([...SAM_IOU_SCORES], [1, 1, 3]), hasPos);
  g.output('iou_scores', iou, 'float32', [1, 1, 3]);
  g.output('pred_masks', masks, 'float32', [1, 1, 3, M, M]);
  return g.toModel('Test SAM prompt encoder + mask decoder: colour-similarity masks.');
}

export function samConfigFiles(): Record<string, unknown> {
  return {
    'config.json': {
      _name_or_path: 'Xenova/slimsam-77-uniform (tiny test stand-in)',
      model_type: 'sam',
      architectures: ['SamModel'],
      initializer_range: 0.02,
      vision_config: {
        model_type: '',
        image_size: S,
        patch_size: 16,
        num_channels: 3,
        output_channels: 256,
        hidden_size: 768,
      },
      prompt_encoder_config: {
        model_type: '',
        image_size: S,
        patch_size: 16,
        image_embedding_size: G,
        hidden_size: 256,
        mask_input_channels: 16,
        num_point_embeddings: 4,
      },
      mask_decoder_config: {
        model_type: '',
        hidden_size: 256,
        num_multimask_outputs: 3,
        iou_head_depth: 3,
        iou_head_hidden_dim: 256,
      },
      transformers_version: '4.36.0',
    },
    'preprocessor_config.json': {
      processor_class: 'SamProcessor',
      image_processor_type: 'SamImageProcessor',
      do_convert_rgb: true,
      do_resize: true,
      size: { longest_edge: S },
      resample: 2,
      do_rescale: true,
      rescale_factor: 1 / 255,
      do_normalize: true,
      image_mean: [...SAM_IMAGE_MEAN],
      image_std: [...SAM_IMAGE_STD],
      do_pad: true,
      pad_size: { height: S, width: S },
      mask_size: { longest_edge: 256 },
      mask_pad_size: { height: 256, width: 256 },
    },
  };
}
