/**
 * A hostile page embeds the overlay frame's page and tries to use it. At the static URL the page
 * is refused (use_dynamic_url: the address is per session, so a site can neither detect the
 * extension nor embed the frame). Even at the right address with a guessed nonce, the frame stays
 * blank, and requests made from inside it (as if the page controlled it) get nothing: no session,
 * no inference, no settings or key, with or without a made-up nonce in the envelope.
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

describe(`a hostile page embedding the overlay (${backend})`, () => {
  it('cannot load it at the static URL', async () => {
    const page = await ext.openPage(`${siteUrl}/blank.html?test=static-overlay`);
    await embed(page, `chrome-extension://${ext.extensionId}/overlay.html#${crypto.randomUUID()}`, crypto.randomUUID());
    await page.waitForTimeout(500);
    // Whatever the frame shows, it is not the extension's page (Chromium puts an error page there).
    // (An error page has no script context: evaluating there never settles, hence the race.)
    const originOf = (f: Frame) => Promise.race([f.evaluate(() => location.origin).catch(() => 'unreachable'), page.waitForTimeout(2000).then(() => 'no script context')]);
    const origins = await Promise.all(page.frames().slice(1).map(originOf));
    expect(origins.length).toBe(1);
    expect(origins).not.toContain(`chrome-extension://${ext.extensionId}`);
    await page.close();
  });

  it('at the right address with a guessed nonce gets a blank frame, and nothing from the extension', async () => {
    const dynamicUrl = await ext.serviceWorker.evaluate(() => (globalThis as unknown as { chrome: Chrome }).chrome.runtime.getURL('/overlay.html'));
    expect(new URL(dynamicUrl).host).not.toBe(ext.extensionId);
    const panel = await ext.openExtensionPage('sidepanel.html');
    const image = await storeImageFromUrl(panel, `${siteUrl}/img/river.png`);
    await call(panel, 'offscreen.ping', {}); // the inference document is up, so direct requests reach it
    await panel.close();

    const page = await ext.openPage(`${siteUrl}/blank.html?test=hostile-overlay`);
    const guess = crypto.randomUUID();
    await embed(page, `${dynamicUrl}#${guess}`, guess);
    await expect.poll(() => extensionFrame(page, new URL(dynamicUrl).origin)).toBeDefined();
    const frame = extensionFrame(page, new URL(dynamicUrl).origin)!;
    await page.waitForTimeout(1000); // the claim is refused; the frame stays blank
    expect(await frame.evaluate(() => location.origin)).toBe(new URL(dynamicUrl).origin);
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
