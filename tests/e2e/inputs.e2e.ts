/**
 * Unusual page images, as users meet them on generator sites: an SVG (rasterised at its natural
 * size), an animated PNG labelled image/png (the first frame is edited, and the overlay says so),
 * an image over the 16 Mpx limit (downscaled only after the user agrees), a broken file (a clear
 * message, the page untouched) and a missing one (404). Each from the page's origin (the content
 * script reads the file) and from another origin without CORS (only the extension's fetch can).
 */
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { Frame, Page } from 'playwright-core';
import { backendFromEnv, launchExtension, type ExtensionHarness } from '../harness/extension';
import { iou, PALETTE, SCENES, shapeMask, shapePoint } from '../harness/scenes';
import { CROSS_ORIGIN_SUFFIX, INPUTS } from '../harness/site';
import { clickNatural, continueToPanel, openOverlay, overlayFrame, readSession, readStored, step } from './support';

const backend = backendFromEnv();
const siteUrl = inject('siteUrl');
const crossOriginUrl = inject('crossOriginUrl');
const hubUrl = inject('hubUrl');

let ext: ExtensionHarness;
let panel: Page;

beforeAll(async () => {
  ext = await launchExtension({ backend });
  await ext.setSettings({ modelHost: hubUrl });
  panel = await ext.openExtensionPage('sidepanel.html');
});
afterAll(async () => {
  await ext?.close();
});

/** Opens the inputs page scrolled to `selector`, as a user who sees that image would be. */
async function openInputsPage(test: string, selector: string): Promise<Page> {
  const page = await ext.openPage(`${siteUrl}/inputs.html?test=${test}`);
  await page.bringToFront();
  await page.waitForSelector('body[data-ready]');
  await page.locator(selector).scrollIntoViewIfNeeded();
  return page;
}

/** The overlay frame before its image is ready (it may be waiting for the user, or have failed). */
async function overlayFrameNow(page: Page): Promise<Frame> {
  await page.waitForSelector('inpaint-biases-overlay', { state: 'attached' });
  await expect.poll(() => page.frames().some((f) => f.url().includes('/overlay.html'))).toBe(true);
  return page.frames().find((f) => f.url().includes('/overlay.html'))!;
}

const status = (frame: Frame) => frame.locator('[data-testid="overlay-status"]');
const sessionOf = async (frame: Frame) => readSession(panel, (await frame.locator('canvas[data-testid="mask-canvas"]').getAttribute('data-session'))!);

/** Nearest-neighbour downsample of a square mask to `side`² (to compare with the scene's own mask). */
function downsample(mask: Uint8Array, from: number, side: number): Uint8Array {
  const out = new Uint8Array(side * side);
  for (let y = 0; y < side; y++) for (let x = 0; x < side; x++) out[y * side + x] = mask[Math.floor(((y + 0.5) * from) / side) * from + Math.floor(((x + 0.5) * from) / side)]!;
  return out;
}

const ORIGINS = [
  { where: 'same origin', base: siteUrl, suffix: '' },
  { where: 'cross-origin, no CORS', base: crossOriginUrl, suffix: CROSS_ORIGIN_SUFFIX },
];

describe.each(ORIGINS)(`unusual inputs (${backend}, $where)`, ({ base, suffix }) => {
  it('an SVG is rasterised at its natural size and segments like the PNG', async () => {
    const page = await openInputsPage('svg', INPUTS.svg.selector + suffix);
    expect(await step('open the overlay', () => openOverlay(ext.serviceWorker, page, `${base}${INPUTS.svg.path}`))).toEqual({ ok: true, value: { opened: true } });
    const frame = await overlayFrame(page);
    const scene = SCENES.shapes;
    await clickNatural(frame, shapePoint(scene, 'green-disc'), { x: 0, y: 0, scale: 0.5 });
    const mask = await continueToPanel(frame, panel);
    const session = await sessionOf(frame);
    expect([session.width, session.height]).toEqual([1024, 1024]);
    expect(iou(mask, shapeMask(scene, 'green-disc'))).toBeGreaterThanOrEqual(0.9);
    await step('close the page', () => page.close());
  });

  it('an animated PNG: the first frame is edited and the overlay says so', async () => {
    const page = await openInputsPage('animated', INPUTS.animated.selector + suffix);
    expect(await step('open the overlay', () => openOverlay(ext.serviceWorker, page, `${base}${INPUTS.animated.path}`))).toEqual({ ok: true, value: { opened: true } });
    const frame = await overlayFrame(page);
    await expect.poll(() => status(frame).innerText()).toContain('first frame');
    const scene = SCENES.river;
    const point = shapePoint(scene, 'river');
    await clickNatural(frame, point, { x: 0, y: 0, scale: 1 });
    expect(iou(await continueToPanel(frame, panel), shapeMask(scene, 'river'))).toBeGreaterThanOrEqual(0.9);
    // The stored image is frame 0 (blue river), not frame 1 (red river).
    const image = await step('read the image', async () => readStored(panel, (await sessionOf(frame)).image));
    const at = (Math.round(point.y) * image.width + Math.round(point.x)) * 4;
    expect([...image.data.subarray(at, at + 3)]).toEqual([...PALETTE.blue]);
    expect((await sessionOf(frame)).source.note).toMatch(/first frame/);
    await step('close the page', () => page.close());
  });

  it('an image over 16 Mpx waits for consent, then is downscaled to 4096 px and segments', async () => {
    const page = await openInputsPage('huge', INPUTS.huge.selector + suffix);
    expect(await step('open the overlay', () => openOverlay(ext.serviceWorker, page, `${base}${INPUTS.huge.path}`))).toEqual({ ok: true, value: { opened: true } });
    const frame = await overlayFrameNow(page);
    await expect.poll(() => status(frame).innerText(), { timeout: 60_000 }).toContain(`${INPUTS.huge.width}×${INPUTS.huge.height}`);
    // Nothing is stored or encoded before the user agrees.
    expect(await frame.locator('canvas[data-ready="true"]').count()).toBe(0);
    await frame.locator('[data-action="downscale"]').click();
    await frame.waitForSelector('canvas[data-ready="true"]', { timeout: 120_000 });
    await expect.poll(() => status(frame).innerText()).toContain(`Downscaled from ${INPUTS.huge.width}×${INPUTS.huge.height}`);
    const scene = SCENES.shapes;
    await clickNatural(frame, shapePoint(scene, 'green-disc'), { x: 0, y: 0, scale: 0.5 });
    const mask = await continueToPanel(frame, panel);
    const session = await sessionOf(frame);
    expect([session.width, session.height]).toEqual([4096, 4096]);
    expect(iou(downsample(mask, 4096, 1024), shapeMask(scene, 'green-disc'))).toBeGreaterThanOrEqual(0.9);
    await step('close the page', () => page.close());
  });

  it('a broken image file: a clear message, and the page is left as it was', async () => {
    const page = await openInputsPage('broken', INPUTS.broken.selector + suffix);
    expect(await step('open the overlay', () => openOverlay(ext.serviceWorker, page, `${base}${INPUTS.broken.path}`))).toEqual({ ok: true, value: { opened: true } });
    const frame = await overlayFrameNow(page);
    await expect.poll(() => status(frame).innerText(), { timeout: 30_000 }).toContain('could not be decoded');
    expect(await status(frame).innerText()).not.toMatch(/another site|capture/i);
    await page.bringToFront();
    await step('press Escape', () => page.keyboard.press('Escape'));
    await expect.poll(() => page.locator('inpaint-biases-overlay').count()).toBe(0);
    expect(await page.locator(INPUTS.broken.selector + suffix).count()).toBe(1);
    expect(await page.locator(INPUTS.svg.selector).evaluate((img: HTMLImageElement) => img.naturalWidth)).toBe(1024);
    await step('close the page', () => page.close());
  });

  it('a missing image file (404): reported as failed, not captured', async () => {
    const page = await openInputsPage('missing', INPUTS.missing.selector + suffix);
    expect(await step('open the overlay', () => openOverlay(ext.serviceWorker, page, `${base}${INPUTS.missing.path}`))).toEqual({ ok: true, value: { opened: true } });
    const frame = await overlayFrameNow(page);
    await expect.poll(() => status(frame).innerText(), { timeout: 30_000 }).toMatch(/failed to load.*404/);
    expect(await status(frame).innerText()).not.toMatch(/capture/i);
    expect(await frame.locator('canvas[data-ready="true"]').count()).toBe(0);
    await step('close the page', () => page.close());
  });
});
