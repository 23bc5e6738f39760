/**
 * The LLM provider settings' pure rules: which providers exist, what each needs, how a typed
 * base URL is normalised, and which origin (and host permission) it means. No storage or browser
 * API here, so the options page, the background and Node tests share one definition.
 */

import { normaliseModelHost as normaliseHttpBase } from '../model-host';
import { isOnThisMachine, mayReceivePixels } from '../inpaint/privacy';

export const LLM_PROVIDERS = ['none', 'openai', 'openai-compatible', 'chrome', 'local'] as const;
/** The protocol's `LlmProvider` schema is built from this list. */
type Provider = (typeof LLM_PROVIDERS)[number];

export const OPENAI_BASE_URL = 'https://api.openai.com/v1';
export const DEFAULT_OPENAI_MODEL = 'gpt-4o-mini';
export const DEFAULT_TIMEOUT_SECONDS = 60;
export const MIN_TIMEOUT_SECONDS = 1;
export const MAX_TIMEOUT_SECONDS = 600;

/** Labels for the options page, in display order. */
export const PROVIDER_LABELS: Record<Provider, string> = {
  none: 'None: I write the region prompt myself',
  openai: 'OpenAI',
  'openai-compatible': 'OpenAI-compatible server (Ollama, LM Studio, vLLM, OpenRouter…)',
  chrome: "Chrome's built-in model (on device)",
  local: 'This device: a small model in the browser (one download, no key, no server)',
};

/** Base URLs users commonly need, shown as hints. */
export const BASE_URL_EXAMPLES = [
  { name: 'Ollama', url: 'http://localhost:11434/v1' },
  { name: 'LM Studio', url: 'http://localhost:1234/v1' },
  { name: 'vLLM', url: 'http://localhost:8000/v1' },
  { name: 'OpenRouter', url: 'https://openrouter.ai/api/v1' },
] as const;

/**
 * Normalises a user-typed base URL: http(s) only, no credentials/query/fragment, no trailing
 * slash. A bare origin gets `/v1` (every server above serves the OpenAI API there). Returns
 * undefined when the input is not usable.
 */
export function normaliseBaseUrl(input: string): string | undefined {
  const base = normaliseHttpBase(input);
  if (!base) return undefined;
  return base === new URL(base).origin ? `${base}/v1` : base;
}

/** The base URL a provider talks to, or undefined when it talks to no server (none, chrome) or the URL is invalid. */
export function effectiveBaseUrl(provider: Provider, baseUrl: string): string | undefined {
  if (provider === 'openai') return OPENAI_BASE_URL;
  if (provider === 'openai-compatible') return normaliseBaseUrl(baseUrl);
  return undefined;
}

/** `scheme://host[:port]` of a URL, or undefined when it does not parse. */
export function originOf(url: string): string | undefined {
  try {
    return new URL(url).origin;
  } catch {
    return undefined;
  }
}

/** `host[:port]`, for messages. */
export function hostOf(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return url;
  }
}

/**
 * The optional host permission to request for a server. Chrome match patterns may carry a port
 * (least privilege: only that server); Firefox rejects ports in patterns, so there the pattern
 * covers every port of the host.
 */
export function hostPermissionPattern(baseUrl: string, options: { withPort?: boolean } = {}): string | undefined {
  let url: URL;
  try {
    url = new URL(baseUrl);
  } catch {
    return undefined;
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return undefined;
  const host = options.withPort === false ? url.hostname : url.host;
  return `${url.protocol}//${host}/*`;
}

/** True for loopback and private-network hosts (where plain http does not cross the internet). */
export function isLocalHost(baseUrl: string): boolean {
  if (isOnThisMachine(baseUrl)) return true; // loopback
  if (!URL.canParse(baseUrl)) return false;
  const hostname = new URL(baseUrl).hostname;
  const ip = /^(\d{1,3})\.(\d{1,3})\.\d{1,3}\.\d{1,3}$/.exec(hostname);
  if (!ip) return hostname.endsWith('.local');
  const [a, b] = [Number(ip[1]), Number(ip[2])];
  return a === 10 || (a === 192 && b === 168) || (a === 172 && b >= 16 && b <= 31);
}

/** True when a key would travel in clear text over the internet: http to a non-local host. */
export function isInsecureRemote(baseUrl: string): boolean {
  return baseUrl.startsWith('http:') && !isLocalHost(baseUrl);
}

export function clampTimeoutSeconds(seconds: number): number {
  if (!Number.isFinite(seconds)) return DEFAULT_TIMEOUT_SECONDS;
  return Math.min(MAX_TIMEOUT_SECONDS, Math.max(MIN_TIMEOUT_SECONDS, Math.round(seconds)));
}

/**
 * Whether refinement attaches the region's crop: the user allowed pixels for the LLM, and the
 * privacy switch ("never send pixels off this machine") lets them go to this server.
 */
export function mayAttachCrop(baseUrl: string, settings: { sendPixels: boolean; neverSendPixels: boolean }): boolean {
  return settings.sendPixels && mayReceivePixels(baseUrl, settings.neverSendPixels);
}
