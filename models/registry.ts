/**
 * The models the product uses: data only. Each entry pins the Hub repository and revision, the
 * files per dtype with their byte sizes, the licence, and the input/output conventions the
 * runners and the test models follow. `verify:models` checks these facts against the real Hub.
 */

export type Dtype = 'fp32' | 'fp16' | 'q8';

export interface ModelFile {
  /** Path in the repo without the dtype suffix and extension, e.g. `onnx/vision_encoder`. */
  base: string;
  /** Byte size on the Hub per dtype that exists: exact unless listed in `approximate`. */
  bytes: Partial<Record<Dtype, number>>;
  /** The file's path per dtype where the repo does not follow the transformers.js suffixes (diffusers layouts: `unet/model.onnx`). */
  paths?: Partial<Record<Dtype, string>>;
  /**
   * Dtypes whose size is the Hub page's rounded MB figure (the exact size could not be read
   * offline): shown to the user, never enforced. Every other size is checked before caching.
   */
  approximate?: readonly Dtype[];
  /** SHA-256 (hex) per dtype where known; checked before caching. */
  sha256?: Partial<Record<Dtype, string>>;
  /**
   * The weights' ONNX external data file per dtype, for graphs past protobuf's 2 GB limit (an
   * fp32 UNet): its path in the repo (the graph names it relative to its own folder, e.g.
   * `unet/model.onnx_data` → `model.onnx_data`) and its bytes (approximate when the weights' are).
   */
  externalData?: Partial<Record<Dtype, { path: string; bytes: number }>>;
  /** Where the file lives when not in the entry's own repo (a component an export lacks, taken from a compatible one). */
  from?: { repo: string; revision: string; why: string };
}

export interface RegistryEntry {
  task: 'segmentation' | 'scoring' | 'fill' | 'inpaint-diffusion';
  repo: string;
  /** A commit hash pins the files. */
  revision: string;
  /**
   * Set when `revision` is a branch, not a commit: why it could not be pinned here (verify:models
   * reports it). The loader then pins the branch to the commit the host serves on the first load
   * on each machine (models/revision.ts).
   */
  unpinned?: string;
  licence: string;
  /** Small files loaded beside the weights (processor and tokenizer configs): `.json` parsed, others (merges.txt) as text. */
  configFiles: readonly string[];
  /** JSON configs a repo may lack: read when the host has them, left out of `configs` when it answers 404. */
  optionalConfigFiles?: readonly string[];
  files: Readonly<Record<string, ModelFile>>;
  conventions: Readonly<Record<string, string>>;
}

export const registry = {
  sam: {
    task: 'segmentation',
    repo: 'Xenova/slimsam-77-uniform',
    // The commit that public projects pin with these exact sizes per dtype (2026-03 upload; its
    // fp32/q8 SHA-256s are recorded by two independent projects); verify:models re-checks it.
    revision: '5850ab45f587c112167512ffef949107115e26a0',
    licence: 'apache-2.0',
    configFiles: ['preprocessor_config.json'],
    files: {
      encoder: {
        base: 'onnx/vision_encoder',
        bytes: { fp32: 23_276_014, fp16: 12_170_657, q8: 8_882_165 },
        sha256: { fp32: '9f8433273a6750b587779baa0cf5508111001bf7e7acfcf585d370139fd366d0', q8: 'cce23c7b2e5d4f330932738fb67ba518e04b0d99ccdd1cccd22a7da4e01f2971' },
      },
      decoder: {
        base: 'onnx/prompt_encoder_mask_decoder',
        bytes: { fp32: 16_557_892, fp16: 8_550_118, q8: 4_903_810 },
        sha256: { fp32: 'f4514391764fbd56e08e119060d874ecd7d52994bfb1968af159e12d4943b5bb', q8: 'cb90b279f549d2cab7fd6e20c38522438c65d84bdcca3d2a764cff7d857fdce2' },
      },
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
      // Exact where the Hub page showed bytes; else its rounded MB figure, marked approximate.
      text: { base: 'onnx/text_model', bytes: { fp32: 254_058_553, fp16: 127_000_000, q8: 64_500_000 }, approximate: ['fp16', 'q8'] },
      vision: { base: 'onnx/vision_model', bytes: { fp32: 351_685_709, fp16: 176_080_659, q8: 89_100_000 }, approximate: ['q8'] },
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
      model: { base: 'lama_fp32', bytes: { fp32: 208_000_000 }, approximate: ['fp32'] },
    },
    conventions: {
      input: 'image f32 [1,3,512,512] RGB in 0..1; mask f32 [1,1,512,512]: 1 = fill, 0 = keep (binary); fixed 512² (crop, resize, paste back)',
      output: 'output f32 [1,3,512,512] RGB in 0..255 (the model card example casts it to uint8 directly)',
      unverified:
        'Not checked against the real file here (no download): input/output names and the 0..255 output range come from the model card and from IOPaint, which runs this export. The runner reads the output range from the values (max ≤ 1.5 ⇒ 0..1) so a 0..1 export also works; verify:models checks the names and the range.',
    },
  },
  sdInpaint: {
    task: 'inpaint-diffusion',
    // An fp16 ONNX export of runwayml/stable-diffusion-inpainting for ONNX Runtime Web (diffusers
    // layout; the Hub showed one commit, bcb3767…, whose full hash was not visible): unverified.
    repo: 'jdp8/sd-inpainting-ort-web-fp16',
    revision: 'main',
    unpinned: 'the Hub page showed only a short commit id (bcb3767…); verify:models pins it with internet',
    licence: 'creativeml-openrail-m',
    configFiles: ['tokenizer/vocab.json', 'tokenizer/merges.txt', 'tokenizer/tokenizer_config.json'],
    // Exports made for ONNX Runtime Web may leave the diffusers scheduler config out; without it the
    // pipeline uses the one the model family publishes (models/sd/scheduler-defaults.ts).
    optionalConfigFiles: ['scheduler/scheduler_config.json'],
    files: {
      // Sizes: fp16 = 2 bytes per parameter of SD 1.5 (text encoder 123 M, VAE encoder 34 M,
      // decoder 49.5 M, UNet 860 M); the Hub showed 99.1 MB for this VAE decoder and 1.73 GB for
      // the sibling SD 2 inpainting UNet. Unverified until verify:models reads them.
      textEncoder: { base: 'text_encoder/model', paths: { fp16: 'text_encoder/model.onnx' }, bytes: { fp16: 246_000_000 }, approximate: ['fp16'] },
      vaeEncoder: { base: 'vae_encoder/model', paths: { fp16: 'vae_encoder/model.onnx' }, bytes: { fp16: 68_400_000 }, approximate: ['fp16'] },
      vaeDecoder: { base: 'vae_decoder/model', paths: { fp16: 'vae_decoder/model.onnx' }, bytes: { fp16: 99_100_000 }, approximate: ['fp16'] },
      unet: { base: 'unet/model', paths: { fp16: 'unet/model.onnx' }, bytes: { fp16: 1_720_000_000 }, approximate: ['fp16'] },
    },
    conventions: {
      'textEncoder.input': 'input_ids int32 or int64 [1,77] (read from the session): CLIP BPE, <|startoftext|> … <|endoftext|>, padded with <|endoftext|>',
      'textEncoder.output': 'last_hidden_state [1,77,768], fp16 or fp32 as the export declares',
      'vaeEncoder.input': 'sample [1,3,H,W] in [-1,1], H and W multiples of 8',
      'vaeEncoder.output': 'latent_sample [1,4,H/8,W/8]; ×0.18215 gives the UNet\'s latents',
      'vaeDecoder.input': 'latent_sample [1,4,h,w] = latents / 0.18215',
      'vaeDecoder.output': 'sample [1,3,8h,8w] in [-1,1]',
      'unet.input': 'sample [B,9,h,w] = noisy latents ‖ mask (1 = repaint, latent size) ‖ masked-image latents (image × (mask < 0.5), encoded, ×0.18215); timestep int64 or float [1]; encoder_hidden_states [B,77,768]',
      'unet.output': 'out_sample [B,4,h,w]: ε (epsilon prediction)',
      scheduler: 'scheduler_config.json: scaled_linear 0.00085..0.012, 1000 steps, steps_offset 1, epsilon; DDIM by default',
      device: 'fp16 weights and I/O: WebGPU with shader-f16; the UNet is one 1.7 GB file (under the 2 GB ArrayBuffer and protobuf limits, so no external data). No fp32 or q8 export of SD 1.5 inpainting for ONNX Runtime was found; the fp32 SD 2 inpainting export (jdp8/optimum-sd-2-inpainting-onnx-fp32: UNet graph + 3.46 GB model.onnx_data) is not offered, because its weights alone nearly fill WASM\'s 4 GB memory. Without shader-f16 the fp16 files run on WASM (ONNX Runtime computes the float16 nodes through casts), unverified with the real weights and minutes per step',
      unverified: 'Names, dtypes, sizes and revision come from the Hub pages and the diffusers ONNX pipeline, not from the files (no download here); verify:models checks them',
    },
  },
  sdTurbo: {
    task: 'inpaint-diffusion',
    // The ONNX Runtime Web SD-Turbo sample's export (microsoft/onnxruntime-inference-examples js/sd-turbo).
    repo: 'schmuell/sd-turbo-ort-web',
    // The commit public projects pin, with the exact file sizes below (read from it by a project
    // that hashed every file it loads); verify:models re-checks it.
    revision: 'ace89b7d2cd849f9a73914cdbb8a3ea60c853dd1',
    licence: 'other (sai-nc-community)',
    configFiles: ['tokenizer/vocab.json', 'tokenizer/merges.txt', 'tokenizer/tokenizer_config.json'],
    // Exports made for ONNX Runtime Web may leave the diffusers scheduler config out; without it the
    // pipeline uses the one the model family publishes (models/sd/scheduler-defaults.ts).
    optionalConfigFiles: ['scheduler/scheduler_config.json'],
    files: {
      // Exact sizes at the pinned commit (the sample's own MB list had text encoder and UNet
      // swapped). The repo has no VAE encoder, which inpainting needs (the original's latents):
      // it is taken from the SD 1.5 inpainting export (see `from`), 68.4 MB in fp16.
      textEncoder: { base: 'text_encoder/model', paths: { fp16: 'text_encoder/model.onnx' }, bytes: { fp16: 681_393_168 } },
      vaeEncoder: {
        base: 'vae_encoder/model',
        paths: { fp16: 'vae_encoder/model.onnx' },
        bytes: { fp16: 68_400_000 },
        approximate: ['fp16'],
        from: {
          repo: 'jdp8/sd-inpainting-ort-web-fp16',
          revision: 'main',
          why: "SD-Turbo's VAE is SD 2.1's, the same kl-f8 autoencoder (4 latent channels, scale 0.18215) as SD 1.5's; unverified that the weights are identical",
        },
      },
      vaeDecoder: { base: 'vae_decoder/model', paths: { fp16: 'vae_decoder/model.onnx' }, bytes: { fp16: 99_094_314 } },
      unet: { base: 'unet/model', paths: { fp16: 'unet/model.onnx' }, bytes: { fp16: 1_733_430_199 } },
    },
    conventions: {
      'textEncoder.input': 'input_ids int32 [1,77]: OpenCLIP BPE, padded with "!" (id 0), as the sample does',
      'textEncoder.output': 'last_hidden_state [1,77,1024]',
      'vaeEncoder.input': 'sample [1,3,H,W] in [-1,1]',
      'vaeEncoder.output': 'latent_sample [1,4,H/8,W/8] (×0.18215)',
      'vaeDecoder.input': 'latent_sample [1,4,h,w] = latents / 0.18215',
      'vaeDecoder.output': 'sample [1,3,8h,8w] in [-1,1]',
      'unet.input': 'sample [1,4,h,w] (4 channels: the masked region is kept by blending the original latents, re-noised to t, after every step); timestep int64 [1]; encoder_hidden_states [1,77,1024]',
      'unet.output': 'out_sample [1,4,h,w]: ε',
      scheduler: 'Euler ancestral with trailing spacing (1–4 steps, t = 999 first), no classifier-free guidance (guidance ≤ 1)',
      device: 'fp16: WebGPU with shader-f16 (the sample refuses without it); the sample fixes 64×64 latents through freeDimensionOverrides, we feed the crop\'s size',
      vaeEncoder: 'not in this repo (the ORT sample only generates from text): loaded from jdp8/sd-inpainting-ort-web-fp16 (its `from`), the same autoencoder',
      unverified: 'Revision and sizes are what public projects pin and read from the files, not checked here; the borrowed VAE encoder is unverified; verify:models checks all of them',
    },
  },
} as const satisfies Record<string, RegistryEntry>;

export type ModelName = keyof typeof registry;

const DTYPE_SUFFIX: Record<Dtype, string> = { fp32: '', fp16: '_fp16', q8: '_quantized' };

/** The file path transformers.js-style repos use for a dtype: fp32 → X.onnx, fp16 → X_fp16.onnx, q8 → X_quantized.onnx. */
export function weightPath(file: ModelFile, dtype: Dtype): string {
  return file.paths?.[dtype] ?? `${file.base}${DTYPE_SUFFIX[dtype]}.onnx`;
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

/** The name a graph gives its external data file: the data file's path relative to the graph's folder. */
export function externalDataLocation(graphPath: string, dataPath: string): string {
  const folder = graphPath.includes('/') ? graphPath.slice(0, graphPath.lastIndexOf('/') + 1) : '';
  return folder && dataPath.startsWith(folder) ? dataPath.slice(folder.length) : dataPath;
}

/** What a downloaded weight file must be: the exact size (approximate ones are not enforced) and the SHA-256 where known. */
export function expectedWeight(file: ModelFile, dtype: Dtype): { bytes?: number; sha256?: string } {
  const bytes = file.approximate?.includes(dtype) ? undefined : file.bytes[dtype];
  const sha256 = file.sha256?.[dtype];
  return { ...(bytes !== undefined ? { bytes } : {}), ...(sha256 !== undefined ? { sha256 } : {}) };
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
  // The commit public projects pin; q8's size is the one read at that commit, q4f16/q4 are the
  // exact sizes public downloads report for `main`.
  revision: 'cc5cc01a65cc3ff17bdb73a7de33d879f62599b0',
  licence: 'apache-2.0',
  configFiles: ['config.json', 'generation_config.json', 'tokenizer.json', 'tokenizer_config.json'],
  // onnx/model{_q4f16,_q4,_quantized}.onnx.
  bytes: { q4f16: 483_003_582, q4: 786_156_820, q8: 512_096_557 } satisfies Record<LlmDtype, number>,
  // Sizes public downloads report for `main`, not read at the pinned commit: shown, never enforced
  // (q8's was read at the commit, and is checked before the file is cached).
  approximate: ['q4f16', 'q4'] satisfies LlmDtype[],
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

/** The detector's dtypes as transformers.js names their files. */
export type DetectorDtype = 'fp32' | 'fp16' | 'q8';

/**
 * The autopilot's text-prompted detector, run by transformers.js's `zero-shot-object-detection`
 * pipeline (models/detector/text-detector.ts), so, like the LLM, not in `registry`. OWL-ViT rather
 * than OWLv2: transformers.js scales both models' boxes by the image's own size, which is right
 * for OWL-ViT (resized to a square, no padding) but not for OWLv2 (padded to a square first), and
 * OWL-ViT B/32 is the smaller download.
 */
export const TEXT_DETECTOR = {
  task: 'detection',
  label: 'OWL-ViT B/32',
  repo: 'Xenova/owlvit-base-patch32',
  revision: 'main',
  unpinned: 'no public source records a commit of this repo, and the Hub cannot be reached here; verify:models prints the one to pin',
  licence: 'apache-2.0',
  configFiles: ['config.json', 'preprocessor_config.json', 'tokenizer.json', 'tokenizer_config.json'],
  // onnx/model{,_fp16,_quantized}.onnx: approximate (2, 1 and ~0.5 bytes per parameter of its ~153 M).
  bytes: { fp32: 611_000_000, fp16: 306_000_000, q8: 155_000_000 } satisfies Record<DetectorDtype, number>,
  conventions: {
    inputs: 'input_ids, attention_mask i64 [Q,L] (CLIP BPE, padded with "!", 16 tokens); pixel_values f32 [1,3,768,768]: resized to a square (bicubic), CLIP mean/std',
    outputs: 'logits f32 [1,576,Q] (sigmoid: the score of each patch for each query); pred_boxes f32 [1,576,4] (cx, cy, w, h in 0..1 of the image)',
    unverified: 'Names, sizes and revision come from the Hub page and transformers.js, not from the files (no download here)',
  },
} as const;

/** transformers.js's file names: onnx/model{suffix}.onnx. */
export const DETECTOR_DTYPE_SUFFIX: Record<DetectorDtype, string> = { fp32: '', fp16: '_fp16', q8: '_quantized' };

/** fp16 on WebGPU with shader-f16, fp32 on other WebGPU adapters (q8 kernels are slow there), q8 on WASM. */
export function detectorDtype(backend: 'webgpu' | 'wasm', shaderF16: boolean): DetectorDtype {
  if (backend === 'wasm') return 'q8';
  return shaderF16 ? 'fp16' : 'fp32';
}
