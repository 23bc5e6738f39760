/**
 * Chrome's built-in model (the Prompt API, `LanguageModel` global; on device, no key). The API
 * object is passed in, so Node tests can drive this with a fake; the background passes the real
 * global after feature detection (`languageModelFrom`). Same template, same validation and the
 * same one repair attempt as the OpenAI-compatible path; output is also constrained to the JSON
 * schema, which the Prompt API supports.
 */
import type { BuiltinAvailability, RefinementSuggestion } from '../protocol';
import { LlmError, malformedOutput } from './errors';
import { OUTPUT_JSON_SCHEMA, repairPrompt, SYSTEM_PROMPT, userPrompt } from './prompt-template';
import { parseSuggestion } from './refinement';
import type { RefineOptions } from './client';

/** The slice of the Prompt API used here (https://github.com/webmachinelearning/prompt-api). */
export interface LanguageModelSession {
  promptStreaming(input: string, options?: { signal?: AbortSignal; responseConstraint?: object }): ReadableStream<string>;
  destroy(): void;
}
export interface LanguageModelApi {
  availability(options?: object): Promise<string>;
  create(options?: object): Promise<LanguageModelSession>;
}

function isLanguageModelApi(value: unknown): value is LanguageModelApi {
  return (
    (typeof value === 'function' || (typeof value === 'object' && value !== null)) &&
    'availability' in value &&
    typeof value.availability === 'function' &&
    'create' in value &&
    typeof value.create === 'function'
  );
}

/** The Prompt API of a global scope, when the browser has it. */
export function languageModelFrom(scope: object): LanguageModelApi | undefined {
  const candidate: unknown = Reflect.get(scope, 'LanguageModel');
  return isLanguageModelApi(candidate) ? candidate : undefined;
}

const LANGUAGE_OPTIONS = { expectedInputs: [{ type: 'text', languages: ['en'] }], expectedOutputs: [{ type: 'text', languages: ['en'] }] };

export async function builtinAvailability(api: LanguageModelApi | undefined): Promise<BuiltinAvailability> {
  if (!api) return 'unsupported';
  try {
    const state = await api.availability(LANGUAGE_OPTIONS);
    return state === 'available' || state === 'downloadable' || state === 'downloading' ? state : 'unavailable';
  } catch {
    return 'unavailable';
  }
}

const AVAILABILITY_MESSAGES: Record<Exclude<BuiltinAvailability, 'available'>, string> = {
  unsupported: "This browser has no built-in model (Chrome's Prompt API).",
  unavailable: "Chrome's built-in model is unavailable on this device (it needs a supported desktop Chrome with enough memory and disk).",
  downloadable: "Chrome's built-in model is not downloaded yet: Chrome downloads it on first use from a page (chrome://on-device-internals shows its state).",
  downloading: "Chrome's built-in model is still downloading: try again when it has finished.",
};

export function availabilityMessage(state: BuiltinAvailability): string | undefined {
  return state === 'available' ? undefined : `${AVAILABILITY_MESSAGES[state]} Choose another provider in the options, or write the region prompt yourself.`;
}

/** Reads a prompt stream; chunks are deltas in current Chrome, whole-text-so-far in older builds: both are handled. */
async function readStream(stream: ReadableStream<string>, attempt: number, options: RefineOptions): Promise<string> {
  const reader = stream.getReader();
  let text = '';
  try {
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      const delta = value.startsWith(text) && text !== '' ? value.slice(text.length) : value;
      text += delta;
      if (delta) options.onDelta?.(attempt, delta);
    }
  } finally {
    reader.releaseLock();
  }
  return text;
}

const cancelled = () => new LlmError('cancelled', 'Cancelled.');

export async function refineBuiltin(
  api: LanguageModelApi | undefined,
  input: { originalPrompt: string; intent: string },
  options: RefineOptions = {},
): Promise<{ suggestion: RefinementSuggestion; repaired: boolean }> {
  const state = await builtinAvailability(api);
  const unavailable = availabilityMessage(state);
  if (!api || unavailable) throw new LlmError('unavailable', unavailable ?? AVAILABILITY_MESSAGES.unsupported);
  const signal = options.signal;
  const guard = async <T>(promise: Promise<T>): Promise<T> => {
    try {
      return await promise;
    } catch (error) {
      if (signal?.aborted) throw cancelled();
      if (error instanceof LlmError) throw error;
      throw new LlmError('failed', `Chrome's built-in model failed: ${error instanceof Error ? error.message : String(error)}. You can still write the region prompt yourself.`);
    }
  };
  options.onStatus?.('connecting');
  const session = await guard(api.create({ ...LANGUAGE_OPTIONS, initialPrompts: [{ role: 'system', content: SYSTEM_PROMPT }], ...(signal ? { signal } : {}) }));
  try {
    const ask = (text: string, attempt: number) =>
      guard(readStream(session.promptStreaming(text, { responseConstraint: OUTPUT_JSON_SCHEMA, ...(signal ? { signal } : {}) }), attempt, options));
    options.onStatus?.('streaming');
    const first = await ask(userPrompt({ ...input, withImage: false }), 1);
    if (signal?.aborted) throw cancelled();
    const parsed = parseSuggestion(first);
    if (parsed.ok) return { suggestion: parsed.value, repaired: false };
    options.onStatus?.('repairing', parsed.problem);
    const second = await ask(repairPrompt(parsed.problem), 2);
    if (signal?.aborted) throw cancelled();
    const repaired = parseSuggestion(second);
    if (repaired.ok) return { suggestion: repaired.value, repaired: true };
    throw malformedOutput(repaired.problem, { host: 'Chrome', model: "Chrome's built-in model", secrets: [] });
  } finally {
    session.destroy();
  }
}

/** One short answer from Chrome's built-in model, constrained to `schema` (no repair attempt); the caller validates it. */
export async function promptBuiltinJson(api: LanguageModelApi | undefined, input: { system: string; user: string; schema: object }, signal?: AbortSignal): Promise<string> {
  const unavailable = availabilityMessage(await builtinAvailability(api));
  if (!api || unavailable) throw new LlmError('unavailable', unavailable ?? AVAILABILITY_MESSAGES.unsupported);
  const session = await api.create({ ...LANGUAGE_OPTIONS, initialPrompts: [{ role: 'system', content: input.system }], ...(signal ? { signal } : {}) });
  try {
    return await readStream(session.promptStreaming(input.user, { responseConstraint: input.schema, ...(signal ? { signal } : {}) }), 1, signal ? { signal } : {});
  } finally {
    session.destroy();
  }
}
