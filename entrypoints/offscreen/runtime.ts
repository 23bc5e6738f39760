/**
 * The one module that configures ONNX Runtime for the extension: WASM files from the extension
 * itself (no CDN: MV3 forbids remote code), thread count, and the backend choice with the reason
 * for any fallback to WASM.
 */
import * as ort from 'onnxruntime-web';
import type { RuntimeInfo } from '@/utils/protocol';
import type { DevicePreference } from '@/utils/settings';

export function configureOrt(): void {
  // This page's origin is the extension's: /ort/ holds the files the build copies there.
  ort.env.wasm.wasmPaths = `${location.origin}/ort/`;
  // Threads need SharedArrayBuffer, which only cross-origin-isolated pages have.
  ort.env.wasm.numThreads = globalThis.crossOriginIsolated ? Math.min(4, navigator.hardwareConcurrency || 1) : 1;
  ort.env.logLevel = 'error';
}

export async function detectBackend(preference: DevicePreference): Promise<RuntimeInfo> {
  return { ...(await pickBackend(preference)), wasmThreads: ort.env.wasm.numThreads ?? 1, ortVersion: ort.env.versions.web ?? ort.env.versions.common };
}

async function pickBackend(preference: DevicePreference): Promise<RuntimeInfo> {
  if (preference === 'wasm') return { backend: 'wasm', fallbackReason: 'WASM is chosen in the options', shaderF16: false };
  const gpu = (navigator as Navigator & { gpu?: GPU }).gpu;
  if (!gpu) return { backend: 'wasm', fallbackReason: 'This browser offers no WebGPU (navigator.gpu is missing)', shaderF16: false };
  let adapter: GPUAdapter | null = null;
  try {
    adapter = await gpu.requestAdapter({ powerPreference: 'high-performance' });
  } catch (error) {
    return { backend: 'wasm', fallbackReason: `WebGPU failed to start: ${error instanceof Error ? error.message : String(error)}`, shaderF16: false };
  }
  if (!adapter) return { backend: 'wasm', fallbackReason: 'No WebGPU adapter is available (no usable GPU, or WebGPU is disabled)', shaderF16: false };
  const info = adapter.info;
  const name = [info.vendor, info.architecture, info.description].filter(Boolean).join(' ') || 'unknown adapter';
  const software = 'isFallbackAdapter' in info && info.isFallbackAdapter === true;
  return {
    backend: 'webgpu',
    adapter: software ? `${name} (software)` : name,
    softwareAdapter: software,
    shaderF16: adapter.features.has('shader-f16'),
    maxBufferSize: adapter.limits.maxBufferSize,
    maxStorageBufferBindingSize: adapter.limits.maxStorageBufferBindingSize,
  };
}
