/**
 * Loads a registry entry from the model host: its JSON configs and one ONNX Runtime session per
 * weight file, on the chosen backend (WebGPU falls back to WASM per model, with the reason kept).
 * Browser-free: the offscreen document and Node tests share it.
 */
import * as ort from 'onnxruntime-web';
import { ENFORCE_REGISTRY_SIZES } from './expectations';
import { DownloadError, fetchModelFile, type ExpectedFile, type ModelCache } from './loader';
import { chooseDtype, expectedWeight, externalDataLocation, registry, resolveUrl, weightPath, type Dtype, type ModelFile, type ModelName, type RegistryEntry } from './registry';
import { pinRevision } from './revision';
import { asDeclared, NonFiniteOutputError, nonFiniteOutput } from './tensors';

export type Backend = 'webgpu' | 'wasm';

export interface LoadedFileInfo {
  path: string;
  bytes: number;
  fromCache: boolean;
}

export interface LoadedModel<N extends ModelName = ModelName> {
  name: N;
  backend: Backend;
  /** fp16 when any of its files is float16, else the dtype of its files (the fallback steps down from fp16). */
  precision: Dtype;
  /** Set when this model runs other than first chosen (WASM instead of WebGPU, fp32 instead of fp16), and why. */
  fallbackReason?: string;
  /** On WebGPU: the adapter's largest buffer for one activation (bytes), which caps a diffusion model's crop. */
  bufferLimit?: number;
  sessions: Record<keyof (typeof registry)[N]['files'], ort.InferenceSession>;
  configs: Record<string, unknown>;
  files: LoadedFileInfo[];
}

export interface HubOptions {
  host: string;
  backend: Backend;
  /** WebGPU adapter supports shader-f16: fp16 weights are usable. */
  shaderF16: boolean;
  cache: ModelCache;
  onProgress?: (progress: { model: ModelName; file: string; loaded: number; total: number; fromCache: boolean }) => void;
  signal?: AbortSignal;
  /** The dtypes to try, in order (default: dtypePreference); the run-time fallback narrows it (models/fallback.ts). */
  dtypes?: readonly Dtype[];
  /** Hold weights to the registry's exact sizes and hashes (default: models/expectations.ts; off for hubs serving test models). */
  registrySizes?: boolean;
}

/** A config file must be JSON: a damaged one is refused before it is cached, and evicted when found there. */
function parseJsonConfig(bytes: Uint8Array): unknown {
  try {
    return JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes));
  } catch {
    throw new Error('it is not valid JSON');
  }
}

/** Which dtype to try first on each backend: q8 is small and fast on WASM; WebGPU wants floats. */
export function dtypePreference(backend: Backend, shaderF16: boolean): Dtype[] {
  if (backend === 'wasm') return ['q8', 'fp32', 'fp16'];
  return shaderF16 ? ['fp16', 'fp32', 'q8'] : ['fp32', 'q8', 'fp16'];
}

// Session creation is serialised: ONNX Runtime initialises its WASM module on the first create,
// and concurrent first creates were seen to hang (Node, onnxruntime-web 1.30).
let creating: Promise<unknown> = Promise.resolve();

/**
 * The session options for a model of `task`. Diffusion models take the memory options of ONNX
 * Runtime Web's own SD-Turbo sample (microsoft/onnxruntime-inference-examples js/sd-turbo), which
 * runs these multi-GB fp16 files: the weights are used from the bytes handed over (no second copy,
 * no pre-packed copy) and no memory arena or pattern is kept between runs.
 */
export function sessionOptions(task: RegistryEntry['task'], backend: Backend): ort.InferenceSession.SessionOptions {
  const options: ort.InferenceSession.SessionOptions = { executionProviders: [backend], graphOptimizationLevel: 'all', logSeverityLevel: 3 };
  if (task !== 'inpaint-diffusion') return options;
  return {
    ...options,
    enableMemPattern: false,
    enableCpuMemArena: false,
    extra: {
      session: {
        disable_prepacking: '1',
        use_device_allocator_for_initializers: '1',
        use_ort_model_bytes_directly: '1',
        use_ort_model_bytes_for_initializers: '1',
      },
    },
  };
}

function createSession(bytes: Uint8Array, options: ort.InferenceSession.SessionOptions, externalData?: { path: string; data: Uint8Array }): Promise<ort.InferenceSession> {
  const withData = externalData ? { ...options, externalData: [externalData] } : options;
  const next = creating.then(() => ort.InferenceSession.create(bytes, withData));
  creating = next.catch(() => undefined);
  return next;
}

export function loadModel<N extends ModelName>(name: N, options: HubOptions): Promise<LoadedModel<N>> {
  return loadEntry(name, registry[name], options);
}

/**
 * Loads `entry` as model `name`: what loadModel does for a registry entry (exported so tests can
 * load entries the registry does not hold, e.g. one whose weights are external data).
 */
export async function loadEntry<N extends ModelName>(name: N, entry: RegistryEntry, options: HubOptions): Promise<LoadedModel<N>> {
  const files: LoadedFileInfo[] = [];
  // Branch-tracking repos are read from one commit: the one the host served on the first load here.
  const pins = { host: options.host, cache: options.cache, ...(options.signal ? { signal: options.signal } : {}) };
  const commits = new Map<string, string>();
  for (const { repo, revision } of [entry, ...Object.values(entry.files).flatMap((f) => (f.from ? [f.from] : []))]) {
    if (!commits.has(`${repo}@${revision}`)) commits.set(`${repo}@${revision}`, await pinRevision(repo, revision, pins));
  }
  const urlOf = (path: string, file?: ModelFile) => {
    const { repo, revision } = file?.from ?? entry;
    return resolveUrl(options.host, repo, commits.get(`${repo}@${revision}`) ?? revision, path);
  };
  const fetchFile = async (path: string, checks: { expected?: ExpectedFile; validate?: (bytes: Uint8Array) => void }, file?: ModelFile) => {
    const url = urlOf(path, file);
    const { bytes, fromCache } = await fetchModelFile(url, {
      ...checks,
      cache: options.cache,
      signal: options.signal,
      onProgress: (p) => options.onProgress?.({ model: name, file: path, loaded: p.loaded, total: p.total, fromCache: p.fromCache }),
    });
    files.push({ path, bytes: bytes.length, fromCache });
    return { bytes, fromCache };
  };

  const configs: Record<string, unknown> = {};
  for (const path of entry.configFiles) {
    if (!path.endsWith('.json')) {
      // e.g. a tokenizer's merges.txt: text, checked only by the download's size
      configs[path] = new TextDecoder().decode((await fetchFile(path, {})).bytes);
      continue;
    }
    configs[path] = parseJsonConfig((await fetchFile(path, { validate: parseJsonConfig })).bytes);
  }
  for (const path of entry.optionalConfigFiles ?? []) {
    try {
      configs[path] = parseJsonConfig((await fetchFile(path, { validate: parseJsonConfig })).bytes);
    } catch (error) {
      if (!(error instanceof DownloadError && error.status === 404)) throw error;
    }
  }
  const registrySizes = options.registrySizes ?? ENFORCE_REGISTRY_SIZES;

  let backend = options.backend;
  let fallbackReason: string | undefined;
  const sessions: Record<string, ort.InferenceSession> = {};
  const chosen: Dtype[] = [];
  for (const [key, file] of Object.entries(entry.files)) {
    const dtype = chooseDtype(file, [...(options.dtypes ?? dtypePreference(backend, options.shaderF16))]);
    chosen.push(dtype);
    const path = weightPath(file, dtype);
    const checks = { expected: registrySizes ? expectedWeight(file, dtype) : {} };
    const external = file.externalData?.[dtype];
    const externalChecks = { expected: registrySizes && !file.approximate?.includes(dtype) && external ? { bytes: external.bytes } : {} };
    let { bytes, fromCache } = await fetchFile(path, checks, file);
    let data = external ? await fetchFile(external.path, externalChecks, file) : undefined;
    const externalData = () => (external && data ? { path: externalDataLocation(path, external.path), data: data.bytes } : undefined);
    try {
      sessions[key] = await createSession(bytes, sessionOptions(entry.task, backend), externalData()).catch(async (error: unknown) => {
        // A file ONNX Runtime cannot parse is damaged: a cached one is evicted and downloaded once more.
        if (!(fromCache || data?.fromCache) || backend === 'webgpu') throw error;
        await options.cache.delete(urlOf(path, file));
        if (external) await options.cache.delete(urlOf(external.path, file));
        ({ bytes, fromCache } = await fetchFile(path, checks, file));
        if (external) data = await fetchFile(external.path, externalChecks, file);
        return createSession(bytes, sessionOptions(entry.task, backend), externalData());
      });
    } catch (error) {
      if (backend !== 'webgpu') {
        // Never keep a file that cannot be loaded, or every later load would fail the same way.
        await options.cache.delete(urlOf(path, file));
        if (external) await options.cache.delete(urlOf(external.path, file));
        throw new Error(`${path} of ${file.from?.repo ?? entry.repo} could not be loaded (${error instanceof Error ? error.message : String(error)}); it was removed from the cache, so the next try downloads it again`);
      }
      // One op the WebGPU provider cannot run is enough to need WASM for the whole model.
      fallbackReason = `WebGPU could not run ${entry.repo}: ${error instanceof Error ? error.message : String(error)}`;
      backend = 'wasm';
      for (const done of Object.values(sessions)) await done.release();
      return loadEntry(name, entry, { ...options, backend: 'wasm', dtypes: undefined }).then((m) => ({ ...m, fallbackReason }));
    }
    // Checked where an fp32 file can take over (Stable Diffusion ships fp16 only and checks its latents itself).
    if (dtype === 'fp16' && file.bytes.fp32 !== undefined) halfSessions.add(sessions[key]!);
  }
  const precision = chosen.includes('fp16') ? 'fp16' : (chosen[0] ?? 'fp32');
  return { name, backend, precision, fallbackReason, sessions: sessions as LoadedModel<N>['sessions'], configs, files };
}

export async function releaseModel(model: LoadedModel): Promise<void> {
  // A session released before (a diffusion job's encoders) refuses a second release: nothing to free.
  for (const session of Object.values<ort.InferenceSession>(model.sessions)) await session.release().catch(() => undefined);
}

/** Sessions made from float16 files: their outputs are checked for NaN and infinities. */
const halfSessions = new WeakSet<ort.InferenceSession>();

/** The run in progress per session: the next one waits for it (see timedRun). */
const running = new WeakMap<ort.InferenceSession, Promise<unknown>>();

/**
 * Runs a session and times the run alone. Runs of one session never overlap: ONNX Runtime Web
 * does not support concurrent `run` calls on a session, and on the WebGPU EP two of them (a
 * click's decode while a hover preview's is in flight) can leave both pending for ever.
 * A float16 session's NaN or infinite output throws NonFiniteOutputError (models/fallback.ts
 * then steps down to fp32).
 */
export async function timedRun(
  session: ort.InferenceSession,
  feeds: Record<string, ort.Tensor>,
): Promise<{ outputs: ort.InferenceSession.OnnxValueMapType; ms: number }> {
  const previous = running.get(session);
  const run = (async () => {
    await previous?.catch(() => undefined);
    const start = performance.now();
    const outputs = await session.run(feeds);
    const ms = performance.now() - start;
    const overflowed = halfSessions.has(session) ? nonFiniteOutput(outputs) : undefined;
    if (overflowed !== undefined) throw new NonFiniteOutputError(overflowed);
    return { outputs, ms };
  })();
  running.set(session, run);
  try {
    return await run;
  } finally {
    if (running.get(session) === run) running.delete(session);
  }
}

/**
 * Feeds only the inputs the session declares, each in the float type it declares (float32 data
 * becomes float16 for an fp16-I/O export): exports differ (e.g. CLIP text with or without attention_mask).
 */
export function declaredFeeds(session: ort.InferenceSession, available: Record<string, ort.Tensor>): Record<string, ort.Tensor> {
  const feeds: Record<string, ort.Tensor> = {};
  for (const name of session.inputNames) {
    const tensor = available[name];
    if (!tensor) throw new Error(`The model asks for an input named ${name}, which this runner does not provide`);
    feeds[name] = asDeclared(session, name, tensor);
  }
  return feeds;
}

export function outputTensor(outputs: ort.InferenceSession.OnnxValueMapType, name: string): ort.Tensor {
  const tensor = outputs[name];
  if (!tensor) throw new Error(`The model has no output named ${name}`);
  return tensor;
}
