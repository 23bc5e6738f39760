/**
 * Facts about the e2e harness itself (not the product): the extension loads, the backend flags
 * give or deny WebGPU, the test site renders, the hub is reachable from pages with CORS and its
 * faults look in Chromium the way hub.ts documents.
 */
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { backendFromEnv, launchExtension, probeWebGpu, type ExtensionHarness } from '../harness/extension.ts';
import { startHub, type Hub } from '../harness/hub.ts';
import { decodePng } from '../harness/png.ts';
import { PALETTE, SCENES, shapePoint } from '../harness/scenes.ts';
import { GALLERY } from '../harness/site.ts';

const backend = backendFromEnv();
const siteUrl = inject('siteUrl');
const crossOriginUrl = inject('crossOriginUrl');
const hubUrl = inject('hubUrl');

let ext: ExtensionHarness;
beforeAll(async () => {
  ext = await launchExtension({ backend });
});
afterAll(async () => {
  await ext?.close();
});

async function openGallery(pagePath: string): Promise<Page> {
  const page = await ext.openPage(`${siteUrl}${pagePath}`);
  await page.waitForSelector('body[data-ready]');
  expect(await page.getAttribute('body', 'data-ready'), await page.getAttribute('body', 'data-error') ?? '').toBe('true');
  return page;
}

/** Compiles an empty WebAssembly module in the page's main world. */
const compileWasm = (page: Page) =>
  page.evaluate(() =>
    WebAssembly.compile(new Uint8Array([0, 0x61, 0x73, 0x6d, 1, 0, 0, 0])).then(
      () => 'compiled',
      (e: unknown) => String(e),
    ),
  );

describe(`harness (${backend})`, () => {
  it('loads the extension: service worker, id, manifest, storage', async () => {
    expect(ext.extensionId).toMatch(/^[a-p]{32}$/);
    expect(ext.serviceWorker.url()).toMatch(new RegExp(`^${ext.origin}/`));
    const manifest = await ext.serviceWorker.evaluate(() => (globalThis as unknown as { chrome: { runtime: { getManifest(): { name: string; manifest_version: number } } } }).chrome.runtime.getManifest());
    expect(manifest).toMatchObject({ name: 'Inpaint Biases', manifest_version: 3 });
    await ext.setSettings({ harnessProbe: { at: 1 } });
    expect(await ext.getSettings('harnessProbe')).toEqual({ harnessProbe: { at: 1 } });
  });

  it(backend === 'webgpu' ? 'offers a WebGPU adapter (SwiftShader) in pages, extension pages and the service worker' : 'offers no WebGPU adapter anywhere', async () => {
    const sitePage = await ext.openPage(`${siteUrl}/blank.html`);
    const extensionPage = await ext.openExtensionPage('manifest.json'); // any extension-origin document
    const probes = {
      page: await probeWebGpu(sitePage),
      extensionPage: await probeWebGpu(extensionPage),
      serviceWorker: await probeWebGpu(ext.serviceWorker),
    };
    for (const [where, probe] of Object.entries(probes)) {
      expect(probe.error, where).toBeUndefined();
      if (backend === 'webgpu') {
        expect(probe.adapter, where).toEqual({ vendor: 'google', architecture: 'swiftshader', isFallbackAdapter: true, device: true });
      } else {
        expect(probe.adapter, where).toBeNull();
      }
    }
    await Promise.all([sitePage.close(), extensionPage.close()]);
  });

  it('serves and renders the gallery: every image kind, pixels as the scenes say; screenshot saved', async () => {
    const page = await openGallery('/gallery.html');
    for (const [name, { selector, scene }] of Object.entries(GALLERY)) {
      const natural = await page.locator(selector).evaluate((el) =>
        el instanceof HTMLImageElement ? el.naturalWidth : el instanceof HTMLCanvasElement ? el.width : getComputedStyle(el).backgroundImage,
      );
      if (name === 'background') expect(natural).toContain('/img/shapes.png');
      else if (name === 'canvas') expect(natural).toBe(512);
      else expect(natural, name).toBe(SCENES[scene].width);
    }
    // The canvas holds the river image's pixels (same origin: readable).
    const river = shapePoint(SCENES.river, 'river');
    const canvasPixel = await page.locator(GALLERY.canvas.selector).evaluate(
      (el, p) => [...(el as HTMLCanvasElement).getContext('2d')!.getImageData(p.x, p.y, 1, 1).data],
      river,
    );
    expect(canvasPixel).toEqual([...PALETTE.blue, 255]);
    // No CSP here: the page's inline script ran, WebAssembly compiles.
    expect(await page.getAttribute('body', 'data-inline-script')).toBe('ran');
    expect(await compileWasm(page)).toBe('compiled');

    const file = await ext.screenshot(page, `harness-gallery-${backend}`);
    expect(existsSync(file)).toBe(true);
    // The screenshot shows the river image where the <img> is, in its colours (sRGB forced).
    const shot = decodePng(readFileSync(file));
    const box = (await page.locator(GALLERY.river.selector).boundingBox())!;
    const at = (x: number, y: number) => {
      const i = (Math.round(box.y + y) * shot.width + Math.round(box.x + x)) * 4;
      return [shot.data[i]!, shot.data[i + 1]!, shot.data[i + 2]!];
    };
    const close = (a: number[], b: readonly number[]) => a.every((v, i) => Math.abs(v - b[i]!) <= 3);
    expect(close(at(river.x, river.y), PALETTE.blue), String(at(river.x, river.y))).toBe(true);
    expect(close(at(5, 5), PALETTE.green), String(at(5, 5))).toBe(true);
    await page.close();
  });

  it("renders the strict-CSP gallery too, where inline scripts are blocked (and logged)", async () => {
    const response = await ext.context.request.get(`${siteUrl}/strict-csp.html`);
    expect(response.headers()['content-security-policy']).toBe("script-src 'self'");
    const before = ext.consoleErrors.length;
    const page = await openGallery('/strict-csp.html');
    expect(await page.getAttribute('body', 'data-inline-script')).toBeNull();
    // The CSP that breaks in-page inference: WebAssembly cannot compile in the page's main world.
    expect(await compileWasm(page)).toMatch(/CompileError.*Content Security Policy/);
    expect(await page.locator('#img-cross-origin').evaluate((el) => (el as HTMLImageElement).naturalWidth)).toBe(1024);
    await expect.poll(() => ext.consoleErrors.slice(before).some((e) => /Content Security Policy/.test(e.text))).toBe(true);
    await page.close();
  });

  it('collects console errors and uncaught errors of pages', async () => {
    const page = await ext.openPage(`${siteUrl}/blank.html`);
    await page.evaluate(() => {
      console.error('harness probe error');
      setTimeout(() => {
        throw new Error('harness probe uncaught');
      });
    });
    await expect.poll(() => ext.consoleErrors.map((e) => `${e.kind}: ${e.text}`)).toEqual(
      expect.arrayContaining(['console: harness probe error', expect.stringMatching(/^pageerror: Error: harness probe uncaught/)]),
    );
    await page.close();
  });
});

describe(`model hub seen from Chromium (${backend})`, () => {
  let dir: string;
  let hub: Hub;
  const FILE = Buffer.alloc(200_000, 7);
  const FILE_PATH = '/acme/tiny/resolve/main/onnx/model.onnx';
  let page: Page;

  beforeAll(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'hub-e2e-'));
    mkdirSync(path.join(dir, 'acme/tiny/onnx'), { recursive: true });
    writeFileSync(path.join(dir, 'acme/tiny/onnx/model.onnx'), FILE);
    hub = await startHub({ root: dir });
    page = await ext.openPage(`${siteUrl}/blank.html`); // a different origin than the hub
  });
  afterAll(async () => {
    await page?.close();
    await hub?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  /** fetch() in the page; reports status, exposed headers, body length or the body error. */
  const pageFetch = (url: string) =>
    page.evaluate(async (u) => {
      const res = await fetch(u);
      const headers = { length: res.headers.get('content-length'), etag: res.headers.get('etag') };
      try {
        return { status: res.status, headers, bytes: (await res.arrayBuffer()).byteLength };
      } catch (error) {
        return { status: res.status, headers, error: String(error) };
      }
    }, url);

  it('serves files cross-origin with Content-Length and ETag readable; the shared hub answers 404', async () => {
    const ok = await pageFetch(`${hub.url}${FILE_PATH}`);
    expect(ok).toMatchObject({ status: 200, bytes: FILE.length, headers: { length: String(FILE.length), etag: expect.stringMatching(/^"[0-9a-f]{64}"$/) } });
    expect(await pageFetch(`${hubUrl}/nobody/nothing/resolve/main/x.onnx`)).toMatchObject({ status: 404 });
    expect(hub.requests.at(-1)).toMatchObject({ method: 'GET', path: FILE_PATH, status: 200, bytes: FILE.length });
  });

  it('faults as documented: truncate fails the body read, a smaller wrong-size succeeds short, status is readable', async () => {
    hub.setFault({ kind: 'truncate', bytes: 1000, times: 1 });
    expect(await pageFetch(`${hub.url}${FILE_PATH}`)).toMatchObject({ status: 200, error: expect.stringMatching(/TypeError/) });
    hub.setFault({ kind: 'wrong-size', times: 1 });
    expect(await pageFetch(`${hub.url}${FILE_PATH}`)).toMatchObject({ status: 200, bytes: FILE.length / 2, headers: { length: String(FILE.length / 2) } });
    hub.setFault({ kind: 'status', status: 503, times: 1 });
    expect(await pageFetch(`${hub.url}${FILE_PATH}`)).toMatchObject({ status: 503 });
    expect(await pageFetch(`${hub.url}${FILE_PATH}`)).toMatchObject({ status: 200, bytes: FILE.length });
  });

  it('the cross-origin image host sends no CORS headers: a page cannot read it with fetch', async () => {
    const result = await page.evaluate((u) => fetch(u).then(() => 'read', (e: unknown) => String(e)), `${crossOriginUrl}/img/shapes.png`);
    expect(result).toMatch(/TypeError/);
  });
});
