/**
 * The inference worker's link to the extension. A dedicated worker has no extension messaging API, so
 * its messaging goes through the page that owns it (worker-host.ts): requests the page accepted
 * arrive here with their sender, and the worker's own requests (settings) and events leave
 * through the page. Everything the page posts is validated. The page also says when a click's decode
 * is in flight (interaction.ts).
 */
import * as v from 'valibot';
import type { RuntimeLink } from '@/utils/messaging';
import { ToInferenceWorker, type FromInferenceWorker, type Reply } from '@/utils/protocol';
import { interaction } from './interaction';

type Listener = Parameters<RuntimeLink['onMessage']['addListener']>[0];

// `self` is the DedicatedWorkerGlobalScope; its postMessage and message events are typed as a window's.
const post = (message: FromInferenceWorker) => self.postMessage(message);

export function workerLink(): RuntimeLink {
  const listeners = new Set<Listener>();
  const answers = new Map<number, (raw: unknown) => void>();
  let nextId = 0;
  let runtimeId: string | undefined;

  self.addEventListener('message', (event) => {
    const parsed = v.safeParse(ToInferenceWorker, event.data);
    if (!parsed.success) return;
    const message = parsed.output;
    if (message.kind === 'init') runtimeId = message.runtimeId;
    else if (message.kind === 'interaction') interaction.set(message.busy);
    else if (message.kind === 'answer') {
      answers.get(message.id)?.(message.raw);
      answers.delete(message.id);
    } else {
      const respond = (reply: Reply) => post({ kind: 'reply', id: message.id, reply });
      for (const listener of listeners) if (listener(message.envelope, message.sender, respond)) return;
      respond({ ok: false, error: { code: 'no-receiver', message: `${message.envelope.type}: the inference worker does not serve it` } });
    }
  });

  return {
    sendMessage: (message) =>
      new Promise((resolve) => {
        const id = nextId++;
        answers.set(id, resolve);
        post({ kind: 'send', id, message });
      }),
    onMessage: { addListener: (listener) => void listeners.add(listener), removeListener: (listener) => void listeners.delete(listener) },
    self: () => ({ ...(runtimeId ? { id: runtimeId } : {}), url: location.href }),
    extensionOrigin: () => location.origin,
  };
}

/** Tells the page that the handlers are served. */
export const announceReady = (): void => post({ kind: 'ready' });
