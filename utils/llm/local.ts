/**
 * Refinement with the "this device" LLM: the same template, validation and one repair attempt as
 * the other providers, around a `generate` function (the background passes one that asks the
 * offscreen document, where transformers.js runs the model; Node tests pass the model itself).
 */
import type { RefinementSuggestion } from '../protocol';
import type { RefineOptions } from './client';
import { LlmError, malformedOutput } from './errors';
import { buildMessages, buildRepairMessages, parseSuggestion, type ChatMessage } from './refinement';

/** A text-only chat turn (the local model gets no pixels). */
export interface TextTurn {
  role: ChatMessage['role'];
  content: string;
}

/** Runs the model on a conversation; `cancelled` when the signal stopped it early. */
export type Generate = (messages: TextTurn[], attempt: number, signal: AbortSignal | undefined) => Promise<{ text: string; cancelled: boolean }>;

const cancelled = () => new LlmError('cancelled', 'Cancelled.');

function textOnly(messages: readonly ChatMessage[]): TextTurn[] {
  return messages.map((m) => ({
    role: m.role,
    content: typeof m.content === 'string' ? m.content : m.content.map((part) => (part.type === 'text' ? part.text : '')).join('\n'),
  }));
}

/** The conversation the local model gets for an input (the same template as every provider). */
export function localMessages(input: { originalPrompt: string; intent: string }): TextTurn[] {
  return textOnly(buildMessages(input));
}

export async function refineLocal(
  generate: Generate,
  input: { originalPrompt: string; intent: string },
  options: RefineOptions & { model?: string } = {},
): Promise<{ suggestion: RefinementSuggestion; repaired: boolean }> {
  const { signal } = options;
  if (signal?.aborted) throw cancelled();
  const messages = localMessages(input);
  options.onStatus?.('streaming');
  const first = await generate(messages, 1, signal);
  if (first.cancelled || signal?.aborted) throw cancelled();
  const parsed = parseSuggestion(first.text);
  if (parsed.ok) return { suggestion: parsed.value, repaired: false };
  options.onStatus?.('repairing', parsed.problem);
  const second = await generate(textOnly(buildRepairMessages(messages, first.text, parsed.problem)), 2, signal);
  if (second.cancelled || signal?.aborted) throw cancelled();
  const repaired = parseSuggestion(second.text);
  if (repaired.ok) return { suggestion: repaired.value, repaired: true };
  throw malformedOutput(repaired.problem, { host: 'this device', model: options.model ?? 'the local model', secrets: [] });
}
