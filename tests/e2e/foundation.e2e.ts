/**
 * The foundation in real Chromium: the extension's contexts are wired and talking, the offscreen
 * document runs every test model through the product's own loading code from the local hub on
 * the backend under test, and a second load of a model makes no network request.
 */
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { Page } from 'playwright-core';
import { backendFromEnv, launchExtension, type ExtensionHarness } from '../harness/extension';
import { connectHub } from '../harness/hub';
import { decodeMaskRle } from '../../utils/mask/rle';
import { iou, SCENES, shapeMask, shapePoint } from '../harness/scenes';
import { call, closeOffscreenDocument, request, fillRiver, scoreRiverTexts, storeImageFromUrl, tabIdFor, type Chrome, type Reply } from './support';

const backend = backendFromEnv();
const siteUrl = inject('siteUrl');
const hub = connectHub(inject('hubUrl'));

let ext: ExtensionHarness;
let panel: Page;

beforeAll(async () => {
  ext = await launchExtension({ backend });
  await ext.setSettings({ modelHost: hub.url });
  panel = await ext.openExtensionPage('sidepanel.html');
});
afterAll(async () => {
  await ext?.close();
});

describe(`foundation (${backend})`, () => {
  it('registers the "Fix this image…" context menu item on images', async () => {
    const update = (id: string) =>
      ext.serviceWorker.evaluate(async (menuId) => {
        try {
          await (globalThis as unknown as { chrome: Chrome }).chrome.contextMenus.update(menuId, {});
          return 'exists';
        } catch (error) {
          return String(error);
        }
      }, id);
    expect(await update('fix-image')).toBe('exists');
    expect(await update('no-such-item')).not.toBe('exists');
  });

  it('injects the content script on a page (twice: still one listener), which opens its overlay over the image', async () => {
    const page = await ext.openPage(`${siteUrl}/gallery.html`);
    const tabId = await tabIdFor(ext.serviceWorker, page.url());
    const send = (type: string, payload: unknown) =>
      ext.serviceWorker.evaluate(
        async ([id, t, p]) => {
          const chrome = (globalThis as unknown as { chrome: Chrome }).chrome;
          await chrome.scripting.executeScript({ target: { tabId: id }, files: ['/content-scripts/content.js'] });
          return chrome.tabs.sendMessage(id, { to: 'content', type: t, payload: p }) as Promise<Reply>;
        },
        [tabId, type, payload] as const,
      );
    // Each `send` injects the script again (as each activation does): the page still gets one
    // listener, so one overlay opens, not one per injection.
    expect(await send('content.open-overlay', { srcUrl: `${siteUrl}/img/no-such-image.png` })).toEqual({ ok: true, value: { opened: false, reason: 'The image could not be found on the page' } });
    const opened = await send('content.open-overlay', { srcUrl: `${siteUrl}/img/river.png` });
    expect(opened).toEqual({ ok: true, value: { opened: true } });
    expect(await page.locator('inpaint-biases-overlay').count()).toBe(1);
    const overlay = await page.evaluate(() => {
      const host = document.querySelector('inpaint-biases-overlay') as HTMLElement | null;
      const image = document.querySelector('#img-river')!.getBoundingClientRect();
      if (!host) return undefined;
      const box = host.getBoundingClientRect();
      // A closed shadow root: the page cannot reach into the overlay. The frame covers the image
      // exactly, plus its band of tools and status above or below it.
      const band = Math.max(image.top - box.top, box.bottom - image.bottom);
      return { shadowHidden: host.shadowRoot === null, dx: box.left - image.left, w: box.width - image.width, band, rest: box.height - image.height - band };
    });
    expect(overlay).toMatchObject({ shadowHidden: true, dx: 0, w: 0, rest: 0 });
    expect(overlay?.band).toBeGreaterThan(30);
    await page.keyboard.press('Escape');
    // Hidden at once, detached a moment later (content/overlay.ts).
    await expect.poll(() => page.locator('inpaint-biases-overlay').count()).toBe(0);

    expect(await send('content.open-overlay', { srcUrl: 42 })).toMatchObject({ ok: false, error: { code: 'bad-request' } });
    await page.close();
  });

  it('refuses inference requests from a content script (the page side)', async () => {
    const page = await ext.openPage(`${siteUrl}/gallery.html`);
    const tabId = await tabIdFor(ext.serviceWorker, page.url());
    const reply = await ext.serviceWorker.evaluate(async (id) => {
      const chrome = (globalThis as unknown as { chrome: Chrome }).chrome;
      const [result] = await chrome.scripting.executeScript({
        target: { tabId: id },
        func: () => chrome.runtime.sendMessage({ to: 'offscreen', type: 'runtime.info', payload: {} }),
      });
      // Addressing the offscreen document directly, past the background's check.
      const [direct] = await chrome.scripting.executeScript({
        target: { tabId: id },
        func: () => chrome.runtime.sendMessage({ to: 'offscreen-doc', type: 'models.load', payload: { model: 'sam' } }),
      });
      return [result?.result, direct?.result] as Reply[];
    }, tabId);
    expect(reply).toMatchObject([
      { ok: false, error: { code: 'refused' } },
      { ok: false, error: { code: 'refused' } },
    ]);
    await page.close();
  });

  it(`starts the offscreen document on ${backend}${backend === 'wasm' ? ' and says why WebGPU is not used' : ''}`, async () => {
    const info = await call<{ backend: string; fallbackReason?: string; adapter?: string; wasmThreads?: number }>(panel, 'runtime.info', {});
    expect(info.backend).toBe(backend);
    // Extension pages are not cross-origin isolated (a measured choice: wxt.config.ts), so one thread.
    expect(info.wasmThreads).toBe(1);
    if (backend === 'wasm') expect(info.fallbackReason).toMatch(/WebGPU/);
    else expect(info.adapter).toMatch(/swiftshader.*software/i);
  });

  it('validates requests at the offscreen end', async () => {
    const reply = await request(panel, 'sam.decode', { embedding: 'x', points: [{ x: 'left', y: 1, label: 1 }] });
    expect(reply).toMatchObject({ ok: false, error: { code: 'bad-request' } });
  });

  it('SAM: segments the clicked shape of a generated image (IoU ≥ 0.9), a negative click removing the other', async () => {
    const load = await call<{ backend: string; files: { path: string; fromCache: boolean }[] }>(panel, 'models.load', { model: 'sam' });
    expect(load.backend).toBe(backend);
    // First download in this profile (the overlay test may have started it): from the hub, not a cache.
    expect(load.files.map((f) => [f.path.replace(/_quantized|_fp16/, ''), f.fromCache])).toEqual([
      ['preprocessor_config.json', false],
      ['onnx/vision_encoder.onnx', false],
      ['onnx/prompt_encoder_mask_decoder.onnx', false],
    ]);

    const scene = SCENES.shapes;
    const image = await storeImageFromUrl(panel, `${siteUrl}/img/shapes.png`);
    const encoded = await call<{ embedding: string; width: number; height: number }>(panel, 'sam.encode', { image });
    expect([encoded.width, encoded.height]).toEqual([1024, 1024]);
    const decoded = await call<{ rle: string; width: number; height: number; scores: number[]; chosen: number }>(panel, 'sam.decode', {
      embedding: encoded.embedding,
      points: [
        { ...shapePoint(scene, 'red-rect'), label: 1 },
        { ...shapePoint(scene, 'red-rect-2'), label: 0 },
      ],
    });
    expect([decoded.width, decoded.height]).toEqual([1024, 1024]);
    expect(iou(decodeMaskRle(decoded.rle, 1024 * 1024), shapeMask(scene, 'red-rect'))).toBeGreaterThanOrEqual(0.9);
  });

  it('CLIP: scores the text naming the image’s colours above one that does not', async () => {
    const scores = await scoreRiverTexts(panel, siteUrl);
    expect(scores[0]!).toBeGreaterThan(scores[1]! + 10);
  });

  it('MI-GAN: fills the masked river from the green banks; unmasked pixels stay exact', async () => {
    const { changedOutside, greenShare } = await fillRiver(panel, siteUrl);
    expect(changedOutside).toBe(0);
    expect(greenShare).toBeGreaterThan(0.95);
  });

  it('renders the side panel with the backend in use and the options page, whose settings take effect', async () => {
    await panel.setViewportSize({ width: 420, height: 800 });
    await panel.reload();
    await panel.getByRole('heading', { name: 'Inpaint Biases' }).waitFor();
    await expect.poll(() => panel.getByTestId('backend-badge').innerText()).toBe(backend === 'webgpu' ? 'WebGPU' : 'WASM');
    await panel.locator('[data-testid="model-migan"] button').click();
    await panel.locator('[data-testid="model-migan"] .ready').waitFor();
    await ext.screenshot(panel, `sidepanel-${backend}`);

    const options = await ext.openExtensionPage('options.html');
    await options.getByLabel('Model host').fill('ftp://mirror.example');
    await options.getByRole('button', { name: 'Save' }).first().click();
    await options.getByText('Enter an http(s) address').waitFor();
    await options.getByLabel('Model host').fill(`${hub.url}/`);
    await options.getByRole('button', { name: 'Save' }).first().click();
    await options.getByText(`Models will load from ${hub.url}`).waitFor();
    expect(await ext.getSettings('modelHost')).toEqual({ modelHost: hub.url });
    await ext.screenshot(options, `options-${backend}`);
    await options.close();
  });

  it('refuses damaged downloads before caching them, and evicts a damaged cached file and downloads it again', async () => {
    const fileName = (path: string) => path.slice(path.lastIndexOf('/') + 1);
    await closeOffscreenDocument(ext.serviceWorker); // the loaded models go with it
    await panel.evaluate(() => caches.delete('inpaint-biases-models-v1'));
    try {
      await hub.setFault({ kind: 'corrupt', match: 'preprocessor_config', times: 1 });
      const corrupt = await request(panel, 'models.load', { model: 'sam' });
      expect(corrupt).toMatchObject({ ok: false, error: { message: expect.stringMatching(/preprocessor_config\.json is damaged/) } });
      // A short body the host called complete: only the hash (the hub's ETag, as the Hub's) catches it.
      await hub.setFault({ kind: 'wrong-size', match: 'vision_encoder', times: 1 });
      const short = await request(panel, 'models.load', { model: 'sam' });
      expect(short).toMatchObject({ ok: false, error: { message: expect.stringMatching(/vision_encoder(_quantized)?\.onnx is damaged: its SHA-256/) } });
    } finally {
      await hub.clearFaults();
    }
    const cached = await panel.evaluate(async () => (await (await caches.open('inpaint-biases-models-v1')).keys()).map((r) => r.url));
    expect(cached.map(fileName)).toEqual(['preprocessor_config.json']);

    // A config damaged in the cache is evicted and fetched again; the load works.
    await panel.evaluate(async (url) => (await caches.open('inpaint-biases-models-v1')).put(url, new Response('{"do_pad": tru')), cached[0]!);
    await hub.clearRequests();
    const load = await call<{ files: { path: string; fromCache: boolean }[] }>(panel, 'models.load', { model: 'sam' });
    // q8 files on WASM, fp32 on WebGPU.
    const fetched = ['preprocessor_config.json', expect.stringMatching(/^vision_encoder(_quantized)?\.onnx$/), expect.stringMatching(/^prompt_encoder_mask_decoder(_quantized)?\.onnx$/)];
    expect(load.files.filter((f) => !f.fromCache).map((f) => fileName(f.path))).toEqual(fetched);
    expect((await hub.requests()).map((r) => fileName(r.path))).toEqual(fetched);
  });

  it('loads a model again from the cache with no network request, even in a new offscreen document', async () => {
    await closeOffscreenDocument(ext.serviceWorker);
    await hub.clearRequests();
    const load = await call<{ files: { fromCache: boolean }[] }>(panel, 'models.load', { model: 'sam' });
    expect(load.files.every((f) => f.fromCache)).toBe(true);
    expect(await hub.requests()).toEqual([]);
  });
});
