/**
 * The one message protocol shared by every context. Each message type names its destination,
 * its request schema and its response schema; every receiver validates with these schemas
 * (valibot: tree-shakable, so the content script pays only for the schemas it imports).
 *
 * Messages carry ids, settings, points and small results. Pixels, masks and model outputs live
 * in the session store (IndexedDB, see session-store.ts) and travel as keys.
 */
import * as v from 'valibot';

const finite = v.pipe(v.number(), v.finite());
const count = v.pipe(v.number(), v.integer(), v.minValue(0));
/** A key in the session store's blob table. */
export const BlobKey = v.pipe(v.string(), v.regex(/^[\w.:-]{1,128}$/));

export const ModelId = v.picklist(['sam', 'clip', 'migan']);
export type ModelId = v.InferOutput<typeof ModelId>;

export const Backend = v.picklist(['webgpu', 'wasm']);
export type Backend = v.InferOutput<typeof Backend>;

export const RuntimeInfo = v.object({
  backend: Backend,
  /** Why WebGPU is not in use, when it is not (shown to the user). */
  fallbackReason: v.optional(v.string()),
  adapter: v.optional(v.string()),
  shaderF16: v.boolean(),
});
export type RuntimeInfo = v.InferOutput<typeof RuntimeInfo>;

export const SamPoint = v.object({
  /** Natural-image pixel coordinates. */
  x: finite,
  y: finite,
  /** 1 = include, 0 = exclude (SAM's labels). */
  label: v.picklist([0, 1]),
});
export type SamPoint = v.InferOutput<typeof SamPoint>;

/** Time split reported by every inference call: model (session.run) vs our own code. */
const Timing = v.object({ modelMs: finite, totalMs: finite });

const LoadedFile = v.object({ path: v.string(), bytes: count, fromCache: v.boolean() });

const Empty = v.object({});

/**
 * Every request the extension knows. `to` is where it is handled:
 * - `offscreen`: inference; any extension page may ask, the background routes it.
 * - `background`: routing and services; content scripts may send only those marked `fromContent`.
 * - `content`: the content script in a tab.
 */
export const messages = {
  'offscreen.ping': { to: 'offscreen', request: Empty, response: v.object({ ready: v.literal(true) }) },
  'runtime.info': { to: 'offscreen', request: Empty, response: RuntimeInfo },
  'models.load': {
    to: 'offscreen',
    request: v.object({ model: ModelId }),
    response: v.object({ model: ModelId, backend: Backend, files: v.array(LoadedFile), ms: finite }),
  },
  'models.release': { to: 'offscreen', request: Empty, response: v.object({ released: count }) },
  'sam.encode': {
    to: 'offscreen',
    request: v.object({ image: BlobKey }),
    response: v.object({ embedding: v.string(), width: count, height: count, ...Timing.entries }),
  },
  'sam.decode': {
    to: 'offscreen',
    request: v.object({ embedding: v.string(), points: v.pipe(v.array(SamPoint), v.minLength(1), v.maxLength(64)) }),
    response: v.object({
      /** The best mask, 1 byte per natural-image pixel (0/255), in the session store. */
      mask: BlobKey,
      width: count,
      height: count,
      /** Predicted IoU of each of SAM's candidate masks; `chosen` is the index of `mask`. */
      scores: v.array(finite),
      chosen: count,
      ...Timing.entries,
    }),
  },
  'clip.score': {
    to: 'offscreen',
    request: v.object({ image: BlobKey, texts: v.pipe(v.array(v.pipe(v.string(), v.maxLength(2000))), v.minLength(1), v.maxLength(16)) }),
    response: v.object({
      /** 100·max(cos, 0) per text (torchmetrics' CLIP score). */
      scores: v.array(finite),
      cosines: v.array(finite),
      ...Timing.entries,
    }),
  },
  'fill.run': {
    to: 'offscreen',
    request: v.object({ image: BlobKey, mask: BlobKey }),
    response: v.object({ result: BlobKey, width: count, height: count, ...Timing.entries }),
  },
  /** The offscreen document has no storage API: it asks the background for what it needs. */
  'settings.runtime': {
    to: 'background',
    request: Empty,
    response: v.object({ modelHost: v.string(), device: v.picklist(['auto', 'webgpu', 'wasm']), idleSeconds: finite }),
  },
  'content.ping': { to: 'content', request: Empty, response: v.object({ ok: v.literal(true), url: v.string() }) },
  'content.open-overlay': {
    to: 'content',
    request: v.object({ srcUrl: v.optional(v.string()) }),
    response: v.object({ opened: v.boolean(), reason: v.optional(v.string()) }),
  },
} as const satisfies Record<string, { to: 'offscreen' | 'background' | 'content'; request: v.GenericSchema; response: v.GenericSchema }>;

export type MessageType = keyof typeof messages;
export type RequestOf<T extends MessageType> = v.InferOutput<(typeof messages)[T]['request']>;
export type ResponseOf<T extends MessageType> = v.InferOutput<(typeof messages)[T]['response']>;
export type Destination = (typeof messages)[MessageType]['to'];

/** Broadcast events (no reply): progress and state changes any UI may show. */
export const events = {
  'model.progress': v.object({
    model: ModelId,
    file: v.string(),
    loaded: count,
    total: count,
    fromCache: v.boolean(),
  }),
  'runtime.backend': RuntimeInfo,
} as const satisfies Record<string, v.GenericSchema>;
export type EventType = keyof typeof events;
export type EventOf<T extends EventType> = v.InferOutput<(typeof events)[T]>;

/** What crosses `runtime.sendMessage`: the envelope around a request. */
export const Envelope = v.object({
  /** `offscreen-doc` is the background's forward of an `offscreen` request. */
  to: v.picklist(['offscreen', 'offscreen-doc', 'background', 'content']),
  type: v.string(),
  payload: v.unknown(),
});
export type Envelope = v.InferOutput<typeof Envelope>;

export const EventEnvelope = v.object({ event: v.string(), payload: v.unknown() });

export const Reply = v.variant('ok', [
  v.object({ ok: v.literal(true), value: v.unknown() }),
  v.object({ ok: v.literal(false), error: v.object({ code: v.string(), message: v.string() }) }),
]);
export type Reply = v.InferOutput<typeof Reply>;

export function isMessageType(type: string): type is MessageType {
  return Object.hasOwn(messages, type);
}

export class ProtocolError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'ProtocolError';
  }
}

/** Validates a request payload against its schema; throws a ProtocolError naming the field. */
export function parseRequest<T extends MessageType>(type: T, payload: unknown): RequestOf<T> {
  const result = v.safeParse(messages[type].request, payload);
  if (!result.success) throw new ProtocolError('bad-request', `${type}: ${v.summarize(result.issues)}`);
  return result.output as RequestOf<T>;
}

export function parseResponse<T extends MessageType>(type: T, value: unknown): ResponseOf<T> {
  const result = v.safeParse(messages[type].response, value);
  if (!result.success) throw new ProtocolError('bad-response', `${type}: ${v.summarize(result.issues)}`);
  return result.output as ResponseOf<T>;
}

export function parseEvent<T extends EventType>(event: T, payload: unknown): EventOf<T> | undefined {
  const result = v.safeParse(events[event], payload);
  return result.success ? (result.output as EventOf<T>) : undefined;
}

/** Turns a reply from another context into a value, or throws its error. */
export function unwrapReply<T extends MessageType>(type: T, raw: unknown): ResponseOf<T> {
  if (raw === undefined) throw new ProtocolError('no-receiver', `${type}: nobody answered`);
  const reply = v.safeParse(Reply, raw);
  if (!reply.success) throw new ProtocolError('bad-reply', `${type}: malformed reply`);
  if (!reply.output.ok) throw new ProtocolError(reply.output.error.code, reply.output.error.message);
  return parseResponse(type, reply.output.value);
}

export function errorReply(error: unknown): Reply {
  if (error instanceof ProtocolError) return { ok: false, error: { code: error.code, message: error.message } };
  const message = error instanceof Error ? error.message : String(error);
  return { ok: false, error: { code: 'failed', message } };
}
