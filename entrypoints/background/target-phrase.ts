/**
 * `autopilot.phrase` in the background: the target phrase from the configured LLM provider (the
 * same settings, key and host checks as refinement; text only, never pixels; a short deadline),
 * else from the rules (utils/autopilot/llm-phrase.ts decides and says why).
 */
import { chatJson } from '@/utils/llm/client';
import { languageModelFrom, promptBuiltinJson } from '@/utils/llm/builtin';
import { choosePhrase, phraseMessages, rulesChoice, type PhraseChoice } from '@/utils/autopilot/llm-phrase';
import type { RequestOf, ResponseOf } from '@/utils/protocol';
import { clientConfig, readSettings } from './refine';

/** The autopilot waits for the LLM this long at most, then the rules decide. */
const PHRASE_DEADLINE_MS = 8000;

const TARGET_SCHEMA = { type: 'object', properties: { target: { type: 'string' } }, required: ['target'], additionalProperties: false };

async function askLlm(input: RequestOf<'autopilot.phrase'>): Promise<PhraseChoice> {
  const settings = await readSettings();
  if (settings.provider === 'none') return rulesChoice(input);
  // The on-device model is sized and loaded for refinement; asking it here would start a download.
  if (settings.provider === 'local') return rulesChoice(input, 'the on-device model is used for refinement only');
  const [system, user] = phraseMessages(input);
  const signal = AbortSignal.timeout(PHRASE_DEADLINE_MS);
  try {
    const answer =
      settings.provider === 'chrome'
        ? await promptBuiltinJson(languageModelFrom(globalThis), { system: system.content, user: user.content, schema: TARGET_SCHEMA }, signal)
        : await chatJson({ ...(await clientConfig(settings, undefined)), timeoutMs: PHRASE_DEADLINE_MS }, phraseMessages(input), { signal });
    return choosePhrase(answer, input);
  } catch (error) {
    const reason = signal.aborted ? `the LLM did not answer within ${PHRASE_DEADLINE_MS / 1000} s` : `the LLM failed (${error instanceof Error ? error.message : String(error)})`;
    return rulesChoice(input, reason);
  }
}

export async function findTargetPhrase(request: RequestOf<'autopilot.phrase'>): Promise<ResponseOf<'autopilot.phrase'>> {
  const t0 = performance.now();
  const choice = await askLlm(request);
  return {
    ...(choice.phrase ? { phrase: choice.phrase } : {}),
    source: choice.source,
    ...(choice.fallback ? { fallback: choice.fallback } : {}),
    ms: Math.round(performance.now() - t0),
  };
}
