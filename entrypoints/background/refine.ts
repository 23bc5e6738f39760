/**
 * LLM prompt refinement in the background worker: serves `llm.*` and `refine.*` for extension
 * pages only, reads the provider settings (the key never leaves this context), checks the host
 * permission and the configured host, streams `refine.delta` events, and cancels by request id.
 * The HTTP work is utils/llm/client.ts; Chrome's built-in model is utils/llm/builtin.ts.
 */
import { browser, type Browser } from 'wxt/browser';
import * as v from 'valibot';
import { emit, send, serve } from '@/utils/messaging';
import { LlmProvider, ProtocolError, type LlmConfigView, type RequestOf, type ResponseOf } from '@/utils/protocol';
import { llmBaseUrl, llmModel, llmProvider, llmSendPixels, llmTimeoutSeconds, neverSendPixels } from '@/utils/settings';
import { readApiKeys, storeApiKey } from './api-keys';
import {
  clampTimeoutSeconds,
  DEFAULT_OPENAI_MODEL,
  effectiveBaseUrl,
  hostOf,
  hostPermissionPattern,
  mayAttachCrop,
  normaliseBaseUrl,
  originOf,
} from '@/utils/llm/config';
import { listModels, refine, testConnection, type ClientConfig, type RefineStage } from '@/utils/llm/client';
import { LlmError } from '@/utils/llm/errors';
import { availabilityMessage, builtinAvailability, languageModelFrom, refineBuiltin } from '@/utils/llm/builtin';
import { PROMPT_TEMPLATE_VERSION } from '@/utils/llm/prompt-template';
import { getRecord } from '@/utils/session-store';
import { refineLocal, type Generate } from '@/utils/llm/local';
import { LOCAL_LLM } from '@/models/registry';

interface Settings {
  provider: LlmProvider;
  baseUrl: string;
  model: string;
  keys: Record<string, string>;
  sendPixels: boolean;
  /** The privacy switch, which overrides sendPixels for servers off this machine. */
  neverSendPixels: boolean;
  timeoutSeconds: number;
}

/** Stored values are re-validated: anything odd falls back to the safe default. */
export async function readSettings(): Promise<Settings> {
  const [provider, baseUrl, model, keys, sendPixels, never, timeoutSeconds] = await Promise.all([
    llmProvider.getValue(),
    llmBaseUrl.getValue(),
    llmModel.getValue(),
    readApiKeys(),
    llmSendPixels.getValue(),
    neverSendPixels.getValue(),
    llmTimeoutSeconds.getValue(),
  ]);
  return {
    provider: v.is(LlmProvider, provider) ? provider : 'none',
    baseUrl: typeof baseUrl === 'string' ? baseUrl : '',
    model: typeof model === 'string' ? model.trim() : '',
    keys,
    sendPixels: sendPixels === true,
    neverSendPixels: never !== false,
    timeoutSeconds: clampTimeoutSeconds(Number(timeoutSeconds)),
  };
}

function modelOf(settings: Settings): string {
  return settings.model || (settings.provider === 'openai' ? DEFAULT_OPENAI_MODEL : '');
}

/** The key stored for the server's origin: a key is never sent to another origin. */
function keyFor(settings: Settings, baseUrl: string | undefined): string | undefined {
  const origin = baseUrl && originOf(baseUrl);
  const key = origin ? settings.keys[origin]?.trim() : undefined;
  return key || undefined;
}

function permissionPattern(baseUrl: string): string | undefined {
  return hostPermissionPattern(baseUrl, { withPort: !import.meta.env.FIREFOX });
}

async function hasHostPermission(baseUrl: string): Promise<boolean> {
  const pattern = permissionPattern(baseUrl);
  return pattern !== undefined && (await browser.permissions.contains({ origins: [pattern] }).catch(() => false));
}

async function view(): Promise<LlmConfigView> {
  const settings = await readSettings();
  const effective = effectiveBaseUrl(settings.provider, settings.baseUrl);
  return {
    provider: settings.provider,
    baseUrl: settings.baseUrl,
    ...(effective ? { effectiveBaseUrl: effective } : {}),
    model: modelOf(settings),
    sendPixels: settings.sendPixels,
    cropAllowed: effective !== undefined && mayAttachCrop(effective, settings),
    timeoutSeconds: settings.timeoutSeconds,
    hasKey: keyFor(settings, effective) !== undefined,
    hostPermission: effective ? await hasHostPermission(effective) : true,
    builtin: await builtinAvailability(languageModelFrom(globalThis)),
  };
}

async function setConfig(request: RequestOf<'llm.config.set'>): Promise<LlmConfigView> {
  let baseUrl = request.baseUrl.trim();
  if (request.provider === 'openai-compatible') {
    const normalised = normaliseBaseUrl(baseUrl);
    if (!normalised) throw new LlmError('not-configured', 'Enter the server address as http(s)://host:port/v1, e.g. http://localhost:11434/v1 for Ollama.');
    baseUrl = normalised;
  } else if (baseUrl) {
    baseUrl = normaliseBaseUrl(baseUrl) ?? '';
  }
  const updates: Promise<void>[] = [
    llmProvider.setValue(request.provider),
    llmBaseUrl.setValue(baseUrl),
    llmModel.setValue(request.model.trim()),
    llmSendPixels.setValue(request.sendPixels),
  ];
  if (request.timeoutSeconds !== undefined) updates.push(llmTimeoutSeconds.setValue(clampTimeoutSeconds(request.timeoutSeconds)));
  await Promise.all(updates);
  if (request.apiKey !== undefined) {
    const origin = originOf(effectiveBaseUrl(request.provider, baseUrl) ?? '');
    if (origin) {
      await storeApiKey(origin, request.apiKey);
    }
  }
  return view();
}

/** Refuses a request naming a server other than the configured one. */
function checkExpectedHost(expected: string | undefined, effective: string | undefined): void {
  if (expected === undefined) return;
  const wanted = normaliseBaseUrl(expected);
  if (!effective || !wanted || originOf(wanted) !== originOf(effective)) {
    throw new LlmError('wrong-host', `Refused: the request names ${hostOf(expected)}, but the configured server is ${effective ? hostOf(effective) : 'none'}.`);
  }
}

/** The HTTP client's configuration, or a clear reason why there is none. */
export async function clientConfig(settings: Settings, expected: string | undefined): Promise<ClientConfig> {
  const baseUrl = effectiveBaseUrl(settings.provider, settings.baseUrl);
  checkExpectedHost(expected, baseUrl);
  if (settings.provider === 'none') {
    throw new LlmError('not-configured', 'No LLM is set up: write the region prompt yourself, or choose a provider in the options.');
  }
  if (settings.provider === 'chrome' || settings.provider === 'local') {
    throw new LlmError('not-configured', 'A model on this device has no server: there are no models to list.');
  }
  if (!baseUrl) throw new LlmError('not-configured', 'No server address is set: enter one in the options.');
  const apiKey = keyFor(settings, baseUrl);
  if (settings.provider === 'openai' && !apiKey) throw new LlmError('not-configured', 'Add your OpenAI API key in the options. You can still write the region prompt yourself.');
  if (!(await hasHostPermission(baseUrl))) {
    throw new LlmError('no-permission', `The extension may not contact ${hostOf(baseUrl)} yet: open the options and press Save or Test connection to grant access.`);
  }
  return { baseUrl, model: modelOf(settings), timeoutMs: settings.timeoutSeconds * 1000, ...(apiKey ? { apiKey } : {}) };
}

/**
 * Keeps the worker alive during a long LLM call: Chrome stops an idle extension service worker
 * after 30 s, and waiting on a fetch does not count as activity; an extension API call does.
 */
function keepAlive(): () => void {
  const timer = setInterval(() => void browser.runtime.getPlatformInfo().catch(() => undefined), 20_000);
  return () => clearInterval(timer);
}

/** Coalesces streamed tokens into one `refine.delta` event per ~50 ms (a message per token is wasteful). */
function deltaEmitter(requestId: string): { push(attempt: number, text: string): void; flush(): void } {
  let attempt = 1;
  let pending = '';
  let timer: ReturnType<typeof setTimeout> | undefined;
  const flush = () => {
    clearTimeout(timer);
    timer = undefined;
    if (pending) emit('refine.delta', { requestId, attempt, text: pending });
    pending = '';
  };
  return {
    push(next, text) {
      if (next !== attempt) flush();
      attempt = next;
      pending += text;
      timer ??= setTimeout(flush, 50);
    },
    flush,
  };
}

function toBase64(bytes: Uint8Array): string {
  let binary = '';
  for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(binary);
}

const MAX_CROP_BYTES = 3 * 1024 * 1024;

/** The crop as a data URL: given inline, or read from the session store. */
async function cropDataUrl(crop: string): Promise<string> {
  if (crop.startsWith('data:')) return crop;
  const record = await getRecord(crop);
  if (record.kind !== 'image') throw new ProtocolError('bad-request', `${crop} is not an image`);
  if (record.blob.size > MAX_CROP_BYTES) throw new ProtocolError('bad-request', 'The crop is too large to send (over 3 MB): use a smaller region.');
  const type = /^image\/(?:png|jpeg|webp)$/.test(record.blob.type) ? record.blob.type : 'image/png';
  return `data:${type};base64,${toBase64(new Uint8Array(await record.blob.arrayBuffer()))}`;
}

const running = new Map<string, AbortController>();

/** The "this device" provider: the offscreen document runs the model and streams its text to the panel. */
async function refineOnThisDevice(requestId: string, input: { originalPrompt: string; intent: string }, callbacks: { signal: AbortSignal; onStatus: (stage: RefineStage, detail?: string) => void }) {
  let last: ResponseOf<'llm.local.generate'> | undefined;
  const generate: Generate = async (messages, attempt, signal) => {
    const cancel = () => void send('llm.local.cancel', { requestId }).catch(() => undefined);
    signal?.addEventListener('abort', cancel, { once: true });
    try {
      last = await send('llm.local.generate', { requestId, attempt, messages });
      return last;
    } finally {
      signal?.removeEventListener('abort', cancel);
    }
  };
  callbacks.onStatus('connecting');
  const result = await refineLocal(generate, input, { ...callbacks, model: LOCAL_LLM.label });
  return { ...result, model: last ? `${last.model} (${last.dtype}, ${last.backend === 'webgpu' ? 'WebGPU' : 'WASM'})` : LOCAL_LLM.label };
}

async function runRefine(request: RequestOf<'refine.run'>) {
  const { requestId } = request;
  if (running.has(requestId)) throw new ProtocolError('bad-request', `refine.run: ${requestId} is already running`);
  const controller = new AbortController();
  running.set(requestId, controller);
  const stopKeepAlive = keepAlive();
  const deltas = deltaEmitter(requestId);
  const onStatus = (stage: RefineStage, detail?: string) => emit('refine.status', { requestId, stage, ...(detail ? { detail } : {}) });
  const callbacks = { signal: controller.signal, onDelta: deltas.push, onStatus };
  const t0 = performance.now();
  try {
    const settings = await readSettings();
    const input = { originalPrompt: request.originalPrompt, intent: request.intent };
    const meta = { provider: settings.provider, templateVersion: PROMPT_TEMPLATE_VERSION };
    if (settings.provider === 'chrome') {
      checkExpectedHost(request.baseUrl, undefined);
      const result = await refineBuiltin(languageModelFrom(globalThis), input, callbacks);
      return { ...meta, ...result, model: "Chrome's built-in model", sentImage: false, ms: Math.round(performance.now() - t0) };
    }
    if (settings.provider === 'local') {
      checkExpectedHost(request.baseUrl, undefined);
      return { ...meta, ...(await refineOnThisDevice(requestId, input, callbacks)), sentImage: false, ms: Math.round(performance.now() - t0) };
    }
    const config = await clientConfig(settings, request.baseUrl);
    // Pixels leave the device only when the user allowed them for the LLM and the privacy switch lets them go to this server.
    const imageDataUrl = request.crop !== undefined && mayAttachCrop(config.baseUrl, settings) ? await cropDataUrl(request.crop) : undefined;
    const result = await refine(config, { ...input, ...(imageDataUrl ? { imageDataUrl } : {}) }, callbacks);
    return { ...meta, ...result, model: config.model };
  } finally {
    deltas.flush();
    stopKeepAlive();
    running.delete(requestId);
  }
}

/** Serves the LLM messages; `accept` limits them to extension pages (content scripts are refused). */
export function serveRefinement(accept: (sender: Browser.runtime.MessageSender) => boolean): () => void {
  return serve(
    'background',
    {
      'llm.config.get': () => view(),
      'llm.config.set': (request) => setConfig(request),
      'llm.models': async (request) => {
        const settings = await readSettings();
        if (settings.provider === 'chrome' || settings.provider === 'local') return { models: [] };
        return { models: await listModels(await clientConfig(settings, request.baseUrl)) };
      },
      'llm.test': async (request) => {
        const settings = await readSettings();
        if (settings.provider === 'chrome') {
          checkExpectedHost(request.baseUrl, undefined);
          const state = await builtinAvailability(languageModelFrom(globalThis));
          const problem = availabilityMessage(state);
          if (problem) throw new LlmError('unavailable', problem);
          return { message: "Chrome's built-in model is available on this device.", models: [], modelAvailable: null, ms: 0 };
        }
        if (settings.provider === 'local') {
          checkExpectedHost(request.baseUrl, undefined);
          return { message: `${LOCAL_LLM.label} runs in this browser: no key, no server.`, models: [], modelAvailable: null, ms: 0 };
        }
        const stop = keepAlive();
        try {
          return await testConnection(await clientConfig(settings, request.baseUrl));
        } finally {
          stop();
        }
      },
      'refine.run': (request) => runRefine(request),
      'refine.cancel': ({ requestId }) => {
        const controller = running.get(requestId);
        controller?.abort();
        return { cancelled: controller !== undefined };
      },
    },
    { accept: (_type, sender) => accept(sender) },
  );
}
