import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { connectHub, parseResolvePath, startHub, type Hub } from './hub.ts';

const MODEL = Buffer.from(Array.from({ length: 100_000 }, (_, i) => (i * 31 + 7) & 0xff));
const CONFIG = JSON.stringify({ model_type: 'sam' });
const SECRET = 'top secret outside the hub root';

let dir: string;
let hub: Hub;
const url = (p: string) => `${hub.url}${p}`;
const MODEL_PATH = '/acme/tiny/resolve/main/onnx/model.onnx';

/** A raw request: Node's fetch/URL would normalise `..` segments before sending them. */
function rawGet(target: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const { hostname, port } = new URL(hub.url);
    const req = http.request({ hostname, port, path: target, method: 'GET' }, (res) => {
      let body = '';
      res.on('data', (c: Buffer) => (body += c.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

beforeAll(async () => {
  dir = mkdtempSync(path.join(tmpdir(), 'hub-test-'));
  const root = path.join(dir, 'root');
  mkdirSync(path.join(root, 'acme/tiny/onnx'), { recursive: true });
  mkdirSync(path.join(root, 'gpt2'), { recursive: true });
  writeFileSync(path.join(root, 'acme/tiny/onnx/model.onnx'), MODEL);
  writeFileSync(path.join(root, 'acme/tiny/config.json'), CONFIG);
  writeFileSync(path.join(root, 'gpt2/config.json'), CONFIG);
  writeFileSync(path.join(dir, 'secret.txt'), SECRET);
  symlinkSync(path.join(dir, 'secret.txt'), path.join(root, 'acme/tiny/escape.txt'));
  hub = await startHub({ root });
});

afterAll(async () => {
  await hub.close();
  rmSync(dir, { recursive: true, force: true });
});

afterEach(() => {
  hub.clearFaults();
  hub.clearRequests();
});

describe('serving', () => {
  it('serves a file like the Hub: length, type, sha256 ETag, CORS, no-store', async () => {
    const res = await fetch(url(MODEL_PATH));
    expect(res.status).toBe(200);
    expect(res.headers.get('content-length')).toBe(String(MODEL.length));
    expect(res.headers.get('content-type')).toBe('application/octet-stream');
    expect(res.headers.get('etag')).toBe(`"${createHash('sha256').update(MODEL).digest('hex')}"`);
    expect(res.headers.get('access-control-allow-origin')).toBe('*');
    expect(res.headers.get('access-control-expose-headers')).toMatch(/Content-Length.*ETag/);
    expect(res.headers.get('cache-control')).toBe('no-store');
    expect(Buffer.from(await res.arrayBuffer()).equals(MODEL)).toBe(true);
  });

  it('serves JSON as application/json, for any revision and for one-segment repos', async () => {
    for (const p of ['/acme/tiny/resolve/main/config.json', '/acme/tiny/resolve/0123abc/config.json', '/acme/tiny/resolve/refs%2Fpr%2F1/config.json', '/gpt2/resolve/main/config.json']) {
      const res = await fetch(url(p));
      expect(res.status, p).toBe(200);
      expect(res.headers.get('content-type')).toMatch(/^application\/json/);
      expect(await res.text()).toBe(CONFIG);
    }
  });

  it('answers HEAD, OPTIONS preflight, Range and If-None-Match', async () => {
    const head = await fetch(url(MODEL_PATH), { method: 'HEAD' });
    expect(head.status).toBe(200);
    expect(head.headers.get('content-length')).toBe(String(MODEL.length));

    const pre = await fetch(url(MODEL_PATH), {
      method: 'OPTIONS',
      headers: { Origin: 'chrome-extension://abc', 'Access-Control-Request-Method': 'GET', 'Access-Control-Request-Headers': 'range' },
    });
    expect(pre.status).toBe(204);
    expect(pre.headers.get('access-control-allow-origin')).toBe('*');
    expect(pre.headers.get('access-control-allow-headers')).toBe('range');
    expect(pre.headers.get('access-control-allow-methods')).toContain('GET');

    const part = await fetch(url(MODEL_PATH), { headers: { Range: 'bytes=10-19' } });
    expect(part.status).toBe(206);
    expect(part.headers.get('content-range')).toBe(`bytes 10-19/${MODEL.length}`);
    expect(Buffer.from(await part.arrayBuffer()).equals(MODEL.subarray(10, 20))).toBe(true);

    const etag = head.headers.get('etag')!;
    const again = await fetch(url(MODEL_PATH), { headers: { 'If-None-Match': etag } });
    expect(again.status).toBe(304);
  });

  it('404s missing files, folders and other paths, with CORS so a page can read the status', async () => {
    for (const p of ['/acme/tiny/resolve/main/nope.onnx', '/acme/tiny/resolve/main/onnx', '/nobody/none/resolve/main/config.json', '/acme/tiny/raw/main/config.json', '/']) {
      const res = await fetch(url(p));
      expect(res.status, p).toBe(404);
      expect(res.headers.get('access-control-allow-origin')).toBe('*');
    }
  });

  it('refuses directory traversal, raw or encoded, and symlinks out of the root', async () => {
    for (const p of [
      '/acme/tiny/resolve/main/../../../secret.txt',
      '/acme/tiny/resolve/main/..%2F..%2F..%2Fsecret.txt',
      '/acme/tiny/resolve/main/%2e%2e/%2e%2e/%2e%2e/secret.txt',
      '/acme/..%2F..%2F/resolve/main/secret.txt',
      '/acme/tiny/resolve/main/..%5c..%5csecret.txt',
      '/acme/tiny/resolve/main/escape.txt',
      '/acme/tiny/resolve/main/%E0%A4%A',
    ]) {
      const res = await rawGet(p);
      expect([400, 404], p).toContain(res.status);
      expect(res.body).not.toContain(SECRET);
    }
    expect(parseResolvePath('/a/b/resolve/main/..%2Fx')).toBe('bad');
    expect(parseResolvePath('/a/b/resolve/main/onnx/m.onnx')).toEqual({ repo: ['a', 'b'], revision: 'main', file: ['onnx', 'm.onnx'] });
  });

  it('logs every request with method, path, status and bytes', async () => {
    await (await fetch(url(MODEL_PATH))).arrayBuffer();
    await fetch(url(MODEL_PATH), { method: 'HEAD' });
    await (await fetch(url('/acme/tiny/resolve/main/missing'))).text();
    expect(hub.requests.map(({ method, path: p, status, bytes }) => ({ method, path: p, status, bytes }))).toEqual([
      { method: 'GET', path: MODEL_PATH, status: 200, bytes: MODEL.length },
      { method: 'HEAD', path: MODEL_PATH, status: 200, bytes: 0 },
      { method: 'GET', path: '/acme/tiny/resolve/main/missing', status: 404, bytes: expect.any(Number) },
    ]);
  });
});

describe('faults', () => {
  it('status: answers the status for `times` matching requests, then serves again', async () => {
    hub.setFault({ kind: 'status', status: 503, match: 'model.onnx', times: 2 });
    expect((await fetch(url('/acme/tiny/resolve/main/config.json'))).status).toBe(200);
    const first = await fetch(url(MODEL_PATH));
    expect(first.status).toBe(503);
    expect(first.headers.get('access-control-allow-origin')).toBe('*');
    expect((await fetch(url(MODEL_PATH))).status).toBe(503);
    expect((await fetch(url(MODEL_PATH))).status).toBe(200);
    expect(hub.requests.filter((r) => r.fault === 'status')).toHaveLength(2);
  });

  it('matches a RegExp and can be removed', async () => {
    const remove = hub.setFault({ kind: 'status', status: 500, match: /\.json$/ });
    expect((await fetch(url('/acme/tiny/resolve/main/config.json'))).status).toBe(500);
    expect((await fetch(url(MODEL_PATH))).status).toBe(200);
    remove();
    expect((await fetch(url('/acme/tiny/resolve/main/config.json'))).status).toBe(200);
  });

  it('slow: streams the full body at the given rate', async () => {
    hub.setFault({ kind: 'slow', bytesPerSecond: 400_000 }); // 100 kB → ~250 ms
    const t0 = performance.now();
    const body = Buffer.from(await (await fetch(url(MODEL_PATH))).arrayBuffer());
    const ms = performance.now() - t0;
    expect(body.equals(MODEL)).toBe(true);
    expect(ms).toBeGreaterThan(200);
    expect(ms).toBeLessThan(5_000);
  });

  it('truncate: full Content-Length, then the connection closes; reading the body fails', async () => {
    hub.setFault({ kind: 'truncate', bytes: 1000, times: 1 });
    const res = await fetch(url(MODEL_PATH));
    expect(res.status).toBe(200);
    expect(res.headers.get('content-length')).toBe(String(MODEL.length));
    await expect(res.arrayBuffer()).rejects.toThrow();
    await expect.poll(() => hub.requests[0]?.done).toBe(true);
    expect(hub.requests[0]).toMatchObject({ status: 200, bytes: 1000, fault: 'truncate' });
    // The next request is served normally.
    expect(Buffer.from(await (await fetch(url(MODEL_PATH))).arrayBuffer()).equals(MODEL)).toBe(true);
  });

  it('wrong-size: a smaller Content-Length makes fetch succeed with a short body', async () => {
    hub.setFault({ kind: 'wrong-size', times: 1 });
    const res = await fetch(url(MODEL_PATH));
    expect(res.status).toBe(200);
    expect(res.headers.get('content-length')).toBe(String(MODEL.length / 2));
    const body = Buffer.from(await res.arrayBuffer());
    expect(body.length).toBe(MODEL.length / 2);
    expect(body.equals(MODEL.subarray(0, MODEL.length / 2))).toBe(true);
    expect(Buffer.from(await (await fetch(url(MODEL_PATH))).arrayBuffer()).equals(MODEL)).toBe(true);
  });

  it('wrong-size: a larger Content-Length makes the body read fail', async () => {
    hub.setFault({ kind: 'wrong-size', contentLength: MODEL.length + 10 });
    const res = await fetch(url(MODEL_PATH));
    expect(res.headers.get('content-length')).toBe(String(MODEL.length + 10));
    await expect(res.arrayBuffer()).rejects.toThrow();
  });

  it('hang: never answers; the request is logged with status 0', async () => {
    hub.setFault({ kind: 'hang', match: 'config.json', times: 1 });
    await expect(fetch(url('/acme/tiny/resolve/main/config.json'), { signal: AbortSignal.timeout(300) })).rejects.toThrow();
    expect(hub.requests[0]).toMatchObject({ path: '/acme/tiny/resolve/main/config.json', status: 0, fault: 'hang' });
    expect((await fetch(url('/acme/tiny/resolve/main/config.json'))).status).toBe(200);
  });

  it('substitute: serves another file of the hub with its own size and ETag, once', async () => {
    hub.setFault({ kind: 'substitute', match: 'model.onnx', file: 'acme/tiny/config.json', times: 1 });
    const res = await fetch(url(MODEL_PATH));
    expect(await res.text()).toBe(CONFIG);
    expect(res.headers.get('etag')).toBe(`"${createHash('sha256').update(CONFIG).digest('hex')}"`);
    expect(hub.requests[0]).toMatchObject({ path: MODEL_PATH, status: 200, fault: 'substitute' });
    expect(Buffer.from(await (await fetch(url(MODEL_PATH))).arrayBuffer()).equals(MODEL)).toBe(true);
    // Nothing outside the root, as for a request.
    hub.setFault({ kind: 'substitute', file: 'acme/tiny/escape.txt', times: 1 });
    expect((await fetch(url(MODEL_PATH))).status).toBe(404);
  });

  it('rejects invalid faults', () => {
    expect(() => hub.setFault({ kind: 'slow', bytesPerSecond: 0 })).toThrow();
    expect(() => hub.setFault({ kind: 'status', status: 42 })).toThrow();
    expect(() => hub.setFault({ kind: 'hang', times: 0 })).toThrow();
    expect(() => hub.setFault({ kind: 'substitute', file: 'config.json' })).toThrow();
  });
});

describe('control client (for tests in another process)', () => {
  it('sets and clears faults, reads and clears the log; its own calls are not logged', async () => {
    const client = connectHub(hub.url);
    const remove = await client.setFault({ kind: 'status', status: 500, match: /model\.onnx$/ });
    expect((await fetch(url(MODEL_PATH))).status).toBe(500);
    await remove();
    expect((await fetch(url(MODEL_PATH))).status).toBe(200);
    await client.setFault({ kind: 'status', status: 429 });
    expect((await fetch(url(MODEL_PATH))).status).toBe(429);
    await client.clearFaults();
    expect((await fetch(url(MODEL_PATH))).status).toBe(200);
    expect((await client.requests()).map((r) => r.status)).toEqual([500, 200, 429, 200]);
    await client.clearRequests();
    expect(await client.requests()).toEqual([]);
    await expect(client.setFault({ kind: 'truncate', bytes: -1 })).rejects.toThrow();
  });

  it('closes even with a hanging request open', async () => {
    const other = await startHub({ root: path.join(dir, 'root') });
    other.setFault({ kind: 'hang' });
    const pending = fetch(`${other.url}${MODEL_PATH}`).catch((e: unknown) => e);
    await expect.poll(() => other.requests.length).toBe(1);
    await other.close();
    expect(await pending).toBeInstanceOf(Error);
  });
});
