/**
 * A local OpenAI-compatible server for tests (node:http on 127.0.0.1, random port). It records every
 * request (method, path, headers including Authorization, parsed body, whether the client hung up
 * early) and is scripted per test:
 *
 *   const stub = await startOpenAiStub();
 *   stub.enqueue('POST /v1/chat/completions', { kind: 'status', status: 429, headers: { 'retry-after': '1' } }, { kind: 'reply' });
 *   ... point the client at stub.baseUrl ...
 *   expect(stub.requests).toHaveLength(2);
 *   await stub.close();
 *
 * Routes are a table (`stub.route(method, path, handler)`), so other APIs (the A1111 stub adds
 * `/sdapi/v1/img2img`) can be added beside the built-in `GET /v1/models`, `POST /v1/chat/completions`
 * and `POST /v1/images/edits` (multipart; paints the transparent part of the mask with the colour
 * the prompt names and changes every other pixel too, see paint.ts). A queued
 * behaviour answers one request of its route; when a route's queue is empty its default answers.
 * No CORS headers by default: the extension must reach the server through its host permission.
 */
import http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { decodePng, encodePng } from '../harness/png';
import { maskFromImage } from '../../utils/inpaint/polarity';
import { maskBoundingBox } from '../../utils/mask/resample';
import { colourNamedIn, meanColour, paintCandidate } from './paint';

export interface StubRequest {
  method: string;
  /** Path and query as sent. */
  path: string;
  /** Lower-cased header names. */
  headers: Record<string, string>;
  /** Parsed JSON body, or the raw text when it is not JSON, or undefined when empty. */
  body: unknown;
  /** The status sent; 0 while nothing was sent (e.g. `hang`). */
  status: number;
  /** True when the client closed the connection before the response was complete (cancel, timeout). */
  closedEarly: boolean;
  /** True once the response finished or the connection closed. */
  done: boolean;
  /** `performance.now()` when the request arrived. */
  at: number;
  /** The body's bytes as received. */
  raw: Buffer;
}

/** What `POST /v1/images/edits` received, decoded (in `StubRequest.body`). */
export interface ImageEditReceived {
  model: string | null;
  prompt: string | null;
  n: number | null;
  size: string | null;
  responseFormat: string | null;
  image: { width: number; height: number; type: string };
  mask: {
    width: number;
    height: number;
    type: string;
    /** Fully transparent pixels: the edit area. */
    editPixels: number;
    /** Mean colour of the IMAGE under the edit area and under the rest (shows the polarity). */
    editMean?: [number, number, number];
    keepMean?: [number, number, number];
    /** The edit area's bounding box: its shape shows whether the crop was scaled or stretched. */
    editBox?: { x: number; y: number; width: number; height: number };
  };
}

/** How one request is answered. */
export type Behaviour =
  /** A chat completion whose message content is `content` (default: a valid suggestion). Streamed
   * as `chunks` SSE pieces `delayMs` apart when the request asks for `stream: true`. */
  | { kind: 'reply'; content?: string; chunks?: number; delayMs?: number; finishReason?: string }
  /** An error in OpenAI's shape: `{ error: { message, type, code } }`. */
  | { kind: 'status'; status: number; message?: string; code?: string; type?: string; headers?: Record<string, string> }
  /** Any JSON body with status 200 (or `status`). */
  | { kind: 'json'; body: unknown; status?: number }
  /** Accepts the request and never answers. */
  | { kind: 'hang' }
  /** Streams the first `chunks` pieces of `content` (headers sent), then goes silent. */
  | { kind: 'stall'; content?: string; chunks: number }
  /** Sends raw bytes as the body (e.g. a broken stream). */
  | { kind: 'raw'; body: string; contentType?: string; status?: number }
  /** An image edit (images/edits, img2img): the edited images after `delayMs` (the client may hang up meanwhile). */
  | { kind: 'edit'; delayMs?: number };

export type RouteHandler = (request: StubRequest, req: http.IncomingMessage, res: http.ServerResponse) => void | Promise<void>;

export interface OpenAiStub {
  /** `http://127.0.0.1:PORT` */
  url: string;
  /** `http://127.0.0.1:PORT/v1`: the base URL clients use. */
  baseUrl: string;
  /** Every request, in arrival order. */
  requests: StubRequest[];
  /** Ids `GET /v1/models` lists. */
  models: string[];
  /** When set, any request whose `Authorization` is not `Bearer <requireKey>` gets a 401 (as OpenAI does). */
  requireKey: string | undefined;
  /** Queues behaviours for one route, e.g. `'POST /v1/chat/completions'`. */
  enqueue(route: string, ...behaviours: Behaviour[]): void;
  /** Shorthand for the chat completions route. */
  chat(...behaviours: Behaviour[]): void;
  /** Adds or replaces a route. */
  route(method: string, path: string, handler: RouteHandler): void;
  /** Takes the next queued behaviour of a route, or `fallback` (for routes added with `route`). */
  next(route: string, fallback: Behaviour): Behaviour;
  /** Resolves with the first recorded request matching `predicate` (now or later). */
  waitFor(predicate: (request: StubRequest) => boolean, timeoutMs?: number): Promise<StubRequest>;
  /** Clears recorded requests, queues, `requireKey`, and restores the default models. */
  reset(): void;
  close(): Promise<void>;
}

export const DEFAULT_MODELS = ['stub-mini', 'stub-vision'];

/** The answer the default `reply` gives: a valid refinement suggestion. */
export const DEFAULT_SUGGESTION = {
  regionPrompt: 'a river of thick melted milk chocolate, glossy dark-brown surface, slow creamy ripples, soft morning light glinting on it',
  negativePrompt: 'blue water, clear water, sky reflections',
  rationale: 'Counters the default "river = blue water".',
  alternatives: [
    'molten dark chocolate river, rich cocoa-brown, thick glossy folds, warm highlights',
    'a stream of liquid milk chocolate, opaque caramel-brown, satin sheen, lazy swirls',
  ],
};

/** Splits text into `n` nearly equal pieces (at least one). */
export function splitInto(text: string, n: number): string[] {
  const count = Math.max(1, Math.min(n, text.length || 1));
  const size = Math.ceil(text.length / count);
  const pieces: string[] = [];
  for (let i = 0; i < text.length; i += size) pieces.push(text.slice(i, i + size));
  return pieces.length ? pieces : [''];
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function modelOf(request: StubRequest): string {
  const body = request.body;
  return body !== null && typeof body === 'object' && 'model' in body && typeof body.model === 'string' ? body.model : 'stub-mini';
}

function wantsStream(request: StubRequest): boolean {
  const body = request.body;
  return body !== null && typeof body === 'object' && 'stream' in body && body.stream === true;
}

function chunk(model: string, delta: Record<string, string>, finishReason: string | null = null): string {
  const payload = {
    id: 'chatcmpl-stub',
    object: 'chat.completion.chunk',
    created: Math.floor(Date.now() / 1000),
    model,
    choices: [{ index: 0, delta, finish_reason: finishReason }],
  };
  return `data: ${JSON.stringify(payload)}\n\n`;
}

export function sendJson(res: http.ServerResponse, request: StubRequest, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  request.status = status;
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text), ...headers });
  res.end(text);
}

/** Writes unless the client is gone; true when written. */
function write(res: http.ServerResponse, text: string): boolean {
  if (res.destroyed || res.writableEnded) return false;
  res.write(text);
  return true;
}

export async function answer(behaviour: Behaviour, request: StubRequest, res: http.ServerResponse): Promise<void> {
  switch (behaviour.kind) {
    case 'status': {
      const type = behaviour.type ?? (behaviour.status === 429 ? 'rate_limit_error' : behaviour.status >= 500 ? 'server_error' : 'invalid_request_error');
      const error = { message: behaviour.message ?? `stub error ${behaviour.status}`, type, code: behaviour.code ?? null, param: null };
      sendJson(res, request, behaviour.status, { error }, behaviour.headers);
      return;
    }
    case 'json':
      sendJson(res, request, behaviour.status ?? 200, behaviour.body);
      return;
    case 'raw':
      request.status = behaviour.status ?? 200;
      res.writeHead(request.status, { 'content-type': behaviour.contentType ?? 'text/plain' });
      res.end(behaviour.body);
      return;
    case 'hang':
      return; // the response stays open until the client gives up or the stub closes
    case 'edit':
      throw new Error('an edit behaviour only answers an image-edit route');
    case 'reply':
    case 'stall': {
      const content = behaviour.content ?? JSON.stringify(DEFAULT_SUGGESTION);
      const model = modelOf(request);
      if (behaviour.kind === 'reply' && !wantsStream(request)) {
        sendJson(res, request, 200, {
          id: 'chatcmpl-stub',
          object: 'chat.completion',
          created: Math.floor(Date.now() / 1000),
          model,
          choices: [{ index: 0, message: { role: 'assistant', content }, finish_reason: behaviour.finishReason ?? 'stop', logprobs: null }],
          usage: { prompt_tokens: 10, completion_tokens: 10, total_tokens: 20 },
        });
        return;
      }
      request.status = 200;
      res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', connection: 'keep-alive' });
      res.flushHeaders();
      const pieces = splitInto(content, behaviour.kind === 'stall' ? Math.max(behaviour.chunks * 2, 2) : (behaviour.chunks ?? 8));
      const delay = behaviour.kind === 'reply' ? (behaviour.delayMs ?? 0) : 20;
      write(res, chunk(model, { role: 'assistant', content: '' }));
      for (const [i, piece] of pieces.entries()) {
        if (behaviour.kind === 'stall' && i >= behaviour.chunks) return; // silent from here on
        if (delay) await sleep(delay);
        if (!write(res, chunk(model, { content: piece }))) return;
      }
      write(res, chunk(model, {}, behaviour.kind === 'reply' ? (behaviour.finishReason ?? 'stop') : 'stop'));
      write(res, 'data: [DONE]\n\n');
      res.end();
      return;
    }
  }
}

export async function startOpenAiStub(options: { host?: string; port?: number; cors?: boolean } = {}): Promise<OpenAiStub> {
  const requests: StubRequest[] = [];
  const queues = new Map<string, Behaviour[]>();
  const routes = new Map<string, RouteHandler>();
  const sockets = new Set<Socket>();
  const waiters = new Set<() => void>();
  const notify = () => {
    for (const waiter of waiters) waiter();
  };

  const stub: OpenAiStub = {
    url: '',
    baseUrl: '',
    requests,
    models: [...DEFAULT_MODELS],
    requireKey: undefined,
    enqueue(route, ...behaviours) {
      const queue = queues.get(route) ?? [];
      queue.push(...behaviours);
      queues.set(route, queue);
    },
    chat(...behaviours) {
      stub.enqueue('POST /v1/chat/completions', ...behaviours);
    },
    route(method, path, handler) {
      routes.set(`${method.toUpperCase()} ${path}`, handler);
    },
    next: () => {
      throw new Error('openai-stub: not started');
    },
    waitFor(predicate, timeoutMs = 10_000) {
      return new Promise((resolve, reject) => {
        const check = () => {
          const found = requests.find(predicate);
          if (!found) return;
          waiters.delete(check);
          clearTimeout(timer);
          resolve(found);
        };
        const timer = setTimeout(() => {
          waiters.delete(check);
          reject(new Error(`openai-stub: no matching request within ${timeoutMs} ms (got ${requests.map((r) => `${r.method} ${r.path}`).join(', ') || 'none'})`));
        }, timeoutMs);
        waiters.add(check);
        check();
      });
    },
    reset() {
      requests.length = 0;
      queues.clear();
      stub.requireKey = undefined;
      stub.models = [...DEFAULT_MODELS];
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };

  /** Takes the next queued behaviour of a route, or its default. */
  const next = (route: string, fallback: Behaviour): Behaviour => queues.get(route)?.shift() ?? fallback;
  stub.next = next;

  stub.route('GET', '/v1/models', async (request, _req, res) => {
    const behaviour = next('GET /v1/models', { kind: 'json', body: { object: 'list', data: stub.models.map((id) => ({ id, object: 'model', created: 0, owned_by: 'stub' })) } });
    await answer(behaviour, request, res);
  });
  stub.route('POST', '/v1/chat/completions', async (request, _req, res) => {
    await answer(next('POST /v1/chat/completions', { kind: 'reply' }), request, res);
  });
  stub.route('POST', '/v1/images/edits', async (request, req, res) => {
    const form = await new Request(`${stub.url}${request.path}`, { method: 'POST', headers: { 'content-type': req.headers['content-type'] ?? '' }, body: new Uint8Array(request.raw) }).formData();
    const file = async (name: string) => {
      const part = form.get(name);
      if (!part || typeof part === 'string') return undefined;
      return { pixels: decodePng(new Uint8Array(await part.arrayBuffer())), type: part.type };
    };
    const text = (name: string) => (typeof form.get(name) === 'string' ? (form.get(name) as string) : null);
    const [image, mask] = [await file('image'), await file('mask')];
    if (!image || !mask) return sendJson(res, request, 400, { error: { message: 'image and mask are required', type: 'invalid_request_error', code: null, param: null } });
    const edit = maskFromImage(mask.pixels, 'alpha0');
    const received: ImageEditReceived = {
      model: text('model'),
      prompt: text('prompt'),
      n: text('n') === null ? null : Number(text('n')),
      size: text('size'),
      responseFormat: text('response_format'),
      image: { width: image.pixels.width, height: image.pixels.height, type: image.type },
      mask: {
        width: mask.pixels.width,
        height: mask.pixels.height,
        type: mask.type,
        editPixels: edit.data.reduce((n, v) => n + (v ? 1 : 0), 0),
        editMean: meanColour(image.pixels, (p) => edit.data[p] !== 0),
        keepMean: meanColour(image.pixels, (p) => edit.data[p] === 0),
        editBox: maskBoundingBox(edit),
      },
    };
    request.body = received;
    const behaviour = next('POST /v1/images/edits', { kind: 'edit' });
    if (behaviour.kind !== 'edit') return answer(behaviour, request, res);
    if (image.pixels.width !== mask.pixels.width || image.pixels.height !== mask.pixels.height) {
      return sendJson(res, request, 400, { error: { message: 'Invalid input image - mask and image must have the same size', type: 'invalid_request_error', code: null, param: 'mask' } });
    }
    if (behaviour.delayMs) await sleep(behaviour.delayMs);
    if (res.destroyed) return;
    const rgb = colourNamedIn(received.prompt ?? '');
    const data = Array.from({ length: received.n ?? 1 }, (_, i) => ({ b64_json: encodePng(paintCandidate(image.pixels, edit, rgb, i)).toString('base64') }));
    sendJson(res, request, 200, { created: Math.floor(Date.now() / 1000), data, ...(received.model === 'dall-e-2' ? {} : { output_format: 'png', size: received.size }) });
  });

  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const raw = Buffer.concat(chunks);
      const text = raw.toString('utf8');
      let body: unknown = text === '' ? undefined : text;
      try {
        if (text) body = JSON.parse(text) as unknown;
      } catch {
        // keep the raw text
      }
      const headers: Record<string, string> = {};
      for (const [name, value] of Object.entries(req.headers)) if (value !== undefined) headers[name] = Array.isArray(value) ? value.join(', ') : value;
      const request: StubRequest = { method: req.method ?? 'GET', path: req.url ?? '/', headers, body, status: 0, closedEarly: false, done: false, at: performance.now(), raw };
      requests.push(request);
      res.on('close', () => {
        request.closedEarly = !res.writableFinished;
        request.done = true;
        notify();
      });
      if (options.cors) {
        res.setHeader('access-control-allow-origin', '*');
        res.setHeader('access-control-allow-headers', '*');
        res.setHeader('access-control-allow-methods', 'GET, POST, OPTIONS');
      }
      notify();
      if (request.method === 'OPTIONS') {
        request.status = 204;
        res.writeHead(204).end();
        return;
      }
      if (stub.requireKey !== undefined && headers.authorization !== `Bearer ${stub.requireKey}`) {
        // OpenAI's wording, which echoes part of the key: clients must not show it verbatim.
        const sent = headers.authorization?.replace(/^Bearer\s+/i, '') ?? '';
        const message = sent ? `Incorrect API key provided: ${sent}. You can find your API key at https://platform.openai.com/account/api-keys.` : 'You did not provide an API key.';
        sendJson(res, request, 401, { error: { message, type: 'invalid_request_error', code: 'invalid_api_key', param: null } });
        return;
      }
      const path = request.path.split('?')[0] ?? '/';
      const handler = routes.get(`${request.method} ${path}`);
      if (!handler) {
        sendJson(res, request, 404, { error: { message: `Unknown route ${request.method} ${path}`, type: 'invalid_request_error', code: null, param: null } });
        return;
      }
      Promise.resolve(handler(request, req, res)).catch((error: unknown) => {
        if (!res.headersSent) sendJson(res, request, 500, { error: { message: String(error), type: 'server_error', code: null, param: null } });
        else res.destroy();
      });
    });
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => resolve());
  });
  const { address, port } = server.address() as AddressInfo;
  stub.url = `http://${address}:${port}`;
  stub.baseUrl = `${stub.url}/v1`;
  return stub;
}

/** A port on 127.0.0.1 where nothing listens (for "server down" tests). */
export async function closedPort(): Promise<number> {
  const server = http.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}
