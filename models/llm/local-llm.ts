/**
 * The "this device" LLM: a small instruct model run by transformers.js (tokenizer, chat template,
 * generation with a KV cache, streaming) on the extension's own ONNX Runtime. Browser-free: the
 * offscreen document (Firefox: the event page) and Node tests share it.
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
import type { Backend } from '../hub';
import { DownloadError, fetchModelFile, type FileProgress, type ModelCache } from '../loader';
import { LLM_DTYPE_SUFFIX, LOCAL_LLM, llmDtype } from '../registry';

type Transformers = typeof import('@huggingface/transformers');

export interface LocalLlmOptions {
  /** Model host: `{host}/{repo}/resolve/{revision}/{file}`. */
  host: string;
  backend: Backend;
  shaderF16: boolean;
  cache: ModelCache;
  onProgress?: (progress: FileProgress) => void;
}

export interface ChatTurn {
  role: 'system' | 'user' | 'assistant';
  content: string;
}

export interface GenerateOptions {
  signal?: AbortSignal;
  /** Each piece of text as soon as it forms whole words. */
  onText?: (text: string) => void;
  maxNewTokens?: number;
}

export interface Generation {
  text: string;
  /** New tokens generated (the end token included). */
  tokens: number;
  /** From the first call into the model to the last token. */
  ms: number;
  cancelled: boolean;
}

export interface LocalLlm {
  readonly backend: Backend;
  readonly dtype: string;
  generate(messages: readonly ChatTurn[], options?: GenerateOptions): Promise<Generation>;
  release(): Promise<void>;
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

/** Serves transformers.js's requests for one load: whole files through our cache, a missing optional file as 404. */
function loaderFetch(options: LocalLlmOptions): typeof fetch {
  return async (input) => {
    const url = input instanceof Request ? input.url : String(input);
    try {
      const { bytes } = await fetchModelFile(url, { cache: options.cache, ...(options.onProgress ? { onProgress: options.onProgress } : {}) });
      return new Response(bytes as Uint8Array<ArrayBuffer>, { status: 200, headers: { 'content-length': String(bytes.length) } });
    } catch (error) {
      // transformers.js probes optional files (e.g. a generation config) and expects their 404.
      if (error instanceof DownloadError && error.status === 404) return new Response(null, { status: 404 });
      throw error;
    }
  };
}

/** Our cache as the slice of the Cache API transformers.js uses; keys are the files' URLs on the model host. */
function cacheView(cache: ModelCache) {
  return {
    async match(key: string): Promise<Response | undefined> {
      const bytes = URL.canParse(key) ? await cache.get(key) : undefined;
      return bytes && new Response(bytes as Uint8Array<ArrayBuffer>, { status: 200, headers: { 'content-length': String(bytes.length) } });
    },
    // loaderFetch has stored the file (after its size checks) before transformers.js offers it here.
    async put(): Promise<void> {},
  };
}

export async function loadLocalLlm(options: LocalLlmOptions): Promise<LocalLlm> {
  const lib = await transformers();
  const { env } = lib;
  env.remoteHost = `${options.host.replace(/\/+$/, '')}/`;
  env.remotePathTemplate = '{model}/resolve/{revision}/';
  env.fetch = loaderFetch(options);
  env.customCache = cacheView(options.cache);
  const dtype = llmDtype(options.backend, options.shaderF16);
  const { repo, revision } = LOCAL_LLM;
  const tokenizer = await lib.AutoTokenizer.from_pretrained(repo, { revision });
  const config = await lib.AutoConfig.from_pretrained(repo, { revision });
  const layers = Number(Reflect.get(config, 'num_hidden_layers')) || 0;
  // On WebGPU the KV cache stays on the GPU between steps (what transformers.js does for its own devices).
  const preferredOutputLocation: Record<string, 'gpu-buffer'> = {};
  if (options.backend === 'webgpu') {
    for (let i = 0; i < layers; i++) {
      preferredOutputLocation[`present.${i}.key`] = 'gpu-buffer';
      preferredOutputLocation[`present.${i}.value`] = 'gpu-buffer';
    }
  }
  const weights = `${env.remoteHost}${repo}/resolve/${encodeURIComponent(revision)}/onnx/model${LLM_DTYPE_SUFFIX[dtype]}.onnx`;
  let model: Awaited<ReturnType<typeof lib.AutoModelForCausalLM.from_pretrained>>;
  try {
    model = await lib.AutoModelForCausalLM.from_pretrained(repo, {
      revision,
      config,
      dtype,
      // 'auto' leaves the choice to session_options: with our runtime handed over, transformers.js lists no devices.
      device: 'auto',
      session_options: { executionProviders: [options.backend], logSeverityLevel: 3, preferredOutputLocation },
    });
  } catch (error) {
    // A file ONNX Runtime cannot parse is damaged (e.g. a host that lied about its size): never keep it.
    await options.cache.delete(weights);
    throw new Error(`${LOCAL_LLM.label} could not be loaded (${error instanceof Error ? error.message : String(error)}); its weights were removed from the cache, so the next try downloads them again`);
  }

  // Generation calls never overlap: the model holds one KV cache at a time.
  let queue: Promise<unknown> = Promise.resolve();

  async function run(messages: readonly ChatTurn[], gen: GenerateOptions): Promise<Generation> {
    const inputs = tokenizer.apply_chat_template(messages.map((m) => ({ role: m.role, content: m.content })), {
      add_generation_prompt: true,
      return_dict: true,
    });
    const stop = new lib.InterruptableStoppingCriteria();
    const onAbort = () => stop.interrupt();
    if (gen.signal?.aborted) onAbort();
    gen.signal?.addEventListener('abort', onAbort, { once: true });
    let text = '';
    let tokens = 0;
    const streamer = new lib.TextStreamer(tokenizer, {
      skip_prompt: true,
      skip_special_tokens: true,
      callback_function: (piece: string) => {
        text += piece;
        if (piece) gen.onText?.(piece);
      },
      token_callback_function: () => {
        tokens++;
      },
    });
    const start = performance.now();
    try {
      if (typeof inputs !== 'object' || inputs === null || !('input_ids' in inputs)) throw new Error('The chat template gave no input ids');
      await model.generate({
        ...inputs,
        max_new_tokens: gen.maxNewTokens ?? 512,
        do_sample: false,
        streamer,
        stopping_criteria: [stop],
      });
    } finally {
      gen.signal?.removeEventListener('abort', onAbort);
    }
    return { text, tokens, ms: performance.now() - start, cancelled: gen.signal?.aborted === true };
  }

  return {
    backend: options.backend,
    dtype,
    generate(messages, gen = {}) {
      const next = queue.then(() => run(messages, gen));
      queue = next.catch(() => undefined);
      return next;
    },
    async release() {
      await queue;
      await model.dispose();
    },
  };
}
