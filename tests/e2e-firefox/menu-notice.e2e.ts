/**
 * Firefox: a failed "Fix this image…" reaches the sidebar (issue #13). The test calls the handler
 * the real `menus.onClicked` listener calls (the e2e build's hook, on the event page's global),
 * with what the menu gives; the sidebar page, opened as a tab, follows the active tab.
 */
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { Page } from 'puppeteer-core';
import { E2E_MENU_CLICK } from '../harness/e2e-test-hooks';
import { launchFirefox, type FirefoxHarness } from '../harness/firefox';
import { MENU } from '../harness/real-pages';
import type { Chrome } from '../e2e/support';

const siteUrl = inject('siteUrl');
const hubUrl = inject('hubUrl');

let fox: FirefoxHarness;
let panel: Page;

beforeAll(async () => {
  fox = await launchFirefox();
  await fox.setSettings({ modelHost: hubUrl });
  panel = await fox.openExtensionPage('sidepanel.html');
});
afterAll(async () => {
  await fox?.close();
});

describe('menu failures reach the sidebar (Firefox)', () => {
  it('an image the page no longer has: the sidebar says so', async () => {
    const page = await fox.openPage(`${siteUrl}${MENU.page}`);
    await page.bringToFront();
    await page.waitForSelector('body[data-ready="true"]');
    await panel.evaluate(
      async ([url, src, hook]) => {
        const chrome = (globalThis as unknown as { chrome: Chrome }).chrome;
        const tab = (await chrome.tabs.query({})).find((t) => t.url === url);
        const background = (await chrome.runtime.getBackgroundPage()) as unknown as Record<string, (click: unknown, tab: unknown) => Promise<void>>;
        await background[hook]!({ srcUrl: src, frameId: 0, pageUrl: url }, tab);
      },
      [page.url(), `${siteUrl}/img/gone.png`, E2E_MENU_CLICK] as const,
    );
    await panel.waitForSelector('[data-testid="editor-notice"]', { timeout: 10_000 });
    expect(await panel.$eval('[data-testid="editor-notice"]', (e) => (e as HTMLElement).innerText)).toMatch(/The image could not be found on the page\. Right-click the image itself/);
    await page.close();
  });
});
