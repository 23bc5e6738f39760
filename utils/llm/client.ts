/**
 * The OpenAI-compatible client: list models, test a connection, and run one refinement (streamed,
 * cancellable, with bounded rate-limit retries and one repair attempt). Configuration comes in
 * explicitly, so the same code runs in the background service worker and in Node tests against a
 * local stub server; it touches no extension API.
 */
import OpenAI from 'openai';
import { hostOf, originOf } from './config';
import {
  DEFAULT_RETRY_POLICY,
  describeFailure,
  factsFromError,
  LlmError,
  malformedOutput,
  rejectsResponseFormat,
  retryDelay,
  type FailureContext,
  type RetryPolicy,
} from './errors';
import { buildMessages, buildRepairMessages, parseSuggestion, type ChatMessage, type RefineInput } from './refinement';
import type { RefinementSuggestion } from '../protocol';

type Fetch = (input: string | URL | Request, init?: RequestInit) => Promise<Response>;

export interface ClientConfig {
  /** Normalised base URL, e.g. `https://api.openai.com/v1`. Every request goes to its origin only. */
  baseUrl: string;
  /** Empty or undefined: no Authorization header at all (local servers). */
  apiKey?: string;
  model: string;
  /** Longest wait for the first byte, and between streamed chunks. */
  timeoutMs: number;
  fetch?: Fetch;
  retryPolicy?: RetryPolicy;
  /** Waits between retries (tests may shorten it); must reject when the signal aborts. */
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
}

export type RefineStage = 'connecting' | 'streaming' | 'retrying' | 'repairing';

export interface RefineOptions {
  signal?: AbortSignal;
  /** Each streamed piece of the answer; attempt 2 is the repair attempt (a fresh answer). */
  onDelta?: (attempt: number, text: string) => void;
  onStatus?: (stage: RefineStage, detail?: string) => void;
}

export interface RefineResult {
  suggestion: RefinementSuggestion;
  repaired: boolean;
  sentImage: boolean;
  ms: number;
}

const cancelled = () => new LlmError('cancelled', 'Cancelled.');

/** Resolves after `ms`, or rejects with a `cancelled` LlmError when the signal aborts first. */
export function abortableSleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(cancelled());
    const onAbort = () => {
      clearTimeout(timer);
      reject(cancelled());
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/** A fetch that refuses every URL outside the configured server's origin (defence in depth: the key goes nowhere else). */
export function originGuard(baseUrl: string, fetchImpl: Fetch): Fetch {
  const allowed = originOf(baseUrl);
  return (input, init) => {
    const url = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
    if (allowed === undefined || originOf(url) !== allowed) {
      return Promise.reject(new LlmError('wrong-host', `Refused a request to ${hostOf(url)}: only ${hostOf(baseUrl)} is configured.`));
    }
    return fetchImpl(input, init);
  };
}

export function createClient(config: ClientConfig): OpenAI {
  const key = config.apiKey?.trim();
  return new OpenAI({
    // The SDK insists on a key; without one the Authorization header is removed below.
    apiKey: key || 'no-key',
    baseURL: config.baseUrl,
    // Explicit nulls: nothing may come from environment variables (Node reads OPENAI_* otherwise).
    organization: null,
    project: null,
    adminAPIKey: null,
    webhookSecret: null,
    dangerouslyAllowBrowser: true,
    fetch: originGuard(config.baseUrl, config.fetch ?? globalThis.fetch.bind(globalThis)),
    maxRetries: 0, // our own bounded retries (errors.ts), which honour Retry-After
    timeout: config.timeoutMs,
    logLevel: 'off', // the SDK's logs could carry request details
    ...(key ? {} : { defaultHeaders: { Authorization: null } }),
  });
}

function failureContext(config: ClientConfig, operation: FailureContext['operation'], attempts?: number): FailureContext {
  const key = config.apiKey?.trim();
  return {
    host: hostOf(config.baseUrl),
    model: config.model,
    operation,
    hasKey: Boolean(key),
    timeoutMs: config.timeoutMs,
    secrets: key ? [key] : [],
    ...(attempts !== undefined ? { attempts } : {}),
  };
}

/** Our own errors pass through; the SDK wraps errors thrown by fetch (the origin guard) as their `cause`. */
function ownError(error: unknown): LlmError | undefined {
  for (let current: unknown = error, depth = 0; depth < 4 && current instanceof Error; depth++, current = current.cause) {
    if (current instanceof LlmError) return current;
  }
  return undefined;
}

/**
 * Runs `attempt` with the bounded retry policy. `attempt` gets `relaxed = true` after the server
 * refused `response_format` (asked once more without it).
 */
async function withRetries<T>(
  config: ClientConfig,
  operation: FailureContext['operation'],
  options: RefineOptions,
  attempt: (relaxed: boolean) => Promise<T>,
): Promise<T> {
  const policy = config.retryPolicy ?? DEFAULT_RETRY_POLICY;
  const sleep = config.sleep ?? abortableSleep;
  let relaxed = false;
  let retries = 0;
  let waited = 0;
  for (;;) {
    if (options.signal?.aborted) throw cancelled();
    try {
      return await attempt(relaxed);
    } catch (error) {
      const own = ownError(error);
      if (own) throw own;
      if (options.signal?.aborted) throw cancelled();
      const facts = factsFromError(error);
      if (!relaxed && operation === 'chat' && rejectsResponseFormat(facts)) {
        relaxed = true;
        continue;
      }
      const delay = retryDelay(facts, retries, waited, policy);
      if (delay === undefined) throw describeFailure(facts, failureContext(config, operation, retries + 1));
      options.onStatus?.('retrying', `${hostOf(config.baseUrl)} answered ${facts.status ?? 'an error'}; retrying in ${Math.ceil(delay / 1000)} s`);
      await sleep(delay, options.signal);
      waited += delay;
      retries += 1;
    }
  }
}

/** Model ids the server offers, sorted. */
export async function listModels(config: ClientConfig, options: { signal?: AbortSignal } = {}): Promise<string[]> {
  const client = createClient(config);
  return withRetries(config, 'models', options, async () => {
    const page = await client.models.list({ ...(options.signal ? { signal: options.signal } : {}) });
    return [...new Set(page.data.map((model) => model.id))].sort((a, b) => a.localeCompare(b));
  });
}

export interface TestResult {
  message: string;
  models: string[];
  modelAvailable: boolean | null;
  ms: number;
}

/** "Test connection": the server answers, the key is accepted, and the configured model exists. */
export async function testConnection(config: ClientConfig, options: { signal?: AbortSignal } = {}): Promise<TestResult> {
  const t0 = performance.now();
  const models = await listModels(config, options);
  const ms = Math.round(performance.now() - t0);
  const host = hostOf(config.baseUrl);
  if (models.length === 0) {
    return { message: `Connected to ${host} (${ms} ms), but it lists no models: type the model name by hand.`, models, modelAvailable: null, ms };
  }
  const count = `${models.length} model${models.length === 1 ? '' : 's'}`;
  if (!config.model) return { message: `Connected to ${host}: ${count} (${ms} ms). Choose a model.`, models, modelAvailable: null, ms };
  const available = models.includes(config.model);
  const modelNote = available ? `"${config.model}" is available` : `but "${config.model}" is not among them: choose one from the list`;
  return { message: `Connected to ${host}: ${count}, ${modelNote} (${ms} ms).`, models, modelAvailable: available, ms };
}

interface StreamedAnswer {
  text: string;
  finishReason: string | undefined;
}

/** One streamed chat completion, with an inactivity timeout (the SDK's own only covers the wait for headers). */
async function streamOnce(client: OpenAI, config: ClientConfig, messages: ChatMessage[], relaxed: boolean, attempt: number, options: RefineOptions): Promise<StreamedAnswer> {
  const controller = new AbortController();
  const onAbort = () => controller.abort();
  options.signal?.addEventListener('abort', onAbort, { once: true });
  let timedOut = false;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const arm = () => {
    clearTimeout(timer);
    timer = setTimeout(() => {
      timedOut = true;
      controller.abort();
    }, config.timeoutMs);
  };
  arm();
  try {
    options.onStatus?.('connecting');
    const stream = await client.chat.completions.create(
      {
        model: config.model,
        messages,
        stream: true,
        // JSON mode; a server that refuses it is asked once more without (the template asks for JSON anyway).
        ...(relaxed ? {} : { response_format: { type: 'json_object' as const } }),
      },
      { signal: controller.signal },
    );
    options.onStatus?.('streaming');
    let text = '';
    let finishReason: string | undefined;
    for await (const chunk of stream) {
      arm();
      const choice = chunk.choices[0];
      const delta = choice?.delta?.content ?? '';
      if (delta) {
        text += delta;
        options.onDelta?.(attempt, delta);
      }
      if (choice?.finish_reason) finishReason = choice.finish_reason;
    }
    // The SDK ends the iteration quietly when aborted mid-stream.
    if (controller.signal.aborted) throw timedOut ? describeFailure({ kind: 'timeout' }, failureContext(config, 'chat')) : cancelled();
    return { text, finishReason };
  } catch (error) {
    if (timedOut) throw describeFailure({ kind: 'timeout' }, failureContext(config, 'chat'));
    if (options.signal?.aborted) throw cancelled();
    throw error;
  } finally {
    clearTimeout(timer);
    options.signal?.removeEventListener('abort', onAbort);
  }
}

function problemOf(answer: StreamedAnswer, problem: string): string {
  return answer.finishReason === 'length' ? `${problem} (the answer was cut off at the length limit)` : problem;
}

/**
 * One refinement: streams the answer, validates it, and when it is unusable sends it back ONCE
 * asking for valid JSON. Throws an LlmError with a clear message on every failure.
 */
export async function refine(config: ClientConfig, input: RefineInput, options: RefineOptions = {}): Promise<RefineResult> {
  if (!config.model) throw new LlmError('not-configured', 'No model is chosen: pick one in the options. You can still write the region prompt yourself.');
  const t0 = performance.now();
  const client = createClient(config);
  const messages = buildMessages(input);
  const run = (conversation: ChatMessage[], attempt: number) =>
    withRetries(config, 'chat', options, (relaxed) => streamOnce(client, config, conversation, relaxed, attempt, options));

  const first = await run(messages, 1);
  const parsed = parseSuggestion(first.text);
  const sentImage = input.imageDataUrl !== undefined;
  if (parsed.ok) return { suggestion: parsed.value, repaired: false, sentImage, ms: Math.round(performance.now() - t0) };

  const problem = problemOf(first, parsed.problem);
  options.onStatus?.('repairing', problem);
  const second = await run(buildRepairMessages(messages, first.text, problem), 2);
  const repaired = parseSuggestion(second.text);
  if (repaired.ok) return { suggestion: repaired.value, repaired: true, sentImage, ms: Math.round(performance.now() - t0) };
  throw malformedOutput(problemOf(second, repaired.problem), failureContext(config, 'chat'));
}

/**
 * One short JSON-mode chat answer as text (no repair attempt): for small structured questions
 * such as the autopilot's target phrase. The caller validates the text.
 */
export async function chatJson(config: ClientConfig, messages: ChatMessage[], options: RefineOptions = {}): Promise<string> {
  if (!config.model) throw new LlmError('not-configured', 'No model is chosen: pick one in the options.');
  const client = createClient(config);
  const answer = await withRetries(config, 'chat', options, (relaxed) => streamOnce(client, config, messages, relaxed, 1, options));
  return answer.text;
}
