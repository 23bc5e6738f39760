/**
 * API keys in Firefox: content scripts can read storage.local there (and it has no access level),
 * so the add-on keeps keys in its own IndexedDB. A content script on a page finds no key in any
 * storage area it can reach; a key an older version left in storage.local is moved out; the key
 * still works for the background (pages see only that one is stored).
 */
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { Page } from 'puppeteer-core';
import { inPage, launchFirefox, type FirefoxHarness } from '../harness/firefox';
import type { Chrome, InPage, Reply } from '../e2e/support';

const siteUrl = inject('siteUrl');
const SERVER = 'http://127.0.0.1:9';
const OLD_KEY = 'sk-left-in-storage-local-1111';
const NEW_KEY = 'sk-entered-in-the-options-2222';

let fox: FirefoxHarness;
let panelPage: Page;
let panel: InPage;

beforeAll(async () => {
  fox = await launchFirefox();
  // As an older version stored it: in storage.local, where Firefox's content scripts can read it.
  await fox.setSettings({ llmProvider: 'openai-compatible', llmBaseUrl: `${SERVER}/v1`, llmModel: 'm', llmApiKeys: { [SERVER]: OLD_KEY } });
  panelPage = await fox.openExtensionPage('sidepanel.html');
  panel = inPage(panelPage);
});
afterAll(async () => {
  await fox?.close();
});

/** A background request from the extension page, as the side panel and options page send it. */
async function ask(type: string, payload: unknown): Promise<unknown> {
  const reply = await panel.evaluate(
    ([t, p]) => (globalThis as unknown as { chrome: Chrome }).chrome.runtime.sendMessage({ to: 'background', type: t, payload: p }) as Promise<Reply>,
    [type, payload] as const,
  );
  if (!reply.ok) throw new Error(`${type} failed: ${reply.error?.message}`);
  return reply.value;
}

/** Everything a content script in a page tab can read from the extension's storage areas. */
async function readableByContentScript(): Promise<string> {
  const page = await fox.openPage(`${siteUrl}/blank.html?test=keys`);
  const url = page.url();
  const seen = await panel.evaluate(async (u) => {
    const chrome = (globalThis as unknown as { chrome: Chrome }).chrome;
    const tab = (await chrome.tabs.query({})).find((t) => t.url === u);
    const [result] = await chrome.scripting.executeScript({
      target: { tabId: tab!.id! },
      func: async () => {
        const areas = (globalThis as unknown as { chrome: { storage: Record<string, { get(keys: null): Promise<unknown> } | undefined> } }).chrome.storage;
        const read = async (name: string) => {
          try {
            return JSON.stringify(await areas[name]?.get(null));
          } catch (error) {
            return `error: ${String(error)}`;
          }
        };
        return { local: await read('local'), session: await read('session'), sync: await read('sync') };
      },
    });
    return JSON.stringify(result?.result);
  }, url);
  await page.close();
  return seen;
}

describe('API keys in Firefox', () => {
  it('a key left in storage.local is moved out of content scripts’ reach and still works', async () => {
    expect(await ask('llm.config.get', {})).toMatchObject({ hasKey: true });
    const seen = await readableByContentScript();
    expect(seen).toContain('llmBaseUrl'); // the content script did read storage.local
    expect(seen).not.toContain(OLD_KEY);
  });

  it('a key entered now is stored where no content script can read it, and pages only see that there is one', async () => {
    const view = await ask('llm.config.set', { provider: 'openai-compatible', baseUrl: `${SERVER}/v1`, model: 'm', sendPixels: false, apiKey: NEW_KEY });
    expect(view).toMatchObject({ hasKey: true });
    expect(JSON.stringify(view)).not.toContain(NEW_KEY);
    const seen = await readableByContentScript();
    expect(seen).not.toContain(NEW_KEY);
    expect(seen).not.toContain(OLD_KEY);
  });
});
