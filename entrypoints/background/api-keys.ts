/**
 * API keys by server origin, shared by LLM refinement and OpenAI image edits: one reader that
 * re-validates what is stored, one writer. Background only; never sent to pages.
 *
 * Where they live depends on who else can read it. Chromium: `storage.local`, closed to content
 * scripts by `setAccessLevel('TRUSTED_CONTEXTS')`. Firefox: content scripts can read
 * `storage.local` and it has no access level (only `storage.session` has one there), so keys live
 * in the extension's own IndexedDB, which content scripts (they run in the page's origin) cannot
 * open; keys an older version left in `storage.local` are moved there and removed.
 */
import * as v from 'valibot';
import { openDB } from 'idb';
import { browser } from 'wxt/browser';
import { llmApiKeys } from '@/utils/settings';

const Keys = v.record(v.string(), v.string());
type Keys = v.InferOutput<typeof Keys>;

const VAULT = { db: 'inpaint-biases-keys', store: 'keys', record: 'byOrigin' } as const;

function openVault() {
  return openDB(VAULT.db, 1, { upgrade: (db) => void db.createObjectStore(VAULT.store) });
}

async function readVault(): Promise<Keys> {
  const db = await openVault();
  try {
    const parsed = v.safeParse(Keys, await db.get(VAULT.store, VAULT.record));
    return parsed.success ? parsed.output : {};
  } finally {
    db.close();
  }
}

async function writeVault(keys: Keys): Promise<void> {
  const db = await openVault();
  try {
    await db.put(VAULT.store, keys, VAULT.record);
  } finally {
    db.close();
  }
}

async function readStorageLocal(): Promise<Keys> {
  const parsed = v.safeParse(Keys, await llmApiKeys.getValue());
  return parsed.success ? parsed.output : {};
}

/** Firefox: moves keys found in storage.local (where content scripts could read them) into the vault. */
async function readFirefoxKeys(): Promise<Keys> {
  const stray = await readStorageLocal();
  if (Object.keys(stray).length === 0) return readVault();
  const keys = { ...(await readVault()), ...stray };
  await writeVault(keys);
  await llmApiKeys.removeValue();
  return keys;
}

/** The stored keys; a malformed store reads as none. */
export function readApiKeys(): Promise<Keys> {
  return import.meta.env.FIREFOX ? readFirefoxKeys() : readStorageLocal();
}

/** Stores the key for `origin`, or removes it when `apiKey` is blank. */
export async function storeApiKey(origin: string, apiKey: string): Promise<void> {
  const keys = await readApiKeys();
  const key = apiKey.trim();
  if (key) keys[origin] = key;
  else delete keys[origin];
  await (import.meta.env.FIREFOX ? writeVault(keys) : llmApiKeys.setValue(keys));
}

/**
 * Chromium: closes storage.local (keys live there) to content scripts. Returns whether that was
 * applied: Firefox has no access level for storage.local, so there it is false and keys are kept
 * elsewhere (see above).
 */
export async function restrictStorageToTrustedContexts(): Promise<boolean> {
  const local = browser.storage.local;
  if (import.meta.env.FIREFOX || typeof local.setAccessLevel !== 'function') return false;
  try {
    await local.setAccessLevel({ accessLevel: 'TRUSTED_CONTEXTS' });
    return true;
  } catch {
    return false;
  }
}
