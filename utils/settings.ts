/**
 * Every user setting, declared once as a typed storage item (WXT storage). Settings live in
 * `storage.local`: secrets must never reach `storage.sync`, and one area keeps it simple.
 */
import { storage } from 'wxt/utils/storage';

import { DEFAULT_MODEL_HOST } from './model-host';
import { DEFAULT_TIMEOUT_SECONDS } from './llm/config'; // LLM refinement (issue #4)
import type { DiffusionSettings, InpaintBackend, LlmProvider, LocalFillModel, OpenAiImageModel } from './protocol';


/** Where model files come from: the Hugging Face Hub or a mirror with the same URL layout. */
export const modelHost = storage.defineItem<string>('local:modelHost', { fallback: DEFAULT_MODEL_HOST, version: 1 });

/** Which inference backend to use: WebGPU when the browser has a usable adapter, else WASM. */
export type DevicePreference = 'auto' | 'webgpu' | 'wasm';
export const devicePreference = storage.defineItem<DevicePreference>('local:device', { fallback: 'auto', version: 1 });

/** Seconds a loaded model may sit unused before its session is released to free memory. */
export const modelIdleSeconds = storage.defineItem<number>('local:modelIdleSeconds', { fallback: 300, version: 1 });

// ---- LLM prompt refinement (issue #4). Read and written by the background only (llm.config.*
// messages); the options page never touches the key. ----
/** Which LLM writes region prompts: see utils/llm/config.ts. */
export const llmProvider = storage.defineItem<LlmProvider>('local:llmProvider', { fallback: 'none', version: 1 });
/** The OpenAI-compatible server's base URL as the user typed it (normalised on save). */
export const llmBaseUrl = storage.defineItem<string>('local:llmBaseUrl', { fallback: '', version: 1 });
/** Model id; empty means the provider's default (OpenAI: DEFAULT_OPENAI_MODEL). */
export const llmModel = storage.defineItem<string>('local:llmModel', { fallback: '', version: 1 });
/**
 * API keys by server origin (`https://api.openai.com`): a key is only ever sent to the origin it
 * was entered for. `local:` only, never `sync:`; the background restricts storage.local to trusted
 * contexts so content scripts cannot read it.
 */
export const llmApiKeys = storage.defineItem<Record<string, string>>('local:llmApiKeys', { fallback: {}, version: 1 });
/** Opt-in: send the masked crop's pixels to vision-capable models. */
export const llmSendPixels = storage.defineItem<boolean>('local:llmSendPixels', { fallback: false, version: 1 });
/** Longest wait for the server's first byte, and between streamed chunks. */
export const llmTimeoutSeconds = storage.defineItem<number>('local:llmTimeoutSeconds', { fallback: DEFAULT_TIMEOUT_SECONDS, version: 1 });
// ---- end LLM settings ----

// ---- Inpainting (issue #5). Written through inpaint.config.set (background); the OpenAI key
// lives in llmApiKeys under its origin, so one key serves refinement and image edits. ----
export const inpaintBackend = storage.defineItem<InpaintBackend>('local:inpaintBackend', { fallback: 'local', version: 1 });
export const localFillModel = storage.defineItem<LocalFillModel>('local:localFillModel', { fallback: 'migan', version: 1 });
export const inpaintCount = storage.defineItem<number>('local:inpaintCount', { fallback: 2, version: 1 });
export const openaiImageBaseUrl = storage.defineItem<string>('local:openaiImageBaseUrl', { fallback: 'https://api.openai.com/v1', version: 1 });
export const openaiImageModel = storage.defineItem<OpenAiImageModel>('local:openaiImageModel', { fallback: 'gpt-image-1', version: 1 });
export const a1111BaseUrl = storage.defineItem<string>('local:a1111BaseUrl', { fallback: 'http://127.0.0.1:7860', version: 1 });
export const a1111Denoise = storage.defineItem<number>('local:a1111Denoise', { fallback: 0.75, version: 1 });
/** Defaults of the local diffusion backend (the side panel starts each job from them). */
export const diffusionSettings = storage.defineItem<DiffusionSettings>('local:diffusionSettings', {
  fallback: { model: 'sd-inpaint', steps: 20, guidance: 7.5, strength: 1 },
  version: 1,
});
/** Privacy: never send pixels to a server off this machine (image edits, A1111 elsewhere, LLM crops). */
export const neverSendPixels = storage.defineItem<boolean>('local:neverSendPixels', { fallback: false, version: 1 });
// ---- end inpainting settings ----
