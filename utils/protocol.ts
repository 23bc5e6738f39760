/**
 * The one message protocol shared by every context. Each message type names its destination,
 * its request schema and its response schema; every receiver validates with these schemas
 * (valibot: tree-shakable, so the content script pays only for the schemas it imports).
 *
 * Messages carry ids, settings, points and small results. Pixels, masks and model outputs live
 * in the session store (IndexedDB, see session-store.ts) and travel as keys.
 */
import * as v from 'valibot';
import { LLM_PROVIDERS } from './llm/config'; // LLM refinement (issue #4)
import { probeMessages } from './probe-messages';

const finite = v.pipe(v.number(), v.finite());
const count = v.pipe(v.number(), v.integer(), v.minValue(0));
/** A key in the session store's blob table. */
export const BlobKey = v.pipe(v.string(), v.regex(/^[\w.:-]{1,128}$/));

export const ModelId = v.picklist(['sam', 'clip', 'migan', 'lama', 'sdInpaint', 'sdTurbo']);
export type ModelId = v.InferOutput<typeof ModelId>;
/** What a download belongs to: a registry model, or the local LLM (models/registry.ts LOCAL_LLM). */
export const DownloadOf = v.picklist([...ModelId.options, 'llm', 'detector']);

export const Backend = v.picklist(['webgpu', 'wasm']);
export type Backend = v.InferOutput<typeof Backend>;

/** Where one loaded model runs, in which dtype, and why not as first chosen (run-time fallback, models/fallback.ts). */
export const ModelPlacement = v.object({
  backend: Backend,
  precision: v.picklist(['fp32', 'fp16', 'q8']),
  fallbackReason: v.optional(v.string()),
});

export const RuntimeInfo = v.object({
  backend: Backend,
  /** Why WebGPU is not in use, when it is not (shown to the user). */
  fallbackReason: v.optional(v.string()),
  adapter: v.optional(v.string()),
  /** The WebGPU adapter is a software one (e.g. SwiftShader): correct, but far slower than a GPU. */
  softwareAdapter: v.optional(v.boolean()),
  shaderF16: v.boolean(),
  /** Threads ONNX Runtime's WASM runs on: more than 1 only in a cross-origin-isolated document. */
  wasmThreads: v.optional(v.pipe(v.number(), v.integer(), v.minValue(1))),
  /** ONNX Runtime Web's version (ort.env.versions): float16 kernels and their overflows change between versions. */
  ortVersion: v.optional(v.string()),
  /** The WebGPU adapter's buffer limits (bytes): large models need big activations. */
  maxBufferSize: v.optional(count),
  maxStorageBufferBindingSize: v.optional(count),
  /** The models loaded so far (both inference workers'). */
  models: v.optional(v.record(ModelId, ModelPlacement)),
});
export type RuntimeInfo = v.InferOutput<typeof RuntimeInfo>;

export const SamPoint = v.object({
  /** Natural-image pixel coordinates. */
  x: finite,
  y: finite,
  /** 1 = include, 0 = exclude (SAM's labels). */
  label: v.picklist([0, 1]),
});
export type SamPoint = v.InferOutput<typeof SamPoint>;

/** Time split reported by every inference call: model (session.run) vs our own code. */
const Timing = v.object({ modelMs: finite, totalMs: finite });

const LoadedFile = v.object({ path: v.string(), bytes: count, fromCache: v.boolean() });

const Empty = v.object({});

// ---- Inpainting and scoring (issue #5): the contract the offscreen jobs, the options and the side panel share ----
export const InpaintBackend = v.picklist(['local', 'diffusion', 'openai', 'a1111']);
export type InpaintBackend = v.InferOutput<typeof InpaintBackend>;
/** Local prompt-following diffusion models: SD 1.5 inpainting (9-channel UNet) or the few-step SD-Turbo with latent blending. */
export const DiffusionModel = v.picklist(['sd-inpaint', 'sd-turbo']);
export type DiffusionModel = v.InferOutput<typeof DiffusionModel>;
/** The diffusion knobs the options keep as defaults. */
export const DiffusionSettings = v.object({
  model: DiffusionModel,
  steps: v.pipe(v.number(), v.integer(), v.minValue(1), v.maxValue(50)),
  /** Classifier-free guidance scale; ≤ 1 runs without guidance (one UNet run per step). */
  guidance: v.pipe(v.number(), v.finite(), v.minValue(0), v.maxValue(20)),
  /** Denoising strength: 1 repaints from noise, less keeps some of the original. */
  strength: v.pipe(v.number(), v.finite(), v.minValue(0.05), v.maxValue(1)),
  /** "Inpaint only masked" padding: px of context around the mask's box; omitted: a quarter of the box's longer side, at least 32 px. */
  padding: v.optional(v.pipe(v.number(), v.integer(), v.minValue(0), v.maxValue(512))),
});
export type DiffusionSettings = v.InferOutput<typeof DiffusionSettings>;
/** One diffusion job's parameters: the settings plus the seed (candidate i uses seed + i). */
export const DiffusionParams = v.object({ ...DiffusionSettings.entries, seed: v.pipe(v.number(), v.integer(), v.minValue(0), v.maxValue(0xffffffff)) });
export type DiffusionParams = v.InferOutput<typeof DiffusionParams>;
/** Local prompt-free fill models in the registry. */
export const LocalFillModel = v.picklist(['migan', 'lama']);
export type LocalFillModel = v.InferOutput<typeof LocalFillModel>;
export const OpenAiImageModel = v.picklist(['gpt-image-1', 'dall-e-2']);
export type OpenAiImageModel = v.InferOutput<typeof OpenAiImageModel>;
/** One CLIP comparison: cosine, 100·max(cos, 0) (torchmetrics) and 2.5·max(cos, 0) (Hessel et al.). */
export const ClipScore = v.object({ cosine: finite, score: finite, hessel: finite });
export type ClipScore = v.InferOutput<typeof ClipScore>;
/** The paper's global score (whole image vs full prompt) and the region score (mask's box crop vs region prompt). */
export const ScorePair = v.object({ global: ClipScore, region: v.optional(ClipScore) });
export type ScorePair = v.InferOutput<typeof ScorePair>;
export const InpaintCandidate = v.object({
  image: BlobKey,
  scores: ScorePair,
  /** Score after minus score before (the `score` convention), per kind. */
  delta: v.object({ global: finite, region: v.optional(finite) }),
  seed: v.optional(v.number()),
});
export type InpaintCandidate = v.InferOutput<typeof InpaintCandidate>;
/** The image's own sampling settings (from its metadata), for backends that take them (A1111). */
export const SamplingSettings = v.object({
  seed: v.optional(v.pipe(v.number(), v.integer(), v.minValue(0))),
  steps: v.optional(v.pipe(v.number(), v.integer(), v.minValue(1), v.maxValue(500))),
  cfgScale: v.optional(v.pipe(v.number(), v.minValue(0), v.maxValue(100))),
  sampler: v.optional(v.pipe(v.string(), v.maxLength(100))),
  scheduler: v.optional(v.pipe(v.string(), v.maxLength(100))),
});
export type SamplingSettings = v.InferOutput<typeof SamplingSettings>;
export const InpaintRequest = v.object({
  /** When given, the finished result is appended to this session's `results` (nothing is lost if no UI is open). */
  sessionId: v.optional(v.pipe(v.string(), v.maxLength(64))),
  image: BlobKey,
  mask: BlobKey,
  backend: InpaintBackend,
  /** The refined region prompt (what the masked region should show). */
  prompt: v.pipe(v.string(), v.maxLength(1000)),
  /** The original full-image prompt, for the global score; defaults to `prompt`. */
  fullPrompt: v.optional(v.pipe(v.string(), v.maxLength(4000))),
  negativePrompt: v.optional(v.pipe(v.string(), v.maxLength(1000))),
  /** Candidates wanted (local fill is deterministic: one). */
  n: v.pipe(v.number(), v.integer(), v.minValue(1), v.maxValue(4)),
  /** Feather of the paste-back edge, natural px. */
  feather: v.optional(v.pipe(v.number(), v.integer(), v.minValue(0), v.maxValue(64))),
  /** The diffusion backend's parameters (defaults from the options, a random seed, when omitted). */
  diffusion: v.optional(DiffusionParams),
  /** Seed, steps, CFG and sampler the image was made with (issue #16); used by A1111, ignored by the others. */
  sampling: v.optional(SamplingSettings),
});
export type InpaintRequest = v.InferOutput<typeof InpaintRequest>;
/**
 * How long a local diffusion job took on this device, per part, so the side panel can say before
 * the next run how long it will take (models/sd/estimate.ts). Wall times, our own code included.
 */
export const DiffusionTiming = v.object({
  model: DiffusionModel,
  backend: Backend,
  /** The working size the crop was diffused at. */
  width: v.pipe(v.number(), v.integer(), v.minValue(1)),
  height: v.pipe(v.number(), v.integer(), v.minValue(1)),
  /** Denoising steps per candidate (the strength cuts the steps asked for). */
  steps: v.pipe(v.number(), v.integer(), v.minValue(1)),
  /** Classifier-free guidance: two UNet runs (a batch of 2) per step. */
  guided: v.boolean(),
  /** One denoising step, the median over every candidate's steps (the first one on WebGPU also compiles shaders). */
  stepMs: v.pipe(finite, v.minValue(0)),
  /** Encoding the prompts and the image, once per job (the model already loaded). */
  prepareMs: v.pipe(finite, v.minValue(0)),
  /** A candidate's time beyond its steps (the VAE decoder, the noise). */
  candidateMs: v.pipe(finite, v.minValue(0)),
});
export type DiffusionTiming = v.InferOutput<typeof DiffusionTiming>;
export const InpaintResult = v.object({
  jobId: v.string(),
  backend: InpaintBackend,
  /** The model or server that made the candidates, e.g. "migan", "gpt-image-1", "A1111 at 127.0.0.1:7860". */
  model: v.string(),
  prompt: v.string(),
  fullPrompt: v.string(),
  image: BlobKey,
  mask: BlobKey,
  before: ScorePair,
  /** Ranked best first (region score when there is one, else global). */
  candidates: v.array(InpaintCandidate),
  createdAt: finite,
  /**
   * Wall time of the job's parts; `inpaintModel` / `scoreModel`: the time inside ONNX Runtime
   * (local fill, CLIP), so our own code's share can be told apart (remote backends: no inpaintModel).
   */
  ms: v.object({ total: finite, inpaint: finite, score: finite, inpaintModel: v.optional(finite), scoreModel: v.optional(finite) }),
  /** A local diffusion job's time per part, for the next run's estimate. */
  diffusion: v.optional(DiffusionTiming),
});
export type InpaintResult = v.InferOutput<typeof InpaintResult>;
export const JobState = v.picklist(['queued', 'running', 'done', 'failed', 'cancelled']);
export const JobStage = v.picklist(['waiting', 'loading-model', 'scoring-before', 'inpainting', 'scoring-after', 'saving']);
export const JobView = v.object({
  jobId: v.string(),
  sessionId: v.optional(v.string()),
  backend: InpaintBackend,
  state: JobState,
  stage: JobStage,
  /** 0..1 over the whole job. */
  progress: v.pipe(v.number(), v.minValue(0), v.maxValue(1)),
  /** Jobs ahead of this one in the queue. */
  position: count,
  message: v.optional(v.string()),
  error: v.optional(v.object({ code: v.string(), message: v.string() })),
  /** A diffusion job's live preview of the current candidate: a small PNG of its latents. */
  preview: v.optional(v.pipe(v.string(), v.maxLength(256 * 1024), v.regex(/^data:image\/png;base64,[\w+/=]+$/))),
});
export type JobView = v.InferOutput<typeof JobView>;
/** Inpainting settings as pages see them (never the key, only whether one is stored for the OpenAI host). */
export const InpaintConfigView = v.object({
  backend: InpaintBackend,
  localModel: LocalFillModel,
  diffusion: DiffusionSettings,
  /** Candidates per job for the remote backends. */
  n: v.pipe(v.number(), v.integer(), v.minValue(1), v.maxValue(4)),
  openaiBaseUrl: v.string(),
  openaiModel: OpenAiImageModel,
  hasOpenAiKey: v.boolean(),
  a1111BaseUrl: v.string(),
  /** Denoising strength for A1111 (0..1). */
  a1111Denoise: v.pipe(v.number(), v.minValue(0), v.maxValue(1)),
  /** Privacy: never send pixels to a server that is not on this machine (remote backends and LLM crops). */
  neverSendPixels: v.boolean(),
  /** Whether the extension may reach each server (optional host permission granted). */
  permissions: v.object({ openai: v.boolean(), a1111: v.boolean() }),
});
export type InpaintConfigView = v.InferOutput<typeof InpaintConfigView>;
// ---- end inpainting contract ----

// ---- LLM prompt refinement (issue #4): schemas used by the llm.* / refine.* messages below ----
export const LlmProvider = v.picklist(LLM_PROVIDERS);
export type LlmProvider = v.InferOutput<typeof LlmProvider>;
/** Chrome's built-in model (Prompt API) as `LanguageModel.availability()` reports it; `unsupported`: no such API. */
export const BuiltinAvailability = v.picklist(['unsupported', 'unavailable', 'downloadable', 'downloading', 'available']);
export type BuiltinAvailability = v.InferOutput<typeof BuiltinAvailability>;
const RequestId = v.pipe(v.string(), v.regex(/^[\w-]{1,64}$/));
const ShortText = (max: number) => v.pipe(v.string(), v.maxLength(max));
/** A crop of the masked region for vision models: a session-store image key or a small data URL. */
export const CropImage = v.union([
  BlobKey,
  v.pipe(v.string(), v.maxLength(4_000_000), v.regex(/^data:image\/(?:png|jpeg|webp);base64,[A-Za-z0-9+/]+={0,2}$/)),
]);
/** What the LLM proposes for the masked region (validated; see utils/llm/refinement.ts). */
export const RefinementSuggestion = v.object({
  regionPrompt: v.pipe(v.string(), v.minLength(1), v.maxLength(600)),
  negativePrompt: v.pipe(v.string(), v.minLength(1), v.maxLength(400)),
  /** One line. */
  rationale: v.pipe(v.string(), v.maxLength(240), v.regex(/^[^\n]*$/)),
  alternatives: v.pipe(v.array(v.pipe(v.string(), v.minLength(1), v.maxLength(600))), v.minLength(2), v.maxLength(3)),
});
export type RefinementSuggestion = v.InferOutput<typeof RefinementSuggestion>;
/** The provider settings as pages see them: never the key itself, only whether one is stored for this host. */
export const LlmConfigView = v.object({
  provider: LlmProvider,
  /** As typed for `openai-compatible`; the server actually used is `effectiveBaseUrl`. */
  baseUrl: v.string(),
  effectiveBaseUrl: v.optional(v.string()),
  model: v.string(),
  sendPixels: v.boolean(),
  /** Whether refinement would attach the crop: sendPixels, unless the privacy switch keeps pixels from this server. */
  cropAllowed: v.boolean(),
  timeoutSeconds: finite,
  hasKey: v.boolean(),
  /** Whether the extension may reach `effectiveBaseUrl` (optional host permission granted). */
  hostPermission: v.boolean(),
  builtin: BuiltinAvailability,
});
export type LlmConfigView = v.InferOutput<typeof LlmConfigView>;
/** Optional on llm.* and refine.* requests: the server the caller expects; refused when it is not the configured one. */
const ExpectedBaseUrl = v.optional(ShortText(2000));
// ---- end LLM schemas ----

// ---- Original prompt (issue #16): text near the image, collected by the content script ----
export const PageTextSource = v.picklist(['info-block', 'figcaption', 'caption', 'aria-describedby', 'aria-labelledby', 'aria-label', 'title', 'chat-message']);
export type PageTextSource = v.InferOutput<typeof PageTextSource>;
/** One piece of page text that may be the image's prompt. Hostile: length-capped, shown only to be edited. */
export const PageText = v.object({ source: PageTextSource, text: v.pipe(v.string(), v.maxLength(2000)) });
export type PageText = v.InferOutput<typeof PageText>;
export const PageContext = v.pipe(v.array(PageText), v.maxLength(8));
/** How the stored pixels were obtained: only a file ('file') carries the generator's metadata. */
/** Host access the extension lacks for an image's site: the match pattern to request, and the host to name to the user. */
/** An `image.fetch` error code: the file itself is the problem (its server's error, broken bytes), so it is reported, never captured. */
export const IMAGE_FAILED = 'image-failed';
/** A fetched SVG travels back to the page for the overlay to rasterise up to this size (4 MB of file, base64). */
export const MAX_FETCHED_SVG_BYTES = 4 * 1024 * 1024;
const MAX_FETCHED_SVG_URL = 'data:image/svg+xml;base64,'.length + Math.ceil(MAX_FETCHED_SVG_BYTES / 3) * 4;
export const SiteAccess = v.object({ pattern: v.pipe(v.string(), v.maxLength(300), v.regex(/^https?:\/\/[^/*]+\/\*$/)), host: v.pipe(v.string(), v.maxLength(300)) });
export type SiteAccess = v.InferOutput<typeof SiteAccess>;

export const PixelOrigin = v.picklist(['file', 'canvas', 'decoded', 'capture', 'converted']);
export type PixelOrigin = v.InferOutput<typeof PixelOrigin>;
// ---- end original prompt ----

/** A message's destination and the schemas its request and response must pass. */
export interface MessageSpec {
  to: 'offscreen' | 'background' | 'content';
  request: v.GenericSchema;
  response: v.GenericSchema;
}

/**
 * Every request the product knows. `to` is where it is handled:
 * - `offscreen`: inference; any extension page may ask, the background routes it.
 * - `background`: routing and services; content scripts may send only those marked `fromContent`.
 * - `content`: the content script in a tab.
 */
const productMessages = {
  'runtime.info': { to: 'offscreen', request: Empty, response: RuntimeInfo },
  'models.load': {
    to: 'offscreen',
    request: v.object({ model: ModelId }),
    response: v.object({ model: ModelId, backend: Backend, files: v.array(LoadedFile), ms: finite }),
  },
  'sam.encode': {
    to: 'offscreen',
    request: v.object({ image: BlobKey }),
    response: v.object({ embedding: v.string(), width: count, height: count, ...Timing.entries }),
  },
  'sam.decode': {
    to: 'offscreen',
    request: v.object({
      embedding: v.string(),
      points: v.pipe(v.array(SamPoint), v.minLength(1), v.maxLength(64)),
      /** Which of SAM's candidate masks to return; default the best-scoring one. */
      select: v.optional(v.pipe(v.number(), v.integer(), v.minValue(0), v.maxValue(7))),
    }),
    response: v.object({
      /** The chosen mask at natural size (0/255), run-length coded (utils/mask/rle.ts). */
      rle: v.string(),
      width: count,
      height: count,
      /** Predicted IoU of each of SAM's candidate masks; `chosen` is the index of `mask`. */
      scores: v.array(finite),
      chosen: count,
      ...Timing.entries,
    }),
  },
  /**
   * The pointer is over a mask editor, so a click may come: a running job waits at its step
   * boundaries for a short lease that each hint renews (worker-host.ts), and a click's decode finds
   * no step in flight. Best-effort; no wait lasts more than 250 ms, so the job keeps stepping (each
   * step then takes its own time plus up to 250 ms).
   */
  'interaction.hold': { to: 'offscreen', request: Empty, response: Empty },
  // ---- Inpainting and scoring (issue #5) ----
  /** Queues an inpainting job; progress comes as `job.progress` events, the result as `job.done`. */
  'inpaint.start': { to: 'offscreen', request: InpaintRequest, response: v.object({ jobId: v.string(), position: count }) },
  'inpaint.cancel': { to: 'offscreen', request: v.object({ jobId: v.string() }), response: v.object({ cancelled: v.boolean() }) },
  /** Queued, running and recently finished jobs (a reopened panel picks up running ones). */
  'jobs.list': { to: 'offscreen', request: Empty, response: v.object({ jobs: v.array(JobView) }) },
  'inpaint.config.get': { to: 'background', request: Empty, response: InpaintConfigView },
  'inpaint.config.set': {
    to: 'background',
    request: v.object({
      backend: InpaintBackend,
      localModel: LocalFillModel,
      n: v.pipe(v.number(), v.integer(), v.minValue(1), v.maxValue(4)),
      openaiBaseUrl: v.pipe(v.string(), v.maxLength(2000)),
      openaiModel: OpenAiImageModel,
      a1111BaseUrl: v.pipe(v.string(), v.maxLength(2000)),
      a1111Denoise: v.pipe(v.number(), v.minValue(0), v.maxValue(1)),
      neverSendPixels: v.boolean(),
      /** Omitted: keep the stored diffusion defaults. */
      diffusion: v.optional(DiffusionSettings),
      /** Omitted: keep the stored key for the OpenAI host; '': remove it. Never echoed back. */
      apiKey: v.optional(v.pipe(v.string(), v.maxLength(4000))),
    }),
    response: InpaintConfigView,
  },
  /** What an inpainting job needs from storage, key included: answered to the offscreen document only. */
  'settings.inpaint': {
    to: 'background',
    request: Empty,
    response: v.object({
      openai: v.object({ baseUrl: v.string(), model: OpenAiImageModel, apiKey: v.optional(v.string()) }),
      a1111: v.object({ baseUrl: v.string(), denoise: v.number() }),
      localModel: LocalFillModel,
      diffusion: DiffusionSettings,
      neverSendPixels: v.boolean(),
    }),
  },
  // ---- end inpainting ----
  /** The offscreen document has no storage API: it asks the background for what it needs. */
  'settings.runtime': {
    to: 'background',
    request: Empty,
    response: v.object({
      modelHost: v.string(),
      device: v.picklist(['auto', 'webgpu', 'wasm']),
      idleSeconds: finite,
      /** E2E build only (precision.e2e.ts, diffusion.e2e.ts): act as if the WebGPU adapter had shader-f16. */
      fp16First: v.optional(v.literal(true)),
    }),
  },
  /**
   * The overlay frame cannot open the session store (a frame's IndexedDB is partitioned by the
   * page embedding it), so it hands pixels and masks to the background, which stores them.
   */
  'image.put': {
    to: 'background',
    request: v.object({ dataUrl: v.pipe(v.string(), v.regex(/^data:image\//), v.maxLength(128 * 1024 * 1024)) }),
    response: v.object({ image: BlobKey, width: count, height: count }),
  },
  'session.create': {
    to: 'background',
    request: v.object({
      image: BlobKey,
      width: v.pipe(count, v.minValue(1)),
      height: v.pipe(count, v.minValue(1)),
      source: v.object({ pageUrl: v.pipe(v.string(), v.maxLength(8192)), srcUrl: v.optional(v.pipe(v.string(), v.maxLength(8192))), alt: v.optional(v.pipe(v.string(), v.maxLength(2000))), note: v.optional(v.pipe(v.string(), v.maxLength(500))), context: v.optional(PageContext), pixels: v.optional(PixelOrigin) }),
    }),
    response: v.object({ sessionId: v.string() }),
  },
  'session.save-mask': {
    to: 'background',
    request: v.object({ sessionId: v.string(), width: count, height: count, rle: v.pipe(v.string(), v.maxLength(64 * 1024 * 1024)) }),
    response: v.object({ mask: BlobKey }),
  },
  /** The content script announces the secret its overlay frame will present (see overlay.claim). */
  'overlay.register': { to: 'background', request: v.object({ nonce: v.pipe(v.string(), v.uuid()) }), response: v.object({ registered: v.literal(true) }) },
  /**
   * The content script's overlay, open until now, failed (the page kept removing it): the side panel
   * shows `reason` for the tab, with the overlay's session (if it had one) opened there.
   */
  'overlay.blocked': {
    to: 'background',
    request: v.object({ reason: v.pipe(v.string(), v.minLength(1), v.maxLength(300)), sessionId: v.optional(v.pipe(v.string(), v.maxLength(64))) }),
    response: v.object({ noted: v.literal(true) }),
  },
  /**
   * The overlay frame (an extension page a hostile page could also embed) proves it was opened by
   * our content script: the nonce is valid once, for the tab that registered it.
   */
  'overlay.claim': { to: 'background', request: v.object({ nonce: v.pipe(v.string(), v.uuid()) }), response: v.object({ tabId: count }) },
  /** The offscreen document asks whether an overlay frame's nonce is claimed for its tab (answered to it only). */
  'overlay.verify': {
    to: 'background',
    request: v.object({ nonce: v.pipe(v.string(), v.uuid()), tabId: count }),
    response: v.object({ valid: v.boolean() }),
  },
  /**
   * Fetches an image the page's origin may not read (no CORS) with the extension's host access; stores it.
   * `referrer`: the page's origin, sent as the Referer a CDN may demand (the page's own request sent it).
   */
  'image.fetch': {
    to: 'background',
    request: v.object({ url: v.pipe(v.string(), v.maxLength(8192), v.regex(/^https?:/)), referrer: v.optional(v.pipe(v.string(), v.maxLength(8192), v.regex(/^https?:/))) }),
    response: v.variant('read', [
      // Stored at its natural size; `animated`: read from the bytes (servers label an APNG image/png).
      v.object({ read: v.literal(true), image: BlobKey, width: v.pipe(count, v.minValue(1)), height: v.pipe(count, v.minValue(1)), animated: v.boolean() }),
      // An SVG: a service worker cannot rasterise it, the overlay frame can (so it travels back, small enough as a data: URL).
      v.object({ read: v.literal('vector'), dataUrl: v.pipe(v.string(), v.regex(/^data:image\/svg\+xml;base64,/), v.maxLength(MAX_FETCHED_SVG_URL)) }),
      // Not read: the user has not allowed the extension this image's site (`pattern` is what to ask for).
      v.object({ read: v.literal(false), access: SiteAccess }),
    ]),
  },
  /**
   * A fetched image over 16 Mpx, downscaled to 4096 px once the user agreed in the overlay (which
   * has only its key): stored anew, the original untouched.
   */
  'image.downscale': {
    to: 'background',
    request: v.object({ image: BlobKey }),
    response: v.object({ image: BlobKey, width: v.pipe(count, v.minValue(1)), height: v.pipe(count, v.minValue(1)) }),
  },
  /** A stored image scaled down to `maxSide` (a magnified surface shows it: the overlay frame has only its key). */
  'image.preview': {
    to: 'background',
    request: v.object({ image: BlobKey, maxSide: v.pipe(count, v.minValue(16), v.maxValue(2048)) }),
    response: v.object({ dataUrl: v.pipe(v.string(), v.regex(/^data:image\/png;base64,/)) }),
  },
  /** Last resort for unreadable pixels: a crop of the visible tab (device px), stored. */
  'tab.capture': {
    to: 'background',
    request: v.object({ x: finite, y: finite, width: v.pipe(finite, v.minValue(1)), height: v.pipe(finite, v.minValue(1)), devicePixelRatio: v.pipe(finite, v.minValue(0.1)) }),
    response: v.object({ image: BlobKey, width: count, height: count }),
  },
  // ---- LLM prompt refinement (issue #4): extension pages only (the background refuses content scripts) ----
  'llm.config.get': { to: 'background', request: Empty, response: LlmConfigView },
  'llm.config.set': {
    to: 'background',
    request: v.object({
      provider: LlmProvider,
      baseUrl: ShortText(2000),
      model: ShortText(200),
      sendPixels: v.boolean(),
      timeoutSeconds: v.optional(finite),
      /** Omitted: keep the stored key for this host; '': remove it. Never echoed back. */
      apiKey: v.optional(ShortText(4000)),
    }),
    response: LlmConfigView,
  },
  'llm.models': { to: 'background', request: v.object({ baseUrl: ExpectedBaseUrl }), response: v.object({ models: v.array(v.string()) }) },
  'llm.test': {
    to: 'background',
    request: v.object({ baseUrl: ExpectedBaseUrl }),
    response: v.object({
      /** One line for the user, e.g. "Connected to api.openai.com: 87 models, gpt-4o-mini available (212 ms)". */
      message: v.string(),
      models: v.array(v.string()),
      /** Whether the configured model is among `models`; null when the server lists none. */
      modelAvailable: v.nullable(v.boolean()),
      ms: finite,
    }),
  },
  'refine.run': {
    to: 'background',
    request: v.object({
      /** Chosen by the caller; `refine.delta` events and `refine.cancel` refer to it. */
      requestId: RequestId,
      originalPrompt: ShortText(4000),
      intent: v.pipe(v.string(), v.trim(), v.minLength(1), v.maxLength(2000)),
      /** Sent to the model only when the user enabled "send pixels" in the options. */
      crop: v.optional(CropImage),
      baseUrl: ExpectedBaseUrl,
    }),
    response: v.object({
      suggestion: RefinementSuggestion,
      provider: LlmProvider,
      model: v.string(),
      templateVersion: count,
      /** Whether the crop's pixels were sent to the model. */
      sentImage: v.boolean(),
      /** Whether the first answer was unusable and the repair attempt produced this one. */
      repaired: v.boolean(),
      ms: finite,
    }),
  },
  'refine.cancel': { to: 'background', request: v.object({ requestId: RequestId }), response: v.object({ cancelled: v.boolean() }) },
  /**
   * The "this device" provider's model run, asked by the background's refine.run: streams
   * `refine.delta` events itself; `cancelled` when llm.local.cancel stopped it early.
   */
  'llm.local.generate': {
    to: 'offscreen',
    request: v.object({
      requestId: RequestId,
      attempt: v.pipe(count, v.minValue(1), v.maxValue(2)),
      messages: v.pipe(
        v.array(v.object({ role: v.picklist(['system', 'user', 'assistant']), content: ShortText(20_000) })),
        v.minLength(1),
        v.maxLength(4),
      ),
    }),
    response: v.object({ text: v.string(), tokens: count, ms: finite, cancelled: v.boolean(), model: v.string(), backend: Backend, dtype: v.string() }),
  },
  'llm.local.cancel': { to: 'offscreen', request: v.object({ requestId: RequestId }), response: v.object({ cancelled: v.boolean() }) },
  // ---- end LLM messages ----
  // ---- Autopilot (issue #14) ----
  /**
   * The text-prompted detector (models/detector/text-detector.ts) on a stored image: boxes for the
   * phrase in image pixels, best first (empty when nothing scores above the threshold).
   */
  'autopilot.detect': {
    to: 'offscreen',
    request: v.object({ image: BlobKey, phrase: v.pipe(v.string(), v.trim(), v.minLength(1), v.maxLength(200)) }),
    response: v.object({
      detections: v.pipe(v.array(v.object({ x0: finite, y0: finite, x1: finite, y1: finite, score: finite })), v.maxLength(100)),
      backend: Backend,
      ms: finite,
    }),
  },
  /**
   * The thing the user's intent is about ("the river"), for the detector: asked of the configured
   * LLM (text only, short deadline), else the rule-based phrase. `fallback` says why the rules
   * decided although an LLM is configured. Reachable from extension pages and overlay frames.
   */
  'autopilot.phrase': {
    to: 'background',
    request: v.object({ intent: v.pipe(v.string(), v.trim(), v.minLength(1), v.maxLength(2000)), originalPrompt: ShortText(4000) }),
    response: v.object({
      phrase: v.optional(v.pipe(v.string(), v.maxLength(200))),
      source: v.picklist(['llm', 'rules']),
      fallback: v.optional(v.string()),
      ms: finite,
    }),
  },
  // ---- end autopilot ----
  'content.open-overlay': {
    to: 'content',
    // targetElementId: Firefox's id of the element under the menu (menus.getTargetElement).
    request: v.object({ srcUrl: v.optional(v.string()), targetElementId: v.optional(v.pipe(v.number(), v.integer())) }),
    response: v.object({ opened: v.boolean(), reason: v.optional(v.string()) }),
  },
  // ---- editor (issue #6) ----
  /**
   * Shows the corrected image in the page in place of the original, until the page reloads. The
   * pixels come as a `blob:` URL of the extension's origin (made by the side panel, revoked once
   * this answers); the content script re-hosts them under the page's origin.
   */
  'content.replace-image': {
    to: 'content',
    request: v.object({
      /** The page the image was taken from: a tab now showing another page refuses. */
      pageUrl: v.pipe(v.string(), v.maxLength(8192)),
      /** The original image's URL; absent for a canvas (the last target the overlay was opened on). */
      srcUrl: v.optional(v.pipe(v.string(), v.maxLength(8192))),
      blobUrl: v.pipe(v.string(), v.maxLength(200), v.regex(/^blob:(?:chrome|moz)-extension:\/\/[\w-]+\/[\w-]+$/)),
    }),
    response: v.object({
      replaced: v.boolean(),
      kind: v.optional(v.picklist(['img', 'background', 'canvas'])),
      reason: v.optional(v.string()),
    }),
  },
  // ---- end editor ----
} as const satisfies Record<string, MessageSpec>;

/** What the e2e build's probe messages build their schemas from (tests/harness/probe-messages.ts). */
const probeSchemas = { BlobKey, ScorePair, Timing };
export type ProbeSchemas = typeof probeSchemas;

/**
 * The product's messages and, in the e2e build only, the test probes (one model at a time,
 * tests/harness/probe-messages.ts, swapped in by wxt.config.ts); the product's stand-in adds none.
 */
export const messages = { ...productMessages, ...probeMessages(probeSchemas) };

export type MessageType = keyof typeof messages;
export type RequestOf<T extends MessageType> = v.InferOutput<(typeof messages)[T]['request']>;
export type ResponseOf<T extends MessageType> = v.InferOutput<(typeof messages)[T]['response']>;
export type Destination = (typeof messages)[MessageType]['to'];

/** Broadcast events (no reply): progress and state changes any UI may show. */
export const events = {
  'model.progress': v.object({
    model: DownloadOf,
    file: v.string(),
    loaded: count,
    total: count,
    fromCache: v.boolean(),
  }),
  'runtime.backend': RuntimeInfo,
  // ---- LLM prompt refinement (issue #4) ----
  /** Streamed model output of a `refine.run`; `attempt` 2 is the repair attempt (its text starts afresh). */
  'refine.delta': v.object({ requestId: RequestId, attempt: count, text: v.string() }),
  /** What a `refine.run` is doing, for the UI (e.g. waiting out a rate limit). */
  'refine.status': v.object({
    requestId: RequestId,
    stage: v.picklist(['connecting', 'streaming', 'retrying', 'repairing']),
    detail: v.optional(v.string()),
  }),
  // ---- end LLM events ----
  // ---- Inpainting (issue #5) ----
  'job.progress': JobView,
  'job.done': v.object({ jobId: v.string(), sessionId: v.optional(v.string()), result: InpaintResult }),
  // ---- end inpainting events ----
  /** The overlay handed an image and mask to the editor. */
  'session.opened': v.object({ sessionId: v.string() }),
} as const satisfies Record<string, v.GenericSchema>;
export type EventType = keyof typeof events;
export type EventOf<T extends EventType> = v.InferOutput<(typeof events)[T]>;

/** Background messages a content script may send; every other one needs an extension page. */
export const CONTENT_SCRIPT_MESSAGES: ReadonlySet<MessageType> = new Set(['overlay.register', 'overlay.blocked', 'image.fetch', 'tab.capture']);
/** What an overlay frame may ask, each with its claimed nonce (any site can embed the frame's page). */
export const OVERLAY_MESSAGES: ReadonlySet<MessageType> = new Set(['overlay.claim', 'image.put', 'image.preview', 'image.downscale', 'session.create', 'session.save-mask', 'runtime.info', 'sam.encode', 'sam.decode', 'interaction.hold', 'autopilot.detect', 'autopilot.phrase']);

/** What crosses `runtime.sendMessage`: the envelope around a request. */
export const Envelope = v.object({
  /** `offscreen-doc` is the background's forward of an `offscreen` request. */
  to: v.picklist(['offscreen', 'offscreen-doc', 'background', 'content']),
  type: v.string(),
  payload: v.unknown(),
  /** Set by an overlay frame on every request: the nonce it claimed, checked by each receiver. */
  nonce: v.optional(v.pipe(v.string(), v.uuid())),
});
export type Envelope = v.InferOutput<typeof Envelope>;

export const EventEnvelope = v.object({ event: v.string(), payload: v.unknown() });
export type EventEnvelope = v.InferOutput<typeof EventEnvelope>;

export const Reply = v.variant('ok', [
  v.object({ ok: v.literal(true), value: v.unknown() }),
  v.object({ ok: v.literal(false), error: v.object({ code: v.string(), message: v.string() }) }),
]);
export type Reply = v.InferOutput<typeof Reply>;

export function isMessageType(type: string): type is MessageType {
  return Object.hasOwn(messages, type);
}

export class ProtocolError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'ProtocolError';
  }
}

/** Validates a request payload against its schema; throws a ProtocolError naming the field. */
export function parseRequest<T extends MessageType>(type: T, payload: unknown): RequestOf<T> {
  const result = v.safeParse(messages[type].request, payload);
  if (!result.success) throw new ProtocolError('bad-request', `${type}: ${v.summarize(result.issues)}`);
  return result.output as RequestOf<T>;
}

export function parseResponse<T extends MessageType>(type: T, value: unknown): ResponseOf<T> {
  const result = v.safeParse(messages[type].response, value);
  if (!result.success) throw new ProtocolError('bad-response', `${type}: ${v.summarize(result.issues)}`);
  return result.output as ResponseOf<T>;
}

export function parseEvent<T extends EventType>(event: T, payload: unknown): EventOf<T> | undefined {
  const result = v.safeParse(events[event], payload);
  return result.success ? (result.output as EventOf<T>) : undefined;
}

/** Turns a reply from another context into a value, or throws its error. */
export function unwrapReply<T extends MessageType>(type: T, raw: unknown): ResponseOf<T> {
  if (raw === undefined) throw new ProtocolError('no-receiver', `${type}: nobody answered`);
  const reply = v.safeParse(Reply, raw);
  if (!reply.success) throw new ProtocolError('bad-reply', `${type}: malformed reply`);
  if (!reply.output.ok) throw new ProtocolError(reply.output.error.code, reply.output.error.message);
  return parseResponse(type, reply.output.value);
}

export function errorReply(error: unknown): Reply {
  if (error instanceof ProtocolError) return { ok: false, error: { code: error.code, message: error.message } };
  const message = error instanceof Error ? error.message : String(error);
  return { ok: false, error: { code: 'failed', message } };
}

// ---- The inference worker's port (issue #12) ----
// Between the offscreen document (Firefox: the event page) and the dedicated worker that runs
// ONNX Runtime, over postMessage. The page hands over the requests it accepted, with their sender;
// the worker, which has no extension APIs, has the page send its own requests and events for it.

const WorkerSender = v.object({ id: v.optional(v.string()), url: v.optional(v.string()) });

export const ToInferenceWorker = v.variant('kind', [
  /** First message: what the worker cannot learn itself. */
  v.object({ kind: v.literal('init'), runtimeId: v.string() }),
  v.object({ kind: v.literal('request'), id: v.number(), envelope: Envelope, sender: WorkerSender }),
  /** The extension's raw answer to one of the worker's own `send`s (the worker unwraps and validates it). */
  v.object({ kind: v.literal('answer'), id: v.number(), raw: v.unknown() }),
  /** Whether an interactive request (a click's SAM decode, in the other worker) is in flight: a job yields to it between steps. */
  v.object({ kind: v.literal('interaction'), busy: v.boolean() }),
]);
export type ToInferenceWorker = v.InferOutput<typeof ToInferenceWorker>;

export const FromInferenceWorker = v.variant('kind', [
  /** The handlers are loaded: requests may come. */
  v.object({ kind: v.literal('ready') }),
  v.object({ kind: v.literal('reply'), id: v.number(), reply: Reply }),
  /** A request to the background, or an event for every extension page. */
  v.object({ kind: v.literal('send'), id: v.number(), message: v.union([Envelope, EventEnvelope]) }),
]);
export type FromInferenceWorker = v.InferOutput<typeof FromInferenceWorker>;
