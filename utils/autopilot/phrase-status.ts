/** The autopilot's status line about its phrase: which phrase, and whether the LLM or the rules chose it. Pure. */
import type { ResponseOf } from '../protocol';

export function phraseSource(choice: ResponseOf<'autopilot.phrase'>): string {
  if (choice.source === 'llm') return 'the LLM chose it';
  return choice.fallback ? `the rules chose it: ${choice.fallback}` : 'the rules chose it';
}
