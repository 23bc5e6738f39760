/**
 * What the generated test models compute, as constants that tests (Node or browser) can use.
 * No Node-only imports here. See tests/models/README.md for the full description.
 */

// ---------------------------------------------------------------------------------------------
// Repositories and files (outDir/{repo}/{path}), named as on the Hugging Face Hub.
// ---------------------------------------------------------------------------------------------

export const SAM_REPO = 'Xenova/slimsam-77-uniform';
export const CLIP_REPO = 'Xenova/clip-vit-base-patch32';
export const MIGAN_REPO = 'andraniksargsyan/migan';
export const MIGAN_FILE = 'migan_pipeline_v2.onnx';
export const LAMA_REPO = 'Carve/LaMa-ONNX';
export const LAMA_FILE = 'lama_fp32.onnx';
export const SD_INPAINT_REPO = 'jdp8/sd-inpainting-ort-web-fp16';
export const SD_TURBO_REPO = 'schmuell/sd-turbo-ort-web';
/** Files of each SD test repo (the real repos' layout: one folder per component). */
export const SD_FILES = [
  'model_index.json',
  'scheduler/scheduler_config.json',
  'tokenizer/vocab.json',
  'tokenizer/merges.txt',
  'tokenizer/tokenizer_config.json',
  'tokenizer/special_tokens_map.json',
  'text_encoder/model.onnx',
  'vae_encoder/model.onnx',
  'vae_decoder/model.onnx',
  'unet/model.onnx',
] as const;
export const LLM_REPO = 'onnx-community/Qwen2.5-0.5B-Instruct';
/** The LLM's dtypes as transformers.js names their files (fp32, q4f16 on WebGPU, q4, q8 on WASM). */
export const LLM_VARIANT_SUFFIXES = ['', '_q4f16', '_q4', '_quantized'] as const;

/**
 * dtype suffixes of each transformers.js-style ONNX file: `_fp16` is the real fp16 variant
 * (float16 weights, float32 I/O, tests/models/precision.ts); `_quantized` a copy of fp32.
 */
export const ONNX_VARIANT_SUFFIXES = ['', '_quantized', '_fp16'] as const;

/** The autopilot's text-prompted detector (tests/models/owlvit.ts). */
export const OWLVIT_REPO = 'Xenova/owlvit-base-patch32';
export const OWLVIT_FILES = [
  'config.json',
  'preprocessor_config.json',
  'tokenizer.json',
  'tokenizer_config.json',
  'special_tokens_map.json',
  ...ONNX_VARIANT_SUFFIXES.map((s) => `onnx/model${s}.onnx`),
] as const;

/** Not a Hub file: a SAM fp16 encoder whose outputs overflow to infinity, for the hub's `substitute` fault. */
export const SAM_OVERFLOWING_FP16_ENCODER = 'onnx/vision_encoder_fp16_overflows.onnx';

export const MODEL_FILES: Readonly<Record<string, readonly string[]>> = {
  [SAM_REPO]: [
    'config.json',
    'preprocessor_config.json',
    ...ONNX_VARIANT_SUFFIXES.map((s) => `onnx/vision_encoder${s}.onnx`),
    ...ONNX_VARIANT_SUFFIXES.map((s) => `onnx/prompt_encoder_mask_decoder${s}.onnx`),
    SAM_OVERFLOWING_FP16_ENCODER,
  ],
  [CLIP_REPO]: [
    'config.json',
    'preprocessor_config.json',
    'tokenizer.json',
    'tokenizer_config.json',
    'special_tokens_map.json',
    ...ONNX_VARIANT_SUFFIXES.map((s) => `onnx/text_model${s}.onnx`),
    ...ONNX_VARIANT_SUFFIXES.map((s) => `onnx/vision_model${s}.onnx`),
  ],
  [MIGAN_REPO]: [MIGAN_FILE],
  [LAMA_REPO]: [LAMA_FILE],
  [SD_INPAINT_REPO]: SD_FILES,
  // Like the real SD-Turbo export, no VAE encoder: the registry takes SD 1.5 inpainting's.
  [SD_TURBO_REPO]: SD_FILES.filter((f) => f !== 'vae_encoder/model.onnx'),
  [OWLVIT_REPO]: OWLVIT_FILES,
  [LLM_REPO]: [
    'config.json',
    'generation_config.json',
    'tokenizer.json',
    'tokenizer_config.json',
    ...LLM_VARIANT_SUFFIXES.map((s) => `onnx/model${s}.onnx`),
  ],
};

// ---------------------------------------------------------------------------------------------
// LLM (onnx-community/Qwen2.5-0.5B-Instruct layout; tests/models/llm.ts)
// ---------------------------------------------------------------------------------------------

/** Special tokens of the tiny LLM's chat template (ids 256, 257, ... in this order). */
export const LLM_SPECIAL_TOKENS = { system: '<|system|>', user: '<|user|>', assistant: '<|assistant|>', end: '<|end|>' } as const;

/** The refinement the tiny LLM answers with (greedy), whatever it was asked. */
export const LLM_SUGGESTION = {
  regionPrompt: 'a river of melted chocolate, glossy brown',
  negativePrompt: 'blue water',
  rationale: 'Counters the blue-water default.',
  alternatives: ['a brown chocolate river', 'a stream of cocoa'],
} as const;
/** LLM_SUGGESTION as the model spells it, one byte per token (spaces let a word streamer flush). */
export const LLM_ANSWER = JSON.stringify(LLM_SUGGESTION).replace(/","/g, '", "').replace(/":/g, '": ');

// ---------------------------------------------------------------------------------------------
// SAM (Xenova/slimsam-77-uniform)
// ---------------------------------------------------------------------------------------------

export const SAM_IMAGE_SIZE = 1024;
export const SAM_IMAGE_MEAN = [0.485, 0.456, 0.406] as const;
export const SAM_IMAGE_STD = [0.229, 0.224, 0.225] as const;
/** Embedding grid: 64×64 patches of 16×16 px (1024-space). */
export const SAM_EMBED_GRID = 64;
export const SAM_PATCH = 16;
/** Mask grid: 256×256 cells of 4×4 px (1024-space), each cell = one "sub-cell" of a patch. */
export const SAM_MASK_GRID = 256;
export const SAM_CELL = 4;

/**
 * A pixel of pixel_values counts as padding when |x_r|+|x_g|+|x_b| (normalized) is below this.
 * No 8-bit colour comes near: the smallest such sum for a real 8-bit pixel is ≈ 0.019.
 */
export const SAM_PADDING_EPSILON = 1e-3;

/** image_embeddings channel layout ([1,256,64,64], patch (i,j), sub-cell (sy,sx), k = sy*4+sx). */
export const SAM_EMB = {
  /** channel c*16+k, c∈{0:R,1:G,2:B}: mean colour in [0,1] of the real pixels of sub-cell k (0 if none). */
  subcellRgb: 0,
  /** channel 48+k: fraction of real (non-padding) pixels in sub-cell k. */
  subcellValid: 48,
  /** channels 64..66: mean RGB in [0,1] of the real pixels of the whole 16×16 patch. */
  patchRgb: 64,
  /** channel 67: fraction of real pixels in the patch. */
  patchValid: 67,
  /** channels 68..255 are 0. */
  used: 68,
} as const;

/** image_positional_embeddings channel layout ([1,256,64,64]); coordinates are 1024-space px. */
export const SAM_POS = {
  /** channel k: x centre of sub-cell k of patch (i,j) = 16j + 4sx + 2. */
  subcellX: 0,
  /** channel 16+k: y centre = 16i + 4sy + 2. */
  subcellY: 16,
  /** channel 32: patch centre x = 16j + 8; channel 33: patch centre y = 16i + 8. */
  patchX: 32,
  patchY: 33,
  /** channels 34..255 are 0. */
  used: 34,
} as const;

/** Mask 0: cells whose colour is within this Euclidean RGB distance ([0,1] units) of the positive colour. */
export const SAM_MASK0_THRESHOLD = 0.25;
/** Mask 1: the looser threshold. */
export const SAM_MASK1_THRESHOLD = 0.5;
/** Mask 2: disc of this radius (1024-space px) around the first positive point. */
export const SAM_DISC_RADIUS = 128;
/** Logit slope per unit of colour distance (masks 0, 1): logit = 40·(T − d). */
export const SAM_COLOUR_LOGIT_SLOPE = 40;
/** Logit slope per px for the disc (mask 2): logit = 0.1·(R − r). */
export const SAM_DISC_LOGIT_SLOPE = 0.1;
/** Logit subtracted from cells removed by a negative point. */
export const SAM_NEGATIVE_PENALTY = 40;
/**
 * Negative points remove the same-coloured region connected to them: a flood fill over the
 * 64×64 patch grid (8-connected, this many steps of one patch = 16 px, i.e. the whole frame)
 * through patches holding a sub-cell within SAM_MASK1_THRESHOLD of the negative point's colour.
 * Same-coloured shapes ≥ 32 px apart are never connected; < 16 px apart always are.
 */
export const SAM_NEGATIVE_FLOOD_STEPS = 64;
/** iou_scores: [[[0.95, 0.80, 0.50]]] when there is at least one positive point, else zeros. */
export const SAM_IOU_SCORES = [0.95, 0.8, 0.5] as const;
/** Label values of input_labels. */
export const SAM_LABEL = { positive: 1, negative: 0, padding: -10 } as const;

// ---------------------------------------------------------------------------------------------
// CLIP (Xenova/clip-vit-base-patch32)
// ---------------------------------------------------------------------------------------------

export const CLIP_IMAGE_SIZE = 224;
export const CLIP_IMAGE_MEAN = [0.48145466, 0.4578275, 0.40821073] as const;
export const CLIP_IMAGE_STD = [0.26862954, 0.26130258, 0.27577711] as const;
export const CLIP_EMBED_DIM = 512;
export const CLIP_MAX_LENGTH = 77;

export interface ClipColour {
  /** Canonical colour word; its embedding dimension is its index in CLIP_COLOURS. */
  readonly name: string;
  /** Prototype colour (0..255). The image model assigns each pixel to the nearest prototypes. */
  readonly rgb: readonly [number, number, number];
  /** Other words that map to the same dimension (each is a single token). */
  readonly synonyms: readonly string[];
}

/** The colour vocabulary. Index k ⇒ embedding dimension k (text_embeds and image_embeds). */
export const CLIP_COLOURS: readonly ClipColour[] = [
  { name: 'red', rgb: [230, 30, 30], synonyms: ['crimson', 'scarlet', 'ruby', 'cherry'] },
  { name: 'orange', rgb: [255, 140, 0], synonyms: ['amber', 'tangerine'] },
  { name: 'yellow', rgb: [255, 230, 0], synonyms: ['golden', 'gold', 'lemon'] },
  { name: 'green', rgb: [30, 170, 30], synonyms: ['lime', 'emerald', 'grassy'] },
  { name: 'cyan', rgb: [0, 220, 220], synonyms: ['teal', 'turquoise', 'aqua'] },
  { name: 'blue', rgb: [30, 60, 230], synonyms: ['navy', 'azure', 'sapphire'] },
  { name: 'purple', rgb: [130, 40, 180], synonyms: ['violet', 'lavender', 'indigo'] },
  { name: 'pink', rgb: [255, 140, 200], synonyms: ['magenta', 'rose'] },
  { name: 'brown', rgb: [130, 80, 30], synonyms: ['chocolate', 'coffee', 'cocoa'] },
  { name: 'black', rgb: [15, 15, 15], synonyms: ['ebony'] },
  { name: 'white', rgb: [245, 245, 245], synonyms: ['ivory', 'snowy'] },
  { name: 'gray', rgb: [128, 128, 128], synonyms: ['grey', 'silver'] },
];

/** Index (= embedding dimension) of a colour by canonical name. */
export function clipColourIndex(name: string): number {
  const i = CLIP_COLOURS.findIndex((c) => c.name === name);
  if (i < 0) throw new Error(`unknown colour ${name}`);
  return i;
}

/** Every colour word (canonical names and synonyms) → canonical colour name. */
export const CLIP_COLOUR_WORDS: Readonly<Record<string, string>> = Object.fromEntries(
  CLIP_COLOURS.flatMap((c) => [c.name, ...c.synonyms].map((w) => [w, c.name])),
);

/** Non-colour words that are single tokens (each also gets the `</w>` end-of-word form). */
export const CLIP_PLAIN_WORDS: readonly string[] = [
  'a', 'an', 'the', 'of', 'with', 'and', 'in', 'on', 'at', 'is', 'to', 'by', 'no', 'not',
  'photo', 'picture', 'image', 'painting', 'drawing', 'render', 'style',
  'river', 'cat', 'dog', 'dots', 'polka', 'dot', 'sky', 'sea', 'lake', 'water', 'car', 'house',
  'tree', 'flower', 'flowers', 'apple', 'ball', 'bird', 'fish', 'hat', 'shirt', 'dress', 'wall',
  'field', 'grass', 'background', 'man', 'woman', 'person', 'face', 'eyes', 'hair', 'sun',
  'bright', 'dark', 'light', 'small', 'big', 'large',
];

/** The dimension that non-colour tokens and the constant biases use. */
export const CLIP_NEUTRAL_DIM = 511;
/** Each non-special, non-colour token adds this on CLIP_NEUTRAL_DIM of text_embeds. */
export const CLIP_TEXT_NEUTRAL_PER_TOKEN = 0.1;
/** Constant added on CLIP_NEUTRAL_DIM of every text_embeds (so no text embeds to zero). */
export const CLIP_TEXT_NEUTRAL_BIAS = 0.05;
/** Constant added on CLIP_NEUTRAL_DIM of every image_embeds. */
export const CLIP_IMAGE_NEUTRAL_BIAS = 0.1;
/** Per-pixel colour assignment: softmax over prototypes of −SCALE·‖rgb − proto‖² (rgb in [0,1]). */
export const CLIP_SOFTMAX_SCALE = 100;

export const CLIP_SPECIAL_TOKENS = {
  bos: '<|startoftext|>',
  eos: '<|endoftext|>',
  pad: '<|endoftext|>',
  unk: '<|endoftext|>',
} as const;

// ---------------------------------------------------------------------------------------------
// MI-GAN (andraniksargsyan/migan)
// ---------------------------------------------------------------------------------------------

/**
 * Hole pixels are filled block-wise. The image is cut into MIGAN_BLOCK×MIGAN_BLOCK blocks
 * aligned to the top-left corner; a hole pixel in block (bx, by) gets the mean of the kept pixels
 * of the blocks (bx', by') with |bx'−bx| ≤ r and |by'−by| ≤ r, for the first r of MIGAN_RADII
 * whose blocks hold any kept pixel (r = 2: a 40×40 px square, r = 8: 136×136 px); failing both,
 * the global mean of the kept pixels; 0 (black) when nothing is kept.
 */
export const MIGAN_BLOCK = 8;
export const MIGAN_RADII: readonly number[] = [2, 8];
/** mask values ≥ this are "keep"; below are "fill". */
export const MIGAN_KEEP_THRESHOLD = 128;

// ---------------------------------------------------------------------------------------------
// LaMa (Carve/LaMa-ONNX lama_fp32.onnx)
// ---------------------------------------------------------------------------------------------

/** Fixed input side of the export. */
export const LAMA_SIZE = 512;
/**
 * The test LaMa fills every hole pixel with the mean colour of ALL kept pixels of its 512² input
 * (one flat colour, unlike the test MI-GAN's local means), and passes kept pixels through:
 * output = 255 · (image · (1 − mask) + mean · mask), in 0..255 as the export's output is.
 * mask > LAMA_MASK_THRESHOLD counts as hole.
 */
export const LAMA_MASK_THRESHOLD = 0.5;

// ---------------------------------------------------------------------------------------------
// Stable Diffusion inpainting (9-channel UNet) and the 4-channel few-step model (SD-Turbo class)
// ---------------------------------------------------------------------------------------------

export const SD_VAE_SCALE = 0.18215;
/** Text encoder width: SD 1.5 (CLIP ViT-L/14) 768, SD-Turbo (OpenCLIP ViT-H) 1024. */
export const SD_INPAINT_HIDDEN = 768;
export const SD_TURBO_HIDDEN = 1024;
/**
 * How far the 9-channel test UNet's prompt-conditioned prediction moves the masked latents from
 * the unconditioned one: 1/7.5, so classifier-free guidance at 7.5 (SD 1.5's usual scale) lands
 * exactly on the prompt's colour, and lower guidance follows the prompt less, as in the real model.
 */
export const SD_INPAINT_PULL = 1 / 7.5;
/** The SD 1.x / 2.x training schedule the test UNets read ᾱ_t from (scaled_linear). */
export const SD_TRAIN_SCHEDULE = { steps: 1000, betaStart: 0.00085, betaEnd: 0.012 } as const;


// ---------------------------------------------------------------------------------------------
// OWL-ViT (Xenova/owlvit-base-patch32): the autopilot's text-prompted detector (tests/models/owlvit.ts)
// ---------------------------------------------------------------------------------------------

/** Input side after the processor's resize (the real model: 768) and the patch side (real: 32). */
export const OWLVIT_IMAGE_SIZE = 128;
export const OWLVIT_PATCH = 8;
/** Things the test detector knows the colour of, besides the colour words themselves. */
export const OWLVIT_OBJECT_COLOURS: Readonly<Record<string, string>> = {
  river: 'blue', sea: 'blue', lake: 'blue', water: 'blue', sky: 'blue',
  grass: 'green', field: 'green', tree: 'green', sun: 'yellow', apple: 'red',
};
/** logit = SCALE·(colour overlap − 0.5): a patch all of the query's colour scores sigmoid(5) ≈ 0.99. */
export const OWLVIT_LOGIT_SCALE = 10;
/** Two patches belong to one object when their colour shares overlap by more than this. */
export const OWLVIT_SAME_OBJECT = 0.05;
