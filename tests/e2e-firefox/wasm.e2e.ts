/**
 * The WASM path in Firefox: with WebGPU switched off (as on a Firefox without it), the event page
 * says why it falls back and still segments on WebAssembly, so both backends stay real.
 */
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { decodeMaskRle } from '../../utils/mask/rle';
import { inPage, launchFirefox, type FirefoxHarness } from '../harness/firefox';
import { iou, SCENES, shapeMask, shapePoint } from '../harness/scenes';
import { call, storeImageFromUrl, type InPage } from '../e2e/support';

const siteUrl = inject('siteUrl');
const hubUrl = inject('hubUrl');

let fox: FirefoxHarness;
let panel: InPage;

beforeAll(async () => {
  fox = await launchFirefox({ prefs: { 'dom.webgpu.enabled': false } });
  await fox.setSettings({ modelHost: hubUrl });
  panel = inPage(await fox.openExtensionPage('sidepanel.html'));
});
afterAll(async () => {
  await fox?.close();
});

describe('Firefox without WebGPU', () => {
  it('falls back to WASM, says why, and segments the clicked shape there (IoU ≥ 0.9)', async () => {
    expect(await panel.evaluate(() => 'gpu' in navigator, null)).toBe(false);
    const info = await call<{ backend: string; fallbackReason?: string }>(panel, 'runtime.info', {});
    expect(info).toMatchObject({ backend: 'wasm', fallbackReason: expect.stringMatching(/WebGPU/) });
    expect(await call<{ backend: string }>(panel, 'models.load', { model: 'sam' })).toMatchObject({ backend: 'wasm' });

    const scene = SCENES.shapes;
    const image = await storeImageFromUrl(panel, `${siteUrl}/img/shapes.png`);
    const { embedding } = await call<{ embedding: string }>(panel, 'sam.encode', { image });
    const decoded = await call<{ rle: string }>(panel, 'sam.decode', { embedding, points: [{ ...shapePoint(scene, 'green-disc'), label: 1 }] });
    expect(iou(decodeMaskRle(decoded.rle, 1024 * 1024), shapeMask(scene, 'green-disc'))).toBeGreaterThanOrEqual(0.9);
  });
});
