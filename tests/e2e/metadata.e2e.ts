/**
 * The original prompt comes from the image (issue #16): the user opens the editor on an image of a
 * generator page and finds the side panel's original prompt already filled, with its source shown:
 * from an A1111 PNG's parameters chunk (with its seed, steps, CFG, sampler, size and model), from a
 * figure caption, from a Gradio-style info block, from the chat message above the image; and never
 * from junk alt text such as "Generated image 3". `openOverlay` stands in for the context-menu
 * click a headless test cannot make; the panel is opened as the user opens it, after the overlay.
 */
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { Page } from 'playwright-core';
import { backendFromEnv, launchExtension, type ExtensionHarness } from '../harness/extension';
import { A1111_NEGATIVE, A1111_PROMPT, METADATA } from '../harness/metadata-page';
import { openOverlay, overlayFrame, step } from './support';

const backend = backendFromEnv();
const siteUrl = inject('siteUrl');
const hubUrl = inject('hubUrl');

let ext: ExtensionHarness;
let page: Page;

beforeAll(async () => {
  ext = await launchExtension({ backend });
  await ext.setSettings({ modelHost: hubUrl });
  page = await ext.openPage(`${siteUrl}/metadata.html`);
  await page.waitForSelector('body[data-ready]');
});
afterAll(async () => {
  await ext?.close();
});

/** Opens the editor on one image of the page, then the side panel on the session it made. */
async function openOn(path: string): Promise<Page> {
  await page.bringToFront();
  // The previous image's overlay closes first (Escape, as a user does), so the frame found next is the new one.
  if (await page.locator('inpaint-biases-overlay').count()) {
    await page.keyboard.press('Escape');
    await page.waitForSelector('inpaint-biases-overlay', { state: 'detached' });
  }
  expect(await step('open the overlay', () => openOverlay(ext.serviceWorker, page, `${siteUrl}${path}`))).toEqual({ ok: true, value: { opened: true } });
  const frame = await overlayFrame(page);
  const sessionId = await frame.locator('canvas[data-testid="mask-canvas"]').getAttribute('data-session');
  const panel = await ext.openExtensionPage('sidepanel.html');
  await panel.setViewportSize({ width: 420, height: 900 });
  await panel.waitForSelector(`[data-session-id="${sessionId}"]`, { state: 'attached', timeout: 30_000 });
  return panel;
}

describe(`the original prompt, read from the image and the page (${backend})`, () => {
  it('pre-fills the prompt, negative prompt and generation settings from an A1111 PNG, over junk alt text', async () => {
    const panel = await openOn(METADATA.a1111.path);
    const original = panel.getByLabel('Original image prompt');
    expect(await original.inputValue()).toBe(A1111_PROMPT);
    expect(await panel.getByLabel('Negative prompt').inputValue()).toBe(A1111_NEGATIVE);
    expect(await panel.getByTestId('prompt-source').innerText()).toBe("Original prompt from the PNG's parameters chunk (Automatic1111).");
    expect(await panel.getByTestId('metadata-status').innerText()).toMatch(/made with Automatic1111/);
    const param = (name: string) => panel.getByTestId(`param-${name}`).innerText();
    expect([await param('seed'), await param('steps'), await param('cfg'), await param('sampler'), await param('size'), await param('model')]).toEqual([
      '3141592653',
      '24',
      '6.5',
      'DPM++ 2M · Karras',
      '512×512',
      'dreamshaper_8',
    ]);
    await ext.screenshot(panel, 'metadata-a1111');

    // The prompt stays the user's to edit; the panel then says where it started.
    await original.click();
    await panel.keyboard.press('End');
    await panel.keyboard.type(', at dawn');
    expect(await panel.getByTestId('prompt-source').innerText()).toBe("Edited; it started from the PNG's parameters chunk (Automatic1111).");
    await panel.close();
  });

  it('takes the page caption when the file carries nothing, and says the file had none', async () => {
    const panel = await openOn(METADATA.caption.path);
    expect(await panel.getByLabel('Original image prompt').inputValue()).toBe(METADATA.caption.caption);
    expect(await panel.getByTestId('prompt-source').innerText()).toBe('Original prompt from the page caption.');
    expect(await panel.getByTestId('metadata-status').innerText()).toBe('The PNG file carries no generation metadata.');
    await panel.close();
  });

  it('reads a Gradio-style info block next to the image, and the chat message above one', async () => {
    const info = await openOn(METADATA.info.path);
    expect(await info.getByLabel('Original image prompt').inputValue()).toBe(METADATA.info.prompt);
    expect(await info.getByTestId('prompt-source').innerText()).toBe('Original prompt from the info block next to the image.');
    expect(await info.getByTestId('param-seed').innerText()).toBe('77');
    await info.close();
    const chat = await openOn(METADATA.chat.path);
    expect(await chat.getByLabel('Original image prompt').inputValue()).toBe(METADATA.chat.message);
    expect(await chat.getByTestId('prompt-source').innerText()).toBe('Original prompt from the chat message above the image.');
    await chat.close();
  });

  it('does not take junk alt text ("Generated image 3") as the prompt', async () => {
    const panel = await openOn(METADATA.junk.path);
    expect(await panel.getByLabel('Original image prompt').inputValue()).toBe('');
    expect(await panel.getByTestId('prompt-source').innerText()).toMatch(/^No original prompt found/);
    await panel.close();
  });
});
