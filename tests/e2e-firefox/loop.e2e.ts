/**
 * The product's loop in Firefox ESR: the add-on loads (sidebar, context menu, no offscreen
 * document), the background event page runs the test models on the backend Firefox offers, the
 * overlay opens over a page image in its closed shadow root and a click there segments the shape
 * (IoU ≥ 0.9), an animated PNG labelled image/png and an SVG open there too (same-origin and
 * without CORS), CLIP and MI-GAN run in the event page, and so does a local inpainting job. Driven
 * from an extension page opened as a tab, as the side panel drives it.
 */
import { afterAll, afterEach, beforeAll, describe, expect, inject, it } from 'vitest';
import type { Frame, Page } from 'puppeteer-core';
import { inPage, launchFirefox, type FirefoxHarness } from '../harness/firefox';
import { iou, PALETTE, SCENES, shapeMask, shapePoint, type Scene } from '../harness/scenes';
import { CROSS_ORIGIN_SUFFIX, INPUTS } from '../harness/site';
import type { InpaintResult, JobView, RuntimeInfo } from '../../utils/protocol';
import { decodeMaskRle } from '../../utils/mask/rle';
import { call, readSession, readStored, request, fillRiver, scoreRiverTexts, step, storeImageFromUrl, storeMask, type Chrome, type InPage, type Reply } from '../e2e/support';

const siteUrl = inject('siteUrl');
const crossOriginUrl = inject('crossOriginUrl');
const hubUrl = inject('hubUrl');

let fox: FirefoxHarness;
let panelPage: Page;
let panel: InPage;

beforeAll(async () => {
  fox = await launchFirefox();
  await fox.setSettings({ modelHost: hubUrl });
  panelPage = await fox.openExtensionPage('sidepanel.html');
  panel = inPage(panelPage);
});
afterAll(async () => {
  await fox?.close();
});
// A failed test leaves its page open, and tabIdFor would find it again by its URL on the retry.
afterEach(async () => {
  for (const page of await fox.browser.pages()) if (page.url().startsWith(siteUrl)) await page.close();
});

/**
 * Runs `fn` (self-contained) in the side-panel tab, where the extension's API is (Firefox also
 * names it `chrome`); that is the extension's own context for everything a test needs.
 */
function inExtension<T, A>(fn: (arg: A) => Promise<T>, arg: A): Promise<T> {
  return panel.evaluate(fn, arg);
}

async function tabIdFor(url: string): Promise<number> {
  return inExtension(async (u) => {
    const chrome = (globalThis as unknown as { chrome: Chrome }).chrome;
    // Firefox's `url` filter does not take a URL with a port and query: compare (host access shows it).
    const tab = (await chrome.tabs.query({})).find((t) => t.url === u);
    if (tab?.id === undefined) throw new Error(`no tab shows ${u}`);
    return tab.id;
  }, url);
}

/** What the background does on "Fix this image…": inject the content script, ask for the overlay. */
async function sendToContent(page: Page, type: string, payload: unknown): Promise<Reply> {
  const tabId = await tabIdFor(page.url());
  return inExtension(
    async ([id, t, p]) => {
      const chrome = (globalThis as unknown as { chrome: Chrome }).chrome;
      await chrome.scripting.executeScript({ target: { tabId: id }, files: ['/content-scripts/content.js'] });
      return chrome.tabs.sendMessage(id, { to: 'content', type: t, payload: p }) as Promise<Reply>;
    },
    [tabId, type, payload] as const,
  );
}

/**
 * The overlay frame in `page`, once its image is encoded and it takes clicks. Puppeteer keeps
 * reporting the frame's first URL (about:blank) after it moves to the extension process, so the
 * frame is found by asking each child frame where it is.
 */
async function overlayFrame(page: Page): Promise<Frame> {
  const deadline = Date.now() + 10_000;
  for (;;) {
    for (const frame of page.mainFrame().childFrames()) {
      const href = await frame.evaluate(() => location.href).catch(() => '');
      if (!href.includes('/overlay.html')) continue;
      await frame.waitForSelector('canvas[data-ready="true"]', { timeout: 60_000 }).catch(async (error: unknown) => {
        // Say what the overlay shows instead (an error message), not only that it timed out.
        const status = await frame.$eval('[data-testid="overlay-status"]', (e) => e.textContent).catch(() => '?');
        throw new Error(`the overlay never became ready; it shows: ${status}`, { cause: error });
      });
      return frame;
    }
    if (Date.now() > deadline) throw new Error('the overlay frame never appeared');
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** Clicks the overlay at a natural-image point and waits for the new mask. */
async function clickNatural(page: Page, frame: Frame, point: { x: number; y: number }, scale: number, button: 'left' | 'right' = 'left'): Promise<void> {
  const canvas = (await frame.$('canvas[data-testid="mask-canvas"]'))!;
  const before = Number(await canvas.evaluate((c) => c.dataset.version));
  await page.bringToFront();
  await canvas.click({ offset: { x: point.x * scale, y: point.y * scale }, button });
  await frame
    .waitForFunction(
      (v) => {
        const c = document.querySelector<HTMLCanvasElement>('canvas[data-testid="mask-canvas"]')!;
        return Number(c.dataset.version) > v && c.dataset.busy === 'false';
      },
      { timeout: 60_000, polling: 100 },
      before,
    )
    .catch(async (error: unknown) => {
      const status = await frame.$eval('[data-testid="overlay-status"]', (e) => e.textContent).catch(() => '?');
      const state = await frame.$eval('canvas[data-testid="mask-canvas"]', (c) => JSON.stringify({ ...(c as HTMLCanvasElement).dataset })).catch(() => '?');
      throw new Error(`no new mask after the click; the overlay says: ${status}; its canvas: ${state}`, { cause: error });
    });
}

/** The session the overlay handed to the side panel (after Continue). */
async function sessionOf(frame: Frame): Promise<{ image: string; mask?: string; width: number; height: number; source: { note?: string } }> {
  const sessionId = await frame.$eval('canvas[data-testid="mask-canvas"]', (c) => c.getAttribute('data-session'));
  return step('read the session', () => readSession(panel, sessionId!));
}

/** Presses Continue and returns the mask stored in the session it hands to the side panel. */
async function continueToPanel(frame: Frame): Promise<Uint8Array> {
  await frame.click('[data-action="continue"]');
  await frame.waitForFunction(() => document.querySelector('[data-action="continue"]')?.textContent?.includes('Sent'), { timeout: 30_000, polling: 100 });
  const session = await sessionOf(frame);
  return (await step('read the mask', () => readStored(panel, session.mask!))).data;
}

/** The inputs page scrolled to `selector`, as a user who sees that image would have it. */
async function openInputsPage(test: string, selector: string): Promise<Page> {
  const page = await fox.openPage(`${siteUrl}/inputs.html?test=${test}`);
  await page.waitForSelector('body[data-ready]');
  await page.evaluate((s) => document.querySelector(s)!.scrollIntoView({ block: 'center' }), selector);
  return page;
}

describe('the loop in Firefox', () => {
  it('loads as a Firefox MV3 add-on: sidebar, context menu, no offscreen document', async () => {
    const manifest = await inExtension(async () => (globalThis as unknown as { chrome: Chrome }).chrome.runtime.getManifest(), null);
    // Firefox reports the manifest's paths as full URLs.
    expect([manifest.manifest_version, manifest.sidebar_action?.default_panel, manifest.background && 'scripts' in manifest.background ? manifest.background.scripts : manifest.background]).toEqual([3, fox.extensionUrl('sidepanel.html'), [fox.extensionUrl('background.js')]]);
    expect(manifest.permissions).not.toContain('offscreen');
    expect(manifest.permissions).not.toContain('sidePanel');
    const update = (id: string) =>
      inExtension(async (menuId) => {
        try {
          await (globalThis as unknown as { chrome: Chrome }).chrome.contextMenus.update(menuId, {});
          return 'exists';
        } catch (error) {
          return String(error);
        }
      }, id);
    expect(await update('fix-image')).toBe('exists');
    expect(await update('no-such-item')).not.toBe('exists');
    // The inference handlers answer from the background event page.
    expect(['webgpu', 'wasm']).toContain((await call<{ backend: string }>(panel, 'runtime.info', {})).backend);
  });

  it('runs the models on WebGPU in float16: Firefox offers a shader-f16 adapter (Mesa lavapipe), as a GPU with shader-f16 does', async () => {
    const adapter = await panelPage.evaluate(async () => {
      const gpu = (navigator as Navigator & { gpu?: GPU }).gpu;
      const found = await gpu?.requestAdapter({ powerPreference: 'high-performance' });
      return found ? { shaderF16: found.features.has('shader-f16') } : null;
    });
    // .ci/run installs mesa-vulkan-drivers; wasm.e2e.ts covers Firefox without WebGPU.
    expect(adapter, 'Firefox offers no WebGPU adapter: install mesa-vulkan-drivers').toEqual({ shaderF16: true });
    expect(await call<RuntimeInfo>(panel, 'runtime.info', {})).toMatchObject({ backend: 'webgpu', shaderF16: true });
    expect(await call<{ backend: string }>(panel, 'models.load', { model: 'sam' })).toMatchObject({ backend: 'webgpu' });
    expect((await call<RuntimeInfo>(panel, 'runtime.info', {})).models?.['sam']).toEqual({ backend: 'webgpu', precision: 'fp16' });
  });

  it('refuses inference requests from a content script (the page side)', async () => {
    const page = await fox.openPage(`${siteUrl}/gallery.html?test=refuse`);
    const tabId = await tabIdFor(page.url());
    const replies = await inExtension(async (id) => {
      const chrome = (globalThis as unknown as { chrome: Chrome }).chrome;
      const ask = (to: string, type: string, payload: unknown) =>
        chrome.scripting.executeScript({ target: { tabId: id }, func: (t: string, k: string, p: unknown) => chrome.runtime.sendMessage({ to: t, type: k, payload: p }), args: [to, type, payload] });
      const [routed] = await ask('offscreen', 'runtime.info', {});
      const [direct] = await ask('offscreen-doc', 'models.load', { model: 'sam' });
      return [routed?.result, direct?.result] as Reply[];
    }, tabId);
    expect(replies).toMatchObject([
      { ok: false, error: { code: 'refused' } },
      { ok: false, error: { code: 'refused' } },
    ]);
    await page.close();
  });

  it('opens the overlay over a page image in a closed shadow root; a click there segments the shape (IoU ≥ 0.9)', async () => {
    const page = await fox.openPage(`${siteUrl}/gallery.html?test=overlay`);
    await page.waitForSelector('body[data-ready]');
    expect(await step('open the overlay', () => sendToContent(page, 'content.open-overlay', { srcUrl: `${siteUrl}/img/shapes.png` }))).toEqual({ ok: true, value: { opened: true } });
    // A closed shadow root: the page cannot reach into the overlay.
    expect(await page.evaluate(() => { const host = document.querySelector('inpaint-biases-overlay'); return host ? host.shadowRoot : 'no overlay'; })).toBeNull();
    const frame = await step('the overlay frame', () => overlayFrame(page), 90_000);
    const scene: Scene = SCENES.shapes; // 1024² shown at 512²
    await clickNatural(page, frame, shapePoint(scene, 'red-rect'), 0.5);
    const [red, red2] = [shapeMask(scene, 'red-rect'), shapeMask(scene, 'red-rect-2')];
    const reds = red.map((v, i) => Math.max(v, red2[i]!));
    expect(iou(await continueToPanel(frame), reds)).toBeGreaterThanOrEqual(0.9);
    // Right-click excludes the other rectangle.
    await clickNatural(page, frame, shapePoint(scene, 'red-rect-2'), 0.5, 'right');
    expect(iou(await continueToPanel(frame), red)).toBeGreaterThanOrEqual(0.9);
    await fox.screenshot(page, 'overlay');
    await page.close();
  });

  // The page's own file is read by the content script, another site's by the background's fetch;
  // in Firefox the content script's copy of a page file is the page's (its bytes are parsed in the frame).
  describe.each([
    { where: 'same origin', base: siteUrl, suffix: '' },
    { where: 'cross-origin, no CORS', base: crossOriginUrl, suffix: CROSS_ORIGIN_SUFFIX },
  ])('unusual images, $where', ({ base, suffix }) => {
    it('an animated PNG labelled image/png: the overlay edits its first frame and says so', async () => {
      const page = await openInputsPage('animated', INPUTS.animated.selector + suffix);
      expect(await step('open the overlay', () => sendToContent(page, 'content.open-overlay', { srcUrl: `${base}${INPUTS.animated.path}` }))).toEqual({ ok: true, value: { opened: true } });
      const frame = await step('the overlay frame', () => overlayFrame(page), 90_000);
      expect(await frame.$eval('[data-testid="overlay-status"]', (e) => e.textContent)).toContain('first frame');
      const scene = SCENES.river; // 512² shown at 512²
      const point = shapePoint(scene, 'river');
      await clickNatural(page, frame, point, 1);
      expect(iou(await continueToPanel(frame), shapeMask(scene, 'river'))).toBeGreaterThanOrEqual(0.9);
      // The stored image is frame 0 (blue river), not frame 1 (red river).
      const session = await sessionOf(frame);
      expect(session.source.note).toMatch(/first frame/);
      const image = await step('read the image', () => readStored(panel, session.image));
      const at = (Math.round(point.y) * image.width + Math.round(point.x)) * 4;
      expect([...image.data.subarray(at, at + 3)]).toEqual([...PALETTE.blue]);
      await page.close();
    });

    it('an SVG is rasterised at its natural size and segments like the PNG', async () => {
      const page = await openInputsPage('svg', INPUTS.svg.selector + suffix);
      expect(await step('open the overlay', () => sendToContent(page, 'content.open-overlay', { srcUrl: `${base}${INPUTS.svg.path}` }))).toEqual({ ok: true, value: { opened: true } });
      const frame = await step('the overlay frame', () => overlayFrame(page), 90_000);
      const scene = SCENES.shapes; // 1024² shown at 512²
      await clickNatural(page, frame, shapePoint(scene, 'green-disc'), 0.5);
      expect(iou(await continueToPanel(frame), shapeMask(scene, 'green-disc'))).toBeGreaterThanOrEqual(0.9);
      const session = await sessionOf(frame);
      expect([session.width, session.height]).toEqual([1024, 1024]);
      await page.close();
    });
  });

  it('CLIP scores the text naming the image’s colours above one that does not', async () => {
    const scores = await scoreRiverTexts(panel, siteUrl);
    expect(scores[0]!).toBeGreaterThan(scores[1]! + 10);
  });

  it('MI-GAN fills the masked river from the green banks; unmasked pixels stay exact', async () => {
    const { changedOutside, greenShare } = await fillRiver(panel, siteUrl);
    expect(changedOutside).toBe(0);
    expect(greenShare).toBeGreaterThan(0.95);
  });

  it('runs a local MI-GAN inpainting job in the event page: the session keeps a result whose region score rose', async () => {
    const scene = SCENES.river;
    const image = await storeImageFromUrl(panel, `${siteUrl}/img/river.png`);
    const mask = await storeMask(panel, shapeMask(scene, 'river'), scene.width, scene.height);
    const created = await panel.evaluate(
      (payload) => (globalThis as unknown as { chrome: Chrome }).chrome.runtime.sendMessage({ to: 'background', type: 'session.create', payload }) as Promise<Reply<{ sessionId: string }>>,
      { image, width: scene.width, height: scene.height, source: { pageUrl: `${siteUrl}/gallery.html?test=firefox-local-job` } },
    );
    const sessionId = created.value!.sessionId;
    const { jobId } = await call<{ jobId: string }>(panel, 'inpaint.start', { sessionId, image, mask, n: 1, feather: 4, backend: 'local', prompt: 'green grass' });
    const view = await step('the job finishes', async () => {
      for (;;) {
        const { jobs } = await call<{ jobs: JobView[] }>(panel, 'jobs.list', {});
        const job = jobs.find((j) => j.jobId === jobId);
        if (job && ['done', 'failed', 'cancelled'].includes(job.state)) return job;
        await new Promise((resolve) => setTimeout(resolve, 200));
      }
    }, 90_000);
    expect(view.state, view.error?.message).toBe('done');
    const session = (await readSession(panel, sessionId)) as { results?: InpaintResult[] };
    const result = session.results?.find((r) => r.jobId === jobId);
    expect(result).toMatchObject({ backend: 'local', model: 'migan' });
    expect(result!.candidates[0]!.delta.region!).toBeGreaterThan(0);
  });

  it('answers two decodes at once on the same model (ONNX Runtime runs them one after the other)', async () => {
    const image = await storeImageFromUrl(panel, `${siteUrl}/img/shapes.png`);
    const { embedding } = await call<{ embedding: string }>(panel, 'sam.encode', { image });
    const decode = (shape: string) => call<{ rle: string }>(panel, 'sam.decode', { embedding, points: [{ ...shapePoint(SCENES.shapes, shape), label: 1 }] });
    const [red, green] = await step('two decodes at once', () => Promise.all([decode('red-rect'), decode('green-disc')]));
    expect(iou(decodeMaskRle(green.rle, 1024 * 1024), shapeMask(SCENES.shapes, 'green-disc'))).toBeGreaterThanOrEqual(0.9);
    expect(red.rle).not.toBe(green.rle);
  });

  it('validates requests in the event page', async () => {
    expect(await request(panel, 'sam.decode', { embedding: 'x', points: [{ x: 'left', y: 1, label: 1 }] })).toMatchObject({ ok: false, error: { code: 'bad-request' } });
  });

  it('logged no errors in the pages it opened', () => {
    // Firefox reports the content script's first try at a no-CORS file (by design: the
    // extension's own fetch reads it next) as the page's error; nothing else may be logged.
    const corsBlocked = (text: string) => text.startsWith('Error: Cross-Origin Request Blocked') && text.includes(`${crossOriginUrl}/img/`);
    expect(fox.consoleErrors.filter((entry) => !corsBlocked(entry.text))).toEqual([]);
  });
});
