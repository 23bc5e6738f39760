/**
 * Downloads model files with progress, refuses short or broken downloads, and keeps them in a
 * cache so the second load makes no network request. Browser-free apart from `fetch`, so the
 * same code runs in the offscreen document and in Node tests.
 */

export interface ModelCache {
  get(url: string): Promise<Uint8Array | undefined>;
  put(url: string, bytes: Uint8Array): Promise<void>;
  delete(url: string): Promise<void>;
}

export interface FileProgress {
  url: string;
  loaded: number;
  total: number;
  fromCache: boolean;
}

export class DownloadError extends Error {
  constructor(
    readonly url: string,
    message: string,
    /** The host's HTTP status, when it answered with an error. */
    readonly status?: number,
  ) {
    super(message);
    this.name = 'DownloadError';
  }
}

export interface FetchOptions {
  cache: ModelCache;
  onProgress?: (progress: FileProgress) => void;
  signal?: AbortSignal;
  /** Bytes the registry expects; a download of another size is refused (cut or wrong file). */
  expectedBytes?: number;
  /** Gives up when no byte arrives for this long (a host that hangs must not hold the user, or keep Firefox's event page awake, for ever). */
  stallMs?: number;
  fetchImpl?: typeof fetch;
}

export const DEFAULT_STALL_MS = 60_000;

function fileName(url: string): string {
  return url.slice(url.lastIndexOf('/') + 1);
}

export async function fetchModelFile(url: string, options: FetchOptions): Promise<{ bytes: Uint8Array; fromCache: boolean }> {
  const cached = await options.cache.get(url);
  if (cached) {
    options.onProgress?.({ url, loaded: cached.length, total: cached.length, fromCache: true });
    return { bytes: cached, fromCache: true };
  }
  // One controller for the caller's cancel and our stall watchdog; the watchdog restarts with every byte.
  const stallMs = options.stallMs ?? DEFAULT_STALL_MS;
  const controller = new AbortController();
  const cancel = () => controller.abort(options.signal?.reason);
  options.signal?.addEventListener('abort', cancel, { once: true });
  let stalled = false;
  let watchdog: ReturnType<typeof setTimeout> | undefined;
  const alive = () => {
    clearTimeout(watchdog);
    watchdog = setTimeout(() => {
      stalled = true;
      controller.abort();
    }, stallMs);
  };
  const stalledError = (loaded: number) =>
    new DownloadError(url, `The model host sent nothing for ${Math.round(stallMs / 1000)} s while downloading ${fileName(url)} (${loaded} bytes so far); try again`);

  let loaded = 0;
  const chunks: Uint8Array[] = [];
  let header = 0;
  let total = 0;
  try {
    alive();
    let response: Response;
    try {
      const get = () => (options.fetchImpl ?? fetch)(url, { signal: controller.signal, cache: 'no-store' });
      // One more try when no response came at all: a pooled connection the host had already
      // closed fails at once (seen in Node while WASM work kept the event loop from noticing).
      response = await get().catch((error: unknown) => {
        if (stalled || options.signal?.aborted) throw error;
        return get();
      });
    } catch (error) {
      if (stalled) throw stalledError(0);
      if (options.signal?.aborted) throw error;
      throw new DownloadError(url, `Could not reach the model host for ${fileName(url)}: ${error instanceof Error ? error.message : String(error)}`);
    }
    if (!response.ok) {
      throw new DownloadError(url, `The model host answered ${response.status} ${response.statusText} for ${fileName(url)}`, response.status);
    }
    header = Number(response.headers.get('content-length'));
    total = Number.isFinite(header) && header > 0 ? header : (options.expectedBytes ?? 0);
    const body = response.body;
    if (!body) throw new DownloadError(url, `Empty response for ${fileName(url)}`);
    const reader = body.getReader();
    try {
      for (;;) {
        alive();
        const { done, value } = await reader.read();
        if (done) break;
        chunks.push(value);
        loaded += value.length;
        options.onProgress?.({ url, loaded, total: Math.max(total, loaded), fromCache: false });
      }
    } catch (error) {
      if (stalled) throw stalledError(loaded);
      if (options.signal?.aborted) throw error;
      throw new DownloadError(url, `The download of ${fileName(url)} broke off after ${loaded} of ${total || '?'} bytes; try again`);
    }
  } finally {
    clearTimeout(watchdog);
    options.signal?.removeEventListener('abort', cancel);
  }
  if (header > 0 && loaded !== header) {
    throw new DownloadError(url, `The download of ${fileName(url)} was cut short: ${loaded} of ${header} bytes`);
  }
  if (options.expectedBytes !== undefined && loaded !== options.expectedBytes) {
    throw new DownloadError(url, `${fileName(url)} has ${loaded} bytes, the registry expects ${options.expectedBytes}`);
  }
  const bytes = new Uint8Array(loaded);
  let offset = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, offset);
    offset += chunk.length;
  }
  await options.cache.put(url, bytes);
  return { bytes, fromCache: false };
}

/** A cache in memory, for tests and as the fallback where no persistent cache exists. */
export function memoryCache(): ModelCache & { urls(): string[] } {
  const store = new Map<string, Uint8Array>();
  return {
    get: async (url) => store.get(url),
    put: async (url, bytes) => void store.set(url, bytes),
    delete: async (url) => void store.delete(url),
    urls: () => [...store.keys()],
  };
}
