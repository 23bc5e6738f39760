/**
 * The fp16 path on WebGPU, and the run-time fallback from it. Chromium's software adapter
 * (SwiftShader) has no shader-f16, so the product never picks fp16 there: this file alone turns
 * on the e2e build's `fp16First` flag (utils/test-hooks.ts), every other test runs as the product.
 * WebGPU: the fp16 SAM and CLIP files are the ones downloaded and give the right mask and scores;
 * an fp16 encoder whose outputs overflow (the hub's `substitute` fault) steps down to fp32 at run
 * time, the mask is still right, and runtime.info and the side panel's badge say why.
 * WASM: the flag changes nothing (fp16 is a WebGPU path): q8 files, no fp16 download.
 */
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { Frame, Page } from 'playwright-core';
import { backendFromEnv, launchExtension, type ExtensionHarness } from '../harness/extension';
import { E2E_FLAGS_KEY } from '../harness/e2e-test-hooks';
import { connectHub } from '../harness/hub';
import { iou, SCENES, shapeMask, shapePoint } from '../harness/scenes';
import { SAM_OVERFLOWING_FP16_ENCODER, SAM_REPO } from '../models/semantics';
import { call, clickNatural, closeOffscreenDocument, continueToPanel, openOverlay, overlayFrame, scoreRiverTexts, step } from './support';

const backend = backendFromEnv();
const siteUrl = inject('siteUrl');
const hub = connectHub(inject('hubUrl'));

let ext: ExtensionHarness;
let panel: Page;

interface Placement {
  backend: string;
  precision: string;
  fallbackReason?: string;
}

beforeAll(async () => {
  ext = await launchExtension({ backend });
  await ext.setSettings({ modelHost: hub.url, [E2E_FLAGS_KEY]: { fp16First: true } });
  panel = await ext.openExtensionPage('sidepanel.html');
});
afterAll(async () => {
  await hub.clearFaults();
  await ext?.close();
});

/** Models released and their cache emptied, so the next use downloads the files it picks. */
async function fresh(): Promise<void> {
  await closeOffscreenDocument(ext.serviceWorker); // the loaded models go with it
  await panel.evaluate(() => caches.delete('inpaint-biases-models-v1'));
  await hub.clearRequests();
}

const fetchedFiles = async () => (await hub.requests()).map((r) => r.path.slice(r.path.lastIndexOf('/') + 1));
const placements = async () => (await call<{ models?: Record<string, Placement> }>(panel, 'runtime.info', {})).models ?? {};

/** The overlay on the shapes image (1024² shown at 512²), a click on the green disc; the mask the panel got. */
async function clickGreenDisc(): Promise<Uint8Array> {
  const page = await ext.openPage(`${siteUrl}/gallery.html?test=precision`);
  await page.bringToFront();
  await page.waitForSelector('body[data-ready]');
  expect(await step('open the overlay', () => openOverlay(ext.serviceWorker, page, `${siteUrl}/img/shapes.png`))).toEqual({ ok: true, value: { opened: true } });
  const frame: Frame = await overlayFrame(page);
  await clickNatural(frame, shapePoint(SCENES.shapes, 'green-disc'), { x: 0, y: 0, scale: 0.5 });
  const mask = await continueToPanel(frame, panel);
  await page.close();
  return mask;
}

describe(`precision (${backend})`, () => {
  it(backend === 'webgpu' ? 'downloads the fp16 SAM and CLIP files and still gives the right mask and scores' : 'stays on q8 files: fp16 is a WebGPU path', async () => {
    await fresh();
    expect(iou(await clickGreenDisc(), shapeMask(SCENES.shapes, 'green-disc'))).toBeGreaterThanOrEqual(0.9);
    const [matching, other] = await scoreRiverTexts(panel, siteUrl);
    expect(matching!).toBeGreaterThan(other! + 10);

    const files = await fetchedFiles();
    const models = await placements();
    if (backend === 'webgpu') {
      for (const file of ['vision_encoder_fp16.onnx', 'prompt_encoder_mask_decoder_fp16.onnx', 'text_model_fp16.onnx', 'vision_model_fp16.onnx']) expect(files).toContain(file);
      expect(models['sam']).toEqual({ backend: 'webgpu', precision: 'fp16' });
      expect(models['clip']).toEqual({ backend: 'webgpu', precision: 'fp16' });
    } else {
      expect(files.filter((f) => f.includes('_fp16'))).toEqual([]);
      expect(models['sam']).toEqual({ backend: 'wasm', precision: 'q8' });
      expect(models['clip']).toEqual({ backend: 'wasm', precision: 'q8' });
    }
  });

  it(backend === 'webgpu' ? 'an fp16 encoder that overflows steps down to fp32 at run time: the right mask, and the badge says why' : 'an overflowing fp16 file is never downloaded on WASM', async () => {
    await fresh();
    await hub.setFault({ kind: 'substitute', match: 'vision_encoder_fp16.onnx', file: `${SAM_REPO}/${SAM_OVERFLOWING_FP16_ENCODER}` });
    try {
      expect(iou(await clickGreenDisc(), shapeMask(SCENES.shapes, 'green-disc'))).toBeGreaterThanOrEqual(0.9);
    } finally {
      await hub.clearFaults();
    }
    const requests = await hub.requests();
    const sam = (await placements())['sam'];
    if (backend === 'webgpu') {
      // The overflowing file was served, ran, and was replaced by the fp32 pair.
      expect(requests.filter((r) => r.fault === 'substitute').map((r) => r.path)).toEqual([expect.stringMatching(/vision_encoder_fp16\.onnx$/)]);
      const files = await fetchedFiles();
      expect(files).toContain('vision_encoder.onnx');
      expect(files).toContain('prompt_encoder_mask_decoder.onnx');
      expect(sam).toEqual({ backend: 'webgpu', precision: 'fp32', fallbackReason: 'fp32 (fp16 gave non-finite values)' });
      await expect.poll(() => panel.locator('[data-testid="backend-detail"]').textContent()).toContain('fp32 (fp16 gave non-finite values)');
    } else {
      expect(requests.filter((r) => r.fault === 'substitute')).toEqual([]);
      expect(sam).toEqual({ backend: 'wasm', precision: 'q8' });
    }
  });
});
