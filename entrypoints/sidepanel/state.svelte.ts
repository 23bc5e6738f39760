/** The side panel's state: runtime backend, model downloads, and their errors. */
import { onEvent, send } from '@/utils/messaging';
import type { RuntimeInfo } from '@/utils/protocol';
import type { ModelName } from '@/models/registry';
import { maskedCrop } from './crop';
import { getMask, getRecord, getSession, listSessions, type EditSession } from '@/utils/session-store';

export type ModelStatus = 'idle' | 'loading' | 'ready' | 'error';

export class PanelState {
  runtime = $state<RuntimeInfo | undefined>();
  runtimeError = $state<string | undefined>();
  status = $state<Record<ModelName, ModelStatus>>({ sam: 'idle', clip: 'idle', migan: 'idle', lama: 'idle' });
  errors = $state<Partial<Record<ModelName, string>>>({});
  /** Bytes per model file while downloading. */
  progress = $state<Record<string, { loaded: number; total: number; fromCache: boolean }>>({});

  /** The image being fixed, its pixels and mask, and earlier sessions. */
  session = $state<EditSession | undefined>();
  image = $state<Blob | undefined>();
  mask = $state<Uint8Array | undefined>();
  /** The masked region as a JPEG data URL, for LLMs that see images (sent only when opted in). */
  crop = $state<string | undefined>();
  sessions = $state<EditSession[]>([]);
  sessionError = $state<string | undefined>();

  private openSeq = 0;

  async openSession(id: string): Promise<void> {
    // The latest request wins: a slow earlier load must not overwrite a newer session or mask.
    const seq = ++this.openSeq;
    try {
      const session = await getSession(id);
      if (!session) throw new Error('This session was deleted');
      const [image, mask] = await Promise.all([getRecord(session.image), session.mask ? getMask(session.mask) : undefined]);
      if (seq !== this.openSeq) return;
      this.session = session;
      this.image = image.blob;
      this.mask = mask?.data;
      this.crop = undefined;
      // The crop is for the LLM step: made after the mask is on screen, never delaying it.
      if (mask) {
        void maskedCrop(image.blob, mask).then(
          (crop) => seq === this.openSeq && (this.crop = crop),
          () => undefined,
        );
      }
      this.sessions = await listSessions();
      this.sessionError = undefined;
    } catch (error) {
      this.sessionError = error instanceof Error ? error.message : String(error);
    }
  }

  start(signal: AbortSignal): void {
    const offSession = onEvent('session.opened', ({ sessionId }) => void this.openSession(sessionId));
    signal.addEventListener('abort', offSession);
    // Reopening the panel (or the browser) picks up where the user left off.
    const seqAtStart = this.openSeq;
    void listSessions().then((sessions) => {
      this.sessions = sessions;
      if (sessions[0] && this.openSeq === seqAtStart) void this.openSession(sessions[0].id);
    });
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
