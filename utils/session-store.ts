/**
 * The session store: images, masks and results as Blobs in IndexedDB, in the extension's origin,
 * shared by the offscreen document, the side panel and the background. Messages carry only the
 * keys, so pixels never cross a context as JSON.
 */
import { openDB, type DBSchema, type IDBPDatabase } from 'idb';

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

interface StoreSchema extends DBSchema {
  blobs: { key: string; value: BlobRecord; indexes: { createdAt: number } };
}

let db: Promise<IDBPDatabase<StoreSchema>> | undefined;

function open(): Promise<IDBPDatabase<StoreSchema>> {
  db ??= openDB<StoreSchema>('inpaint-biases', 1, {
    upgrade(database) {
      const blobs = database.createObjectStore('blobs', { keyPath: 'key' });
      blobs.createIndex('createdAt', 'createdAt');
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
