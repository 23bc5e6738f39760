/**
 * The page side of the inference worker (the offscreen document; Firefox's event page): it starts
 * the worker and only routes. Requests it accepts (extension senders only) go to the worker with
 * their sender; the worker's own requests to the background and its events go out as this page's.
 * The worker dies with its page, and with it the loaded models and queued jobs.
 */
import { browser } from 'wxt/browser';
import * as v from 'valibot';
import { isFromThisExtension, relay, sendEnvelope } from '@/utils/messaging';
import { errorReply, FromInferenceWorker, ProtocolError, type Envelope, type EventEnvelope, type Reply, type ToInferenceWorker } from '@/utils/protocol';

export function hostInferenceWorker(): () => void {
  const worker = new Worker(new URL('./worker.ts', import.meta.url), { type: 'module', name: 'inference' });
  const post = (message: ToInferenceWorker) => worker.postMessage(message);
  const replies = new Map<number, (reply: Reply) => void>();
  let nextId = 0;

  let started: () => void = () => undefined;
  let failed: (error: Error) => void = () => undefined;
  const ready = new Promise<void>((resolve, reject) => {
    started = resolve;
    failed = reject;
  });
  ready.catch(() => undefined); // each request reports the failure

  worker.addEventListener('message', (event) => {
    const parsed = v.safeParse(FromInferenceWorker, event.data);
    if (!parsed.success) return;
    const message = parsed.output;
    if (message.kind === 'ready') started();
    else if (message.kind === 'reply') {
      replies.get(message.id)?.(message.reply);
      replies.delete(message.id);
    } else void sendForWorker(message.message).then((raw) => post({ kind: 'answer', id: message.id, raw }));
  });
  // Before `ready`, an error event means the worker could not load (afterwards its own console has it).
  worker.addEventListener('error', (event) => failed(new Error(`The inference worker failed to start: ${event.message || 'unknown error'}`)));
  post({ kind: 'init', runtimeId: browser.runtime.id });

  const stop = relay(
    'offscreen-doc',
    async (envelope, sender) => {
      await ready;
      return new Promise<Reply>((resolve) => {
        const id = nextId++;
        replies.set(id, resolve);
        post({ kind: 'request', id, envelope, sender: { ...(sender.id ? { id: sender.id } : {}), ...(sender.url ? { url: sender.url } : {}) } });
      });
    },
    { accept: (_type, sender) => isFromThisExtension(sender) },
  );
  return () => {
    stop();
    worker.terminate();
  };
}

/** The worker asks only the background (settings); its events go to every extension page. */
async function sendForWorker(message: Envelope | EventEnvelope): Promise<unknown> {
  if ('to' in message && message.to !== 'background') return errorReply(new ProtocolError('refused', `${message.type}: the inference worker only asks the background`));
  try {
    return await sendEnvelope(message);
  } catch (error) {
    return 'to' in message ? errorReply(error) : undefined;
  }
}
