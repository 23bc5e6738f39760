/**
 * The one place transformers.js is set up, for every model it runs (the "this device" LLM, the
 * autopilot's text-prompted detector). Browser-free: the offscreen document (Firefox: the event
 * page) and Node tests share it.
 *
 * One ONNX Runtime: transformers.js takes a caller's instance from
 * `globalThis[Symbol.for('onnxruntime')]` when it is set before the library is first imported, so
 * it runs on the same `onnxruntime-web` build (and WASM files) as SAM, CLIP and MI-GAN. It then
 * knows no devices of its own, so sessions get their execution provider explicitly.
 *
 * One model cache: transformers.js's own caches are off and its `fetch` goes through our loader
 * (the model host from the settings, the Cache API store the options page shows and clears,
 * size checks so a cut download is never cached, progress, the stall watchdog).
 */
import * as ort from 'onnxruntime-web';
import { DownloadError, fetchModelFile, fileProblem, type ExpectedFile, type FileProgress, type ModelCache } from './loader';

export type Transformers = typeof import('@huggingface/transformers');

export interface TransformersSource {
  /** Model host: `{host}/{repo}/resolve/{revision}/{file}`. */
  host: string;
  cache: ModelCache;
  onProgress?: (progress: FileProgress) => void;
  /** The commit a branch-tracking repo was pinned to (models/revision.ts): every file of it is read from there. */
  pin?: { repo: string; revision: string; commit: string };
  /** What the file at a URL must be (the registry's exact size), checked before it is cached. */
  expected?: (url: string) => ExpectedFile | undefined;
}

// transformers.js's pipeline loads some configs at `main` whatever revision it is given, so the
// pins are applied to the URLs themselves. Kept for every load: `env` is global (see transformersFor).
const pins = new Map<string, string>();

/** `url` with a pinned repo's branch replaced by its commit. */
function pinnedUrl(url: string): string {
  for (const [from, to] of pins) if (url.includes(from)) return url.replace(from, to);
  return url;
}

let library: Promise<Transformers> | undefined;

/** Imports transformers.js once, after handing it our ONNX Runtime, and points it at our loader. */
function transformers(): Promise<Transformers> {
  library ??= (async () => {
    Reflect.set(globalThis, Symbol.for('onnxruntime'), ort);
    // On import it points an unset wasmPaths at a CDN (and turns the proxy off): the runtime's
    // configuration stays ours (entrypoints/offscreen/runtime.ts; Node: the package's own files).
    const { wasmPaths, proxy } = ort.env.wasm;
    const lib = await import('@huggingface/transformers');
    ort.env.wasm.wasmPaths = wasmPaths;
    ort.env.wasm.proxy = proxy;
    const { env } = lib;
    env.allowLocalModels = false;
    env.useBrowserCache = false;
    env.useFSCache = false;
    // Our model cache stands in for its own (Node's transformers.js reads files back from a cache).
    env.useCustomCache = true;
    // ONNX Runtime's WASM is already configured (entrypoints/offscreen/runtime.ts); no second copy in a cache.
    env.useWasmCache = false;
    return lib;
  })();
  return library;
}

function parseJson(bytes: Uint8Array): void {
  try {
    JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes));
  } catch {
    throw new Error('it is not valid JSON');
  }
}

/** What a file must pass before it is cached or used from the cache: a config must parse; weights have the registry's size. */
function checksFor(source: TransformersSource, url: string): { validate?: (bytes: Uint8Array) => void; expected?: ExpectedFile } {
  const expected = source.expected?.(url);
  return { ...(new URL(url).pathname.endsWith('.json') ? { validate: parseJson } : {}), ...(expected ? { expected } : {}) };
}

/** Serves transformers.js's requests for one load: whole files through our cache, a missing optional file as 404. */
function loaderFetch(source: TransformersSource): typeof fetch {
  return async (input) => {
    const url = pinnedUrl(input instanceof Request ? input.url : String(input));
    try {
      const { bytes } = await fetchModelFile(url, { cache: source.cache, ...checksFor(source, url), ...(source.onProgress ? { onProgress: source.onProgress } : {}) });
      return new Response(bytes as Uint8Array<ArrayBuffer>, { status: 200, headers: { 'content-length': String(bytes.length) } });
    } catch (error) {
      // transformers.js probes optional files (e.g. a generation config) and expects their 404.
      if (error instanceof DownloadError && error.status === 404) return new Response(null, { status: 404 });
      throw error;
    }
  };
}

/** Our cache as the slice of the Cache API transformers.js uses; keys are the files' URLs on the model host. */
function cacheView(source: TransformersSource) {
  return {
    // A cached copy passes the same checks as a download, or is evicted (transformers.js then fetches it anew).
    async match(key: string): Promise<Response | undefined> {
      if (!URL.canParse(key)) return undefined;
      const url = pinnedUrl(key);
      const bytes = await source.cache.get(url);
      if (!bytes) return undefined;
      if ((await fileProblem(bytes, checksFor(source, url))) !== undefined) {
        await source.cache.delete(url);
        return undefined;
      }
      return new Response(bytes as Uint8Array<ArrayBuffer>, { status: 200, headers: { 'content-length': String(bytes.length) } });
    },
    // loaderFetch has stored the file (after its size checks) before transformers.js offers it here.
    async put(): Promise<void> {},
  };
}

/**
 * transformers.js, pointed at this load's model host, cache and progress. Its `env` is global: the
 * last load's source wins, which is right while one model host serves them all (a load started
 * meanwhile reports its progress to the newer callback).
 */
export async function transformersFor(source: TransformersSource): Promise<Transformers> {
  const lib = await transformers();
  if (source.pin) pins.set(`/${source.pin.repo}/resolve/${source.pin.revision}/`, `/${source.pin.repo}/resolve/${source.pin.commit}/`);
  const { env } = lib;
  env.remoteHost = `${source.host.replace(/\/+$/, '')}/`;
  env.remotePathTemplate = '{model}/resolve/{revision}/';
  env.fetch = loaderFetch(source);
  env.customCache = cacheView(source);
  return lib;
}

