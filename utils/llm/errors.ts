/**
 * LLM failures as codes and clear, specific messages, in pure code. `factsFromError` reads what
 * the `openai` SDK (or fetch) threw; `describeFailure` turns those facts into the user's message;
 * `retryDelay` decides the bounded rate-limit retries. Messages never contain a key: server text is
 * redacted before it is quoted.
 */
import { APIConnectionError, APIConnectionTimeoutError, APIError, APIUserAbortError } from 'openai';
import { ProtocolError } from '../protocol';

export type LlmErrorCode =
  /** No provider, model or base URL set; or the provider is "none". */
  | 'not-configured'
  /** The extension lacks the optional host permission for the server. */
  | 'no-permission'
  /** A request named a server other than the configured one. */
  | 'wrong-host'
  | 'bad-key'
  | 'forbidden'
  | 'unknown-model'
  /** The address answers 404 where the API should be (wrong base URL). */
  | 'not-found'
  | 'rate-limited'
  | 'quota'
  | 'server-error'
  | 'unreachable'
  | 'timeout'
  | 'cancelled'
  | 'malformed-output'
  | 'bad-request'
  /** Chrome's built-in model is not available in this browser. */
  | 'unavailable'
  | 'failed';

/** A failure the user sees: `code` for programs, `message` for people. A ProtocolError, so replies keep the code. */
export class LlmError extends ProtocolError {
  constructor(
    override readonly code: LlmErrorCode,
    message: string,
    readonly details: { status?: number; retryAfterMs?: number; attempts?: number } = {},
  ) {
    super(code, message);
    this.name = 'LlmError';
  }
}

/** What went wrong, read off an error without judging it yet. */
export interface FailureFacts {
  kind: 'http' | 'connection' | 'timeout' | 'abort' | 'other';
  /** HTTP status, when the server answered. */
  status?: number;
  /** The server's own error text (untrusted; redacted before it is shown). */
  serverMessage?: string;
  /** The server's error code, e.g. OpenAI's `insufficient_quota`, `model_not_found`. */
  serverCode?: string;
  /** From `retry-after-ms` / `Retry-After`. */
  retryAfterMs?: number;
  /** The underlying transport error's text (e.g. ECONNREFUSED). */
  cause?: string;
}

interface HeaderSource {
  get(name: string): string | null;
}

/**
 * Milliseconds the server asks us to wait: `retry-after-ms` (OpenAI), else `Retry-After` as seconds
 * or an HTTP date. Undefined when absent or unreadable; never negative.
 */
export function parseRetryAfter(headers: HeaderSource | undefined, now: number = Date.now()): number | undefined {
  if (!headers) return undefined;
  const ms = headers.get('retry-after-ms');
  if (ms !== null && ms.trim() !== '' && Number.isFinite(Number(ms))) return Math.max(0, Number(ms));
  const value = headers.get('retry-after')?.trim();
  if (!value) return undefined;
  if (/^\d+(?:\.\d+)?$/.test(value)) return Math.round(Number(value) * 1000);
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

function textOf(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (value instanceof Error) return value.message;
  return undefined;
}

/** The transport error's message chain, e.g. "fetch failed: connect ECONNREFUSED 127.0.0.1:9". */
function causeChain(error: unknown): string | undefined {
  const parts: string[] = [];
  let current: unknown = error;
  for (let depth = 0; depth < 4 && current instanceof Error; depth++) {
    parts.push(current.message);
    current = current.cause;
  }
  const code = current !== null && typeof current === 'object' && 'code' in current ? textOf(current.code) : undefined;
  if (code) parts.push(code);
  return parts.length ? parts.join(': ') : undefined;
}

function isAbortLike(error: unknown): boolean {
  return (error instanceof Error || (typeof DOMException !== 'undefined' && error instanceof DOMException)) && error.name === 'AbortError';
}

export function factsFromError(error: unknown, now: number = Date.now()): FailureFacts {
  if (error instanceof APIUserAbortError || isAbortLike(error)) return { kind: 'abort' };
  if (error instanceof APIConnectionTimeoutError) return { kind: 'timeout' };
  if (error instanceof APIConnectionError) return { kind: 'connection', cause: causeChain(error.cause) };
  if (error instanceof APIError) {
    const body = error.error;
    const message = body !== null && typeof body === 'object' && 'message' in body ? textOf(body.message) : undefined;
    return {
      kind: 'http',
      ...(error.status !== undefined ? { status: error.status } : {}),
      serverMessage: message ?? error.message,
      ...(typeof error.code === 'string' ? { serverCode: error.code } : {}),
      ...(parseRetryAfter(error.headers, now) !== undefined ? { retryAfterMs: parseRetryAfter(error.headers, now) } : {}),
    };
  }
  return { kind: 'other', cause: causeChain(error) ?? String(error) };
}

/** Removes keys and key-looking tokens from text that came from a server or a transport error. */
export function redact(text: string, secrets: readonly string[] = []): string {
  let out = text;
  for (const secret of secrets) {
    if (secret.length >= 4) out = out.split(secret).join('[redacted]');
  }
  return out
    .replace(/\bBearer\s+\S+/gi, 'Bearer [redacted]')
    .replace(/\b(?:sk|rk|pk)-[\w*.-]{6,}/g, '[redacted key]')
    .replace(/\bkey[=:]\s*\S+/gi, 'key=[redacted]');
}

export interface FailureContext {
  /** The server, as `host[:port]`. */
  host: string;
  model?: string;
  /** What was being done: a chat completion, or listing models (404 means different things). */
  operation: 'chat' | 'models';
  hasKey: boolean;
  timeoutMs: number;
  /** Strings that must never appear in the message (the API key). */
  secrets: readonly string[];
  /** Attempts made, when retries happened. */
  attempts?: number;
}

const YOUR_OWN = 'You can still write the region prompt yourself.';

/** One line of server text, redacted and bounded, as ": text" (or '' when there is none). */
function detail(facts: FailureFacts, context: FailureContext): string {
  const text = facts.serverMessage?.replace(/\s+/g, ' ').trim();
  if (!text) return '';
  const safe = redact(text, context.secrets);
  return `: ${safe.length > 200 ? `${safe.slice(0, 199)}…` : safe}`;
}

const seconds = (ms: number) => `${Math.max(1, Math.ceil(ms / 1000))} s`;

/** The user's message for a failure. Every branch names the server and what to do next. */
export function describeFailure(facts: FailureFacts, context: FailureContext): LlmError {
  const { host } = context;
  const base = { ...(facts.status !== undefined ? { status: facts.status } : {}), ...(context.attempts ? { attempts: context.attempts } : {}) };
  switch (facts.kind) {
    case 'abort':
      return new LlmError('cancelled', 'Cancelled.');
    case 'timeout':
      return new LlmError(
        'timeout',
        `${host} did not answer within ${seconds(context.timeoutMs)}. Try again, raise the timeout in the options, or use a smaller model. ${YOUR_OWN}`,
        base,
      );
    case 'connection': {
      const refused = /ECONNREFUSED|connection refused|ERR_CONNECTION_REFUSED/i.test(facts.cause ?? '');
      const why = refused ? ' (connection refused)' : '';
      return new LlmError('unreachable', `Could not reach ${host}${why}: is the server running, and is the base URL right? ${YOUR_OWN}`, base);
    }
    case 'other':
      return new LlmError('failed', `The request to ${host} failed: ${redact(facts.cause ?? 'unknown error', context.secrets)}. ${YOUR_OWN}`, base);
    case 'http':
      break;
  }
  const status = facts.status;
  const more = detail(facts, context);
  if (status === 401) {
    return context.hasKey
      ? new LlmError('bad-key', `${host} rejected the API key (401). Check the key in the options. ${YOUR_OWN}`, base)
      : new LlmError('bad-key', `${host} needs an API key (401): add one in the options. ${YOUR_OWN}`, base);
  }
  if (status === 403) {
    return new LlmError(
      'forbidden',
      `${host} refused access (403)${more}. The key may lack access to this model or project, or the server refuses browser extensions (Ollama: set OLLAMA_ORIGINS=chrome-extension://*). ${YOUR_OWN}`,
      base,
    );
  }
  if (status === 404) {
    return context.operation === 'chat'
      ? new LlmError(
          'unknown-model',
          `The model "${context.model ?? ''}" was not found on ${host} (404)${more}. Choose a model from the list in the options. ${YOUR_OWN}`,
          base,
        )
      : new LlmError('not-found', `${host} has no OpenAI API at this address (404): check the base URL (most servers end in /v1).`, base);
  }
  if (status === 429) {
    if (facts.serverCode === 'insufficient_quota') {
      return new LlmError('quota', `${host} says your account has no quota left (429 insufficient_quota): check billing, or use another provider. ${YOUR_OWN}`, base);
    }
    const tries = context.attempts && context.attempts > 1 ? `, still after ${context.attempts} attempts` : '';
    const wait = facts.retryAfterMs !== undefined ? `; it asks to wait ${seconds(facts.retryAfterMs)}` : '';
    return new LlmError('rate-limited', `${host} is rate limiting requests (429)${tries}${wait}. Try again later. ${YOUR_OWN}`, {
      ...base,
      ...(facts.retryAfterMs !== undefined ? { retryAfterMs: facts.retryAfterMs } : {}),
    });
  }
  if (status !== undefined && status >= 500) {
    return new LlmError('server-error', `${host} had a server error (${status})${more}. Try again later. ${YOUR_OWN}`, base);
  }
  if (status === 400 || status === 422) {
    return new LlmError('bad-request', `${host} rejected the request (${status})${more}. ${YOUR_OWN}`, base);
  }
  if (status === undefined) {
    // An error event inside an otherwise successful stream.
    return new LlmError('failed', `${host} reported an error while answering${more}. ${YOUR_OWN}`, base);
  }
  return new LlmError('failed', `${host} answered ${status}${more}. ${YOUR_OWN}`, base);
}

/** The model answered, but never with the JSON asked for (after the one repair attempt). */
export function malformedOutput(problem: string, context: Pick<FailureContext, 'host' | 'model' | 'secrets'>): LlmError {
  const model = context.model ? `The model "${context.model}"` : 'The model';
  return new LlmError(
    'malformed-output',
    `${model} did not answer with the expected JSON, even after one repair attempt (${redact(problem, context.secrets)}). Try again or another model. ${YOUR_OWN}`,
  );
}

export interface RetryPolicy {
  /** Retries after the first attempt. */
  maxRetries: number;
  /** Total time spent waiting between attempts. */
  maxTotalWaitMs: number;
  /** Backoff when the server names no wait: base, 2·base, 4·base… */
  baseDelayMs: number;
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = { maxRetries: 2, maxTotalWaitMs: 10_000, baseDelayMs: 1000 };

/** Statuses worth another try: rate limits and overloaded/unavailable gateways. */
const RETRYABLE = new Set([429, 502, 503, 504]);

/**
 * How long to wait before retrying, or undefined to give up: only for retryable statuses, at most
 * `maxRetries` retries, honouring the server's Retry-After, and never waiting more than
 * `maxTotalWaitMs` in all (a longer Retry-After ends the retries at once: the message says how long).
 */
export function retryDelay(facts: FailureFacts, retriesSoFar: number, waitedMs: number, policy: RetryPolicy = DEFAULT_RETRY_POLICY): number | undefined {
  if (facts.kind !== 'http' || facts.status === undefined || !RETRYABLE.has(facts.status)) return undefined;
  if (facts.serverCode === 'insufficient_quota') return undefined;
  if (retriesSoFar >= policy.maxRetries) return undefined;
  const delay = facts.retryAfterMs ?? policy.baseDelayMs * 2 ** retriesSoFar;
  if (waitedMs + delay > policy.maxTotalWaitMs) return undefined;
  return delay;
}

/** True when a 400 is the server refusing `response_format` (then we ask again without it, once). */
export function rejectsResponseFormat(facts: FailureFacts): boolean {
  return facts.kind === 'http' && (facts.status === 400 || facts.status === 422) && /response_format|json_object|json mode/i.test(facts.serverMessage ?? '');
}
