/**
 * The offscreen document's "this device" LLM (Firefox: the event page's): loaded on first use
 * (WebGPU, else WASM), one generation at a time, streamed as `refine.delta` events, cancellable by
 * request id. The background's refine.run drives it; the model itself is models/llm/local-llm.ts.
 */
import { emit, send } from '@/utils/messaging';
import type { RequestOf, ResponseOf, RuntimeInfo } from '@/utils/protocol';
import { cacheStorageModelCache } from '@/models/cache';
import { loadLocalLlm, type LocalLlm, type LocalLlmOptions } from '@/models/llm/local-llm';
import { LOCAL_LLM } from '@/models/registry';

export class LocalLlmHost {
  private llm: Promise<LocalLlm> | undefined;
  private running = new Map<string, AbortController>();
  private idleTimer: ReturnType<typeof setTimeout> | undefined;

  constructor(private readonly runtimeInfo: () => Promise<RuntimeInfo>) {}

  private load(): Promise<LocalLlm> {
    if (!this.llm) {
      const loading = (async () => {
        const [settings, info] = await Promise.all([send('settings.runtime', {}), this.runtimeInfo()]);
        const options: LocalLlmOptions = {
          host: settings.modelHost,
          backend: info.backend,
          shaderF16: info.shaderF16,
          cache: cacheStorageModelCache(),
          onProgress: (p) => emit('model.progress', { model: 'llm', file: p.url.slice(p.url.indexOf('/resolve/') + 1), loaded: p.loaded, total: p.total, fromCache: p.fromCache }),
        };
        if (options.backend === 'wasm') return loadLocalLlm(options);
        // As for the other models: what WebGPU cannot run, WASM does.
        return loadLocalLlm(options).catch(() => loadLocalLlm({ ...options, backend: 'wasm' }));
      })();
      // A failed load is not kept: the next refinement tries again (e.g. after a cut download).
      loading.catch(() => (this.llm = undefined));
      this.llm = loading;
    }
    return this.llm;
  }

  async generate({ requestId, attempt, messages }: RequestOf<'llm.local.generate'>): Promise<ResponseOf<'llm.local.generate'>> {
    if (this.running.has(requestId)) throw new Error(`llm.local.generate: ${requestId} is already running`);
    const controller = new AbortController();
    this.running.set(requestId, controller);
    clearTimeout(this.idleTimer);
    try {
      const llm = await this.load();
      const result = await llm.generate(messages, { signal: controller.signal, onText: (text) => emit('refine.delta', { requestId, attempt, text }) });
      return { ...result, model: LOCAL_LLM.label, backend: llm.backend, dtype: llm.dtype };
    } finally {
      this.running.delete(requestId);
      this.releaseWhenIdle();
    }
  }

  /** Like the other models, the LLM (hundreds of MB) is freed after the idle time in the settings. */
  private releaseWhenIdle(): void {
    void send('settings.runtime', {})
      .then(({ idleSeconds }) => {
        clearTimeout(this.idleTimer);
        if (this.running.size > 0) return;
        this.idleTimer = setTimeout(() => {
          if (this.running.size === 0) void this.release();
        }, idleSeconds * 1000);
      })
      .catch(() => undefined);
  }

  cancel(requestId: string): boolean {
    const controller = this.running.get(requestId);
    controller?.abort();
    return controller !== undefined;
  }

  /** Frees the model after the idle period; the next refinement loads it again. */
  private async release(): Promise<void> {
    clearTimeout(this.idleTimer);
    const loading = this.llm;
    this.llm = undefined;
    const llm = await loading?.catch(() => undefined);
    await llm?.release();
  }
}
