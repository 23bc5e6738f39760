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

type Listener = (raw: unknown, sender: Browser.runtime.MessageSender, sendResponse: (reply: Reply) => void) => true | undefined;

/**
 * How this context reaches the extension's messaging: `browser.runtime`, or, in the inference
 * worker (which has no extension APIs), the page that owns it (entrypoints/offscreen/worker-link.ts).
 */
export interface RuntimeLink {
  sendMessage(message: Envelope | EventEnvelope): Promise<unknown>;
  onMessage: { addListener(listener: Listener): void; removeListener(listener: Listener): void };
  /** This context as the sender of its in-process requests. */
  self(): Browser.runtime.MessageSender;
  /** The extension's origin (`chrome-extension://id`), which a content script's `location` is not. */
  extensionOrigin(): string;
}

const browserLink = (): RuntimeLink => ({
  sendMessage: (message) => browser.runtime.sendMessage(message),
  onMessage: browser.runtime.onMessage,
  self: () => ({ id: browser.runtime.id, url: location.href }),
  extensionOrigin: () => new URL(browser.runtime.getURL('/')).origin,
});
let link: RuntimeLink | undefined;
const runtimeLink = (): RuntimeLink => (link ??= browserLink());

/** Routes this context's messaging through `replacement` (call before anything sends or serves). */
export function useRuntimeLink(replacement: RuntimeLink): void {
  link = replacement;
}

/**
 * Whether a message comes from one of our extension pages (or this context itself). Content
 * scripts can address any extension page with runtime.sendMessage, but their sender URL is the page's.
 */
export function isFromThisExtension(sender: Browser.runtime.MessageSender): boolean {
  return extensionPath(sender) !== undefined;
}

/** The page an extension sender is, e.g. `/overlay.html`; undefined for other senders. */
export function extensionPath(sender: Browser.runtime.MessageSender): string | undefined {
  if (sender.id !== runtimeLink().self().id || typeof sender.url !== 'string' || !URL.canParse(sender.url)) return undefined;
  const url = new URL(sender.url);
  return url.origin === runtimeLink().extensionOrigin() ? url.pathname : undefined;
}

/** Overlay frames are extension pages that any site can embed: they are trusted only with a claimed nonce. */
export function isOverlayFrame(sender: Browser.runtime.MessageSender): boolean {
  return extensionPath(sender) === '/overlay.html';
}

/**
 * Our extension pages (background, offscreen, side panel, options, in a tab or not), not the
 * overlay frame: content scripts have the page's URL, and any site can embed the overlay.
 */
export function isExtensionPage(sender: Browser.runtime.MessageSender): boolean {
  const path = extensionPath(sender);
  return path !== undefined && path !== '/overlay.html';
}

/** The overlay frame's claimed nonce, sent with each of its requests (receivers check it every time). */
let envelopeNonce: string | undefined;

export function signRequestsWith(nonce: string): void {
  envelopeNonce = nonce;
}

const signed = (envelope: Envelope): Envelope => (envelopeNonce ? { ...envelope, nonce: envelopeNonce } : envelope);

/**
 * What a context serves, by envelope: a reply, or undefined when the envelope is not for it.
 * `runtime.sendMessage` never reaches the sender's own context, so a request for something this
 * context serves itself (Firefox's event page serves the background's and the inference handlers)
 * is answered in-process, through the same validation.
 */
type Dispatch = (envelope: Envelope, sender: Browser.runtime.MessageSender) => Promise<Reply> | undefined;
const servedHere = new Set<Dispatch>();

function dispatchHere(envelope: Envelope): Promise<Reply> | undefined {
  if (servedHere.size === 0) return undefined;
  const self = runtimeLink().self();
  for (const dispatch of servedHere) {
    const reply = dispatch(envelope, self);
    if (reply) return reply;
  }
  return undefined;
}

/** Sends a request to its destination and returns the validated response. */
export async function send<T extends MessageType>(type: T, payload: RequestOf<T>, options: { tabId?: number; frameId?: number } = {}): Promise<ResponseOf<T>> {
  const envelope: Envelope = signed({ to: messages[type].to, type, payload });
  if (messages[type].to === 'content') {
    if (options.tabId === undefined) throw new ProtocolError('bad-request', `${type}: needs a tab`);
    // A frame's content script only (an image in an iframe): other frames may have ours injected too.
    const reply: unknown = options.frameId === undefined ? await browser.tabs.sendMessage(options.tabId, envelope) : await browser.tabs.sendMessage(options.tabId, envelope, { frameId: options.frameId });
    return unwrapReply(type, reply);
  }
  return unwrapReply(type, await sendEnvelope(envelope));
}

/** Sends a validated envelope or event as this context: answered in-process where served here. */
export function sendEnvelope(message: Envelope | EventEnvelope): Promise<unknown> {
  return ('to' in message ? dispatchHere(message) : undefined) ?? runtimeLink().sendMessage(message);
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
    raw = await browser.runtime.sendMessage(signed({ to: 'offscreen-doc', type, payload }));
  } catch {
    raw = undefined; // no document yet
  }
  return raw === undefined ? send(type, payload) : unwrapReply(type, raw);
}

/**
 * A hint that only matters while the inference host runs (`interaction.hold`), not waiting for the
 * answer. Chromium: sent straight to the offscreen document, never creating it, lost when none runs.
 * Firefox: through the event page's route, which starts the inference workers if they were
 * released (rare while an overlay is open: its clicks keep SAM loaded).
 */
export function hintOffscreen<T extends MessageType>(type: T, payload: RequestOf<T>): void {
  if (messages[type].to !== 'offscreen') throw new ProtocolError('bad-request', `${type} is not an inference request`);
  // Firefox: the event page hosts inference, reached through the background's route (in-process).
  const sent = import.meta.env.FIREFOX ? send(type, payload) : browser.runtime.sendMessage(signed({ to: 'offscreen-doc', type, payload }));
  sent.catch(() => undefined);
}

/** Sends an already-validated envelope on to the offscreen document (used by the background). */
export async function forwardToOffscreen(type: MessageType, payload: unknown): Promise<Reply> {
  const envelope: Envelope = { to: 'offscreen-doc', type, payload };
  const raw = await sendEnvelope(envelope);
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
    /** `nonce` is the envelope's (an overlay frame's claimed nonce); a promise lets a receiver ask who can tell. */
    accept?: (type: NoInfer<T>, sender: Browser.runtime.MessageSender, nonce: string | undefined) => boolean | Promise<boolean>;
    /** Handles a validated envelope this context routes elsewhere (the background's forwarding). */
    route?: (type: MessageType, payload: unknown, sender: Browser.runtime.MessageSender, nonce: string | undefined) => Promise<Reply> | undefined;
  } = {},
): () => void {
  const dispatch: Dispatch = ({ to: target, type, payload, nonce }, sender) => {
    if (!isMessageType(type)) return undefined;
    if (target !== to) {
      // Only the background's own forwards are addressed to the offscreen document: never route them again.
      if (target === 'offscreen-doc') return undefined;
      return options.route?.(type, payload, sender, nonce)?.catch(errorReply);
    }
    if (!Object.hasOwn(handlers, type)) return undefined;
    const handled = type as T;
    return (async () => {
      if (options.accept && !(await options.accept(handled, sender, nonce))) throw new ProtocolError('refused', `${type}: not allowed from this sender`);
      return handlers[handled](parseRequest(handled, payload), sender);
    })().then((value): Reply => ({ ok: true, value }), errorReply);
  };
  return listen(dispatch);
}

/**
 * Serves every request addressed to `to` by handing it on, validated as an envelope and accepted
 * by `accept`, to `forward` (the offscreen page to its inference worker, which validates payloads).
 */
export function relay(
  to: Envelope['to'],
  forward: (envelope: Envelope, sender: Browser.runtime.MessageSender) => Promise<Reply>,
  options: { accept: (type: MessageType, sender: Browser.runtime.MessageSender, nonce: string | undefined) => boolean | Promise<boolean> },
): () => void {
  return listen((envelope, sender) => {
    const { type } = envelope;
    if (envelope.to !== to || !isMessageType(type)) return undefined;
    return (async () => {
      if (!(await options.accept(type, sender, envelope.nonce))) throw new ProtocolError('refused', `${type}: not allowed from this sender`);
      return forward(envelope, sender);
    })().catch(errorReply);
  });
}

function listen(dispatch: Dispatch): () => void {
  const listener: Listener = (raw, sender, sendResponse) => {
    const parsed = v.safeParse(Envelope, raw);
    if (!parsed.success) return undefined;
    const reply = dispatch(parsed.output, sender);
    if (!reply) return undefined;
    void reply.then(sendResponse);
    return true; // the reply comes asynchronously
  };
  servedHere.add(dispatch);
  runtimeLink().onMessage.addListener(listener);
  return () => {
    servedHere.delete(dispatch);
    runtimeLink().onMessage.removeListener(listener);
  };
}

/** Broadcasts an event to every extension page (no reply expected; nobody listening is fine). */
export function emit<E extends EventType>(event: E, payload: EventOf<E>): void {
  runtimeLink().sendMessage({ event, payload }).catch(() => {
    // No page is listening: events are best-effort by design.
  });
}

/**
 * Events come only from the background and the offscreen document (Firefox: the event page):
 * extension contexts outside any tab. Content scripts and overlay frames live in tabs.
 */
function isEventSource(sender: Browser.runtime.MessageSender): boolean {
  return sender.tab === undefined && extensionPath(sender) !== undefined;
}

export function onEvent<E extends EventType>(event: E, callback: (payload: EventOf<E>) => void): () => void {
  const listener: Listener = (raw, sender) => {
    if (!isEventSource(sender)) return undefined;
    const parsed = v.safeParse(EventEnvelope, raw);
    if (!parsed.success || parsed.output.event !== event) return undefined;
    const payload = parseEvent(event, parsed.output.payload);
    if (payload) callback(payload);
    return undefined;
  };
  runtimeLink().onMessage.addListener(listener);
  return () => runtimeLink().onMessage.removeListener(listener);
}

