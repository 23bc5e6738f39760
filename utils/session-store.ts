/**
 * The session store: images, masks and results as Blobs in IndexedDB, in the extension's origin,
 * shared by the offscreen document, the overlay frame, the side panel and the background.
 * Messages carry only the keys, so pixels never cross a context as JSON.
 */
import { openDB, type DBSchema, type IDBPDatabase } from 'idb';
import type { ImageMetadata } from './metadata/types';
import type { InpaintResult, PageText, PixelOrigin, ScorePair } from './protocol';
import { sessionBlobKeys, sessionsToPrune, unreferencedBlobs, type RetentionPolicy, type SessionFootprint } from './session-retention';

export type BlobKind = 'image' | 'mask';

export interface BlobRecord {
  key: string;
  kind: BlobKind;
  width: number;
  height: number;
  /** Images: an encoded picture (PNG/WebP/JPEG). Masks: raw bytes, 1 per pixel, 0 or 255. */
  blob: Blob;
  createdAt: number;
}

/** Where an image came from, for the editor's title, export names and "replace in page". */
export interface ImageSource {
  pageUrl: string;
  srcUrl?: string;
  alt?: string;
  /** Set when the pixels are not the original file's (screen capture, first frame, downscale). */
  note?: string;
  /** Text near the image on the page that may be its prompt (issue #16). */
  context?: PageText[];
  /** How the stored pixels were obtained: only 'file' can carry the generator's metadata. */
  pixels?: PixelOrigin;
}

/** One image being fixed: the editor's unit of work. */
export interface EditSession {
  id: string;
  createdAt: number;
  updatedAt: number;
  source: ImageSource;
  image: string;
  width: number;
  height: number;
  mask?: string;
  /**
   * What the original file says about its making (prompt, generator, seed, steps, CFG, sampler,
   * size, model), read once when the session is created; `read: false` says why there was nothing to read.
   */
  metadata?: ImageMetadata;
  /** The prompts the user settled on (original full-image prompt, region prompt, negative), and the LLM's last alternatives and rationale. */
  prompt?: { original: string; region: string; negative?: string; intent?: string; alternatives?: string[]; rationale?: string };
  /** Finished inpainting jobs, oldest first (appended by the offscreen jobs; issue #5). */
  results?: InpaintResult[];
  /**
   * Accepted edits (issue #6): `steps[0]` is the original image; accepting a candidate pushes its
   * image; undo/redo move `index`. The image being edited is `steps[index].image`.
   */
  history?: {
    steps: {
      image: string;
      /** The mask that made this edit (on the previous step's image). */
      mask?: string;
      prompt?: string;
      scores?: ScorePair;
      acceptedAt: number;
      /** The mask the user had drawn on this step's image when they undid it (restored by redo). */
      pendingMask?: string;
    }[];
    index: number;
  };
}

interface StoreSchema extends DBSchema {
  blobs: { key: string; value: BlobRecord; indexes: { createdAt: number } };
  sessions: { key: string; value: EditSession; indexes: { updatedAt: number } };
}

export const DB_NAME = 'inpaint-biases';
export const DB_VERSION = 2;
let db: Promise<IDBPDatabase<StoreSchema>> | undefined;

function open(): Promise<IDBPDatabase<StoreSchema>> {
  db ??= openDB<StoreSchema>(DB_NAME, DB_VERSION, {
    upgrade(database) {
      if (!database.objectStoreNames.contains('blobs')) {
        database.createObjectStore('blobs', { keyPath: 'key' }).createIndex('createdAt', 'createdAt');
      }
      if (!database.objectStoreNames.contains('sessions')) {
        database.createObjectStore('sessions', { keyPath: 'id' }).createIndex('updatedAt', 'updatedAt');
      }
    },
  });
  return db;
}

function newKey(kind: BlobKind): string {
  return `${kind}:${crypto.randomUUID()}`;
}

export async function putImage(blob: Blob, width: number, height: number): Promise<string> {
  const key = newKey('image');
  await (await open()).put('blobs', { key, kind: 'image', width, height, blob, createdAt: Date.now() });
  return key;
}

export async function putMask(mask: Uint8Array, width: number, height: number): Promise<string> {
  if (mask.length !== width * height) throw new Error(`Mask has ${mask.length} bytes for ${width}×${height}`);
  const key = newKey('mask');
  const blob = new Blob([mask as Uint8Array<ArrayBuffer>], { type: 'application/x-mask' });
  await (await open()).put('blobs', { key, kind: 'mask', width, height, blob, createdAt: Date.now() });
  return key;
}

export async function getRecord(key: string): Promise<BlobRecord> {
  const record = await (await open()).get('blobs', key);
  if (!record) throw new Error(`Nothing stored under ${key}: it may have been deleted`);
  return record;
}

export async function getMask(key: string): Promise<{ data: Uint8Array; width: number; height: number }> {
  const record = await getRecord(key);
  if (record.kind !== 'mask') throw new Error(`${key} is not a mask`);
  return { data: new Uint8Array(await record.blob.arrayBuffer()), width: record.width, height: record.height };
}

export async function deleteRecord(key: string): Promise<void> {
  await (await open()).delete('blobs', key);
}

export async function createSession(source: ImageSource, image: string, width: number, height: number, metadata?: ImageMetadata): Promise<EditSession> {
  const now = Date.now();
  const session: EditSession = { id: crypto.randomUUID(), createdAt: now, updatedAt: now, source, image, width, height, ...(metadata ? { metadata } : {}) };
  await (await open()).put('sessions', session);
  return session;
}

export async function updateSession(id: string, change: Partial<Pick<EditSession, 'mask' | 'prompt' | 'history'>>): Promise<EditSession> {
  return modifySession(id, (session) => ({ ...session, ...change }));
}

/**
 * Read-modify-write of one session in a single transaction, so writers in different contexts
 * (the offscreen jobs appending results, the side panel accepting an edit) never lose each other's change.
 */
export async function modifySession(id: string, modify: (session: EditSession) => EditSession): Promise<EditSession> {
  const tx = (await open()).transaction('sessions', 'readwrite');
  const session = await tx.store.get(id);
  if (!session) throw new Error('This editing session no longer exists');
  const updated = { ...modify(session), id, updatedAt: Date.now() };
  await tx.store.put(updated);
  await tx.done;
  return updated;
}

export async function getSession(id: string): Promise<EditSession | undefined> {
  return (await open()).get('sessions', id);
}

/** Sessions, most recently edited first. */
export async function listSessions(): Promise<EditSession[]> {
  return (await (await open()).getAllFromIndex('sessions', 'updatedAt')).reverse();
}

// ---- editor (issue #6): deleting sessions, storage use and its bound ----

/** Deletes a session and every blob it refers to, in one transaction. */
export async function deleteSession(id: string): Promise<void> {
  const tx = (await open()).transaction(['sessions', 'blobs'], 'readwrite');
  const session = await tx.objectStore('sessions').get(id);
  if (session) {
    for (const key of sessionBlobKeys(session)) await tx.objectStore('blobs').delete(key);
    await tx.objectStore('sessions').delete(id);
  }
  await tx.done;
}

/** Bytes of blobs each session refers to (what deleting it frees). */
export async function sessionFootprints(): Promise<SessionFootprint[]> {
  const database = await open();
  const sizes = new Map<string, number>();
  let cursor = await database.transaction('blobs').store.openCursor();
  while (cursor) {
    sizes.set(cursor.key, cursor.value.blob.size);
    cursor = await cursor.continue();
  }
  const sessions = await database.getAll('sessions');
  return sessions.map((session) => ({
    id: session.id,
    updatedAt: session.updatedAt,
    bytes: [...sessionBlobKeys(session)].reduce((sum, key) => sum + (sizes.get(key) ?? 0), 0),
  }));
}

/**
 * Keeps the store within `policy`: deletes the least recently edited sessions beyond it (never
 * those in `keep`), then blobs no session refers to that are older than an hour. Returns the
 * deleted session ids.
 */
export async function pruneStore(policy: RetentionPolicy, keep: Iterable<string>, now = Date.now()): Promise<string[]> {
  const pruned = sessionsToPrune(await sessionFootprints(), policy, new Set(keep));
  for (const id of pruned) await deleteSession(id);
  const database = await open();
  const referenced = new Set((await database.getAll('sessions')).flatMap((session) => [...sessionBlobKeys(session)]));
  const blobs: { key: string; createdAt: number }[] = [];
  let cursor = await database.transaction('blobs').store.index('createdAt').openCursor();
  while (cursor) {
    blobs.push({ key: cursor.value.key, createdAt: cursor.value.createdAt });
    cursor = await cursor.continue();
  }
  const orphans = unreferencedBlobs(blobs, referenced, now, 60 * 60 * 1000);
  if (orphans.length) {
    const tx = database.transaction('blobs', 'readwrite');
    await Promise.all([...orphans.map((key) => tx.store.delete(key)), tx.done]);
  }
  return pruned;
}
