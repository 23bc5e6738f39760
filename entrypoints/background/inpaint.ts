/**
 * Inpainting settings in the background (issue #5): `inpaint.config.get/set` for extension pages
 * (never the key), and `settings.inpaint` for the offscreen document only (it has no storage API
 * and needs the OpenAI key to call images.edit). The key is stored under the OpenAI server's
 * origin in `llmApiKeys`, so one key serves refinement and image edits, and is never sent elsewhere.
 */
import { browser, type Browser } from 'wxt/browser';
import * as v from 'valibot';
import { readApiKeys, storeApiKey } from './api-keys';
import { serve } from '@/utils/messaging';
import { DiffusionSettings, InpaintBackend, LocalFillModel, OpenAiImageModel, ProtocolError, type InpaintConfigView, type RequestOf, type ResponseOf } from '@/utils/protocol';
import { hostPermissionPattern, normaliseBaseUrl, originOf } from '@/utils/llm/config';
import { normaliseModelHost } from '@/utils/model-host';
import {
  a1111BaseUrl,
  a1111Denoise,
  diffusionSettings,
  inpaintBackend,
  inpaintCount,
  localFillModel,
  neverSendPixels,
  openaiImageBaseUrl,
  openaiImageModel,
} from '@/utils/settings';

interface Stored {
  backend: InpaintBackend;
  localModel: LocalFillModel;
  diffusion: DiffusionSettings;
  n: number;
  openaiBaseUrl: string;
  openaiModel: OpenAiImageModel;
  a1111BaseUrl: string;
  a1111Denoise: number;
  neverSendPixels: boolean;
  keys: Record<string, string>;
}

const clampCount = (n: unknown) => (typeof n === 'number' && Number.isFinite(n) ? Math.min(4, Math.max(1, Math.round(n))) : 2);
const clampDenoise = (d: unknown) => (typeof d === 'number' && Number.isFinite(d) ? Math.min(1, Math.max(0, d)) : 0.75);

/** Stored values are re-validated: anything odd falls back to the safe default. */
async function readStored(): Promise<Stored> {
  const [backend, localModel, diffusion, n, openaiBase, openaiModel, a1111Base, denoise, never, keys] = await Promise.all([
    inpaintBackend.getValue(),
    localFillModel.getValue(),
    diffusionSettings.getValue(),
    inpaintCount.getValue(),
    openaiImageBaseUrl.getValue(),
    openaiImageModel.getValue(),
    a1111BaseUrl.getValue(),
    a1111Denoise.getValue(),
    neverSendPixels.getValue(),
    readApiKeys(),
  ]);
  return {
    backend: v.is(InpaintBackend, backend) ? backend : 'local',
    localModel: v.is(LocalFillModel, localModel) ? localModel : 'migan',
    diffusion: v.is(DiffusionSettings, diffusion) ? diffusion : diffusionSettings.fallback,
    n: clampCount(n),
    openaiBaseUrl: typeof openaiBase === 'string' ? openaiBase : '',
    openaiModel: v.is(OpenAiImageModel, openaiModel) ? openaiModel : 'gpt-image-1',
    a1111BaseUrl: typeof a1111Base === 'string' ? a1111Base : '',
    a1111Denoise: clampDenoise(denoise),
    neverSendPixels: never === true,
    keys,
  };
}

function keyFor(stored: Stored): string | undefined {
  const origin = originOf(stored.openaiBaseUrl);
  return (origin && stored.keys[origin]?.trim()) || undefined;
}

async function hasPermission(baseUrl: string): Promise<boolean> {
  const pattern = hostPermissionPattern(baseUrl, { withPort: !import.meta.env.FIREFOX });
  return pattern !== undefined && (await browser.permissions.contains({ origins: [pattern] }).catch(() => false));
}

async function view(): Promise<InpaintConfigView> {
  const stored = await readStored();
  const [openai, a1111] = await Promise.all([hasPermission(stored.openaiBaseUrl), hasPermission(stored.a1111BaseUrl)]);
  return {
    backend: stored.backend,
    localModel: stored.localModel,
    diffusion: stored.diffusion,
    n: stored.n,
    openaiBaseUrl: stored.openaiBaseUrl,
    openaiModel: stored.openaiModel,
    hasOpenAiKey: keyFor(stored) !== undefined,
    a1111BaseUrl: stored.a1111BaseUrl,
    a1111Denoise: stored.a1111Denoise,
    neverSendPixels: stored.neverSendPixels,
    permissions: { openai, a1111 },
  };
}

async function setConfig(request: RequestOf<'inpaint.config.set'>): Promise<InpaintConfigView> {
  const openaiBase = normaliseBaseUrl(request.openaiBaseUrl);
  if (!openaiBase) throw new ProtocolError('bad-request', 'Enter the OpenAI server as http(s)://host/v1, e.g. https://api.openai.com/v1.');
  const a1111Base = normaliseModelHost(request.a1111BaseUrl);
  if (!a1111Base) throw new ProtocolError('bad-request', 'Enter the Automatic1111 server as http(s)://host:port, e.g. http://127.0.0.1:7860.');
  await Promise.all([
    inpaintBackend.setValue(request.backend),
    localFillModel.setValue(request.localModel),
    inpaintCount.setValue(request.n),
    openaiImageBaseUrl.setValue(openaiBase),
    openaiImageModel.setValue(request.openaiModel),
    a1111BaseUrl.setValue(a1111Base),
    a1111Denoise.setValue(request.a1111Denoise),
    neverSendPixels.setValue(request.neverSendPixels),
    ...(request.diffusion ? [diffusionSettings.setValue(request.diffusion)] : []),
  ]);
  if (request.apiKey !== undefined) {
    const origin = originOf(openaiBase);
    if (origin) {
      await storeApiKey(origin, request.apiKey);
    }
  }
  return view();
}

async function settingsForJobs(): Promise<ResponseOf<'settings.inpaint'>> {
  const stored = await readStored();
  const apiKey = keyFor(stored);
  return {
    openai: { baseUrl: stored.openaiBaseUrl, model: stored.openaiModel, ...(apiKey ? { apiKey } : {}) },
    a1111: { baseUrl: stored.a1111BaseUrl, denoise: stored.a1111Denoise },
    localModel: stored.localModel,
    diffusion: stored.diffusion,
    neverSendPixels: stored.neverSendPixels,
  };
}

/**
 * Serves the inpainting settings: `inpaint.config.*` to extension pages, `settings.inpaint`
 * (which carries the key) to the offscreen document alone.
 */
export function serveInpaintSettings(isExtensionPage: (sender: Browser.runtime.MessageSender) => boolean): () => void {
  // Firefox has no offscreen document: this event page runs the jobs and asks itself, in-process.
  const offscreenUrl = import.meta.env.FIREFOX ? location.href : browser.runtime.getURL('/offscreen.html');
  return serve(
    'background',
    {
      'inpaint.config.get': () => view(),
      'inpaint.config.set': (request) => setConfig(request),
      'settings.inpaint': () => settingsForJobs(),
    },
    {
      accept: (type, sender) =>
        type === 'settings.inpaint' ? sender.id === browser.runtime.id && sender.url?.split('#')[0] === offscreenUrl : isExtensionPage(sender),
    },
  );
}
