/**
 * Prompt refinement in real Chromium, against a local OpenAI-compatible stub: the side panel
 * streams a suggestion whose fields stay editable; failures say what happened and leave the user
 * writing their own prompt; content scripts get neither the key nor a refinement; the options
 * page's Test connection tells success from a bad key.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, inject, it } from 'vitest';
import type { Page } from 'playwright-core';
import { backendFromEnv, launchExtension, type ExtensionHarness } from '../harness/extension';
import { closedPort, DEFAULT_SUGGESTION, startOpenAiStub, type OpenAiStub } from '../servers/openai-stub';
import { storeImageFromUrl, tabIdFor, type Chrome, type Reply } from './support';

const backend = backendFromEnv();
const siteUrl = inject('siteUrl');
const KEY = 'sk-e2e-good-key-0123456789';
const REMOTE_HOST = 'llm.remote.test';

let ext: ExtensionHarness;
let stub: OpenAiStub;

beforeAll(async () => {
  stub = await startOpenAiStub();
  // llm.remote.test: a name the privacy rule sees as another machine, answered by the local stub.
  ext = await launchExtension({ backend, args: [`--host-resolver-rules=MAP ${REMOTE_HOST} 127.0.0.1`] });
});
afterAll(async () => {
  await ext?.close();
  await stub?.close();
});
beforeEach(() => stub.reset());

/** The provider settings as the background stores them (WXT storage keys without `local:`). */
async function configure(values: Record<string, unknown> = {}): Promise<void> {
  await ext.setSettings({
    llmProvider: 'openai-compatible',
    llmBaseUrl: stub.baseUrl,
    llmModel: 'stub-mini',
    llmApiKeys: { [stub.url]: KEY },
    llmSendPixels: false,
    llmTimeoutSeconds: 20,
    neverSendPixels: false,
    ...values,
  });
}

/** Sends a background protocol request from an extension page, as the side panel does. */
function ask<T>(page: Page, type: string, payload: unknown): Promise<Reply<T>> {
  return page.evaluate(
    ([t, p]) => (globalThis as unknown as { chrome: Chrome }).chrome.runtime.sendMessage({ to: 'background', type: t, payload: p }),
    [type, payload] as const,
  ) as Promise<Reply<T>>;
}

async function openPanel(): Promise<Page> {
  const panel = await ext.openExtensionPage('sidepanel.html');
  await panel.locator('[data-testid=refine-panel]').waitFor();
  return panel;
}

const status = (panel: Page) => panel.locator('[data-testid=refine-panel]').getAttribute('data-status');

describe(`prompt refinement in the side panel (${backend})`, () => {
  it('streams a suggestion from the configured server; its fields are editable and alternatives swap in', async () => {
    await configure();
    stub.chat({ kind: 'reply', chunks: 24, delayMs: 60 });
    const panel = await openPanel();
    await expect.poll(() => panel.locator('[data-testid=refine-provider]').textContent()).toMatch(/Using stub-mini at 127\.0\.0\.1:\d+/);

    await panel.fill('[data-testid=refine-original]', 'a winding river through candy land, lollipop trees');
    await panel.fill('[data-testid=refine-intent]', 'the river should be chocolate');
    await panel.click('[data-testid=refine-run]');

    // Tokens arrive while the request is still running.
    await expect.poll(() => panel.locator('[data-testid=refine-stream]').textContent(), { timeout: 10_000 }).toMatch(/"regionPrompt"/);
    expect(await status(panel)).toBe('running');
    const partial = (await panel.locator('[data-testid=refine-stream]').textContent()) ?? '';
    expect(partial.length).toBeLessThan(JSON.stringify(DEFAULT_SUGGESTION).length);

    await expect.poll(() => status(panel), { timeout: 15_000 }).toBe('done');
    expect(await panel.inputValue('[data-testid=refine-region]')).toBe(DEFAULT_SUGGESTION.regionPrompt);
    expect(await panel.inputValue('[data-testid=refine-negative]')).toBe(DEFAULT_SUGGESTION.negativePrompt);
    expect(await panel.locator('[data-testid=refine-rationale]').textContent()).toContain(DEFAULT_SUGGESTION.rationale);
    expect(await panel.locator('[data-testid=refine-alternative]').allTextContents()).toEqual(DEFAULT_SUGGESTION.alternatives);
    await ext.screenshot(panel, `refine-suggestion-${backend}`);

    await panel.fill('[data-testid=refine-region]', 'my own chocolate words');
    expect(await panel.inputValue('[data-testid=refine-region]')).toBe('my own chocolate words');
    await panel.locator('[data-testid=refine-alternative]').first().click();
    expect(await panel.inputValue('[data-testid=refine-region]')).toBe(DEFAULT_SUGGESTION.alternatives[0]);
    expect(await panel.locator('[data-testid=refine-alternative]').first().textContent()).toBe('my own chocolate words');

    // What reached the server: the key as a Bearer token, JSON mode, streaming, the inputs, no pixels.
    const sent = stub.requests.find((r) => r.path === '/v1/chat/completions');
    expect(sent?.headers.authorization).toBe(`Bearer ${KEY}`);
    expect(sent?.headers.origin).toBe(ext.origin);
    expect(sent?.body).toMatchObject({ model: 'stub-mini', stream: true, response_format: { type: 'json_object' } });
    expect(JSON.stringify(sent?.body)).toContain('the river should be chocolate');
    expect(JSON.stringify(sent?.body)).not.toContain('image_url');
    await panel.close();
  });

  it('keeps the suggestion with the session: a reopened panel still offers the alternatives and the rationale', async () => {
    await configure();
    stub.chat({ kind: 'reply' });
    const first = await openPanel();
    const image = await storeImageFromUrl(first, `${siteUrl}/img/river.png`);
    const created = await ask<{ sessionId: string }>(first, 'session.create', { image, width: 512, height: 512, source: { pageUrl: `${siteUrl}/gallery.html?test=refine-keep` } });
    expect(created.ok, created.error?.message).toBe(true);
    await first.close();

    let panel = await openPanel(); // opens the newest session: the one just made
    await panel.locator(`[data-testid="session"][data-session-id="${created.value!.sessionId}"]`).waitFor();
    await panel.fill('[data-testid=refine-intent]', 'the river should be chocolate');
    await panel.click('[data-testid=refine-run]');
    await expect.poll(() => status(panel), { timeout: 15_000 }).toBe('done');
    // Swap one in, so what is kept is the user's state, not the raw reply.
    await panel.locator('[data-testid=refine-alternative]').first().click();
    const swapped = [DEFAULT_SUGGESTION.regionPrompt, ...DEFAULT_SUGGESTION.alternatives.slice(1)];
    expect(await panel.locator('[data-testid=refine-alternative]').allTextContents()).toEqual(swapped);
    await panel.close();

    panel = await openPanel();
    await panel.locator(`[data-testid="session"][data-session-id="${created.value!.sessionId}"]`).waitFor();
    await expect.poll(() => panel.inputValue('[data-testid=refine-region]')).toBe(DEFAULT_SUGGESTION.alternatives[0]);
    expect(await panel.locator('[data-testid=refine-alternative]').allTextContents()).toEqual(swapped);
    expect(await panel.locator('[data-testid=refine-rationale]').textContent()).toContain(DEFAULT_SUGGESTION.rationale);
    await panel.close();
  });

  it('Cancel stops the request: the server sees the connection close, and the fields stay usable', async () => {
    await configure();
    stub.chat({ kind: 'hang' });
    const panel = await openPanel();
    await panel.fill('[data-testid=refine-intent]', 'the river should be chocolate');
    await panel.click('[data-testid=refine-run]');
    await stub.waitFor((r) => r.path === '/v1/chat/completions');
    await panel.click('[data-testid=refine-cancel]');
    await expect.poll(() => status(panel)).toBe('cancelled');
    expect(await panel.locator('[data-testid=refine-error]').textContent()).toBe('Cancelled.');
    const request = await stub.waitFor((r) => r.path === '/v1/chat/completions' && r.done, 5000);
    expect(request.closedEarly).toBe(true);
    await panel.fill('[data-testid=refine-region]', 'a chocolate river');
    expect(await panel.inputValue('[data-testid=refine-region]')).toBe('a chocolate river');
    await panel.close();
  });

  it('with the server down: a clear message, and the user can still write the prompt', async () => {
    const port = await closedPort();
    await configure({ llmBaseUrl: `http://127.0.0.1:${port}/v1`, llmApiKeys: {} });
    const panel = await openPanel();
    await panel.fill('[data-testid=refine-intent]', 'the river should be chocolate');
    await panel.click('[data-testid=refine-run]');
    await expect.poll(() => status(panel), { timeout: 15_000 }).toBe('error');
    const message = (await panel.locator('[data-testid=refine-error]').textContent()) ?? '';
    expect(message).toMatch(new RegExp(`Could not reach 127\\.0\\.0\\.1:${port}`));
    expect(message).toMatch(/write the region prompt yourself/);
    await ext.screenshot(panel, `refine-server-down-${backend}`);
    await panel.fill('[data-testid=refine-region]', 'a river of melted chocolate');
    await panel.fill('[data-testid=refine-negative]', 'blue water');
    expect(await panel.inputValue('[data-testid=refine-region]')).toBe('a river of melted chocolate');
    expect(await panel.inputValue('[data-testid=refine-negative]')).toBe('blue water');
    await panel.close();
  });

  it('a failure the server reports (bad key) shows its own message, without the key', async () => {
    await configure({ llmApiKeys: { [stub.url]: 'sk-wrong-key-55555555' } });
    stub.requireKey = KEY;
    const panel = await openPanel();
    await panel.fill('[data-testid=refine-intent]', 'the river should be chocolate');
    await panel.click('[data-testid=refine-run]');
    await expect.poll(() => status(panel), { timeout: 15_000 }).toBe('error');
    const message = (await panel.locator('[data-testid=refine-error]').textContent()) ?? '';
    expect(message).toMatch(/rejected the API key \(401\)/);
    expect(message).not.toContain('sk-wrong');
    await panel.close();
  });

  it('sends the crop only when the user allowed pixels', async () => {
    await configure({ llmSendPixels: true });
    const panel = await openPanel();
    const crop = await storeImageFromUrl(panel, `${siteUrl}/img/river.png`);
    const on = await ask<{ sentImage: boolean }>(panel, 'refine.run', { requestId: 'crop-on', originalPrompt: '', intent: 'chocolate', crop });
    expect(on).toMatchObject({ ok: true, value: { sentImage: true } });
    expect(JSON.stringify(stub.requests.at(-1)?.body)).toMatch(/"image_url":\{"url":"data:image\/png;base64,iVBOR/);

    await configure({ llmSendPixels: false });
    const off = await ask<{ sentImage: boolean }>(panel, 'refine.run', { requestId: 'crop-off', originalPrompt: '', intent: 'chocolate', crop });
    expect(off).toMatchObject({ ok: true, value: { sentImage: false } });
    expect(JSON.stringify(stub.requests.at(-1)?.body)).not.toContain('image_url');
    await panel.close();
  });

  it('"Never send pixels off this machine" keeps the crop from a server on another machine, though the LLM allows pixels', async () => {
    const remote = stub.baseUrl.replace('127.0.0.1', REMOTE_HOST);
    await configure({ llmBaseUrl: remote, llmSendPixels: true, neverSendPixels: true });
    const panel = await openPanel();
    const crop = await storeImageFromUrl(panel, `${siteUrl}/img/river.png`);
    expect(await ask(panel, 'llm.config.get', {})).toMatchObject({ ok: true, value: { sendPixels: true, cropAllowed: false } });
    const kept = await ask<{ sentImage: boolean }>(panel, 'refine.run', { requestId: 'private', originalPrompt: '', intent: 'chocolate', crop });
    expect(kept).toMatchObject({ ok: true, value: { sentImage: false } });
    expect(stub.requests).toHaveLength(1);
    expect(stub.requests[0]?.headers.host).toBe(new URL(remote).host);
    expect(stub.requests[0]?.raw.toString('latin1')).not.toMatch(/image_url|base64/);

    // The same server gets the crop once the switch is off: the name really reaches it.
    await configure({ llmBaseUrl: remote, llmSendPixels: true, neverSendPixels: false });
    const sent = await ask<{ sentImage: boolean }>(panel, 'refine.run', { requestId: 'public', originalPrompt: '', intent: 'chocolate', crop });
    expect(sent).toMatchObject({ ok: true, value: { sentImage: true } });
    expect(JSON.stringify(stub.requests.at(-1)?.body)).toContain('image_url');
    await panel.close();
  });
});

describe(`secrets and hosts (${backend})`, () => {
  it('pages see whether a key is stored, never the key; it lives in storage.local only', async () => {
    await configure();
    const panel = await openPanel();
    const view = await ask<{ hasKey: boolean }>(panel, 'llm.config.get', {});
    expect(view).toMatchObject({ ok: true, value: { hasKey: true, provider: 'openai-compatible', effectiveBaseUrl: stub.baseUrl, hostPermission: true } });
    expect(JSON.stringify(view)).not.toContain(KEY);
    const sync = await ext.serviceWorker.evaluate(() => (globalThis as unknown as { chrome: Chrome }).chrome.storage.sync.get(null));
    expect(sync).toEqual({});
    await panel.close();
  });

  it('a content script is refused the settings, the key, a refinement, and storage.local itself', async () => {
    await configure();
    const page = await ext.openPage(`${siteUrl}/blank.html`);
    const tabId = await tabIdFor(ext.serviceWorker, page.url());
    const replies = await ext.serviceWorker.evaluate(async (id) => {
      const chrome = (globalThis as unknown as { chrome: Chrome }).chrome;
      const [result] = await chrome.scripting.executeScript({
        target: { tabId: id },
        func: async () => {
          const send = (type: string, payload: unknown) => chrome.runtime.sendMessage({ to: 'background', type, payload });
          let storage: string;
          try {
            storage = JSON.stringify(await chrome.storage.local.get(null));
          } catch (error) {
            storage = `error: ${String(error)}`;
          }
          return {
            config: await send('llm.config.get', {}),
            setKey: await send('llm.config.set', { provider: 'openai-compatible', baseUrl: 'https://evil.example/v1', model: 'x', sendPixels: true, apiKey: 'sk-stolen' }),
            refine: await send('refine.run', { requestId: 'evil', originalPrompt: '', intent: 'x', baseUrl: 'https://evil.example/v1' }),
            models: await send('llm.models', {}),
            storage,
          };
        },
      });
      return result?.result as Record<string, unknown>;
    }, tabId);
    for (const type of ['config', 'setKey', 'refine', 'models'] as const) {
      expect(replies[type], type).toMatchObject({ ok: false, error: { code: 'refused' } });
    }
    // setAccessLevel('TRUSTED_CONTEXTS') on storage.local: content scripts cannot read it at all.
    expect(replies.storage).toMatch(/^error: .*(not allowed|Access to storage)/i);
    expect(JSON.stringify(replies)).not.toContain(KEY);
    // Nothing reached the server, and the settings did not change.
    expect(stub.requests).toHaveLength(0);
    expect(await ext.getSettings(['llmBaseUrl', 'llmApiKeys'])).toEqual({ llmBaseUrl: stub.baseUrl, llmApiKeys: { [stub.url]: KEY } });
    await page.close();
  });

  it('an extension page naming another host is refused; a host without permission gets a clear message', async () => {
    await configure();
    const panel = await openPanel();
    const other = await ask(panel, 'refine.run', { requestId: 'other-host', originalPrompt: '', intent: 'x', baseUrl: 'https://evil.example/v1' });
    expect(other).toMatchObject({ ok: false, error: { code: 'wrong-host', message: expect.stringMatching(/evil\.example.*configured server is 127\.0\.0\.1/) } });
    const test = await ask(panel, 'llm.test', { baseUrl: 'https://evil.example/v1' });
    expect(test).toMatchObject({ ok: false, error: { code: 'wrong-host' } });
    expect(stub.requests).toHaveLength(0);

    // 192.0.2.1 (TEST-NET-1) is outside the e2e build's host permissions, as a server the user never granted would be.
    await configure({ llmBaseUrl: 'http://192.0.2.1:9/v1' });
    const denied = await ask(panel, 'refine.run', { requestId: 'no-permission', originalPrompt: '', intent: 'x' });
    expect(denied).toMatchObject({ ok: false, error: { code: 'no-permission', message: expect.stringMatching(/may not contact 192\.0\.2\.1:9/) } });
    await panel.close();
  });
});

describe(`provider settings in the options page (${backend})`, () => {
  async function openOptions(): Promise<Page> {
    const page = await ext.openExtensionPage('options.html');
    await page.locator('[data-testid=provider-settings][data-loaded=true]').waitFor();
    return page;
  }
  const result = (page: Page) => page.locator('[data-testid=llm-result]');

  it('Test connection: a clear failure for a bad key, success with the right one; the key is stored, not shown', async () => {
    await configure({ llmApiKeys: {} });
    stub.requireKey = KEY;
    const page = await openOptions();
    expect(await page.inputValue('#llm-provider')).toBe('openai-compatible');
    expect(await page.inputValue('#llm-base-url')).toBe(stub.baseUrl);

    await page.fill('#llm-key', 'sk-wrong-key-99999999');
    await page.click('[data-testid=llm-test]');
    await expect.poll(() => result(page).textContent(), { timeout: 15_000 }).toMatch(/rejected the API key \(401\)/);
    expect(await result(page).getAttribute('class')).toMatch(/error/);
    expect(await result(page).textContent()).not.toContain('sk-wrong');

    await page.fill('#llm-key', KEY);
    await page.click('[data-testid=llm-test]');
    await expect.poll(() => result(page).textContent(), { timeout: 15_000 }).toMatch(/^Connected to 127\.0\.0\.1:\d+: 2 models, "stub-mini" is available/);
    expect(await result(page).getAttribute('class')).toMatch(/ok/);
    await ext.screenshot(page, `refine-options-${backend}`);
    expect(await page.inputValue('#llm-key')).toBe(''); // not kept in the page
    expect(await page.getAttribute('#llm-key', 'placeholder')).toMatch(/Saved/);
    expect(await page.locator('[data-testid=llm-model-picker] option').allTextContents()).toEqual(expect.arrayContaining(['stub-mini', 'stub-vision']));
    expect(await ext.getSettings('llmApiKeys')).toEqual({ llmApiKeys: { [stub.url]: KEY } });
    expect(stub.requests.every((r) => r.path === '/v1/models')).toBe(true);
    await page.close();
  });

  it('Test connection against a server that is down says so', async () => {
    const port = await closedPort();
    await configure({ llmBaseUrl: `http://127.0.0.1:${port}/v1`, llmApiKeys: {} });
    const page = await openOptions();
    await page.click('[data-testid=llm-test]');
    await expect.poll(() => result(page).textContent(), { timeout: 15_000 }).toMatch(new RegExp(`Could not reach 127\\.0\\.0\\.1:${port}`));
    await page.close();
  });

  it("Chrome's built-in model reports that it is unavailable in headless Chromium", async () => {
    await configure({ llmProvider: 'chrome' });
    const page = await openOptions();
    expect(await page.inputValue('#llm-provider')).toBe('chrome');
    expect(await page.locator('#llm-provider option[value=chrome]').textContent()).toMatch(/\((not in this browser|unavailable|downloadable)\)/);
    await page.click('[data-testid=llm-test]');
    await expect.poll(() => result(page).textContent(), { timeout: 15_000 }).toMatch(/built-in model/);
    expect(await result(page).getAttribute('class')).toMatch(/error/);
    const reply = await ask(page, 'refine.run', { requestId: 'builtin', originalPrompt: '', intent: 'x' });
    expect(reply).toMatchObject({ ok: false, error: { code: 'unavailable' } });
    const view = await ask<{ builtin: string }>(page, 'llm.config.get', {});
    expect(['unavailable', 'unsupported']).toContain(view.value?.builtin);
    await page.close();
  });
});

describe(`hygiene (${backend})`, () => {
  it('the extension logged no errors, and never the key', () => {
    const ours = ext.consoleErrors.filter((entry) => entry.url.startsWith(ext.origin));
    expect(ours).toEqual([]);
    expect(JSON.stringify(ext.consoleErrors)).not.toContain(KEY);
  });
});
