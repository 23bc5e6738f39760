/**
 * The whole correction loop through the side panel, as a user does it (issue #6): open the
 * overlay on the river, click the river, Continue; in the side panel type the prompt, pick the
 * local backend, Inpaint, read the candidates' scores, compare, accept, and export (download,
 * replace in page). A second test marks another region in the panel on top of an accepted edit,
 * closes the panel mid-session (once with a job running) and finds everything again.
 *
 * The only internal call is `openOverlay`, which stands in for the native context-menu click a
 * headless test cannot make. Screenshots of each step go to tests/.artifacts/editor-*.png.
 */
import { readFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { Frame, Page } from 'playwright-core';
import { fnv1a } from '../../utils/checksum';
import type { EditSession } from '../../utils/session-store';
import { dilate } from '../../utils/mask/morphology';
import { backendFromEnv, launchExtension, type ExtensionHarness } from '../harness/extension';
import { decodePng } from '../harness/png';
import { PALETTE, renderScene, SCENES, shapeMask, shapePoint, iou } from '../harness/scenes';
import { openOverlay, overlayFrame, readSession, readStored, step, storeImageFromUrl, type Chrome, type Reply } from './support';

const backend = backendFromEnv();
const siteUrl = inject('siteUrl');
const hubUrl = inject('hubUrl');
const scene = SCENES.river;
const original = renderScene(scene);
/** The paste-back feather (the engine's default, 4 px, outside the mask): beyond it pixels are the original's. */
const FEATHER_REACH = 5;
const riverPoint = shapePoint(scene, 'river');
const riverPixel = { x: Math.floor(riverPoint.x), y: Math.floor(riverPoint.y) };

let ext: ExtensionHarness;

beforeAll(async () => {
  ext = await launchExtension({ backend });
  await ext.setSettings({ modelHost: hubUrl, inpaintBackend: 'local', localFillModel: 'migan', neverSendPixels: false });
});
afterAll(async () => {
  await ext?.close();
});


async function openPanel(): Promise<Page> {
  const panel = await ext.openExtensionPage('sidepanel.html');
  await panel.setViewportSize({ width: 420, height: 900 });
  await panel.getByRole('heading', { name: 'Inpaint Biases' }).waitFor();
  return panel;
}

/**
 * Opens the overlay on the page's river image (the context-menu click; or, with `pick`, the
 * toolbar button and a click on that element) and clicks the river.
 */
async function maskTheRiver(page: Page, shot?: string, pick?: string): Promise<Frame> {
  await page.bringToFront();
  await page.waitForSelector('body[data-ready]');
  if (pick) {
    const opening = step('open the overlay', () => openOverlay(ext.serviceWorker, page));
    await page.waitForSelector('inpaint-biases-picker', { state: 'attached' });
    await page.locator(pick).click();
    expect(await opening).toEqual({ ok: true, value: { opened: true } });
  } else {
    expect(await step('open the overlay', () => openOverlay(ext.serviceWorker, page, `${siteUrl}/img/river.png`))).toEqual({ ok: true, value: { opened: true } });
  }
  const frame = await overlayFrame(page);
  const canvas = frame.locator('canvas[data-testid="mask-canvas"]');
  const p = shapePoint(scene, 'river'); // the <img> is shown 1:1
  await step('click the river', () => canvas.click({ position: { x: p.x, y: p.y } }));
  await frame.waitForSelector('canvas[data-testid="mask-canvas"][data-busy="false"]:not([data-version="0"])', { timeout: 60_000 });
  if (shot) await ext.screenshot(page, shot);
  await frame.locator('[data-action="continue"]').click();
  await frame.waitForSelector('[data-action="continue"]:has-text("Sent")');
  return frame;
}

/** The session the overlay sent, and its mask as stored. */
async function sentSession(panel: Page, frame: Frame) {
  const sessionId = (await frame.locator('canvas[data-testid="mask-canvas"]').getAttribute('data-session'))!;
  const session = await readSession(panel, sessionId);
  const mask = await readStored(panel, session.mask!);
  await panel.waitForSelector(`[data-session-id="${sessionId}"] [data-testid="panel-mask"][data-checksum="${fnv1a(mask.data)}"]`, { state: 'attached', timeout: 30_000 });
  return { sessionId, mask: mask.data };
}

async function typePrompt(panel: Page, region: string, negative: string) {
  await panel.getByLabel('Region prompt').fill(region);
  await panel.getByLabel('Negative prompt').fill(negative);
}

async function inpaintLocally(panel: Page, expectCandidates: number) {
  await panel.getByLabel('Backend').selectOption('local');
  await panel.getByTestId('inpaint').click();
  await expect.poll(() => panel.getByTestId('candidate').count(), { timeout: 120_000 }).toBeGreaterThanOrEqual(expectCandidates);
}

/** Blue-dominant pixels (the river's colour) inside `mask`, as a share. */
function blueShare(rgba: ArrayLike<number>, mask: Uint8Array): number {
  let inside = 0;
  let blue = 0;
  for (let p = 0; p < mask.length; p++) {
    if (!mask[p]) continue;
    inside++;
    if (rgba[4 * p + 2]! > rgba[4 * p + 1]! + 40 && rgba[4 * p + 2]! > rgba[4 * p]! + 40) blue++;
  }
  return blue / inside;
}

describe(`the editor in the side panel (${backend})`, () => {
  it('runs the loop: mask, prompt, inpaint, scores, compare, accept, download and replace in page', async () => {
    const panel = await openPanel();
    await panel.getByTestId('empty-state').waitFor();
    const page = await ext.openPage(`${siteUrl}/gallery.html?test=editor-loop`);
    const frame = await maskTheRiver(page, 'editor-1-image');
    const { mask } = await sentSession(panel, frame);
    expect(iou(mask, shapeMask(scene, 'river'))).toBeGreaterThan(0.9);
    await panel.bringToFront();
    await expect.poll(() => panel.getByTestId('mask-state').innerText()).toMatch(/Marked: \d+\.\d% of the image/);
    await ext.screenshot(panel, 'editor-2-mask');

    // The original prompt comes from the page (alt text); the user writes the region prompt.
    expect(await panel.getByLabel('Original image prompt').inputValue()).toBe(scene.alt);
    await typePrompt(panel, 'green grassy valley', 'blue water');
    await ext.screenshot(panel, 'editor-3-prompt');

    await inpaintLocally(panel, 1);
    await expect.poll(() => panel.getByTestId('job-progress').getAttribute('data-state')).toBe('done');
    const candidate = panel.getByTestId('candidate').first();
    // The region now matches "green grassy valley" better than before: shown in green, with its number.
    const regionDelta = Number(await candidate.getAttribute('data-region-delta'));
    expect(regionDelta).toBeGreaterThan(0);
    expect(await candidate.getByTestId('delta-region').innerText()).toMatch(/^▲\+\d+\.\d/);
    expect(await candidate.getByTestId('score-region').innerText()).toMatch(/^\d+\.\d$/);
    expect(await candidate.getByTestId('delta-region').getAttribute('class')).toContain('up');
    await ext.screenshot(panel, 'editor-4-inpaint');

    // Compare from the keyboard: C focuses the slider, arrows move it.
    await panel.locator('main').click({ position: { x: 2, y: 2 } });
    await panel.keyboard.press('c');
    expect(await panel.evaluate(() => document.activeElement?.id)).toBe('compare-slider');
    for (let i = 0; i < 20; i++) await panel.keyboard.press('ArrowLeft');
    expect(await panel.getByTestId('compare-slider').inputValue()).toBe('30');
    await ext.screenshot(panel, 'editor-5-compare');

    await panel.getByTestId('accept').click();
    await expect.poll(() => panel.getByTestId('history-state').innerText()).toBe('Edit 1 of 1');
    await expect.poll(() => panel.getByTestId('mask-state').innerText()).toMatch(/Edit accepted/);

    // Download: named after the original file; the river is gone, everything else is identical.
    const [download] = await Promise.all([panel.waitForEvent('download'), panel.getByTestId('download').click()]);
    expect(download.suggestedFilename()).toBe('river-fixed.png');
    const png = decodePng(await readFile((await download.path())!));
    expect([png.width, png.height]).toEqual([scene.width, scene.height]);
    const near = dilate({ width: scene.width, height: scene.height, data: mask }, FEATHER_REACH).data;
    let changedOutside = 0;
    for (let p = 0; p < mask.length; p++) {
      if (near[p]) continue;
      for (let c = 0; c < 4; c++) if (png.data[4 * p + c] !== original.data[4 * p + c]) changedOutside++;
    }
    expect(changedOutside).toBe(0);
    expect(blueShare(original.data, mask)).toBeGreaterThan(0.95);
    expect(blueShare(png.data, mask)).toBeLessThan(0.05);

    // Copy (the Y shortcut): the clipboard holds the same PNG pixels (read back in a web page,
    // where the test may grant clipboard-read; extension origins cannot be granted it).
    await panel.locator('main').click({ position: { x: 2, y: 2 } });
    await panel.keyboard.press('y');
    await expect.poll(() => panel.getByTestId('export-status').innerText()).toBe('Copied to the clipboard as PNG.');
    await ext.context.grantPermissions(['clipboard-read'], { origin: new URL(siteUrl).origin });
    await page.bringToFront();
    const copied = await step('read the clipboard', () => page.evaluate(async () => {
      const [item] = await navigator.clipboard.read();
      const blob = await item!.getType('image/png');
      return [...new Uint8Array(await blob.arrayBuffer())];
    }));
    const clipboardPng = decodePng(Uint8Array.from(copied));
    expect(Buffer.from(clipboardPng.data).equals(Buffer.from(png.data))).toBe(true);
    await panel.bringToFront();

    // Replace in page: the page's <img> now shows the corrected pixels.
    await panel.getByTestId('replace').click();
    await expect.poll(() => panel.getByTestId('export-status').innerText()).toMatch(/Replaced the image in the page/);
    await ext.screenshot(panel, 'editor-6-export');
    const shown = await page.evaluate(({ x, y }) => {
      const img = document.querySelector<HTMLImageElement>('#img-river')!;
      const canvas = document.createElement('canvas');
      canvas.width = img.naturalWidth;
      canvas.height = img.naturalHeight;
      const context = canvas.getContext('2d')!;
      context.drawImage(img, 0, 0);
      return { src: img.src, pixel: [...context.getImageData(x, y, 1, 1).data] };
    }, riverPixel);
    expect(shown.src).toMatch(/^blob:http:\/\/127\.0\.0\.1/);
    const at = 4 * (riverPixel.y * scene.width + riverPixel.x);
    expect(shown.pixel).toEqual([...png.data.subarray(at, at + 4)]);
    expect(shown.pixel.slice(0, 3)).not.toEqual([...PALETTE.blue]);
    await page.bringToFront();
    await step('close the overlay', () => frame.locator('[data-action="close"]').click());
    await page.locator('#img-river').scrollIntoViewIfNeeded();
    await ext.screenshot(page, 'editor-6-page-replaced');

    // Themes: T cycles system → light → dark; the choice holds after a reload.
    await panel.bringToFront();
    await panel.locator('main').click({ position: { x: 2, y: 2 } });
    await panel.keyboard.press('t');
    await panel.keyboard.press('t');
    expect(await panel.evaluate(() => document.documentElement.dataset.theme)).toBe('dark');
    await panel.reload();
    await panel.getByTestId('session').waitFor();
    expect(await panel.evaluate(() => [document.documentElement.dataset.theme, getComputedStyle(document.body).backgroundColor])).toEqual(['dark', 'rgb(22, 22, 26)']);
    await ext.screenshot(panel, 'editor-dark');
    await panel.getByTestId('theme').selectOption('system');

    expect(ext.consoleErrors).toEqual([]); // ONNX Runtime's own warnings are off (logSeverityLevel 3)
    await page.close();
    await panel.close();
  });

  it('replaces a canvas in the page', async () => {
    const panel = await openPanel();
    const page = await ext.openPage(`${siteUrl}/gallery.html?test=editor-canvas`);
    await page.locator('#canvas-river').scrollIntoViewIfNeeded();
    const frame = await maskTheRiver(page, undefined, '#canvas-river');
    const { sessionId } = await step('the panel shows the mask', () => sentSession(panel, frame));
    await step('close the overlay', () => frame.locator('[data-action="close"]').click());
    await panel.bringToFront();
    await step('type the prompt', () => typePrompt(panel, 'green grassy valley', 'blue water'));
    await step('inpaint', () => inpaintLocally(panel, 1), 150_000);
    await panel.getByTestId('accept').click();
    await expect.poll(() => panel.getByTestId('history-state').innerText()).toBe('Edit 1 of 1');
    await panel.getByTestId('replace').click();
    await expect.poll(() => panel.getByTestId('export-status').innerText()).toBe('Replaced the canvas in the page (until it reloads).');
    // support.ts types only the fields its callers need; the record is the whole EditSession.
    const { history } = (await readSession(panel, sessionId)) as unknown as EditSession;
    const edited = await readStored(panel, history!.steps[1]!.image);
    const shown = await page.evaluate(({ x, y }) => [...document.querySelector<HTMLCanvasElement>('#canvas-river')!.getContext('2d')!.getImageData(x, y, 1, 1).data], riverPixel);
    const at = 4 * (riverPixel.y * scene.width + riverPixel.x);
    expect(shown).toEqual([...edited.data.subarray(at, at + 4)]);
    expect(shown.slice(0, 3)).not.toEqual([...PALETTE.blue]);
    expect(ext.consoleErrors).toEqual([]); // ONNX Runtime's own warnings are off (logSeverityLevel 3)
    await page.close();
    await panel.close();
  });

  it('options: inpainting backend, servers and privacy are saved; the key is write-only', async () => {
    const options = await ext.openExtensionPage('options.html');
    await options.locator('[data-testid="inpaint-settings"][data-loaded="true"]').waitFor();
    await options.getByLabel('Automatic1111 / Forge server (prompt-guided)').check();
    await options.locator('#a1111-url').fill('http://127.0.0.1:7861/');
    await options.getByLabel('OpenAI image edit (prompt-guided)').check();
    await options.locator('#openai-url').fill('http://127.0.0.1:9/v1');
    await options.locator('#openai-key').fill('sk-editor-e2e-0123456789');
    await options.getByLabel('Never send pixels off this machine').check();
    await options.getByTestId('inpaint-save').click();
    await expect.poll(() => options.getByTestId('inpaint-result').innerText()).toMatch(/^Saved\. "Never send pixels off this machine" is on: 127\.0\.0\.1:9 is used only if it runs on this computer\./);
    const stored = await ext.getSettings(['inpaintBackend', 'a1111BaseUrl', 'openaiImageBaseUrl', 'neverSendPixels', 'llmApiKeys']);
    expect(stored).toMatchObject({ inpaintBackend: 'openai', a1111BaseUrl: 'http://127.0.0.1:7861', openaiImageBaseUrl: 'http://127.0.0.1:9/v1', neverSendPixels: true });
    expect(Object.values(stored.llmApiKeys as Record<string, string>)).toContain('sk-editor-e2e-0123456789');
    // The key never comes back to the page: the field is empty and says a key is saved.
    await options.reload();
    await options.locator('[data-testid="inpaint-settings"][data-loaded="true"]').waitFor();
    expect(await options.locator('#openai-key').inputValue()).toBe('');
    expect(await options.locator('#openai-key').getAttribute('placeholder')).toMatch(/Saved/);
    expect(await options.content()).not.toContain('sk-editor-e2e');
    await ext.screenshot(options, 'editor-options');
    await ext.setSettings({ inpaintBackend: 'local', neverSendPixels: false });
    await options.close();
  });

  it('marks a region in the panel from the keyboard alone: arrows move the pointer, Space selects, the mask keys undo and redo, Enter uses it', async () => {
    const first = await openPanel();
    const image = await storeImageFromUrl(first, `${siteUrl}/img/river.png`);
    const created = (await first.evaluate(
      (payload) => (globalThis as unknown as { chrome: Chrome }).chrome.runtime.sendMessage({ to: 'background', type: 'session.create', payload }),
      { image, width: scene.width, height: scene.height, source: { pageUrl: `${siteUrl}/gallery.html?test=editor-keyboard` } },
    )) as Reply<{ sessionId: string }>;
    expect(created.ok, created.error?.message).toBe(true);
    await first.close();
    const panel = await openPanel(); // the newest session: this one
    await panel.locator(`[data-testid="session"][data-session-id="${created.value!.sessionId}"]`).waitFor();
    await panel.bringToFront();
    await panel.getByTestId('mark-here').focus();
    await panel.keyboard.press('Enter');
    const painter = panel.locator('[data-testid="mask-painter"]');
    await painter.and(panel.locator('[data-ready="true"]')).waitFor({ timeout: 60_000 });
    const canvas = panel.getByTestId('painter-canvas');
    await expect.poll(() => panel.evaluate(() => document.activeElement?.getAttribute('data-testid'))).toBe('painter-canvas');
    // Out and back: the pointer starts at the centre, on the river.
    for (const key of ['ArrowRight', 'ArrowRight', 'Shift+ArrowUp', 'ArrowLeft', 'ArrowLeft', 'Shift+ArrowDown']) await panel.keyboard.press(key);
    expect(await canvas.getAttribute('data-cursor')).toBe('256,256');
    const before = Number(await painter.getAttribute('data-version'));
    await panel.keyboard.press('Space');
    await expect.poll(async () => Number(await painter.getAttribute('data-version')), { timeout: 60_000 }).toBeGreaterThan(before);
    await expect.poll(() => painter.getAttribute('data-busy')).toBe('false');
    // The overlay's editor and keys: Ctrl+Z undoes the selection here (not the accepted edits), Ctrl+Shift+Z
    // brings it back, Enter uses the mask.
    const area = Number(await painter.getAttribute('data-area'));
    expect(area).toBeGreaterThan(0);
    await panel.keyboard.press('Control+z');
    await expect.poll(async () => Number(await painter.getAttribute('data-area'))).toBe(0);
    await panel.keyboard.press('Control+Shift+z');
    await expect.poll(async () => Number(await painter.getAttribute('data-area'))).toBe(area);
    await panel.keyboard.press('Enter');
    await expect.poll(() => panel.getByTestId('mask-state').innerText()).toMatch(/Marked: \d/);
    const session = await readSession(panel, created.value!.sessionId);
    const mask = await readStored(panel, session.mask!);
    expect(iou(mask.data, shapeMask(scene, 'river'))).toBeGreaterThanOrEqual(0.9);
    await panel.close();
  });

  it('keeps the work through closing and reopening the panel: mask, prompts, results, accepted edits, a running job', async () => {
    let panel = await openPanel();
    const page = await ext.openPage(`${siteUrl}/gallery.html?test=editor-reopen`);
    const frame = await maskTheRiver(page);
    const { sessionId } = await step('the panel shows the mask', () => sentSession(panel, frame));
    await step('close the overlay', () => frame.locator('[data-action="close"]').click());
    await panel.bringToFront();
    await step('type the prompt', () => typePrompt(panel, 'green grassy valley', 'blue water'));
    await step('inpaint', () => inpaintLocally(panel, 1), 150_000);
    const firstRound = await panel.getByTestId('candidate').first().getAttribute('data-key');
    await panel.getByTestId('accept').click();
    await expect.poll(() => panel.getByTestId('history-state').innerText()).toBe('Edit 1 of 1');

    // A second region, marked in the panel on the accepted image: a brush stroke.
    await step('mark another region', () => panel.getByTestId('mark-here').click());
    await panel.locator('[data-testid="mask-painter"][data-ready="true"]').waitFor({ timeout: 60_000 });
    await step('pick the brush', () => panel.locator('[data-testid="mask-painter"] [data-tool="brush"]').click());
    const box = (await panel.getByTestId('painter-canvas').boundingBox())!;
    await panel.bringToFront(); // input events to a background tab are never acknowledged
    await step('brush stroke', async () => {
      await panel.mouse.move(box.x + box.width * 0.1, box.y + box.height * 0.1);
      await panel.mouse.down();
      await panel.mouse.move(box.x + box.width * 0.3, box.y + box.height * 0.1, { steps: 6 });
      await panel.mouse.up();
    });
    await step('use the mask', () => panel.getByTestId('painter-done').click());
    await expect.poll(() => panel.getByTestId('mask-state').innerText()).toMatch(/Marked: \d/);
    const session = await step("read the second mask", () => readSession(panel, sessionId));
    const secondMask = await readStored(panel, session.mask!);
    expect(secondMask.data[Math.round(scene.height * 0.1) * scene.width + Math.round(scene.width * 0.2)]).toBe(255);
    expect(secondMask.data[riverPixel.y * scene.width + riverPixel.x]).toBe(0);
    await step('type the second prompt', () => typePrompt(panel, 'yellow flowers', 'grass'));

    // Closed mid-session, reopened: everything is there.
    await panel.close();
    panel = await step('reopen the panel', () => openPanel());
    await panel.locator(`[data-testid="session"][data-session-id="${sessionId}"]`).waitFor();
    await panel.locator(`[data-testid="panel-mask"][data-checksum="${fnv1a(secondMask.data)}"]`).waitFor({ state: 'attached' });
    expect(await panel.getByTestId('history-state').innerText()).toBe('Edit 1 of 1');
    expect(await panel.getByLabel('Region prompt').inputValue()).toBe('yellow flowers');
    expect(await panel.getByLabel('Negative prompt').inputValue()).toBe('grass');
    expect(await panel.getByLabel('Original image prompt').inputValue()).toBe(scene.alt);

    // Inpaint, and close the panel while the job runs: the result lands in the session anyway.
    await panel.getByLabel('Backend').selectOption('local');
    await panel.getByTestId('inpaint').click();
    await panel.getByTestId('job-progress').waitFor();
    await panel.close();
    panel = await openPanel();
    await expect.poll(() => panel.getByTestId('candidate').count(), { timeout: 120_000 }).toBeGreaterThanOrEqual(1);
    const secondRound = await panel.getByTestId('candidate').first().getAttribute('data-key');
    expect(secondRound).not.toBe(firstRound);
    await ext.screenshot(panel, 'editor-7-reopened');

    // Undo the accepted edit: the first round's candidates and mask come back; redo returns.
    await panel.getByTestId('undo').click();
    await expect.poll(() => panel.getByTestId('history-state').innerText()).toBe('Original image');
    await expect.poll(() => panel.locator(`[data-testid="candidate"][data-key="${firstRound}"]`).count()).toBe(1);
    await panel.getByTestId('redo').click();
    await expect.poll(() => panel.getByTestId('history-state').innerText()).toBe('Edit 1 of 1');
    // The second region's mask came back with the redo.
    await panel.locator(`[data-testid="panel-mask"][data-checksum="${fnv1a(secondMask.data)}"]`).waitFor({ state: 'attached' });

    // The session list shows it with its storage; deleting it removes it and everything it stored.
    await panel.getByTestId('sessions-toggle').click();
    const item = panel.locator(`[data-testid="session-item"][data-session-id="${sessionId}"]`);
    await item.waitFor();
    const listed = await panel.getByTestId('session-item').count();
    expect(Number(await panel.getByTestId('storage-usage').getAttribute('data-bytes'))).toBeGreaterThan(0);
    await ext.screenshot(panel, 'editor-8-sessions');
    const stored = await readSession(panel, sessionId);
    await item.getByTestId('session-delete').click();
    await expect.poll(() => panel.getByTestId('session-item').count()).toBe(listed - 1);
    await panel.getByTestId('empty-state').waitFor();
    await expect(readSession(panel, sessionId)).rejects.toThrow(/no session/);
    await expect(readStored(panel, stored.image)).rejects.toThrow(/nothing stored/);
    await expect(readStored(panel, stored.mask!)).rejects.toThrow(/nothing stored/);

    expect(ext.consoleErrors).toEqual([]); // ONNX Runtime's own warnings are off (logSeverityLevel 3)
    await page.close();
    await panel.close();
  });
});
