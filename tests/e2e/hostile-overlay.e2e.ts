/**
 * A hostile page and the overlay frame's page (web-accessible). It cannot tell the extension is
 * installed: the page is served only at a per-session URL (use_dynamic_url), and the fixed
 * `chrome-extension://<id>/overlay.html` fails as for an extension that is not there. A page that
 * learned the per-session URL and embeds it gets a blank frame with a guessed nonce, and requests
 * made from inside it (as if the page controlled it) get nothing: no session, no inference, no
 * settings or key, with or without a made-up nonce in the envelope.
 */
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { Frame, Page } from 'playwright-core';
import { backendFromEnv, launchExtension, type ExtensionHarness } from '../harness/extension';
import { call, storeImageFromUrl, type Chrome, type Reply } from './support';

const backend = backendFromEnv();
const siteUrl = inject('siteUrl');
const KEY = 'sk-hostile-e2e-key-0000';

let ext: ExtensionHarness;

beforeAll(async () => {
  ext = await launchExtension({ backend });
  await ext.setSettings({ modelHost: inject('hubUrl'), llmProvider: 'openai-compatible', llmBaseUrl: 'http://127.0.0.1:9/v1', llmApiKeys: { 'http://127.0.0.1:9': KEY } });
});
afterAll(async () => {
  await ext?.close();
});

/** The hostile page adds an iframe at `src` and hands it a port with `nonce`, as our content script would. */
async function embed(page: Page, src: string, nonce: string): Promise<void> {
  await page.evaluate(
    ([url, n]) =>
      new Promise<void>((resolve) => {
        const frame = document.createElement('iframe');
        frame.src = url;
        frame.style.cssText = 'width:400px;height:300px';
        frame.onload = () => {
          const channel = new MessageChannel();
          frame.contentWindow?.postMessage({ nonce: n }, '*', [channel.port2]);
          resolve();
        };
        document.body.append(frame);
        setTimeout(resolve, 3000); // a refused load may fire no load event
      }),
    [src, nonce] as const,
  );
}

function extensionFrame(page: Page, origin: string): Frame | undefined {
  return page.frames().find((f) => f.url().startsWith(origin));
}

/** What the page's `fetch` of `url` gives: a status, or the error it throws. */
function pageFetch(page: Page, url: string): Promise<string> {
  return page.evaluate((u) => fetch(u).then((r) => `HTTP ${r.status}`, (e: unknown) => `failed: ${String(e)}`), url);
}

describe(`a hostile page and the overlay frame (${backend})`, () => {
  // Node's URL gives non-special schemes the origin "null": the extension's origin is spelled out.
  const extensionOrigin = () => `chrome-extension://${ext.extensionId}`;

  it('cannot detect the extension: the overlay’s fixed URL fails, in a fetch and in a frame, as for an extension that is not installed', async () => {
    const page = await ext.openPage(`${siteUrl}/blank.html?test=detect`);
    const fixedUrl = `${extensionOrigin()}/overlay.html`;
    const absentUrl = `chrome-extension://${'a'.repeat(32)}/overlay.html`;
    const fetched = await pageFetch(page, fixedUrl);
    expect(fetched).toMatch(/^failed/);
    expect(fetched).toBe(await pageFetch(page, absentUrl));

    const guess = crypto.randomUUID();
    await embed(page, `${fixedUrl}#${guess}`, guess);
    await page.waitForTimeout(500);
    const origins = await Promise.all(page.mainFrame().childFrames().map((f) => f.evaluate(() => location.origin).catch(() => 'no document')));
    expect(origins).toHaveLength(1);
    expect(origins[0]).not.toBe(extensionOrigin());
    // The per-session URL (which only the extension's own contexts learn) is the one that loads.
    const dynamicUrl = await ext.serviceWorker.evaluate(() => (globalThis as unknown as { chrome: Chrome }).chrome.runtime.getURL('/overlay.html'));
    expect(dynamicUrl.startsWith(`${extensionOrigin()}/`)).toBe(false);
    expect(await pageFetch(page, dynamicUrl)).toBe('HTTP 200');
    await page.close();
  });

  it('a page that learned the per-session URL, with a guessed nonce, gets a blank frame and nothing from the extension', async () => {
    const panel = await ext.openExtensionPage('sidepanel.html');
    const image = await storeImageFromUrl(panel, `${siteUrl}/img/river.png`);
    await call(panel, 'runtime.info', {}); // the inference document is up, so direct requests reach it
    await panel.close();

    const overlayUrl = await ext.serviceWorker.evaluate(() => (globalThis as unknown as { chrome: Chrome }).chrome.runtime.getURL('/overlay.html'));
    const page = await ext.openPage(`${siteUrl}/blank.html?test=hostile-overlay`);
    const guess = crypto.randomUUID();
    await embed(page, `${overlayUrl}#${guess}`, guess);
    // The per-session URL's document has the extension's fixed origin.
    await expect.poll(() => extensionFrame(page, extensionOrigin())).toBeDefined();
    const frame = extensionFrame(page, extensionOrigin())!;
    await page.waitForTimeout(1000); // the claim is refused; the frame stays blank
    expect(await frame.evaluate(() => location.origin)).toBe(extensionOrigin());
    expect(await frame.evaluate(() => document.getElementById('app')?.childElementCount ?? 0)).toBe(0);

    // As if the page controlled the frame: every request it makes is refused.
    const replies = await frame.evaluate(
      async ([key, nonce]) => {
        const chrome = (globalThis as unknown as { chrome: Chrome }).chrome;
        const ask = (to: string, type: string, payload: unknown, withNonce?: string) =>
          chrome.runtime.sendMessage({ to, type, payload, ...(withNonce ? { nonce: withNonce } : {}) }) as Promise<Reply>;
        const asks = {
          claim: ask('background', 'overlay.claim', { nonce }),
          session: ask('background', 'session.create', { image: key, width: 10, height: 10, source: { pageUrl: location.href } }, nonce),
          put: ask('background', 'image.put', { dataUrl: 'data:image/png;base64,iVBORw0KGgo=' }),
          encode: ask('offscreen', 'sam.encode', { image: key }, nonce),
          info: ask('offscreen', 'runtime.info', {}),
          decode: ask('offscreen-doc', 'sam.decode', { embedding: 'x', points: [{ x: 1, y: 1, label: 1 }] }, nonce),
          llm: ask('background', 'llm.config.get', {}, nonce),
          inpaint: ask('background', 'inpaint.config.get', {}, nonce),
          settings: ask('background', 'settings.inpaint', {}, nonce),
          refine: ask('background', 'refine.run', { requestId: 'hostile', originalPrompt: '', intent: 'x' }, nonce),
        };
        return Object.fromEntries(await Promise.all(Object.entries(asks).map(async ([name, reply]) => [name, await reply.catch((e: unknown) => ({ ok: false, error: { code: 'no-receiver', message: String(e) } }))])));
      },
      [image, guess] as const,
    );
    for (const [name, reply] of Object.entries(replies)) expect(reply, name).toMatchObject({ ok: false });
    for (const name of ['session', 'put', 'encode', 'info', 'decode', 'llm', 'inpaint', 'settings', 'refine']) {
      expect(replies[name], name).toMatchObject({ error: { code: 'refused' } });
    }
    expect(JSON.stringify(replies)).not.toContain(KEY);
    await page.close();
  });
});
