/**
 * The autopilot's target phrase from the configured LLM: one small text-only prompt asking for
 * JSON `{ "target": "..." }`, and the check of its answer. An answer is used only when it is valid
 * JSON, at most TARGET_MAX_LLM_WORDS words, and every word of it occurs in the user's intent or the
 * original prompt (the LLM picks, it does not invent); otherwise the rule-based targetPhrase()
 * decides, and the reason is kept for the status line. Pure.
 */
import * as v from 'valibot';
import { targetPhrase } from './target-phrase';

export const TARGET_MAX_LLM_WORDS = 8;

export interface PhraseInput {
  intent: string;
  originalPrompt: string;
}

export type PhraseSource = 'llm' | 'rules';

export interface PhraseChoice {
  /** Undefined when neither the LLM nor the rules name anything. */
  phrase: string | undefined;
  source: PhraseSource;
  /** Why the rules decided although an LLM is configured (for the status line). */
  fallback?: string;
}

const SYSTEM = [
  'You find the object an image edit is about.',
  'The user says what is wrong with an AI-generated image; the original prompt describes the image.',
  'Answer with JSON only: {"target": "<noun phrase>"}, the short noun phrase (at most 8 words, e.g. "the river") naming the thing to change,',
  'using words from the user\'s sentence or the original prompt. When the user says "it", name the thing from the original prompt it most likely means.',
].join(' ');

/** The chat turns for the phrase request: text only (no pixels are ever sent for it). */
export function phraseMessages(input: PhraseInput): [{ role: 'system'; content: string }, { role: 'user'; content: string }] {
  const prompt = input.originalPrompt.trim();
  return [
    { role: 'system', content: SYSTEM },
    { role: 'user', content: `What is wrong: ${JSON.stringify(input.intent.trim())}\nOriginal prompt: ${prompt ? JSON.stringify(prompt) : '(unknown)'}` },
  ];
}

const Answer = v.object({ target: v.pipe(v.string(), v.trim(), v.minLength(1), v.maxLength(200)) });

const wordsOf = (text: string) => text.toLowerCase().match(/[\p{L}\p{N}'-]+/gu) ?? [];

/** The phrase in an LLM answer, or the problem with it. Tolerates a ```json fence around the object. */
export function parsePhraseAnswer(text: string, input: PhraseInput): { ok: true; phrase: string } | { ok: false; problem: string } {
  const body = text.trim().replace(/^```(?:json)?\s*/i, '').replace(/\s*```$/, '');
  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch {
    return { ok: false, problem: 'its answer was not JSON' };
  }
  const parsed = v.safeParse(Answer, json);
  if (!parsed.success) return { ok: false, problem: 'its answer had no "target" phrase' };
  const words = wordsOf(parsed.output.target);
  if (words.length === 0) return { ok: false, problem: 'its answer named nothing' };
  if (words.length > TARGET_MAX_LLM_WORDS) return { ok: false, problem: `its phrase was longer than ${TARGET_MAX_LLM_WORDS} words` };
  const vocabulary = new Set([...wordsOf(input.intent), ...wordsOf(input.originalPrompt)]);
  // "the" and "a" may be added by the LLM around a noun taken from the prompt.
  const unknown = words.filter((w) => !vocabulary.has(w) && w !== 'the' && w !== 'a' && w !== 'an');
  if (unknown.length > 0) return { ok: false, problem: `its phrase used words that are not in your sentence or the prompt (${unknown.join(', ')})` };
  return { ok: true, phrase: words.join(' ') };
}

/** The rules' phrase, with why the LLM's answer was not used (when one was asked). */
export function rulesChoice(input: PhraseInput, fallback?: string): PhraseChoice {
  return { phrase: targetPhrase(input.intent), source: 'rules', ...(fallback ? { fallback } : {}) };
}

/** The choice from an LLM answer: its phrase when it passes parsePhraseAnswer, else the rules'. */
export function choosePhrase(answer: string, input: PhraseInput): PhraseChoice {
  const parsed = parsePhraseAnswer(answer, input);
  return parsed.ok ? { phrase: parsed.phrase, source: 'llm' } : rulesChoice(input, `the LLM's answer was not used: ${parsed.problem}`);
}
