/**
 * The models the product uses: data only. Each entry pins the Hub repository and revision, the
 * files per dtype with their byte sizes, the licence, and the input/output conventions the
 * runners and the test models follow. `verify:models` checks these facts against the real Hub.
 */

export type Dtype = 'fp32' | 'fp16' | 'q8';

export interface ModelFile {
  /** Path in the repo without the dtype suffix and extension, e.g. `onnx/vision_encoder`. */
  base: string;
  /** Byte size on the Hub per dtype that exists. */
  bytes: Partial<Record<Dtype, number>>;
}

export interface RegistryEntry {
  task: 'segmentation' | 'scoring' | 'fill';
  repo: string;
  /** A commit hash pins the files; `main` means not pinned yet (verify:models reports it). */
  revision: string;
  licence: string;
  /** Small JSON files loaded beside the weights (processor and tokenizer configs). */
  configFiles: readonly string[];
  files: Readonly<Record<string, ModelFile>>;
  conventions: Readonly<Record<string, string>>;
}

export const registry = {
  sam: {
    task: 'segmentation',
    repo: 'Xenova/slimsam-77-uniform',
    revision: 'main',
    licence: 'apache-2.0',
    configFiles: ['preprocessor_config.json'],
    files: {
      encoder: { base: 'onnx/vision_encoder', bytes: { fp32: 23_276_014, fp16: 12_170_657, q8: 8_882_165 } },
      decoder: { base: 'onnx/prompt_encoder_mask_decoder', bytes: { fp32: 16_557_892, fp16: 8_550_118, q8: 4_903_810 } },
    },
    conventions: {
      'encoder.input': 'pixel_values f32 [1,3,1024,1024]: longest side resized to 1024 (bilinear), /255, ImageNet mean/std, zero-padded bottom/right',
      'encoder.output': 'image_embeddings f32 [1,256,64,64], image_positional_embeddings f32 [1,256,64,64]',
      'decoder.input': 'input_points f32 [1,1,N,2] in resized-1024 pixels (x,y); input_labels i64 [1,1,N]: 1 include, 0 exclude, -10 padding',
      'decoder.output': 'iou_scores f32 [1,1,3]; pred_masks f32 [1,1,3,256,256]: logits over the padded 1024² frame, > 0 inside',
    },
  },
  clip: {
    task: 'scoring',
    repo: 'Xenova/clip-vit-base-patch32',
    revision: '4c1807b705b1d015fb032789cc4d221b23025a6f',
    licence: 'mit',
    configFiles: ['preprocessor_config.json', 'tokenizer.json', 'tokenizer_config.json'],
    files: {
      // Exact where the Hub page showed bytes; else its rounded MB figure.
      text: { base: 'onnx/text_model', bytes: { fp32: 254_058_553, fp16: 127_000_000, q8: 64_500_000 } },
      vision: { base: 'onnx/vision_model', bytes: { fp32: 351_685_709, fp16: 176_080_659, q8: 89_100_000 } },
    },
    conventions: {
      'text.input': 'input_ids i64 [B,77] padded with <|endoftext|> (pooling takes the first, highest id); attention_mask only if the export declares it (Xenova: input_ids only)',
      'text.output': 'text_embeds f32 [B,512] (unnormalised projection)',
      'vision.input': 'pixel_values f32 [B,3,224,224]: shortest side 224 (bicubic), centre crop, /255, CLIP mean/std',
      'vision.output': 'image_embeds f32 [B,512] (unnormalised projection)',
      score: '100 · max(cos(image, text), 0) (torchmetrics); Hessel et al. CLIPScore = 2.5 · max(cos, 0)',
    },
  },
  migan: {
    task: 'fill',
    repo: 'andraniksargsyan/migan',
    revision: '1538c135034b8cfe7a8472f34d09c8a5a45b17a7',
    licence: 'mit',
    configFiles: [],
    files: {
      pipeline: { base: 'migan_pipeline_v2', bytes: { fp32: 28_079_181 } },
    },
    conventions: {
      input: 'image u8 [1,3,H,W] RGB; mask u8 [1,1,H,W]: 255 = keep, 0 = fill; any H, W (crops around the hole itself)',
      output: 'result u8 [1,3,H,W]',
      pipeline:
        "v2 (Picsart's create_onnx_pipeline.py, opset 17): crops a square of max(hole box + 2·128, 512) around the hole, runs the 512² generator, blends through blur5×5(maxpool3×3(keep)) and writes back only that window: hole pixels within 3 px of kept ones keep part of their old colour, so the runner grows the hole (MIGAN_HOLE_GROWTH); kept pixels in the window may move by 1, so results are pasted through our own mask",
    },
  },
  lama: {
    task: 'fill',
    repo: 'Carve/LaMa-ONNX',
    // The latest commit the Hub's file list showed ("Update README.md"); verify:models checks it.
    revision: 'c3c0c9e468934d62e79c329e35d82dd09ff8c444',
    licence: 'apache-2.0',
    configFiles: [],
    files: {
      // The Hub lists 208 MB (rounded); lama.onnx (207 MB) is the older export with another converter.
      model: { base: 'lama_fp32', bytes: { fp32: 208_000_000 } },
    },
    conventions: {
      input: 'image f32 [1,3,512,512] RGB in 0..1; mask f32 [1,1,512,512]: 1 = fill, 0 = keep (binary); fixed 512² (crop, resize, paste back)',
      output: 'output f32 [1,3,512,512] RGB in 0..255 (the model card example casts it to uint8 directly)',
      unverified:
        'Not checked against the real file here (no download): input/output names and the 0..255 output range come from the model card and from IOPaint, which runs this export. The runner reads the output range from the values (max ≤ 1.5 ⇒ 0..1) so a 0..1 export also works; verify:models checks the names and the range.',
    },
  },
} as const satisfies Record<string, RegistryEntry>;

export type ModelName = keyof typeof registry;

const DTYPE_SUFFIX: Record<Dtype, string> = { fp32: '', fp16: '_fp16', q8: '_quantized' };

/** The file path transformers.js-style repos use for a dtype: fp32 → X.onnx, fp16 → X_fp16.onnx, q8 → X_quantized.onnx. */
export function weightPath(file: ModelFile, dtype: Dtype): string {
  return `${file.base}${DTYPE_SUFFIX[dtype]}.onnx`;
}

/** Picks the dtype for a file: the preferred order for the backend, limited to what the repo has. */
export function chooseDtype(file: ModelFile, preferred: readonly Dtype[]): Dtype {
  const available = Object.keys(file.bytes) as Dtype[];
  return preferred.find((d) => available.includes(d)) ?? available[0] ?? 'fp32';
}

/** `{host}/{repo}/resolve/{revision}/{path}`: the Hub's download URL layout. */
export function resolveUrl(host: string, repo: string, revision: string, path: string): string {
  return `${host.replace(/\/+$/, '')}/${repo}/resolve/${encodeURIComponent(revision)}/${path}`;
}

/** The dtypes the local LLM's repo offers, as transformers.js names them. */
export type LlmDtype = 'q4f16' | 'q4' | 'q8';

/**
 * The "this device" LLM for prompt refinement, run by transformers.js (models/llm/local-llm.ts),
 * so it is not in `registry` (whose entries our own loader turns into sessions).
 */
export const LOCAL_LLM = {
  task: 'refinement',
  label: 'Qwen2.5-0.5B-Instruct',
  repo: 'onnx-community/Qwen2.5-0.5B-Instruct',
  // Not pinned: the Hub showed commit 516c8d0; verify:models is where files and sizes get checked.
  revision: 'main',
  licence: 'apache-2.0',
  configFiles: ['config.json', 'generation_config.json', 'tokenizer.json', 'tokenizer_config.json'],
  // onnx/model{_q4f16,_q4,_quantized}.onnx; the Hub's rounded MB figures.
  bytes: { q4f16: 483_000_000, q4: 786_000_000, q8: 512_000_000 } satisfies Record<LlmDtype, number>,
  conventions: {
    inputs: 'input_ids, attention_mask, position_ids i64 [B,L]; past_key_values.N.key/value [B,kv_heads,P,head_dim]',
    outputs: 'logits [B,L,vocab]; present.N.key/value [B,kv_heads,P+L,head_dim]',
    chat: "the repo's chat template (tokenizer_config.json), generation prompt added",
  },
} as const;

/** transformers.js's file names: onnx/model{suffix}.onnx. */
export const LLM_DTYPE_SUFFIX: Record<LlmDtype, string> = { q4f16: '_q4f16', q4: '_q4', q8: '_quantized' };

/** q4f16 where WebGPU has shader-f16; q4 (MatMulNBits, float activations) on other WebGPU adapters; q8 on WASM. */
export function llmDtype(backend: 'webgpu' | 'wasm', shaderF16: boolean): LlmDtype {
  if (backend === 'wasm') return 'q8';
  return shaderF16 ? 'q4f16' : 'q4';
}
