/**
 * Owns the loaded models and SAM embeddings of the offscreen document: loads on first use (with
 * progress events), reuses sessions, and releases them after an idle period to free GPU memory.
 */
import { emit, send } from '@/utils/messaging';
import type { RuntimeInfo } from '@/utils/protocol';
import { cacheStorageModelCache } from '@/models/cache';
import { loadModel, releaseModel, type LoadedModel } from '@/models/hub';
import type { ModelName } from '@/models/registry';
import { disposeEmbedding, type SamEmbedding } from '@/models/sam/runner';
import { detectBackend } from './runtime';

const MAX_EMBEDDINGS = 4;

export class Inference {
  private info: Promise<RuntimeInfo> | undefined;
  private models = new Map<ModelName, Promise<LoadedModel>>();
  private embeddings = new Map<string, SamEmbedding>();
  private idleTimer: ReturnType<typeof setTimeout> | undefined;
  /** Running jobs: while any holds, the idle release waits. */
  private holds = 0;
  private cache = cacheStorageModelCache();

  runtimeInfo(): Promise<RuntimeInfo> {
    this.info ??= send('settings.runtime', {}).then(async (settings) => {
      const info = await detectBackend(settings.device);
      emit('runtime.backend', info);
      return info;
    });
    return this.info;
  }

  model<N extends ModelName>(name: N): Promise<LoadedModel<N>> {
    this.touch();
    let loading = this.models.get(name);
    if (!loading) {
      loading = this.load(name);
      this.models.set(name, loading);
      // A failed load is not cached: the next request tries again (e.g. after a cut download).
      loading.catch(() => this.models.delete(name));
    }
    return loading as Promise<LoadedModel<N>>;
  }

  private async load<N extends ModelName>(name: N): Promise<LoadedModel<N>> {
    const [settings, info] = await Promise.all([send('settings.runtime', {}), this.runtimeInfo()]);
    const model = await loadModel(name, {
      host: settings.modelHost,
      backend: info.backend,
      shaderF16: info.shaderF16,
      cache: this.cache,
      onProgress: (p) => emit('model.progress', p),
    });
    if (model.fallbackReason) emit('runtime.backend', { ...info, backend: model.backend, fallbackReason: model.fallbackReason });
    return model;
  }

  storeEmbedding(embedding: SamEmbedding): string {
    const id = crypto.randomUUID();
    this.embeddings.set(id, embedding);
    for (const [oldId, old] of this.embeddings) {
      if (this.embeddings.size <= MAX_EMBEDDINGS) break;
      disposeEmbedding(old);
      this.embeddings.delete(oldId);
    }
    return id;
  }

  embedding(id: string): SamEmbedding {
    const embedding = this.embeddings.get(id);
    if (!embedding) throw new Error('This image embedding has expired; encode the image again');
    return embedding;
  }

  async release(): Promise<number> {
    // A released session never answers a pending run: a job would hang.
    if (this.holds > 0) throw new Error('An inpainting job is running: the models are released after it ends');
    const loaded = [...this.models.values()];
    this.models.clear();
    for (const embedding of this.embeddings.values()) disposeEmbedding(embedding);
    this.embeddings.clear();
    let released = 0;
    for (const loading of loaded) {
      const model = await loading.catch(() => undefined);
      if (model) {
        await releaseModel(model);
        released++;
      }
    }
    return released;
  }

  /** Forgets one model and releases what is left of it (a diffusion job that released its encoders): the next use loads it again, from the cache. */
  async discard(name: ModelName): Promise<void> {
    const loading = this.models.get(name);
    this.models.delete(name);
    const model = await loading?.catch(() => undefined);
    if (model) await releaseModel(model);
  }

  /** Keeps the models loaded until the returned function is called (a job's whole run). */
  hold(): () => void {
    this.holds++;
    clearTimeout(this.idleTimer);
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.holds--;
      this.touch();
    };
  }

  private touch(): void {
    clearTimeout(this.idleTimer);
    void send('settings.runtime', {})
      .then(({ idleSeconds }) => {
        clearTimeout(this.idleTimer);
        if (this.holds > 0) return; // the last hold's release starts the idle period
        this.idleTimer = setTimeout(() => {
          if (this.holds === 0) void this.release();
        }, idleSeconds * 1000);
      })
      .catch(() => undefined);
  }
}
