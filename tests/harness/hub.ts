/**
 * A local stand-in for huggingface.co's download endpoint, with fault switches for reliability
 * tests. Serves `GET/HEAD /{owner}/{name}/resolve/{revision}/{path...}` (and `/{name}/resolve/...`)
 * from `root/{owner}/{name}/{path}`; the revision is accepted and ignored. The Hub's revision API,
 * `GET /api/models/{repo}/revision/{branch}`, answers `{ id, sha }` with {@link hubCommit}.
 *
 * Headers follow the Hub where it matters to a browser: `Content-Length`, `Content-Type`
 * (`application/json` for .json, else `application/octet-stream`), a strong `ETag` (sha256 of the
 * bytes), `Accept-Ranges`/`Range`, CORS (`Access-Control-Allow-Origin: *`,
 * `Access-Control-Expose-Headers: Content-Length, ETag, ...`) and OPTIONS preflights.
 * Unlike the Hub it sends `Cache-Control: no-store` by default, so the browser's HTTP cache can never
 * make "a second load made no request" pass: only the product's own model cache can.
 *
 * The hub lives in one process; tests in vitest workers reach the shared one through
 * {@link connectHub} (a small JSON control API under `/__hub/`, not logged in `requests`).
 */
import http from 'node:http';
import { createReadStream } from 'node:fs';
import { readFile, realpath, stat } from 'node:fs/promises';
import { createHash } from 'node:crypto';
import path from 'node:path';
import type { AddressInfo, Socket } from 'node:net';

/** One request the hub received (control requests excluded). Updated in place as it completes. */
export interface HubRequest {
  method: string;
  /** The request target as sent: path and query, still percent-encoded. */
  path: string;
  /** The status sent; 0 while no response has started (e.g. a `hang` fault). */
  status: number;
  /** Body bytes the hub wrote for this request. */
  bytes: number;
  /** The fault applied, if any. */
  fault?: Fault['kind'];
  /** True once the response finished or the connection closed. */
  done: boolean;
}

/** Which requests a fault applies to: a substring of the request path, or a RegExp tested on it. */
export type FaultMatch = string | RegExp;

interface FaultCommon {
  /** Omitted: every file request. */
  match?: FaultMatch;
  /** Applies to this many matching requests, then stops. Omitted: until cleared. */
  times?: number;
}

export type Fault = FaultCommon &
  (
    | { kind: 'slow'; /** Body rate; sent in ~50 ms chunks. */ bytesPerSecond: number }
    | { kind: 'status'; /** e.g. 500, 503, 429. */ status: number }
    | {
        /** Correct `Content-Length`, then the socket closes after `bytes` body bytes.
         * Browser fetch: the body read rejects (`TypeError`, net::ERR_CONTENT_LENGTH_MISMATCH). */
        kind: 'truncate';
        bytes: number;
      }
    | {
        /** `Content-Length: contentLength` (default: half the real size) while the whole body is
         * written, then the connection closes. With the default (smaller) length a browser fetch
         * SUCCEEDS with a short body: status 200, no error, `arrayBuffer().byteLength ===
         * contentLength`. Only a size/hash check against the registry can catch it. A
         * `contentLength` larger than the file behaves like `truncate` (the body read rejects). */
        kind: 'wrong-size';
        contentLength?: number;
      }
    | { /** Accepts the request and never answers (until the client gives up or the hub closes). */ kind: 'hang' }
    | {
        /** Serves another file under the hub's root (`{owner}/{name}/{path}`) in place of the one
         * asked for, with that file's own size and ETag: a well-formed download of the wrong model
         * (e.g. an fp16 file whose outputs overflow). */
        kind: 'substitute';
        file: string;
      }
    | {
        /** The right headers (size, ETag of the real file) and a body of the right size whose
         * first bytes are overwritten with `#` (a damaged file: JSON no longer parses, the hash no
         * longer matches). */
        kind: 'corrupt';
        /** How many leading bytes to overwrite (default 16). */
        bytes?: number;
      }
  );

export interface StartHubOptions {
  /** Folder holding `{owner}/{name}/{path}`. */
  root: string;
  host?: string;
  port?: number;
  /** Sent on file responses; default `no-store` (see above). */
  cacheControl?: string;
}

export interface Hub {
  /** e.g. `http://127.0.0.1:41234` (no trailing slash): use it as the model host. */
  url: string;
  requests: HubRequest[];
  /** Adds a fault (first matching fault wins, in the order added); returns a function removing it. */
  setFault(fault: Fault): () => void;
  clearFaults(): void;
  /** Empties `requests` (same as `requests.length = 0`). */
  clearRequests(): void;
  close(): Promise<void>;
}

interface ActiveFault {
  id: number;
  fault: Fault;
  remaining: number;
}

const EXPOSED = 'Content-Length, Content-Range, Content-Type, ETag, Accept-Ranges';
const CONTROL_PREFIX = '/__hub/';

function corsHeaders(): Record<string, string> {
  return { 'Access-Control-Allow-Origin': '*', 'Access-Control-Expose-Headers': EXPOSED };
}

function contentType(file: string): string {
  const ext = path.extname(file).toLowerCase();
  if (ext === '.json') return 'application/json; charset=utf-8';
  if (ext === '.txt' || ext === '.md') return 'text/plain; charset=utf-8';
  return 'application/octet-stream';
}

function matches(match: FaultMatch | undefined, reqPath: string): boolean {
  if (match === undefined) return true;
  if (typeof match === 'string') return reqPath.includes(match);
  match.lastIndex = 0;
  return match.test(reqPath);
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** Resolves when `res` drains or closes, whichever first. */
function drainOrClose(res: http.ServerResponse): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      res.off('drain', done);
      res.off('close', done);
      resolve();
    };
    res.on('drain', done);
    res.on('close', done);
  });
}

/** Writes and resolves once the bytes reached the socket (or it closed). */
function writeFlushed(res: http.ServerResponse, chunk: Buffer): Promise<void> {
  return new Promise((resolve) => {
    if (res.destroyed) return resolve();
    res.write(chunk, () => resolve());
    res.once('close', () => resolve());
  });
}

/** The commit this hub says `revision` of `repo` points at: a hash of both, stable across runs, different per repo. */
export function hubCommit(repo: string, revision: string): string {
  return createHash('sha1').update(`${repo}@${revision}`).digest('hex');
}

/** Parses `/{owner}/{name}/resolve/{rev}/{path...}`; returns undefined for anything else. */
export function parseResolvePath(pathname: string): { repo: string[]; revision: string; file: string[] } | 'bad' | undefined {
  const raw = pathname.split('/').slice(1);
  let segments: string[];
  try {
    segments = raw.map((s) => decodeURIComponent(s));
  } catch {
    return 'bad';
  }
  const at = segments.indexOf('resolve');
  if (at !== 1 && at !== 2) return undefined;
  const repo = segments.slice(0, at);
  const revision = segments[at + 1];
  const file = segments.slice(at + 2);
  if (revision === undefined || revision === '' || file.length === 0) return undefined;
  const unsafe = (s: string) => s === '' || s === '.' || s === '..' || /[/\\\0]/.test(s);
  if (repo.some(unsafe) || file.some(unsafe)) return 'bad';
  return { repo, revision, file };
}

function parseRange(header: string | undefined, size: number): { start: number; end: number } | 'invalid' | undefined {
  if (!header) return undefined;
  const m = /^bytes=(\d*)-(\d*)$/.exec(header.trim());
  if (!m || (m[1] === '' && m[2] === '')) return 'invalid';
  let start: number;
  let end: number;
  if (m[1] === '') {
    const suffix = Number(m[2]);
    if (suffix === 0) return 'invalid';
    start = Math.max(0, size - suffix);
    end = size - 1;
  } else {
    start = Number(m[1]);
    end = m[2] === '' ? size - 1 : Math.min(Number(m[2]), size - 1);
  }
  if (start >= size || start > end) return 'invalid';
  return { start, end };
}

type WireMatch = string | { regexp: string; flags: string } | undefined;
type WireFault = Omit<Fault, 'match'> & { match?: WireMatch };

function toWire(fault: Fault): WireFault {
  const { match, ...rest } = fault;
  const wire: WireMatch = match instanceof RegExp ? { regexp: match.source, flags: match.flags } : match;
  return { ...rest, ...(wire === undefined ? {} : { match: wire }) } as WireFault;
}

function fromWire(wire: WireFault): Fault {
  const { match, ...rest } = wire;
  const m: FaultMatch | undefined = typeof match === 'object' ? new RegExp(match.regexp, match.flags) : match;
  return { ...rest, ...(m === undefined ? {} : { match: m }) } as Fault;
}

function validateFault(f: Fault): void {
  const ok =
    (f.kind === 'slow' && f.bytesPerSecond > 0) ||
    (f.kind === 'status' && Number.isInteger(f.status) && f.status >= 100 && f.status <= 599) ||
    (f.kind === 'truncate' && f.bytes >= 0) ||
    (f.kind === 'wrong-size' && (f.contentLength === undefined || f.contentLength >= 0)) ||
    (f.kind === 'corrupt' && (f.bytes === undefined || f.bytes >= 1)) ||
    (f.kind === 'substitute' && f.file.split('/').length >= 3) ||
    f.kind === 'hang';
  if (!ok) throw new Error(`invalid hub fault: ${JSON.stringify(toWire(f))}`);
  if (f.times !== undefined && !(f.times >= 1)) throw new Error('hub fault `times` must be >= 1');
}

export async function startHub({ root, host = '127.0.0.1', port = 0, cacheControl = 'no-store' }: StartHubOptions): Promise<Hub> {
  const rootReal = await realpath(root);
  const requests: HubRequest[] = [];
  let faults: ActiveFault[] = [];
  let nextId = 1;
  const sockets = new Set<Socket>();
  const etags = new Map<string, { key: string; etag: string }>();

  const setFault = (fault: Fault): (() => void) => {
    validateFault(fault);
    const id = nextId++;
    faults.push({ id, fault, remaining: fault.times ?? Infinity });
    return () => {
      faults = faults.filter((f) => f.id !== id);
    };
  };
  const clearFaults = () => {
    faults = [];
  };
  const clearRequests = () => {
    requests.length = 0;
  };

  function findFault(reqPath: string): ActiveFault | undefined {
    return faults.find((f) => f.remaining > 0 && matches(f.fault.match, reqPath));
  }
  function consume(f: ActiveFault): void {
    f.remaining -= 1;
    if (f.remaining <= 0) faults = faults.filter((x) => x !== f);
  }

  async function etagOf(file: string, size: number, mtimeMs: number): Promise<string> {
    const key = `${size}:${mtimeMs}`;
    const cached = etags.get(file);
    if (cached?.key === key) return cached.etag;
    const hash = createHash('sha256');
    for await (const chunk of createReadStream(file)) hash.update(chunk as Buffer);
    const etag = `"${hash.digest('hex')}"`;
    etags.set(file, { key, etag });
    return etag;
  }

  /** Resolves a parsed path to a regular file inside root, or undefined. */
  async function locate(parts: { repo: string[]; file: string[] }): Promise<{ file: string; size: number; mtimeMs: number } | undefined> {
    const candidate = path.join(rootReal, ...parts.repo, ...parts.file);
    let real: string;
    try {
      real = await realpath(candidate);
    } catch {
      return undefined;
    }
    const rel = path.relative(rootReal, real);
    if (rel === '' || rel.startsWith('..') || path.isAbsolute(rel)) return undefined;
    const st = await stat(real);
    if (!st.isFile()) return undefined;
    return { file: real, size: st.size, mtimeMs: st.mtimeMs };
  }

  async function handleControl(req: http.IncomingMessage, res: http.ServerResponse, pathname: string): Promise<void> {
    const json = (status: number, body: unknown) => {
      res.writeHead(status, { 'Content-Type': 'application/json', ...corsHeaders() });
      res.end(JSON.stringify(body));
    };
    const readBody = async () => {
      let text = '';
      for await (const chunk of req) text += String(chunk);
      return text;
    };
    const route = `${req.method} ${pathname.slice(CONTROL_PREFIX.length - 1)}`;
    try {
      if (route === 'GET /requests') return json(200, requests);
      if (route === 'DELETE /requests') {
        clearRequests();
        return json(200, { ok: true });
      }
      if (route === 'DELETE /faults') {
        clearFaults();
        return json(200, { ok: true });
      }
      if (route === 'POST /faults') {
        const fault = fromWire(JSON.parse(await readBody()) as WireFault);
        setFault(fault);
        return json(200, { id: nextId - 1 });
      }
      const del = /^DELETE \/faults\/(\d+)$/.exec(route);
      if (del) {
        const id = Number(del[1]);
        faults = faults.filter((f) => f.id !== id);
        return json(200, { ok: true });
      }
      return json(404, { error: `unknown control route ${route}` });
    } catch (error) {
      return json(400, { error: String(error) });
    }
  }

  async function sendBody(
    res: http.ServerResponse,
    entry: HubRequest,
    file: string,
    start: number,
    end: number,
    opts: { bytesPerSecond?: number; stopAfter?: number },
  ): Promise<void> {
    if (end < start) return;
    const chunkSize = opts.bytesPerSecond ? Math.max(1, Math.floor(opts.bytesPerSecond / 20)) : 64 * 1024;
    const stream = createReadStream(file, { start, end, highWaterMark: chunkSize });
    try {
      for await (const chunk of stream) {
        let buf = chunk as Buffer;
        if (opts.stopAfter !== undefined) buf = buf.subarray(0, Math.max(0, opts.stopAfter - entry.bytes));
        for (let off = 0; off < buf.length; off += chunkSize) {
          if (res.destroyed) return;
          const piece = buf.subarray(off, off + chunkSize);
          if (opts.bytesPerSecond) {
            await writeFlushed(res, piece);
            entry.bytes += piece.length;
            await sleep((piece.length / opts.bytesPerSecond) * 1000);
          } else {
            const ok = res.write(piece);
            entry.bytes += piece.length;
            if (!ok) await drainOrClose(res);
          }
        }
        if (opts.stopAfter !== undefined && entry.bytes >= opts.stopAfter) return;
      }
    } finally {
      stream.destroy();
    }
  }

  async function handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const target = req.url ?? '/';
    const pathname = target.split('?')[0] ?? '/';
    if (pathname.startsWith(CONTROL_PREFIX)) return handleControl(req, res, pathname);

    const method = req.method ?? 'GET';
    const entry: HubRequest = { method, path: target, status: 0, bytes: 0, done: false };
    requests.push(entry);
    res.on('close', () => {
      entry.status = res.headersSent ? res.statusCode : 0;
      entry.done = true;
    });
    const send = (status: number, body: string, headers: Record<string, string> = {}) => {
      res.writeHead(status, { 'Content-Type': 'text/plain; charset=utf-8', ...corsHeaders(), ...headers });
      entry.status = status;
      res.end(method === 'HEAD' ? undefined : body);
      if (method !== 'HEAD') entry.bytes += Buffer.byteLength(body);
    };

    if (method === 'OPTIONS') {
      const headers: Record<string, string> = {
        ...corsHeaders(),
        'Access-Control-Allow-Methods': 'GET, HEAD, OPTIONS',
        'Access-Control-Allow-Headers': req.headers['access-control-request-headers'] ?? '*',
        'Access-Control-Max-Age': '600',
      };
      if (req.headers['access-control-request-private-network']) headers['Access-Control-Allow-Private-Network'] = 'true';
      res.writeHead(204, headers);
      entry.status = 204;
      res.end();
      return;
    }
    if (method !== 'GET' && method !== 'HEAD') return send(405, 'method not allowed', { Allow: 'GET, HEAD, OPTIONS' });

    const parsed = parseResolvePath(pathname);
    const fault = findFault(target);
    if (fault && (fault.fault.kind === 'status' || fault.fault.kind === 'hang')) {
      consume(fault);
      entry.fault = fault.fault.kind;
      if (fault.fault.kind === 'hang') return; // never answer
      const status = fault.fault.status;
      return send(status, JSON.stringify({ error: `hub fault: HTTP ${status}` }), { 'Content-Type': 'application/json' });
    }
    const api = /^\/api\/models\/([^/]+(?:\/[^/]+)?)\/revision\/([^/]+)$/.exec(pathname);
    if (api) {
      // The Hub's revision API: the commit a branch points at.
      const [repo, revision] = [api[1]!, decodeURIComponent(api[2]!)];
      const dir = repo.split('/');
      if (dir.some((s) => s === '.' || s === '..') || !(await stat(path.join(rootReal, ...dir)).then((st) => st.isDirectory(), () => false))) {
        return send(404, JSON.stringify({ error: 'Repository not found' }), { 'Content-Type': 'application/json' });
      }
      const sha = hubCommit(repo, revision);
      return send(200, JSON.stringify({ id: repo, sha }), { 'Content-Type': 'application/json' });
    }
    if (parsed === 'bad') return send(400, 'bad path');
    if (!parsed) return send(404, 'Not Found: the hub serves /{owner}/{name}/resolve/{revision}/{path}');
    const substitute = fault?.fault.kind === 'substitute' ? fault.fault.file.split('/') : undefined;
    const found = await locate(substitute ? { repo: substitute.slice(0, 2), file: substitute.slice(2) } : parsed);
    if (!found) return send(404, 'Entry not found', { 'X-Error-Code': 'EntryNotFound' });

    const { file, size, mtimeMs } = found;
    const etag = await etagOf(file, size, mtimeMs);
    const base: Record<string, string> = {
      ...corsHeaders(),
      'Content-Type': contentType(file),
      ETag: etag,
      'Accept-Ranges': 'bytes',
      'Cache-Control': cacheControl,
    };
    if (req.headers['if-none-match'] === etag) {
      res.writeHead(304, base);
      entry.status = 304;
      res.end();
      return;
    }
    const range = parseRange(req.headers.range, size);
    if (range === 'invalid') return send(416, 'range not satisfiable', { 'Content-Range': `bytes */${size}` });
    const start = range?.start ?? 0;
    const end = range?.end ?? size - 1;
    const length = end - start + 1;
    const status = range ? 206 : 200;
    const headers: Record<string, string> = { ...base, 'Content-Length': String(length) };
    if (range) headers['Content-Range'] = `bytes ${start}-${end}/${size}`;

    const bodyFault = fault?.fault;
    if (fault) {
      consume(fault);
      entry.fault = fault.fault.kind;
    }
    if (bodyFault?.kind === 'wrong-size') {
      headers['Content-Length'] = String(bodyFault.contentLength ?? Math.floor(length / 2));
      headers.Connection = 'close';
    }
    if (bodyFault?.kind === 'truncate') headers.Connection = 'close';
    res.writeHead(status, headers);
    entry.status = status;
    if (method === 'HEAD') {
      res.end();
      return;
    }

    if (bodyFault?.kind === 'truncate' || bodyFault?.kind === 'wrong-size') {
      const stopAfter = bodyFault.kind === 'truncate' ? Math.min(bodyFault.bytes, length) : undefined;
      res.flushHeaders();
      await sendBody(res, entry, file, start, end, stopAfter === undefined ? {} : { stopAfter });
      // End the connection (after flushing what was written) without finishing the HTTP message.
      res.socket?.destroySoon();
      return;
    }
    if (bodyFault?.kind === 'corrupt') {
      const body = (await readFile(file)).subarray(start, end + 1);
      body.fill(0x23, 0, Math.min(bodyFault.bytes ?? 16, body.length));
      entry.bytes += body.length;
      res.end(body);
      return;
    }
    await sendBody(res, entry, file, start, end, bodyFault?.kind === 'slow' ? { bytesPerSecond: bodyFault.bytesPerSecond } : {});
    if (!res.destroyed) res.end();
  }

  const server = http.createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      if (!res.headersSent) {
        res.writeHead(500, { 'Content-Type': 'text/plain', ...corsHeaders() });
        res.end(`hub error: ${String(error)}`);
      } else res.destroy();
    });
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
  const address = server.address() as AddressInfo;
  const hostPart = address.family === 'IPv6' ? `[${address.address}]` : address.address;

  return {
    url: `http://${hostPart}:${address.port}`,
    requests,
    setFault,
    clearFaults,
    clearRequests,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

/** The shared hub seen from another process (a vitest worker): same operations, over HTTP. */
export interface HubClient {
  url: string;
  /** A snapshot of the hub's request log. */
  requests(): Promise<HubRequest[]>;
  clearRequests(): Promise<void>;
  /** Adds a fault; resolves to a function removing it. RegExp matches travel as source + flags. */
  setFault(fault: Fault): Promise<() => Promise<void>>;
  clearFaults(): Promise<void>;
}

export function connectHub(url: string): HubClient {
  const base = url.replace(/\/+$/, '');
  const call = async (method: string, route: string, body?: unknown) => {
    const res = await fetch(`${base}${CONTROL_PREFIX}${route}`, {
      method,
      ...(body === undefined ? {} : { body: JSON.stringify(body), headers: { 'Content-Type': 'application/json' } }),
    });
    const json = (await res.json()) as unknown;
    if (!res.ok) throw new Error(`hub control ${method} ${route}: ${JSON.stringify(json)}`);
    return json;
  };
  return {
    url: base,
    requests: async () => (await call('GET', 'requests')) as HubRequest[],
    clearRequests: async () => void (await call('DELETE', 'requests')),
    clearFaults: async () => void (await call('DELETE', 'faults')),
    setFault: async (fault) => {
      validateFault(fault);
      const { id } = (await call('POST', 'faults', toWire(fault))) as { id: number };
      return async () => void (await call('DELETE', `faults/${id}`));
    },
  };
}
