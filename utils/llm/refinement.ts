/**
 * Pure refinement logic: the chat messages sent to the model, and turning its text into a
 * validated suggestion (or a precise description of what is wrong with it, for the one repair
 * attempt). No network, no browser API.
 */
import * as v from 'valibot';
import { RefinementSuggestion } from '../protocol';
import { REGION_PROMPT_MAX_WORDS, repairPrompt, SYSTEM_PROMPT, userPrompt } from './prompt-template';

/** Chat messages in the OpenAI chat-completions shape (structurally assignable to the SDK's types). */
export type ChatContentPart = { type: 'text'; text: string } | { type: 'image_url'; image_url: { url: string; detail: 'low' | 'high' | 'auto' } };
export type ChatMessage =
  | { role: 'system'; content: string }
  | { role: 'user'; content: string | ChatContentPart[] }
  | { role: 'assistant'; content: string };

export interface RefineInput {
  originalPrompt: string;
  intent: string;
  /** A `data:image/...;base64,` URL of the masked crop, only when the user allowed sending pixels. */
  imageDataUrl?: string;
}

export function buildMessages({ originalPrompt, intent, imageDataUrl }: RefineInput): ChatMessage[] {
  const text = userPrompt({ originalPrompt, intent, withImage: imageDataUrl !== undefined });
  return [
    { role: 'system', content: SYSTEM_PROMPT },
    {
      role: 'user',
      // A low-detail image costs few tokens and is enough to match light and scale.
      content: imageDataUrl === undefined ? text : [{ type: 'text', text }, { type: 'image_url', image_url: { url: imageDataUrl, detail: 'low' } }],
    },
  ];
}

/** The conversation for the repair attempt: the bad answer goes back with what was wrong with it. */
export function buildRepairMessages(messages: readonly ChatMessage[], badOutput: string, problem: string): ChatMessage[] {
  return [...messages, { role: 'assistant', content: badOutput.slice(0, 8000) }, { role: 'user', content: repairPrompt(problem) }];
}

export type ParseResult = { ok: true; value: RefinementSuggestion } | { ok: false; problem: string };

/** Collapses whitespace; models often wrap lines inside prompts. */
function clean(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}

export function wordCount(text: string): number {
  const trimmed = text.trim();
  return trimmed ? trimmed.split(/\s+/).length : 0;
}

/**
 * Finds the JSON object in a model's answer: the whole text, a ```json fence, or the span from the
 * first `{` to the last `}` (small models like to add a sentence around it), after any `<think>` block.
 */
export function extractJson(answer: string): unknown {
  // Reasoning models may think aloud first; the braces in there are not the answer.
  const text = answer.replace(/<think>[\s\S]*?<\/think>/gi, '');
  const candidates: string[] = [text.trim()];
  const fence = /```(?:json)?\s*([\s\S]*?)```/i.exec(text);
  if (fence?.[1]) candidates.push(fence[1].trim());
  const first = text.indexOf('{');
  const last = text.lastIndexOf('}');
  if (first >= 0 && last > first) candidates.push(text.slice(first, last + 1));
  for (const candidate of candidates) {
    try {
      return JSON.parse(candidate) as unknown;
    } catch {
      // try the next reading
    }
  }
  return undefined;
}

const Loose = v.record(v.string(), v.unknown());

/** The first of `keys` present on the object (models drift between camelCase and snake_case). */
function pick(object: Record<string, unknown>, keys: readonly string[]): unknown {
  for (const key of keys) if (object[key] !== undefined) return object[key];
  return undefined;
}

function asText(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (Array.isArray(value) && value.every((item) => typeof item === 'string')) return value.join(', ');
  return undefined;
}

/** Alternatives may come as strings or as objects carrying a prompt. */
function asAlternative(value: unknown): string | undefined {
  if (typeof value === 'string') return clean(value);
  const object = v.safeParse(Loose, value);
  if (!object.success) return undefined;
  const text = asText(pick(object.output, ['regionPrompt', 'region_prompt', 'prompt', 'text']));
  return text === undefined ? undefined : clean(text);
}

/**
 * Turns a model's answer into a validated suggestion: tolerant of fences, key spelling, stray
 * whitespace, duplicate or surplus alternatives; strict about what the inpainting step needs.
 */
export function parseSuggestion(text: string): ParseResult {
  if (!text.trim()) return { ok: false, problem: 'the answer was empty' };
  const json = extractJson(text);
  if (json === undefined) return { ok: false, problem: 'the answer was not valid JSON' };
  const object = v.safeParse(Loose, json);
  if (!object.success || Array.isArray(json)) return { ok: false, problem: 'the answer was JSON but not an object' };
  const raw = object.output;

  const regionText = asText(pick(raw, ['regionPrompt', 'region_prompt', 'prompt']));
  if (regionText === undefined || !clean(regionText)) return { ok: false, problem: '"regionPrompt" is missing or empty' };
  const regionPrompt = clean(regionText);
  const words = wordCount(regionPrompt);
  // The template asks for 60 words; a little over is still a usable prompt, much more is not.
  if (words > REGION_PROMPT_MAX_WORDS * 1.25) {
    return { ok: false, problem: `"regionPrompt" has ${words} words; keep it to at most ${REGION_PROMPT_MAX_WORDS}` };
  }

  const negativeText = asText(pick(raw, ['negativePrompt', 'negative_prompt', 'negative']));
  if (negativeText === undefined || !clean(negativeText)) return { ok: false, problem: '"negativePrompt" is missing or empty' };

  const rationaleText = asText(pick(raw, ['rationale', 'reason', 'explanation'])) ?? '';
  const rationale = clean(rationaleText.split('\n').find((line) => line.trim()) ?? '').slice(0, 240);

  const alternativesRaw = pick(raw, ['alternatives', 'alternative_prompts', 'alternativePrompts']);
  if (!Array.isArray(alternativesRaw)) return { ok: false, problem: '"alternatives" must be an array of 2 or 3 strings' };
  const seen = new Set([regionPrompt.toLowerCase()]);
  const alternatives: string[] = [];
  for (const item of alternativesRaw) {
    const alternative = asAlternative(item);
    if (!alternative || seen.has(alternative.toLowerCase())) continue;
    seen.add(alternative.toLowerCase());
    alternatives.push(alternative);
  }
  if (alternatives.length < 2) return { ok: false, problem: '"alternatives" must hold 2 or 3 different non-empty strings, different from regionPrompt' };
  const longAlternative = alternatives.find((a) => wordCount(a) > REGION_PROMPT_MAX_WORDS * 1.25);
  if (longAlternative) return { ok: false, problem: `an alternative has ${wordCount(longAlternative)} words; keep each to at most ${REGION_PROMPT_MAX_WORDS}` };

  const result = v.safeParse(RefinementSuggestion, {
    regionPrompt,
    negativePrompt: clean(negativeText),
    rationale,
    alternatives: alternatives.slice(0, 3),
  });
  if (!result.success) return { ok: false, problem: v.summarize(result.issues) };
  return { ok: true, value: result.output };
}
