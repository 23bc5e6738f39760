/**
 * API keys by server origin (`llmApiKeys`), shared by LLM refinement and OpenAI image edits: one
 * reader that re-validates what is stored, one writer. Background only; never sent to pages.
 */
import * as v from 'valibot';
import { llmApiKeys } from '@/utils/settings';

/** The stored keys; a malformed store reads as none. */
export async function readApiKeys(): Promise<Record<string, string>> {
  const parsed = v.safeParse(v.record(v.string(), v.string()), await llmApiKeys.getValue());
  return parsed.success ? parsed.output : {};
}

/** Stores the key for `origin`, or removes it when `apiKey` is blank. */
export async function storeApiKey(origin: string, apiKey: string): Promise<void> {
  const keys = await readApiKeys();
  const key = apiKey.trim();
  if (key) keys[origin] = key;
  else delete keys[origin];
  await llmApiKeys.setValue(keys);
}
