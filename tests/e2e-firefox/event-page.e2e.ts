/**
 * Firefox suspends an idle background event page (`extensions.background.idle.timeout`, 30 s by
 * default; 2 s here). Inference lives in that page, so work that outlasts the timeout must keep it
 * alive: state the page holds in memory (a SAM embedding) survives a model download made slow
 * enough to take several timeouts, while the same state is lost after a truly idle period (proof
 * that the page does suspend here, so the first check means something).
 */
import { readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { inPage, launchFirefox, type FirefoxHarness } from '../harness/firefox';
import { connectHub } from '../harness/hub';
import { SCENES, shapeMask, shapePoint } from '../harness/scenes';
import { startOpenAiStub, type OpenAiStub } from '../servers/openai-stub';
import type { InpaintResult } from '../../utils/protocol';
import { call, readSession, request, storeImageFromUrl, storeMask, step, type Chrome, type InPage, type Reply } from '../e2e/support';

const IDLE_TIMEOUT_MS = 2_000;
const SLOW_LOAD_MS = 8_000;
const siteUrl = inject('siteUrl');
const hub = connectHub(inject('hubUrl'));
const modelsDir = inject('modelsDir');

let fox: FirefoxHarness;
let panel: InPage;
let openai: OpenAiStub;

beforeAll(async () => {
  openai = await startOpenAiStub();
  fox = await launchFirefox({ idleTimeoutMs: IDLE_TIMEOUT_MS });
  await fox.setSettings({ modelHost: hub.url });
  panel = inPage(await fox.openExtensionPage('sidepanel.html'));
});
afterAll(async () => {
  await hub.clearFaults();
  await fox?.close();
  await openai?.close();
});

/** Bytes of the largest file of one test-model repo (files download in parallel, each at the fault's rate). */
function largestFileBytes(repo: string): number {
  const dir = path.join(modelsDir, repo);
  return Math.max(
    ...readdirSync(dir, { recursive: true, encoding: 'utf8' })
      .map((file) => statSync(path.join(dir, file)))
      .filter((stats) => stats.isFile())
      .map((stats) => stats.size),
  );
}

/** Encodes the shapes scene in the event page; the embedding lives only in that page's memory. */
async function encodeShapes(): Promise<string> {
  const image = await storeImageFromUrl(panel, `${siteUrl}/img/shapes.png`);
  return (await call<{ embedding: string }>(panel, 'sam.encode', { image })).embedding;
}

const decode = (embedding: string) =>
  request<{ chosen: number }>(panel, 'sam.decode', { embedding, points: [{ ...shapePoint(SCENES.shapes, 'red-rect'), label: 1 }] });

describe('the Firefox event page and its idle timeout', () => {
  it(`keeps the event page alive through a model load that outlasts the ${IDLE_TIMEOUT_MS / 1000} s idle timeout`, async () => {
    await call(panel, 'models.load', { model: 'sam' });
    const embedding = await encodeShapes();

    const clipRepo = 'Xenova/clip-vit-base-patch32';
    const removeFault = await hub.setFault({ kind: 'slow', match: clipRepo, bytesPerSecond: Math.ceil(largestFileBytes(clipRepo) / (SLOW_LOAD_MS / 1000)) });
    const started = Date.now();
    const load = await step('the slow CLIP load', () => call<{ model: string }>(panel, 'models.load', { model: 'clip' }), 60_000);
    const tookMs = Date.now() - started;
    await removeFault();
    expect(load.model).toBe('clip');
    expect(tookMs).toBeGreaterThan(2 * IDLE_TIMEOUT_MS);

    // The embedding made before the load is still in memory: the page was never suspended.
    expect(await decode(embedding)).toMatchObject({ ok: true });
  });

  it('does suspend the event page when it is idle (its in-memory state is gone; the next request wakes it)', async () => {
    const embedding = await encodeShapes();
    expect(await decode(embedding)).toMatchObject({ ok: true });
    await new Promise((resolve) => setTimeout(resolve, 3 * IDLE_TIMEOUT_MS));
    expect(await decode(embedding)).toMatchObject({ ok: false, error: { message: expect.stringMatching(/expired/) } });
    // Woken by that request, it serves again.
    expect(await decode(await encodeShapes())).toMatchObject({ ok: true });
  });

  it('finishes an inpainting job that waits on a slow image server for several idle timeouts, with nobody asking; the session keeps its result', async () => {
    const KEY = 'sk-firefox-e2e-key';
    await fox.setSettings({ openaiImageBaseUrl: openai.baseUrl, openaiImageModel: 'gpt-image-1', llmApiKeys: { [openai.url]: KEY }, neverSendPixels: false });
    const serverDelayMs = 4 * IDLE_TIMEOUT_MS;
    openai.enqueue('POST /v1/images/edits', { kind: 'edit', delayMs: serverDelayMs });
    const scene = SCENES.river;
    const image = await storeImageFromUrl(panel, `${siteUrl}/img/river.png`);
    const mask = await storeMask(panel, shapeMask(scene, 'river'), scene.width, scene.height);
    const created = await panel.evaluate(
      (payload) => (globalThis as unknown as { chrome: Chrome }).chrome.runtime.sendMessage({ to: 'background', type: 'session.create', payload }) as Promise<Reply<{ sessionId: string }>>,
      { image, width: scene.width, height: scene.height, source: { pageUrl: `${siteUrl}/gallery.html?test=firefox-job` } },
    );
    const sessionId = created.value!.sessionId;
    const { jobId } = await call<{ jobId: string }>(panel, 'inpaint.start', { sessionId, image, mask, n: 1, feather: 4, backend: 'openai', prompt: 'a brown river' });

    // Nothing talks to the extension from here on: the job alone must keep its event page alive.
    await expect.poll(() => openai.requests.some((r) => r.path === '/v1/images/edits'), { timeout: 60_000, interval: 200 }).toBe(true);
    await new Promise((resolve) => setTimeout(resolve, serverDelayMs + 2 * IDLE_TIMEOUT_MS));
    const session = (await readSession(panel, sessionId)) as { results?: InpaintResult[] };
    const result = session.results?.find((r) => r.jobId === jobId);
    expect(result, 'the job never saved its result: the event page was suspended while it waited').toBeDefined();
    expect(result!.candidates).toHaveLength(1);
  });

  it('keeps the event page alive while a request waits on a stalled download (no progress, no events)', async () => {
    const embedding = await encodeShapes();
    const migan = 'migan';
    // Last in this file: the download never ends, and the browser closes with the request pending.
    await hub.setFault({ kind: 'hang', match: migan, times: 1 });
    request(panel, 'models.load', { model: 'migan' }).catch(() => undefined);
    await expect.poll(async () => (await hub.requests()).some((r) => r.path.includes(migan) && r.fault === 'hang'), { timeout: 10_000 }).toBe(true);
    await new Promise((resolve) => setTimeout(resolve, 3 * IDLE_TIMEOUT_MS));
    expect(await decode(embedding)).toMatchObject({ ok: true });
  });
});
