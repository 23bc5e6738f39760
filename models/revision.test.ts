import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { hubCommit, startHub, type Hub } from '../tests/harness/hub';
import { memoryCache } from './loader';
import { commitOf, pinRevision, revisionApiUrl } from './revision';

const REPO = 'acme/follows-main';
const COMMIT = 'c3c0c9e468934d62e79c329e35d82dd09ff8c444';
let root: string;
let hub: Hub;
beforeAll(async () => {
  root = mkdtempSync(path.join(tmpdir(), 'inpaint-revision-'));
  mkdirSync(path.join(root, REPO), { recursive: true });
  writeFileSync(path.join(root, REPO, 'config.json'), '{}');
  hub = await startHub({ root });
});
afterAll(async () => {
  await hub?.close();
  rmSync(root, { recursive: true, force: true });
});
beforeEach(() => {
  hub.clearFaults();
  hub.clearRequests();
});

describe('pinning a branch to a commit on the first load', () => {
  it('keeps a commit as it is, with no request', async () => {
    expect(await pinRevision(REPO, COMMIT, { host: hub.url, cache: memoryCache() })).toBe(COMMIT);
    expect(hub.requests).toEqual([]);
  });

  it("asks the host once for the branch's commit and keeps the answer: the next load uses the same commit with no request", async () => {
    const cache = memoryCache();
    expect(await pinRevision(REPO, 'main', { host: hub.url, cache })).toBe(hubCommit(REPO, 'main'));
    expect(hub.requests.map((r) => r.path)).toEqual([`/api/models/${REPO}/revision/main`]);
    hub.clearRequests();
    expect(await pinRevision(REPO, 'main', { host: hub.url, cache })).toBe(hubCommit(REPO, 'main'));
    expect(hub.requests).toEqual([]);
  });

  it('follows the branch when the host has no revision API or it fails, and keeps no answer then', async () => {
    const cache = memoryCache();
    expect(await pinRevision('acme/unknown', 'main', { host: hub.url, cache })).toBe('main');
    hub.setFault({ kind: 'status', status: 500, match: '/api/models/', times: 1 });
    expect(await pinRevision(REPO, 'main', { host: hub.url, cache })).toBe('main');
    expect(await cache.get(revisionApiUrl(hub.url, REPO, 'main'))).toBeUndefined();
    expect(await pinRevision(REPO, 'main', { host: hub.url, cache })).toBe(hubCommit(REPO, 'main'));
  });

  it('never keeps an answer that names no commit', async () => {
    expect(() => commitOf(new TextEncoder().encode('{"sha":"main"}'))).toThrow(/no commit/);
    expect(() => commitOf(new TextEncoder().encode('<html>'))).toThrow(/not JSON/);
    const cache = memoryCache();
    await cache.put(revisionApiUrl(hub.url, REPO, 'main'), new TextEncoder().encode('{"sha":"damaged"}'));
    expect(await pinRevision(REPO, 'main', { host: hub.url, cache })).toBe(hubCommit(REPO, 'main'));
  });
});
