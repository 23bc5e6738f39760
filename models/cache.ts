/**
 * The model file cache for extension pages: the Cache API, keyed by the file's http(s) URL on the
 * model host (the Cache API accepts no chrome-extension:// keys, and needs none here).
 */
import type { ModelCache } from './loader';

export const MODEL_CACHE_NAME = 'inpaint-biases-models-v1';

export function cacheStorageModelCache(name = MODEL_CACHE_NAME): ModelCache {
  return {
    async get(url) {
      const response = await (await caches.open(name)).match(url);
      return response ? new Uint8Array(await response.arrayBuffer()) : undefined;
    },
    async put(url, bytes) {
      const headers = { 'content-type': 'application/octet-stream', 'content-length': String(bytes.length) };
      await (await caches.open(name)).put(url, new Response(bytes as Uint8Array<ArrayBuffer>, { headers }));
    },
    async delete(url) {
      await (await caches.open(name)).delete(url);
    },
  };
}

/** Deletes every cached model file; returns whether there was a cache. */
export function clearModelCache(name = MODEL_CACHE_NAME): Promise<boolean> {
  return caches.delete(name);
}
