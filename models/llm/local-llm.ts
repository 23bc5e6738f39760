/**
 * The "this device" LLM: a small instruct model run by transformers.js (tokenizer, chat template,
 * generation with a KV cache, streaming) on the extension's own ONNX Runtime and model cache
 * (models/transformers-env.ts). Browser-free: the offscreen document (Firefox: the event page) and
 * Node tests share it.
 */
import type { Backend } from '../hub';
import type { FileProgress, ModelCache } from '../loader';
import { transformersFor } from '../transformers-env';
import { LLM_DTYPE_SUFFIX, LOCAL_LLM, llmDtype, resolveUrl } from '../registry';
import { pinRevision } from '../revision';
import { ENFORCE_REGISTRY_SIZES } from '../expectations';

export interface LocalLlmOptions {
  /** Model host: `{host}/{repo}/resolve/{revision}/{file}`. */
  host: string;
  backend: Backend;
  shaderF16: boolean;
  cache: ModelCache;
  onProgress?: (progress: FileProgress) => void;
  /** Hold the weights to the registry's exact size (default: models/expectations.ts; off for hubs serving test models). */
  registrySizes?: boolean;
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

export async function loadLocalLlm(options: LocalLlmOptions): Promise<LocalLlm> {
  const { repo } = LOCAL_LLM;
  const revision = await pinRevision(repo, LOCAL_LLM.revision, { host: options.host, cache: options.cache });
  const dtype = llmDtype(options.backend, options.shaderF16);
  const weightsUrl = resolveUrl(options.host, repo, revision, `onnx/model${LLM_DTYPE_SUFFIX[dtype]}.onnx`);
  const exact = (options.registrySizes ?? ENFORCE_REGISTRY_SIZES) && !(LOCAL_LLM.approximate as readonly string[]).includes(dtype);
  const lib = await transformersFor({
    ...options,
    pin: { repo, revision: LOCAL_LLM.revision, commit: revision },
    expected: (url) => (exact && url === weightsUrl ? { bytes: LOCAL_LLM.bytes[dtype] } : undefined),
  });
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
    await options.cache.delete(weightsUrl);
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
