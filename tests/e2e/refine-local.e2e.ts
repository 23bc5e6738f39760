/**
 * The "this device" refinement provider in real Chromium: chosen in the options, the tiny test
 * LLM (served by the local hub in the Hub's layout) is downloaded once with progress, run by
 * transformers.js on the extension's own ONNX Runtime in the offscreen document, and its answer
 * streams into the side panel word by word; Cancel stops a refinement.
 */
import { afterAll, afterEach, beforeAll, describe, expect, inject, it } from 'vitest';
import type { Page } from 'playwright-core';
import { backendFromEnv, launchExtension, type ExtensionHarness } from '../harness/extension';
import { connectHub } from '../harness/hub';
import { LOCAL_LLM } from '../../models/registry';
import { LLM_ANSWER, LLM_REPO, LLM_SUGGESTION } from '../models/semantics';
import type { Chrome } from './support';

const backend = backendFromEnv();
const hub = connectHub(inject('hubUrl'));
const WEIGHTS = `/${LLM_REPO}/resolve/${LOCAL_LLM.revision}/onnx/`;
let ext: ExtensionHarness;

beforeAll(async () => {
  ext = await launchExtension({ backend });
  await ext.setSettings({ modelHost: inject('hubUrl') });
});
afterAll(() => ext?.close());
afterEach(() => hub.clearFaults());

const status = (panel: Page) => panel.locator('[data-testid=refine-panel]').getAttribute('data-status');

/** Records the refine.delta events the panel receives, in order. */
async function recordDeltas(panel: Page): Promise<() => Promise<string[]>> {
  await panel.evaluate(() => {
    const seen: string[] = [];
    Reflect.set(globalThis, '__deltas', seen);
    (globalThis as unknown as { chrome: Chrome }).chrome.runtime.onMessage.addListener((message: unknown) => {
      if (typeof message === 'object' && message !== null && Reflect.get(message, 'event') === 'refine.delta') seen.push(String(Reflect.get(Reflect.get(message, 'payload') as object, 'text')));
    });
  });
  return () => panel.evaluate(() => [...(Reflect.get(globalThis, '__deltas') as string[])]);
}

async function openPanel(): Promise<Page> {
  const panel = await ext.openExtensionPage('sidepanel.html');
  await panel.locator('[data-testid=refine-panel]').waitFor();
  return panel;
}

describe(`refinement on this device (${backend})`, () => {
  it('chosen in the options; the first refinement downloads the model with progress, and Cancel stops it', async () => {
    const options = await ext.openExtensionPage('options.html');
    const settings = options.locator('[data-testid=provider-settings][data-loaded=true]');
    await settings.waitFor();
    await settings.locator('#llm-provider').selectOption('local');
    await expect.poll(() => settings.getByTestId('llm-local-note').textContent()).toMatch(/downloads it once from the model host:\s+483 MB on WebGPU[^]*512 MB on WebAssembly/);
    await settings.getByRole('button', { name: 'Save' }).click();
    await expect.poll(() => settings.getByTestId('llm-result').textContent()).toBe('Saved.');

    const panel = await openPanel();
    await expect.poll(() => panel.getByTestId('refine-provider').textContent()).toMatch(/Using Qwen2\.5-0\.5B-Instruct in this browser/);
    await hub.clearRequests();
    // A slow host, so the download is seen (the test model is 220 KB).
    await hub.setFault({ kind: 'slow', bytesPerSecond: 40_000, match: WEIGHTS });
    await panel.getByTestId('refine-region').fill('my own prompt');
    await panel.getByTestId('refine-intent').fill('the river should be chocolate');
    await panel.getByTestId('refine-run').click();
    await expect.poll(() => panel.getByTestId('refine-stage').textContent(), { timeout: 30_000 }).toMatch(/Downloading Qwen2\.5-0\.5B-Instruct \(once\): \d+ % of 0\.2 MB/);
    await panel.getByTestId('refine-cancel').click();
    await expect.poll(() => status(panel), { timeout: 30_000 }).toBe('cancelled');
    expect(await panel.inputValue('[data-testid=refine-region]')).toBe('my own prompt');

    // The weights for this backend, in the Hub's layout.
    const weights = (await hub.requests()).map((r) => r.path).filter((p) => p.includes(WEIGHTS));
    expect(weights).toHaveLength(1);
    expect(weights[0]).toMatch(backend === 'wasm' ? /model_quantized\.onnx$/ : /model_q4(f16)?\.onnx$/);
    expect(ext.consoleErrors).toEqual([]);
  });

  it('streams the suggestion into the panel word by word, without downloading again', async () => {
    const panel = await openPanel();
    const deltas = await recordDeltas(panel);
    await hub.clearRequests();
    await panel.getByTestId('refine-original').fill('a winding river through candy land, lollipop trees');
    await panel.getByTestId('refine-intent').fill('the river should be chocolate');
    await panel.getByTestId('refine-run').click();
    await expect.poll(() => status(panel), { timeout: 120_000 }).toBe('done');

    // The answer arrived in pieces (words), and they spell the model's whole answer.
    const pieces = await deltas();
    expect(pieces.length).toBeGreaterThan(5);
    expect(pieces.join('')).toBe(LLM_ANSWER);
    expect(await panel.inputValue('[data-testid=refine-region]')).toBe(LLM_SUGGESTION.regionPrompt);
    expect(await panel.inputValue('[data-testid=refine-negative]')).toBe(LLM_SUGGESTION.negativePrompt);
    expect(await panel.getByTestId('refine-alternative').allTextContents()).toEqual(LLM_SUGGESTION.alternatives);
    expect(await panel.getByTestId('refine-meta').textContent()).toMatch(backend === 'wasm' ? /Qwen2\.5-0\.5B-Instruct \(q8, WASM\)/ : /Qwen2\.5-0\.5B-Instruct \(q4(f16)?, WebGPU\)/);
    expect((await hub.requests()).map((r) => r.path).filter((p) => p.includes(WEIGHTS))).toEqual([]);
    expect(ext.consoleErrors).toEqual([]);
  });
});
