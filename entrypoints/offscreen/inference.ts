/**
 * Owns the loaded models and SAM embeddings of the offscreen document: loads on first use (with
 * progress events), reuses sessions, steps a model down (fp16 → fp32 → WASM) when a run fails or
 * overflows (models/fallback.ts), and releases them after an idle period to free GPU memory.
 */
import { emit, send } from '@/utils/messaging';
import type { RuntimeInfo } from '@/utils/protocol';
import { cacheStorageModelCache } from '@/models/cache';
import { runWithFallback, type Candidate } from '@/models/fallback';
import { loadModel, releaseModel, type LoadedModel } from '@/models/hub';
import type { ModelName } from '@/models/registry';
import { bufferLimit, diffusionPlacement } from '@/models/sd/device';
import { variantOfModel } from '@/models/sd/variants';
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

  /** Where each loaded model runs (filled in as models load or step down). */
  private placements: NonNullable<RuntimeInfo['models']> = {};

  /** The device, and where this worker's loaded models run. */
  async runtimeInfo(): Promise<RuntimeInfo> {
    return { ...(await this.device()), models: { ...this.placements } };
  }

  private device(): Promise<RuntimeInfo> {
    this.info ??= send('settings.runtime', {}).then(async (settings) => {
      const info = await detectBackend(settings.device);
      emit('runtime.backend', info);
      return info;
    });
    return this.info;
  }

  /**
   * Runs `work` on the model; when it fails or overflows on the fp16 path (or a WebGPU run fails),
   * the model is loaded at the next candidate and `work` runs there (models/fallback.ts).
   */
  async run<N extends ModelName, T>(name: N, work: (model: LoadedModel<N>) => Promise<T>): Promise<T> {
    const model = await this.model(name);
    return runWithFallback(model, work, {
      reload: (candidate) => this.replace(name, model, candidate),
      onFallback: (replacement, reason) => {
        replacement.fallbackReason = reason;
        this.placed(replacement);
      },
    });
  }

  /** Loads `name` at `candidate` in place of `failed`, which is released. */
  private async replace<N extends ModelName>(name: N, failed: LoadedModel<N>, candidate: Candidate): Promise<LoadedModel<N>> {
    const loading = this.load(name, candidate);
    this.models.set(name, loading);
    loading.catch(() => this.models.delete(name));
    const replacement = await loading;
    await releaseModel(failed).catch(() => undefined);
    return replacement;
  }

  private placed(model: LoadedModel): void {
    this.placements[model.name] = { backend: model.backend, precision: model.precision, ...(model.fallbackReason ? { fallbackReason: model.fallbackReason } : {}) };
    if (model.fallbackReason) void this.runtimeInfo().then((info) => emit('runtime.backend', { ...info, backend: model.backend, fallbackReason: `${model.name}: ${model.fallbackReason}` }));
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

  private async load<N extends ModelName>(name: N, candidate?: Candidate): Promise<LoadedModel<N>> {
    const [settings, info] = await Promise.all([send('settings.runtime', {}), this.device()]);
    // fp16First: the e2e build's way onto the fp16 path on an adapter without shader-f16.
    const shaderF16 = info.shaderF16 || settings.fp16First === true;
    // A diffusion model goes where the side panel said it would before the download (models/sd/device.ts).
    const diffusion = variantOfModel(name);
    const placement = diffusion && !candidate ? diffusionPlacement(diffusion, { ...info, shaderF16 }) : undefined;
    const model = await loadModel(name, {
      host: settings.modelHost,
      backend: candidate?.backend ?? placement?.backend ?? info.backend,
      shaderF16,
      ...(candidate ? { dtypes: candidate.dtypes } : {}),
      cache: this.cache,
      onProgress: (p) => emit('model.progress', p),
    });
    if (placement?.reason && !model.fallbackReason) model.fallbackReason = placement.reason;
    if (diffusion && model.backend === 'webgpu') model.bufferLimit = bufferLimit(info);
    this.placed(model);
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

  /** Frees every model and embedding (after the idle period, never while a job holds them). */
  private async release(): Promise<void> {
    const loaded = [...this.models.values()];
    this.models.clear();
    this.placements = {};
    for (const embedding of this.embeddings.values()) disposeEmbedding(embedding);
    this.embeddings.clear();
    for (const loading of loaded) {
      const model = await loading.catch(() => undefined);
      if (model) await releaseModel(model);
    }
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
