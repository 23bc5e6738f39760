/**
 * Segment on the page, as a user does it: open the overlay on an image, click a shape, exclude
 * another with Alt-click, paint with the brush, undo, and continue to the side panel — on a
 * plain <img>, a CSS background, a canvas (through the picker), an image in a shadow root, a
 * cross-origin image without CORS, and a page whose CSP forbids WebAssembly.
 */
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { Frame, Page } from 'playwright-core';
import { fnv1a } from '../../utils/checksum';
import { POINTER_BIG_STEP, POINTER_STEPS_PER_SIDE } from '../../utils/geometry/keyboard-pointer';
import { backendFromEnv, launchExtension, type ExtensionHarness } from '../harness/extension';
import { iou, SCENES, shapeMask, shapePoint, type Scene } from '../harness/scenes';
import { actForNewMask, clickNatural, continueToPanel as continueTo, openOverlay as openOverlayIn, overlayFrame, step, type Reply } from './support';

const backend = backendFromEnv();
const siteUrl = inject('siteUrl');
const crossOriginUrl = inject('crossOriginUrl');
const hubUrl = inject('hubUrl');

let ext: ExtensionHarness;
let panel: Page;

const continueToPanel = (frame: Frame): Promise<Uint8Array> => continueTo(frame, panel);
const openOverlay = (page: Page, srcUrl?: string): Promise<Reply> => step('open the overlay', () => openOverlayIn(ext.serviceWorker, page, srcUrl));

beforeAll(async () => {
  ext = await launchExtension({ backend });
  await ext.setSettings({ modelHost: hubUrl });
  panel = await ext.openExtensionPage('sidepanel.html');
});
afterAll(async () => {
  await ext?.close();
});

/** The gallery page with the overlay open on its shapes image (1024², shown at 512²). */
async function openOnShapes(test: string): Promise<{ page: Page; frame: Frame }> {
  const page = await ext.openPage(`${siteUrl}/gallery.html?test=${test}`);
  await page.bringToFront();
  await page.waitForSelector('body[data-ready]');
  expect(await openOverlay(page, `${siteUrl}/img/shapes.png`)).toEqual({ ok: true, value: { opened: true } });
  return { page, frame: await overlayFrame(page) };
}

function union(a: Uint8Array, b: Uint8Array): Uint8Array {
  return a.map((v, i) => Math.max(v, b[i]!));
}

describe(`segment on the page (${backend})`, () => {
  it('an <img> shown at half size: click, exclude, brush, undo, and hand-off to the side panel intact', async () => {
    const { page, frame } = await openOnShapes('img');
    const scene = SCENES.shapes; // 1024² shown at 512²
    const shown = { x: 0, y: 0, scale: 0.5 };

    await clickNatural(frame, shapePoint(scene, 'red-rect'), shown);
    const reds = union(shapeMask(scene, 'red-rect'), shapeMask(scene, 'red-rect-2'));
    expect(iou(await continueToPanel(frame), reds)).toBeGreaterThanOrEqual(0.9);

    await clickNatural(frame, shapePoint(scene, 'red-rect-2'), shown, 'right'); // exclude
    const one = await continueToPanel(frame);
    expect(iou(one, shapeMask(scene, 'red-rect'))).toBeGreaterThanOrEqual(0.9);
    // The side panel has the masked region ready for a vision-capable LLM (sent only if opted in).
    await expect.poll(() => panel.locator('[data-testid="session"]').getAttribute('data-crop-bytes')).toMatch(/^[1-9]\d{2,}$/);

    // Brush: a horizontal stroke across the blue background below the first rectangle.
    await frame.locator('[data-tool="brush"]').click();
    const canvas = frame.locator('canvas[data-testid="mask-canvas"]');
    const box = (await canvas.boundingBox())!;
    await page.bringToFront(); // input events to a background tab are never acknowledged
    await step('brush stroke', async () => {
      await page.mouse.move(box.x + 60, box.y + 200);
      await page.mouse.down();
      await page.mouse.move(box.x + 160, box.y + 200, { steps: 8 });
      await page.mouse.up();
    });
    const brushed = await continueToPanel(frame);
    // (60..160, 200) CSS → natural (120..320, 400), stroke 24 CSS px wide → 48 natural px.
    expect(brushed[400 * 1024 + 200]).toBe(255);
    expect(one[400 * 1024 + 200]).toBe(0);
    const added = brushed.reduce((n, v, i) => n + (v > 0 && one[i] === 0 ? 1 : 0), 0);
    expect(added).toBeGreaterThan(200 * 40);
    expect(added).toBeLessThan(260 * 56);

    await frame.locator('[data-action="undo"]').click();
    expect(fnv1a(await continueToPanel(frame))).toBe(fnv1a(one));
    await step('screenshot the page', () => ext.screenshot(page, `segment-img-${backend}`));
    await page.bringToFront();
    await step('press Escape', () => page.keyboard.press('Escape')); // focus is in the overlay frame
    await expect.poll(() => page.locator('inpaint-biases-overlay').count()).toBe(0);
    await panel.setViewportSize({ width: 420, height: 900 });
    await panel.bringToFront();
    await step('screenshot the side panel', () => ext.screenshot(panel, `segment-panel-${backend}`));
    await step('close the page', () => page.close());
  });

  it('keeps trusting an open overlay after Chrome stops its idle service worker: a click and Continue still work', async () => {
    const { frame } = await openOnShapes('worker-restart');
    const scene = SCENES.shapes;
    const shown = { x: 0, y: 0, scale: 0.5 };
    // Stop the worker, as Chrome does after 30 s idle (an overlay may sit open far longer).
    const devtools = await ext.context.newCDPSession(panel);
    const workerTarget = async () => (await devtools.send('Target.getTargets')).targetInfos.find((t) => t.type === 'service_worker' && t.url.startsWith(ext.origin));
    await devtools.send('Target.closeTarget', { targetId: (await workerTarget())!.targetId });
    await step('the service worker stops', async () => {
      while (await workerTarget()) await new Promise((r) => setTimeout(r, 100));
    });
    await devtools.detach();
    await clickNatural(frame, shapePoint(scene, 'green-disc'), shown);
    expect(iou(await continueToPanel(frame), shapeMask(scene, 'green-disc'))).toBeGreaterThanOrEqual(0.9);
  });

  it('hovering previews what a click would select, without editing the mask', async () => {
    const { page, frame } = await openOnShapes('hover');
    const canvas = frame.locator('canvas[data-testid="mask-canvas"]');
    // On WASM two warm-up decodes decide (the test models' decoder takes ~10 ms there); on the
    // software WebGPU adapter of this machine a decode takes hundreds of ms: no probe, no preview.
    if (backend === 'wasm') {
      await expect.poll(() => canvas.getAttribute('data-hover-probe-ms'), { timeout: 30_000 }).toMatch(/^\d/);
      expect(await canvas.getAttribute('data-hover'), `warm decode took ${await canvas.getAttribute('data-hover-probe-ms')} ms`).toBe('on');
    } else {
      await page.waitForTimeout(1000);
      expect([await canvas.getAttribute('data-hover'), await canvas.getAttribute('data-hover-probe-ms')]).toEqual(['off', null]);
    }
    const hover = backend === 'wasm';
    const scene = SCENES.shapes;
    const disc = shapePoint(scene, 'green-disc');
    const box = (await canvas.boundingBox())!;
    const version = await canvas.getAttribute('data-version');
    await step('hover the disc', async () => {
      await page.mouse.move(box.x + disc.x * 0.5 - 10, box.y + disc.y * 0.5);
      await page.mouse.move(box.x + disc.x * 0.5, box.y + disc.y * 0.5, { steps: 3 });
    });
    const area = shapeMask(scene, 'green-disc').reduce((n, v) => n + (v ? 1 : 0), 0);
    if (hover) {
      await expect.poll(async () => Number(await canvas.getAttribute('data-hover-pixels')), { timeout: 10_000 }).toBeGreaterThan(area * 0.9);
      expect(Number(await canvas.getAttribute('data-hover-pixels'))).toBeLessThan(area * 1.1);
    } else {
      await page.waitForTimeout(500);
      expect(await canvas.getAttribute('data-hover-pixels')).toBe('0');
    }
    expect(await canvas.getAttribute('data-version')).toBe(version); // a preview is not an edit
    const tools = (await frame.locator('[role="toolbar"]').boundingBox())!; // above or below the image, wherever it fits
    await step('move onto the toolbar', () => page.mouse.move(tools.x + 4, tools.y + tools.height / 2, { steps: 2 }));
    await expect.poll(() => canvas.getAttribute('data-hover-pixels')).toBe('0');
    if (hover) {
      // Resting on the disc, then clicking there: the preview becomes the mask, with no decode of its own.
      await step('rest on the disc', () => page.mouse.move(box.x + disc.x * 0.5, box.y + disc.y * 0.5, { steps: 3 }));
      await expect.poll(async () => Number(await canvas.getAttribute('data-hover-pixels')), { timeout: 10_000 }).toBeGreaterThan(area * 0.9);
      await step('click the disc', () => page.mouse.click(box.x + disc.x * 0.5, box.y + disc.y * 0.5));
      await expect.poll(() => canvas.getAttribute('data-version')).toBe(String(Number(version) + 1));
      await expect.poll(() => canvas.getAttribute('data-model-ms')).toBe('0');
      expect(iou(await continueToPanel(frame), shapeMask(scene, 'green-disc'))).toBeGreaterThanOrEqual(0.9);
    }
    await step('close the page', () => page.close());
  });

  it('works from the keyboard alone: arrows move a pointer from the centre, Space includes, Shift+Space excludes', async () => {
    const { page, frame } = await openOnShapes('keyboard');
    const canvas = frame.locator('canvas[data-testid="mask-canvas"]');
    await canvas.and(frame.locator('[data-ready="true"]')).waitFor({ timeout: 60_000 });
    const scene = SCENES.shapes; // 1024²: a step is 1024/50 px, ×5 with Shift
    const step1 = 1024 / POINTER_STEPS_PER_SIDE;
    /** Presses arrows (big steps, then small) from `from` to `to`; returns where the pointer lands. */
    const travel = async (from: { x: number; y: number }, to: { x: number; y: number }) => {
      const at = { ...from };
      for (const axis of ['x', 'y'] as const) {
        let small = Math.round((to[axis] - from[axis]) / step1);
        const key = axis === 'x' ? (small < 0 ? 'ArrowLeft' : 'ArrowRight') : small < 0 ? 'ArrowUp' : 'ArrowDown';
        const sign = Math.sign(small);
        small = Math.abs(small);
        for (; small >= POINTER_BIG_STEP; small -= POINTER_BIG_STEP) await page.keyboard.press(`Shift+${key}`);
        for (; small > 0; small--) await page.keyboard.press(key);
        at[axis] = from[axis] + sign * Math.round(Math.abs(to[axis] - from[axis]) / step1) * step1;
      }
      return at;
    };
    const pressForMask = (key: string) => actForNewMask(frame, key, () => page.keyboard.press(key));
    await page.bringToFront(); // the overlay took the keyboard when it opened: no click needed
    expect(await frame.evaluate(() => document.activeElement?.getAttribute('data-testid'))).toBe('mask-canvas');
    const centre = { x: 512, y: 512 };
    const onRed = await step('arrow to the first red rectangle', () => travel(centre, shapePoint(scene, 'red-rect')));
    await expect.poll(() => canvas.getAttribute('data-cursor')).toBe(`${Math.round(onRed.x)},${Math.round(onRed.y)}`);
    await step('press Space', () => pressForMask('Space'));
    const reds = union(shapeMask(scene, 'red-rect'), shapeMask(scene, 'red-rect-2'));
    expect(iou(await continueToPanel(frame), reds)).toBeGreaterThanOrEqual(0.9);

    await canvas.focus(); // Continue (clicked above) had the focus
    await step('arrow to the second red rectangle', () => travel(onRed, shapePoint(scene, 'red-rect-2')));
    await step('press Shift+Space', () => pressForMask('Shift+Space'));
    expect(iou(await continueToPanel(frame), shapeMask(scene, 'red-rect'))).toBeGreaterThanOrEqual(0.9);
    await step('close the page', () => page.close());
  });

  const variants: { name: string; path: string; scrollTo?: string; src?: (site: string, cross: string) => string; pick?: string; scene: Scene; shape: string; shown: { x: number; y: number; scale: number } }[] = [
    // 320² box, background-size: cover of the 1024² image.
    { name: 'a CSS background image, picked with the picker', path: '/gallery.html', pick: '#bg-shapes', scene: SCENES.shapes, shape: 'green-disc', shown: { x: 0, y: 0, scale: 320 / 1024 } },
    { name: 'a canvas, picked with the picker', path: '/gallery.html', pick: '#canvas-river', scene: SCENES.river, shape: 'river', shown: { x: 0, y: 0, scale: 1 } },
    { name: 'an image in a shadow root, picked with the picker', path: '/gallery.html', pick: '#img-shadow', scene: SCENES.wide, shape: 'green-disc', shown: { x: 0, y: 0, scale: 0.5 } },
    { name: 'a cross-origin image without CORS', path: '/gallery.html', scrollTo: '#img-cross-origin', src: (_s, c) => `${c}/img/shapes.png`, scene: SCENES.shapes, shape: 'yellow-rect', shown: { x: 0, y: 0, scale: 320 / 1024 } },
    { name: 'an image on a page whose CSP forbids WebAssembly', path: '/strict-csp.html', src: (s) => `${s}/img/river.png`, scene: SCENES.river, shape: 'river', shown: { x: 0, y: 0, scale: 1 } },
  ];

  for (const variant of variants) {
    it(`works on ${variant.name}`, async () => {
      const page = await ext.openPage(`${siteUrl}${variant.path}?test=${encodeURIComponent(variant.name)}`);
      await page.bringToFront();
      await page.waitForSelector('body[data-ready]');
      if (variant.pick) {
        const opening = openOverlay(page); // no URL: picker mode
        await page.waitForSelector('inpaint-biases-picker', { state: 'attached' });
        await page.locator(variant.pick).click();
        expect(await opening).toEqual({ ok: true, value: { opened: true } });
      } else {
        // A user right-clicks an image they can see.
        if (variant.scrollTo) await page.locator(variant.scrollTo).scrollIntoViewIfNeeded();
        expect(await openOverlay(page, variant.src!(siteUrl, crossOriginUrl))).toEqual({ ok: true, value: { opened: true } });
      }
      const frame = await overlayFrame(page);
      await clickNatural(frame, shapePoint(variant.scene, variant.shape), variant.shown);
      const mask = await continueToPanel(frame);
      expect(iou(mask, shapeMask(variant.scene, variant.shape))).toBeGreaterThanOrEqual(0.9);
      await step('close the page', () => page.close());
    });
  }
});
