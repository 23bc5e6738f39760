/**
 * Helpers for e2e tests that talk to the extension the way its own pages do: protocol messages
 * from an extension page, and the session store (the extension origin's IndexedDB).
 */
import type { Frame, Page, Worker } from 'playwright-core';
import type { browser } from 'wxt/browser';
import { fnv1a } from '../../utils/checksum';
import type { ExtensionHarness } from '../harness/extension';
import { SCENES, shapeMask } from '../harness/scenes';

/** The `chrome` global as seen inside evaluated functions (types only; the code runs in Chromium). */
export type Chrome = typeof browser;

/** What the page helpers need: Playwright's (Chromium) and puppeteer's (Firefox) pages both have it. */
export interface InPage {
  evaluate<R, A>(fn: (arg: A) => R, arg: A): Promise<Awaited<R>>;
}

export interface Reply<T = unknown> {
  ok: boolean;
  value?: T;
  error?: { code: string; message: string };
}

/** Sends a protocol request from an extension page (as the side panel does) and returns the raw reply. */
export function request<T>(page: InPage, type: string, payload: unknown): Promise<Reply<T>> {
  return page.evaluate(
    ([t, p]) => (globalThis as unknown as { chrome: Chrome }).chrome.runtime.sendMessage({ to: 'offscreen', type: t, payload: p }),
    [type, payload] as const,
  ) as Promise<Reply<T>>;
}

/** Like `request`, but fails the test with the extension's own error message. */
export async function call<T>(page: InPage, type: string, payload: unknown): Promise<T> {
  const reply = await request<T>(page, type, payload);
  if (!reply.ok) throw new Error(`${type} failed: ${reply.error?.code}: ${reply.error?.message}`);
  return reply.value as T;
}

/** Fetches an image URL in the extension page and stores it as the session store does; returns its key. */
export function storeImageFromUrl(page: InPage, url: string): Promise<string> {
  return page.evaluate(async (src) => {
    const blob = await (await fetch(src)).blob();
    const bitmap = await createImageBitmap(blob);
    const key = `image:${crypto.randomUUID()}`;
    const record = { key, kind: 'image', width: bitmap.width, height: bitmap.height, blob, createdAt: Date.now() };
    const db = await new Promise<IDBDatabase>((resolve, reject) => {
      // Same name, version and stores as utils/session-store.ts.
      const open = indexedDB.open('inpaint-biases', 2);
      open.onupgradeneeded = () => {
        if (!open.result.objectStoreNames.contains('blobs')) open.result.createObjectStore('blobs', { keyPath: 'key' }).createIndex('createdAt', 'createdAt');
        if (!open.result.objectStoreNames.contains('sessions')) open.result.createObjectStore('sessions', { keyPath: 'id' }).createIndex('updatedAt', 'updatedAt');
      };
      open.onsuccess = () => resolve(open.result);
      open.onerror = () => reject(open.error);
    });
    await new Promise<void>((resolve, reject) => {
      const tx = db.transaction('blobs', 'readwrite');
      tx.objectStore('blobs').put(record);
      tx.oncomplete = () => resolve();
      tx.onerror = () => reject(tx.error);
    });
    db.close();
    return key;
  }, url);
}

/** Stores a mask (1 byte per pixel) as the session store does; returns its key. */
export function storeMask(page: InPage, mask: Uint8Array, width: number, height: number): Promise<string> {
  return page.evaluate(
    async ({ base64, w, h }) => {
      const bytes = Uint8Array.from(atob(base64), (c) => c.charCodeAt(0));
      const key = `mask:${crypto.randomUUID()}`;
      const db = await new Promise<IDBDatabase>((resolve, reject) => {
        const open = indexedDB.open('inpaint-biases', 2);
        open.onsuccess = () => resolve(open.result);
        open.onerror = () => reject(open.error);
      });
      await new Promise<void>((resolve, reject) => {
        const tx = db.transaction('blobs', 'readwrite');
        tx.objectStore('blobs').put({ key, kind: 'mask', width: w, height: h, blob: new Blob([bytes]), createdAt: Date.now() });
        tx.oncomplete = () => resolve();
        tx.onerror = () => reject(tx.error);
      });
      db.close();
      return key;
    },
    { base64: Buffer.from(mask).toString('base64'), w: width, h: height },
  );
}

/** Reads a stored record back: masks as their raw bytes, images decoded to RGBA. */
export async function readStored(page: InPage, key: string): Promise<{ kind: string; width: number; height: number; data: Uint8Array }> {
  const stored = await page.evaluate(async (k) => {
    const db = await new Promise<IDBDatabase>((resolve, reject) => {
      const open = indexedDB.open('inpaint-biases', 2);
      open.onsuccess = () => resolve(open.result);
      open.onerror = () => reject(open.error);
    });
    const record = await new Promise<{ kind: string; width: number; height: number; blob: Blob } | undefined>((resolve, reject) => {
      const get = db.transaction('blobs').objectStore('blobs').get(k);
      get.onsuccess = () => resolve(get.result as never);
      get.onerror = () => reject(get.error);
    });
    db.close();
    if (!record) throw new Error(`nothing stored under ${k}`);
    let bytes: Uint8Array;
    if (record.kind === 'image') {
      const bitmap = await createImageBitmap(record.blob);
      const canvas = new OffscreenCanvas(bitmap.width, bitmap.height);
      const context = canvas.getContext('2d')!;
      context.drawImage(bitmap, 0, 0);
      bytes = new Uint8Array(context.getImageData(0, 0, bitmap.width, bitmap.height).data.buffer);
    } else {
      bytes = new Uint8Array(await record.blob.arrayBuffer());
    }
    let binary = '';
    for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
    return { kind: record.kind, width: record.width, height: record.height, base64: btoa(binary) };
  }, key);
  return { kind: stored.kind, width: stored.width, height: stored.height, data: new Uint8Array(Buffer.from(stored.base64, 'base64')) };
}

/**
 * Closes the offscreen document from the service worker (Chromium), which releases every loaded
 * model with it; the next inference request starts a fresh document, as after Chrome closed it.
 */
export async function closeOffscreenDocument(worker: Worker): Promise<void> {
  await worker.evaluate(async () => {
    const chrome = (globalThis as unknown as { chrome: Chrome }).chrome;
    if (await chrome.offscreen.hasDocument()) await chrome.offscreen.closeDocument();
  });
}

/** Finds the id of the tab showing `url` (from the service worker). */
export function tabIdFor(worker: Worker, url: string): Promise<number> {
  return worker.evaluate(async (u) => {
    const chrome = (globalThis as unknown as { chrome: Chrome }).chrome;
    const [tab] = await chrome.tabs.query({ url: u });
    if (tab?.id === undefined) throw new Error(`no tab shows ${u}`);
    return tab.id;
  }, url);
}

/** A session record (utils/session-store.ts `EditSession`) read from the extension's IndexedDB. */
export function readSession(page: InPage, id: string): Promise<{ id: string; image: string; mask?: string; width: number; height: number; source: { pageUrl: string; srcUrl?: string; note?: string; pixels?: string } }> {
  return page.evaluate(async (sessionId) => {
    const db = await new Promise<IDBDatabase>((resolve, reject) => {
      const open = indexedDB.open('inpaint-biases', 2);
      open.onsuccess = () => resolve(open.result);
      open.onerror = () => reject(open.error);
    });
    const session = await new Promise<unknown>((resolve, reject) => {
      const get = db.transaction('sessions').objectStore('sessions').get(sessionId);
      get.onsuccess = () => resolve(get.result);
      get.onerror = () => reject(get.error);
    });
    db.close();
    if (!session) throw new Error(`no session ${sessionId}`);
    return session as never;
  }, id);
}

/**
 * What the background does on "Fix this image…": inject the content script, ask for the overlay
 * (no URL: picker mode). Returns the content script's raw reply.
 */
export async function openOverlay(worker: Worker, page: Page, srcUrl?: string): Promise<Reply> {
  const tabId = await tabIdFor(worker, page.url());
  return worker.evaluate(
    async ([id, src]) => {
      const chrome = (globalThis as unknown as { chrome: Chrome }).chrome;
      await chrome.scripting.executeScript({ target: { tabId: id }, files: ['/content-scripts/content.js'] });
      return chrome.tabs.sendMessage(id, { to: 'content', type: 'content.open-overlay', payload: src === undefined ? {} : { srcUrl: src } }) as Promise<Reply>;
    },
    [tabId, srcUrl] as const,
  );
}

/**
 * A click on the extension's toolbar button while `page` is the active tab, as the browser makes it
 * (CDP `Extensions.triggerAction` on the page's tab target): `action.onClicked` fires and the
 * extension gets activeTab for the page, as from a user's click (a screen capture needs it).
 */
export async function clickToolbarButton(ext: ExtensionHarness, page: Page): Promise<void> {
  const browser = ext.context.browser();
  if (!browser) throw new Error('no browser CDP session');
  const cdp = await browser.newBrowserCDPSession();
  try {
    const { targetInfos } = await cdp.send('Target.getTargets', { filter: [{ type: 'tab' }] });
    const tab = targetInfos.find((info) => info.type === 'tab' && info.url === page.url());
    if (!tab) throw new Error(`no tab shows ${page.url()}`);
    await cdp.send('Extensions.triggerAction', { id: ext.extensionId, targetId: tab.targetId });
  } finally {
    await cdp.detach();
  }
}

/** The overlay frame in `page`, once its image is encoded and it takes clicks. */
export async function overlayFrame(page: Page, readyTimeoutMs = 60_000): Promise<Frame> {
  const deadline = Date.now() + 10_000;
  while (Date.now() < deadline) {
    const frame = page.frames().find((f) => f.url().includes('/overlay.html'));
    if (frame) {
      await frame.waitForSelector('canvas[data-ready="true"]', { timeout: readyTimeoutMs });
      return frame;
    }
    await page.waitForTimeout(20);
  }
  throw new Error('the overlay frame never appeared');
}

/**
 * Runs one step of a browser test with a deadline, so a step that never settles (an input event
 * whose ack never comes, a message nobody answers) fails fast and names itself, instead of using
 * up the whole test timeout with no clue.
 */
export async function step<T>(label: string, run: () => Promise<T>, timeoutMs = 30_000): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`step "${label}" did not finish within ${timeoutMs} ms`)), timeoutMs);
  });
  try {
    return await Promise.race([run(), deadline]);
  } finally {
    clearTimeout(timer);
  }
}

/** Does `act` (a click, a key) in the overlay and waits until the mask it asked for is drawn. */
export async function actForNewMask(frame: Frame, what: string, act: () => Promise<void>): Promise<void> {
  const canvas = frame.locator('canvas[data-testid="mask-canvas"]');
  const before = Number(await canvas.getAttribute('data-version'));
  await act();
  try {
    await frame.waitForFunction((v) => {
      const c = document.querySelector('canvas[data-testid="mask-canvas"]') as HTMLCanvasElement;
      return Number(c.dataset.version) > v && c.dataset.busy === 'false';
    }, before, { timeout: 60_000 });
  } catch (error) {
    throw new Error(`no new mask after ${what}; the overlay says: ${await frame.locator('[data-testid="overlay-status"]').innerText()}`, { cause: error });
  }
}

/** Clicks in the overlay at a natural-image point, given where and at what scale the page shows the image. */
export function clickNatural(frame: Frame, point: { x: number; y: number }, shown: { x: number; y: number; scale: number }, button: 'left' | 'right' = 'left'): Promise<void> {
  const canvas = frame.locator('canvas[data-testid="mask-canvas"]');
  return actForNewMask(frame, 'the click', () => canvas.click({ position: { x: shown.x + point.x * shown.scale, y: shown.y + point.y * shown.scale }, button }));
}

/** Presses Continue (`press`: how, by default Playwright's click on it) and returns the mask the side panel received, checking it shows the same bytes. */
export async function continueToPanel(frame: Frame, panel: Page, press: () => Promise<void> = () => frame.locator('[data-action="continue"]').click()): Promise<Uint8Array> {
  await press();
  await frame.waitForSelector('[data-action="continue"]:has-text("Sent")');
  const sessionId = await frame.locator('canvas[data-testid="mask-canvas"]').getAttribute('data-session');
  const session = await step('read the session', () => readSession(panel, sessionId!));
  const mask = await step('read the mask', () => readStored(panel, session.mask!));
  await panel.waitForSelector(`[data-session-id="${sessionId}"] [data-testid="panel-mask"][data-checksum="${fnv1a(mask.data)}"]`, { state: 'attached', timeout: 30_000 });
  return mask.data;
}

/** CLIP scores (the e2e build's `clip.score` probe) of the river scene for a text naming its colours, then one that does not. */
export async function scoreRiverTexts(page: InPage, siteUrl: string): Promise<number[]> {
  const image = await storeImageFromUrl(page, `${siteUrl}/img/river.png`);
  const result = await call<{ scores: number[] }>(page, 'clip.score', { image, texts: ['a green valley with a blue river', 'a red desert'] });
  return result.scores;
}

/**
 * MI-GAN (the e2e build's `fill.run` probe) on the river scene with the river masked, and how it came out: channel
 * values changed outside the mask (must be 0) and the share of masked pixels that are green
 * (filled from the banks) rather than blue.
 */
export async function fillRiver(page: InPage, siteUrl: string): Promise<{ changedOutside: number; greenShare: number }> {
  const scene = SCENES.river;
  const image = await storeImageFromUrl(page, `${siteUrl}/img/river.png`);
  const river = shapeMask(scene, 'river');
  const mask = await storeMask(page, river, scene.width, scene.height);
  const result = await call<{ result: string }>(page, 'fill.run', { image, mask });
  const [before, after] = [(await readStored(page, image)).data, (await readStored(page, result.result)).data];
  let changedOutside = 0;
  let greenInside = 0;
  let inside = 0;
  for (let p = 0; p < river.length; p++) {
    if (river[p] === 0) {
      for (let c = 0; c < 4; c++) if (after[4 * p + c] !== before[4 * p + c]) changedOutside++;
    } else {
      inside++;
      if (after[4 * p + 1]! > after[4 * p + 2]! + 40) greenInside++;
    }
  }
  return { changedOutside, greenShare: greenInside / inside };
}

/**
 * Changes the extension's site access the way a user does on chrome://extensions (the page's own
 * `developerPrivate` API): a mode ("on click", "on all sites") and sites allowed one by one.
 */
export async function siteAccess(ext: ExtensionHarness, { mode, allow }: { mode?: 'ON_CLICK' | 'ON_ALL_SITES'; allow: string[] }): Promise<void> {
  const settings = await ext.openPage('chrome://extensions');
  try {
    await settings.evaluate(
      async ([id, hostAccess, hosts]) => {
        type DeveloperPrivate = { updateExtensionConfiguration(update: { extensionId: string; hostAccess: string }): Promise<void>; addHostPermission(id: string, host: string): Promise<void> };
        const api = (globalThis as unknown as { chrome: { developerPrivate: DeveloperPrivate } }).chrome.developerPrivate;
        if (hostAccess) await api.updateExtensionConfiguration({ extensionId: id, hostAccess });
        for (const host of hosts) await api.addHostPermission(id, host);
      },
      [ext.extensionId, mode, allow] as const,
    );
  } finally {
    await settings.close();
  }
}
