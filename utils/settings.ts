/**
 * Every user setting, declared once as a typed storage item (WXT storage). Settings live in
 * `storage.local`: secrets must never reach `storage.sync`, and one area keeps it simple.
 */
import { storage } from 'wxt/utils/storage';

import { DEFAULT_MODEL_HOST } from './model-host';

export { DEFAULT_MODEL_HOST, normaliseModelHost } from './model-host';

/** Where model files come from: the Hugging Face Hub or a mirror with the same URL layout. */
export const modelHost = storage.defineItem<string>('local:modelHost', { fallback: DEFAULT_MODEL_HOST, version: 1 });

/** Which inference backend to use: WebGPU when the browser has a usable adapter, else WASM. */
export type DevicePreference = 'auto' | 'webgpu' | 'wasm';
export const devicePreference = storage.defineItem<DevicePreference>('local:device', { fallback: 'auto', version: 1 });

/** Seconds a loaded model may sit unused before its session is released to free memory. */
export const modelIdleSeconds = storage.defineItem<number>('local:modelIdleSeconds', { fallback: 300, version: 1 });
