/**
 * The page side of the inference workers (the offscreen document; Firefox's event page): it starts
 * them and only routes. Requests it accepts (extension pages; overlay frames with their claimed
 * nonce, see overlay-trust.ts) go to a worker with their
 * sender; a worker's own requests to the background and its events go out as this page's.
 *
 * Two workers run the same handlers (main.ts): one for SAM, the overlay's per-click path, and one
 * for everything else (jobs, fills, CLIP). A click's decode so never waits behind a job's
 * seconds-long model run: each worker runs one model call at a time. The workers die with their
 * page, and with them the loaded models and queued jobs. While a decode is in flight the general
 * worker hears so, and a running job waits between its steps (on 2 cores they slow each other).
 */
import { browser } from 'wxt/browser';
import * as v from 'valibot';
import { relay, sendEnvelope } from '@/utils/messaging';
import { interactionTracker } from '@/utils/scheduling/interaction-gate';
import { fromExtensionOrClaimedOverlay } from './overlay-trust';
import {
  errorReply,
  FromInferenceWorker,
  parseRequest,
  ProtocolError,
  type Envelope,
  type EventEnvelope,
  type Reply,
  type ToInferenceWorker,
} from '@/utils/protocol';

/** After a decode's reply, the job waits this much longer: the overlay decodes and draws the mask then (~10 ms). */
const INTERACTION_GRACE_MS = 40;
/** How long one `interaction.hold` (the pointer over a mask editor, hinted every ~100 ms while it moves) keeps the job waiting. */
const HOLD_MS = 300;

type Ask = (envelope: Envelope, sender: Browser.runtime.MessageSender) => Promise<Reply>;

export function hostInferenceWorker(): () => void {
  const segmentation = startWorker('inference-sam');
  const general = startWorker('inference');
  // A click's decode has the machine first: while one is in flight (and shortly after, while the
  // overlay draws its mask), a job in the general worker waits at its next step boundary. So it does
  // while the pointer moves over a mask editor: a click's decode then finds no step in flight.
  const interactive = interactionTracker(INTERACTION_GRACE_MS, (busy) => general.post({ kind: 'interaction', busy }));
  const stop = relay(
    'offscreen-doc',
    async (envelope, sender) => {
      const { type, payload } = envelope;
      if (type === 'sam.decode') return interactive.track(() => segmentation.ask(envelope, sender));
      if (type === 'interaction.hold') {
        parseRequest('interaction.hold', payload);
        interactive.hold(HOLD_MS);
        return { ok: true, value: {} };
      }
      if (type === 'sam.encode') return segmentation.ask(envelope, sender);
      if (type === 'models.load') return (parseRequest('models.load', payload).model === 'sam' ? segmentation : general).ask(envelope, sender);
      if (type === 'runtime.info') return runtimeOfBoth(general.ask, segmentation.ask, envelope, sender);
      return general.ask(envelope, sender);
    },
    { accept: fromExtensionOrClaimedOverlay },
  );
  return () => {
    stop();
    segmentation.terminate();
    general.terminate();
  };
}

/** The device as the general worker sees it, with the models of both workers (SAM lives in its own). */
async function runtimeOfBoth(general: Ask, segmentation: Ask, envelope: Envelope, sender: Browser.runtime.MessageSender): Promise<Reply> {
  const [main, sam] = await Promise.all([general(envelope, sender), segmentation(envelope, sender)]);
  if (!main.ok) return main;
  const info = parseResponse('runtime.info', main.value);
  const samModels = sam.ok ? parseResponse('runtime.info', sam.value).models : undefined;
  return { ok: true, value: { ...info, models: { ...info.models, ...samModels } } };
}

function startWorker(name: string): { ask: Ask; post: (message: ToInferenceWorker) => void; terminate: () => void } {
  const worker = new Worker(new URL('./worker.ts', import.meta.url), { type: 'module', name });
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

  const ask: Ask = async (envelope, sender) => {
    await ready;
    return new Promise<Reply>((resolve) => {
      const id = nextId++;
      replies.set(id, resolve);
      post({ kind: 'request', id, envelope, sender: { ...(sender.id ? { id: sender.id } : {}), ...(sender.url ? { url: sender.url } : {}) } });
    });
  };
  return { ask, post, terminate: () => worker.terminate() };
}

/** A worker asks only the background (settings); its events go to every extension page. */
async function sendForWorker(message: Envelope | EventEnvelope): Promise<unknown> {
  if ('to' in message && message.to !== 'background') return errorReply(new ProtocolError('refused', `${message.type}: the inference worker only asks the background`));
  try {
    return await sendEnvelope(message);
  } catch (error) {
    return 'to' in message ? errorReply(error) : undefined;
  }
}
