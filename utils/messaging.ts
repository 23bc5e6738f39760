/**
 * Sending and serving protocol messages over `runtime.sendMessage` / `tabs.sendMessage`.
 * Every receiver validates the envelope and the payload before a handler sees it.
 */
import { browser, type Browser } from 'wxt/browser';
import * as v from 'valibot';
import {
  Envelope,
  EventEnvelope,
  errorReply,

  isMessageType,
  messages,
  parseEvent,
  parseRequest,
  ProtocolError,
  unwrapReply,
  type EventOf,
  type EventType,
  type MessageType,
  type Reply,
  type RequestOf,
  type ResponseOf,
} from './protocol';

type Handlers<T extends MessageType> = {
  [K in T]: (request: RequestOf<K>, sender: Browser.runtime.MessageSender) => Promise<ResponseOf<K>> | ResponseOf<K>;
};

/**
 * What a context serves, by envelope: a reply, or undefined when the envelope is not for it.
 * `runtime.sendMessage` never reaches the sender's own context, so a request for something this
 * context serves itself (Firefox's event page serves the background's and the inference handlers)
 * is answered in-process, through the same validation.
 */
type Dispatch = (envelope: Envelope, sender: Browser.runtime.MessageSender) => Promise<Reply> | undefined;
const servedHere = new Set<Dispatch>();

function dispatchHere(envelope: Envelope): Promise<Reply> | undefined {
  const self: Browser.runtime.MessageSender = { id: browser.runtime.id, url: location.href };
  for (const dispatch of servedHere) {
    const reply = dispatch(envelope, self);
    if (reply) return reply;
  }
  return undefined;
}

/** Sends a request to its destination and returns the validated response. */
export async function send<T extends MessageType>(type: T, payload: RequestOf<T>, options: { tabId?: number; frameId?: number } = {}): Promise<ResponseOf<T>> {
  const envelope: Envelope = { to: messages[type].to, type, payload };
  if (messages[type].to === 'content') {
    if (options.tabId === undefined) throw new ProtocolError('bad-request', `${type}: needs a tab`);
    // A frame's content script only (an image in an iframe): other frames may have ours injected too.
    const reply: unknown = options.frameId === undefined ? await browser.tabs.sendMessage(options.tabId, envelope) : await browser.tabs.sendMessage(options.tabId, envelope, { frameId: options.frameId });
    return unwrapReply(type, reply);
  }
  const here = dispatchHere(envelope);
  return unwrapReply(type, await (here ?? browser.runtime.sendMessage(envelope)));
}

/**
 * Sends an inference request straight to the offscreen document, skipping the background's hop
 * (the per-click path); falls back to the routed `send` when the document is not running yet,
 * which creates it.
 */
export async function sendToOffscreen<T extends MessageType>(type: T, payload: RequestOf<T>): Promise<ResponseOf<T>> {
  if (messages[type].to !== 'offscreen') throw new ProtocolError('bad-request', `${type} is not an inference request`);
  // Firefox: inference lives in the event page, and the background's route keeps it awake while it works.
  if (import.meta.env.FIREFOX) return send(type, payload);
  let raw: unknown;
  try {
    raw = await browser.runtime.sendMessage({ to: 'offscreen-doc', type, payload } satisfies Envelope);
  } catch {
    raw = undefined; // no document yet
  }
  return raw === undefined ? send(type, payload) : unwrapReply(type, raw);
}

/** Sends an already-validated envelope on to the offscreen document (used by the background). */
export async function forwardToOffscreen(type: MessageType, payload: unknown): Promise<Reply> {
  const envelope: Envelope = { to: 'offscreen-doc', type, payload };
  const raw: unknown = await (dispatchHere(envelope) ?? browser.runtime.sendMessage(envelope));
  const reply = v.safeParse(v.object({ ok: v.boolean() }), raw);
  if (!reply.success) return { ok: false, error: { code: 'no-receiver', message: `${type}: the inference document did not answer` } };
  return raw as Reply;
}

/**
 * Serves the listed message types for one destination. `accept` decides whether a sender may
 * ask for a type at all (e.g. content scripts are limited to a few). Returns an unsubscribe.
 */
export function serve<T extends MessageType>(
  to: Envelope['to'],
  handlers: Handlers<T>,
  options: {
    accept?: (type: NoInfer<T>, sender: Browser.runtime.MessageSender) => boolean;
    /** Handles a validated envelope this context routes elsewhere (the background's forwarding). */
    route?: (type: MessageType, payload: unknown, sender: Browser.runtime.MessageSender) => Promise<Reply> | undefined;
  } = {},
): () => void {
  const dispatch: Dispatch = ({ to: target, type, payload }, sender) => {
    if (!isMessageType(type)) return undefined;
    if (target !== to) {
      // Only the background's own forwards are addressed to the offscreen document: never route them again.
      if (target === 'offscreen-doc') return undefined;
      return options.route?.(type, payload, sender)?.catch(errorReply);
    }
    if (!Object.hasOwn(handlers, type)) return undefined;
    const handled = type as T;
    if (options.accept && !options.accept(handled, sender)) {
      return Promise.resolve(errorReply(new ProtocolError('refused', `${type}: not allowed from this sender`)));
    }
    return (async () => handlers[handled](parseRequest(handled, payload), sender))().then(
      (value): Reply => ({ ok: true, value }),
      errorReply,
    );
  };
  const listener = (raw: unknown, sender: Browser.runtime.MessageSender, sendResponse: (reply: Reply) => void) => {
    const parsed = v.safeParse(Envelope, raw);
    if (!parsed.success) return undefined;
    const reply = dispatch(parsed.output, sender);
    if (!reply) return undefined;
    void reply.then(sendResponse);
    return true; // the reply comes asynchronously
  };
  servedHere.add(dispatch);
  browser.runtime.onMessage.addListener(listener);
  return () => {
    servedHere.delete(dispatch);
    browser.runtime.onMessage.removeListener(listener);
  };
}

/** Broadcasts an event to every extension page (no reply expected; nobody listening is fine). */
export function emit<E extends EventType>(event: E, payload: EventOf<E>): void {
  browser.runtime.sendMessage({ event, payload }).catch(() => {
    // No page is listening: events are best-effort by design.
  });
}

export function onEvent<E extends EventType>(event: E, callback: (payload: EventOf<E>) => void): () => void {
  const listener = (raw: unknown) => {
    const parsed = v.safeParse(EventEnvelope, raw);
    if (!parsed.success || parsed.output.event !== event) return undefined;
    const payload = parseEvent(event, parsed.output.payload);
    if (payload) callback(payload);
    return undefined;
  };
  browser.runtime.onMessage.addListener(listener);
  return () => browser.runtime.onMessage.removeListener(listener);
}

