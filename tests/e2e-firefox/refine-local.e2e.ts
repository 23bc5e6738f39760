/**
 * The "this device" refinement provider in Firefox: the event page runs the tiny test LLM with
 * transformers.js on the extension's ONNX Runtime (WebGPU where Firefox offers it, else WASM) and
 * the sidebar's Refine fills the fields with its suggestion.
 */
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { Page } from 'puppeteer-core';
import { launchFirefox, type FirefoxHarness } from '../harness/firefox';
import { LLM_SUGGESTION } from '../models/semantics';

let fox: FirefoxHarness;
let panel: Page;

beforeAll(async () => {
  fox = await launchFirefox();
  await fox.setSettings({ modelHost: inject('hubUrl'), llmProvider: 'local' });
  panel = await fox.openExtensionPage('sidepanel.html');
});
afterAll(async () => {
  await fox?.close();
});

const value = (selector: string) => panel.$eval(selector, (el) => (el as HTMLInputElement | HTMLTextAreaElement).value);

describe('Firefox: refinement on this device', () => {
  it('Refine in the sidebar fills the region prompt, negative prompt and alternatives from the local model', async () => {
    await panel.waitForSelector('[data-testid=refine-provider]');
    await expect.poll(() => panel.$eval('[data-testid=refine-provider]', (el) => el.textContent)).toMatch(/Qwen2\.5-0\.5B-Instruct in this browser/);
    await panel.type('[data-testid=refine-intent]', 'the river should be chocolate');
    await panel.click('[data-testid=refine-run]');
    await expect
      .poll(() => panel.$eval('[data-testid=refine-panel]', (el) => el.getAttribute('data-status')), { timeout: 180_000, interval: 500 })
      .toBe('done');
    expect(await value('[data-testid=refine-region]')).toBe(LLM_SUGGESTION.regionPrompt);
    expect(await value('[data-testid=refine-negative]')).toBe(LLM_SUGGESTION.negativePrompt);
    expect(await panel.$$eval('[data-testid=refine-alternative]', (els) => els.map((el) => el.textContent))).toEqual(LLM_SUGGESTION.alternatives);
  });
});
