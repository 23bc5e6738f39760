/** The side panel's runtime state: the inference backend, model loading and downloads. */
import { onEvent, send } from '@/utils/messaging';
import type { RuntimeInfo } from '@/utils/protocol';
import type { ModelName } from '@/models/registry';

export type ModelStatus = 'idle' | 'loading' | 'ready' | 'error';

export class RuntimeState {
  runtime = $state<RuntimeInfo | undefined>();
  runtimeError = $state<string | undefined>();
  /** Per model; absent means not asked for yet. */
  status = $state<Partial<Record<ModelName, ModelStatus>>>({});
  errors = $state<Partial<Record<ModelName, string>>>({});
  /** Bytes per model file while downloading. */
  progress = $state<Record<string, { loaded: number; total: number; fromCache: boolean }>>({});

  readonly downloads = $derived(Object.entries(this.progress).filter(([, p]) => !p.fromCache && p.loaded < p.total));

  start(signal: AbortSignal): void {
    const offProgress = onEvent('model.progress', (p) => {
      this.progress[`${p.model}/${p.file}`] = { loaded: p.loaded, total: p.total, fromCache: p.fromCache };
    });
    const offBackend = onEvent('runtime.backend', (info) => (this.runtime = info));
    signal.addEventListener('abort', () => {
      offProgress();
      offBackend();
    });
    send('runtime.info', {}).then(
      (info) => (this.runtime = info),
      (error: unknown) => (this.runtimeError = error instanceof Error ? error.message : String(error)),
    );
  }

  async loadModel(name: ModelName): Promise<void> {
    this.status[name] = 'loading';
    delete this.errors[name];
    try {
      await send('models.load', { model: name });
      this.status[name] = 'ready';
    } catch (error) {
      this.status[name] = 'error';
      this.errors[name] = error instanceof Error ? error.message : String(error);
    }
  }
}
