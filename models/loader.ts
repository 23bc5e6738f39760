/**
 * Downloads model files with progress, refuses short, damaged or wrong downloads before they are
 * cached, evicts damaged cached copies, and keeps good files in a cache so the second load makes
 * no network request. Browser-free apart from `fetch`, so the
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

/** What a file must be: the registry's exact size and SHA-256 where it has them. */
export interface ExpectedFile {
  bytes?: number;
  /** Lower-case hex. */
  sha256?: string;
}

export interface FetchOptions {
  cache: ModelCache;
  onProgress?: (progress: FileProgress) => void;
  signal?: AbortSignal;
  /** A download (or cached copy) of another size or hash is refused and never cached. */
  expected?: ExpectedFile;
  /** Checks the content (e.g. parses a JSON config) before it is cached; throws when it is damaged. */
  validate?: (bytes: Uint8Array) => void;
  /** Gives up when no byte arrives for this long (a host that hangs must not hold the user, or keep Firefox's event page awake, for ever). */
  stallMs?: number;
  fetchImpl?: typeof fetch;
}

export const DEFAULT_STALL_MS = 60_000;

function fileName(url: string): string {
  return url.slice(url.lastIndexOf('/') + 1);
}

/**
 * WebCrypto digests at most 2 GiB − 1 bytes in one call (Chromium and Node refuse more) and has no
 * incremental API; JavaScript SHA-256 runs at 100–200 MB/s here, ~20 s for an fp32 UNet's 3.4 GB
 * on every load. So a file past it is checked by its exact size (and `validate`) only.
 */
export const MAX_HASHED_BYTES = 2 ** 31 - 1;

async function sha256Hex(bytes: Uint8Array): Promise<string> {
  const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', bytes as Uint8Array<ArrayBuffer>));
  return Array.from(digest, (b) => b.toString(16).padStart(2, '0')).join('');
}

/** Why `bytes` is not the file the registry expects, or undefined when it is. */
export async function fileProblem(bytes: Uint8Array, options: Pick<FetchOptions, 'expected' | 'validate'>): Promise<string | undefined> {
  const { expected } = options;
  if (expected?.bytes !== undefined && bytes.length !== expected.bytes) return `it has ${bytes.length} bytes, the registry expects ${expected.bytes}`;
  if (expected?.sha256 !== undefined && bytes.length <= MAX_HASHED_BYTES) {
    const actual = await sha256Hex(bytes);
    if (actual !== expected.sha256.toLowerCase()) return `its SHA-256 is ${actual}, expected ${expected.sha256}`;
  }
  try {
    options.validate?.(bytes);
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  }
  return undefined;
}

/**
 * The file from the cache when it is intact, else from the host. A damaged cached copy (wrong
 * size or hash, or content that fails `validate`) is evicted and downloaded again; a download is
 * checked the same way before it is cached, so a damaged one is never kept.
 */
export async function fetchModelFile(url: string, options: FetchOptions): Promise<{ bytes: Uint8Array; fromCache: boolean }> {
  const cached = await options.cache.get(url);
  if (cached) {
    if ((await fileProblem(cached, options)) === undefined) {
      options.onProgress?.({ url, loaded: cached.length, total: cached.length, fromCache: true });
      return { bytes: cached, fromCache: true };
    }
    await options.cache.delete(url);
  }
  const { bytes, hostSha256 } = await download(url, options);
  const expected = { ...options.expected, ...(options.expected?.sha256 === undefined && hostSha256 ? { sha256: hostSha256 } : {}) };
  const problem = await fileProblem(bytes, { expected, validate: options.validate });
  if (problem !== undefined) throw new DownloadError(url, `The download of ${fileName(url)} is damaged: ${problem}; it was not cached, try again`);
  await options.cache.put(url, bytes);
  return { bytes, fromCache: false };
}

/** The Hub's ETag of a large (LFS) file is its SHA-256; other ETags say nothing about the bytes. */
function sha256FromEtag(etag: string | null): string | undefined {
  return /^"?([0-9a-f]{64})"?$/i.exec(etag ?? '')?.[1]?.toLowerCase();
}

async function download(url: string, options: FetchOptions): Promise<{ bytes: Uint8Array; hostSha256?: string }> {
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
  const into = new Receiver();
  let header = 0;
  let total = 0;
  let hostSha256: string | undefined;
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
    hostSha256 = sha256FromEtag(response.headers.get('etag'));
    header = Number(response.headers.get('content-length'));
    total = Number.isFinite(header) && header > 0 ? header : (options.expected?.bytes ?? 0);
    const body = response.body;
    if (!body) throw new DownloadError(url, `Empty response for ${fileName(url)}`);
    into.expect(total);
    const reader = body.getReader();
    try {
      for (;;) {
        alive();
        const { done, value } = await reader.read();
        if (done) break;
        into.add(value);
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
  return { bytes: into.bytes(), ...(hostSha256 ? { hostSha256 } : {}) };
}

/**
 * Collects a download's bytes. When the size is known (Content-Length, else the registry's) they
 * go straight into one buffer of that size, so a 1.7 GB UNet costs 1.7 GB, not the chunks plus
 * their copy; a body longer than announced, or of unknown size, falls back to chunks.
 */
export class Receiver {
  private buffer: Uint8Array | undefined;
  private chunks: Uint8Array[] = [];
  private length = 0;

  /** Preallocates `size` bytes (nothing when 0). */
  expect(size: number): void {
    if (size <= 0 || this.length > 0) return;
    try {
      this.buffer = new Uint8Array(size);
    } catch {
      // A size no ArrayBuffer can hold (or a host's bogus Content-Length): chunks, and the size check after.
    }
  }

  add(chunk: Uint8Array): void {
    if (this.buffer && this.length + chunk.length > this.buffer.length) {
      this.chunks = [this.buffer.subarray(0, this.length)];
      this.buffer = undefined;
    }
    if (this.buffer) this.buffer.set(chunk, this.length);
    else this.chunks.push(chunk);
    this.length += chunk.length;
  }

  /** Everything received, in one array (the preallocated buffer itself when it was filled). */
  bytes(): Uint8Array {
    if (this.buffer) return this.length === this.buffer.length ? this.buffer : this.buffer.subarray(0, this.length);
    const out = new Uint8Array(this.length);
    let offset = 0;
    for (const chunk of this.chunks) {
      out.set(chunk, offset);
      offset += chunk.length;
    }
    return out;
  }
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
