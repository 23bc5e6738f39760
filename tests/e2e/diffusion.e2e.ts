/**
 * Local prompt-following inpainting with the diffusion backend (issue #12), driven through the
 * side panel as a user does: mask the river in the page's overlay, type "a brown chocolate river",
 * pick the diffusion backend, set a seed, Inpaint. The tiny SD test models turn the region to the
 * prompt's colour, so the test asserts the outcome: the masked river is brown, every pixel past the
 * feather is the original's, the region CLIP score rises, the same seed repeats the pixels, a
 * cancelled job leaves no candidate, a job finishes into its session with the panel closed, and a
 * failed (the model host fails) or cancelled job loses no earlier result of the session, and the
 * model runs where the panel said before the download it would (WASM where the device cannot).
 * On WebGPU the e2e build's `fp16First` flag stands in for shader-f16, which SwiftShader lacks (the
 * test models are float32), so the first three tests denoise on WebGPU; the last turns it off.
 */
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { Frame, Page } from 'playwright-core';
import { estimateMs, estimateText } from '../../models/sd/estimate';
import { dilate } from '../../utils/mask/morphology';
import type { EditSession } from '../../utils/session-store';
import { backendFromEnv, launchExtension, type ExtensionHarness } from '../harness/extension';
import { E2E_FLAGS_KEY } from '../harness/e2e-test-hooks';
import { connectHub } from '../harness/hub';
import { renderScene, SCENES, shapeMask, shapePoint } from '../harness/scenes';
import { CLIP_COLOURS } from '../models/semantics';
import { call, openOverlay, overlayFrame, readSession, readStored, step } from './support';

const backend = backendFromEnv();
const siteUrl = inject('siteUrl');
const hubUrl = inject('hubUrl');
const scene = SCENES.river;
const original = renderScene(scene);
const riverMask = shapeMask(scene, 'river');
/** The paste-back feather (the engine's default, 4 px, outside the mask): beyond it pixels are the original's. */
const FEATHER_REACH = 5;
const BROWN = CLIP_COLOURS.find((c) => c.name === 'brown')!.rgb;
const BLUE = CLIP_COLOURS.find((c) => c.name === 'blue')!.rgb;
/** Where the diffusion job says it ran, in its result's model label. */
const RAN_ON = backend === 'webgpu' ? 'on WebGPU' : 'on WASM';
/** The knobs the first test's runs use (steps typed in the panel; guidance and strength the settings'). */
const KNOBS = { model: 'sd-inpaint', steps: 12, guidance: 7.5, strength: 1 } as const;

let ext: ExtensionHarness;

beforeAll(async () => {
  ext = await launchExtension({ backend });
  await ext.setSettings({
    modelHost: hubUrl,
    inpaintBackend: 'diffusion',
    diffusionSettings: { model: 'sd-inpaint', steps: 12, guidance: 7.5, strength: 1 },
    neverSendPixels: false,
    ...(backend === 'webgpu' ? { [E2E_FLAGS_KEY]: { fp16First: true } } : {}),
  });
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

/** Right-click → Fix this image… (the one internal call), click the river in the overlay, Continue. */
async function maskTheRiver(page: Page): Promise<Frame> {
  await page.bringToFront();
  await page.waitForSelector('body[data-ready]');
  expect(await step('open the overlay', () => openOverlay(ext.serviceWorker, page, `${siteUrl}/img/river.png`))).toEqual({ ok: true, value: { opened: true } });
  const frame = await overlayFrame(page);
  const p = shapePoint(scene, 'river'); // the <img> is shown 1:1
  await step('click the river', () => frame.locator('canvas[data-testid="mask-canvas"]').click({ position: { x: p.x, y: p.y } }));
  await frame.waitForSelector('canvas[data-testid="mask-canvas"][data-busy="false"]:not([data-version="0"])', { timeout: 60_000 });
  await frame.locator('[data-action="continue"]').click();
  await frame.waitForSelector('[data-action="continue"]:has-text("Sent")');
  return frame;
}

async function sessionOf(panel: Page, frame: Frame): Promise<EditSession> {
  const id = (await frame.locator('canvas[data-testid="mask-canvas"]').getAttribute('data-session'))!;
  await panel.locator(`[data-testid="session"][data-session-id="${id}"]`).waitFor({ timeout: 30_000 });
  return (await readSession(panel, id)) as unknown as EditSession;
}

async function results(panel: Page, id: string): Promise<NonNullable<EditSession['results']>> {
  return ((await readSession(panel, id)) as unknown as EditSession).results ?? [];
}

/** The diffusion knobs as a user sets them: the backend, then candidates, seed and steps typed into their fields. */
async function chooseDiffusion(panel: Page, seed: number, steps: number, candidates: number) {
  await panel.getByLabel('Backend').selectOption('diffusion');
  await panel.getByTestId('diffusion-controls').waitFor();
  for (const [field, value] of [['count', candidates], ['diffusion-seed', seed], ['diffusion-steps', steps]] as const) {
    await panel.getByTestId(field).click({ clickCount: 3 });
    await panel.keyboard.type(String(value));
    await panel.keyboard.press('Tab');
  }
  await expect.poll(() => panel.getByTestId('diffusion-seed').inputValue()).toBe(String(seed));
}

async function inpaintAndWait(panel: Page, sessionId: string, before: number) {
  await panel.getByTestId('inpaint').click();
  await expect.poll(async () => (await results(panel, sessionId)).length, { timeout: 180_000 }).toBe(before + 1);
  await expect.poll(() => panel.getByTestId('job-progress').getAttribute('data-state')).toBe('done');
  return (await results(panel, sessionId))[before]!;
}

function meanInside(rgba: Uint8Array, mask: Uint8Array): number[] {
  const sum = [0, 0, 0];
  let n = 0;
  for (let p = 0; p < mask.length; p++) {
    if (!mask[p]) continue;
    for (let c = 0; c < 3; c++) sum[c]! += rgba[4 * p + c]!;
    n++;
  }
  return sum.map((s) => s / n);
}

describe(`local diffusion inpainting (${backend})`, () => {
  it('makes the masked river chocolate-brown from the prompt, keeps every pixel past the feather, raises and ranks by the region score, repeats a seed, and steers away from the negative prompt', async () => {
    const panel = await openPanel();
    const page = await ext.openPage(`${siteUrl}/gallery.html?test=diffusion`);
    const session = await sessionOf(panel, await maskTheRiver(page));
    await panel.bringToFront();
    await panel.getByLabel('Region prompt').fill('a brown chocolate river');
    await panel.getByLabel('Negative prompt').fill('');
    await chooseDiffusion(panel, 1234, 12, 2);
    // Before any download the panel says what it costs and whether this device can carry it.
    const verdict = backend === 'webgpu' ? /Runs on this GPU \(WebGPU, shader-f16\), a software adapter: slow/ : /no WebGPU adapter\. This device cannot run it on the GPU: it falls back to WASM/;
    await expect.poll(() => panel.getByTestId('diffusion-device').innerText()).toMatch(new RegExp(`Downloads 2\\.1 GB on first use\\..*${verdict.source}`, 's'));
    // No run on this device yet: no time is guessed.
    expect(await panel.getByTestId('diffusion-estimate').innerText()).toBe(estimateText(undefined, KNOBS, 2, backend));

    const first = await step('inpaint with diffusion', () => inpaintAndWait(panel, session.id, 0), 200_000);
    expect(first.backend).toBe('diffusion');
    // The run's time per part is kept with the result, and the picker now says how long the next run takes here.
    expect(first.diffusion).toMatchObject({ model: 'sd-inpaint', backend, steps: 12, guided: true });
    await expect.poll(() => panel.getByTestId('diffusion-estimate').innerText()).toBe(estimateText(first.diffusion, KNOBS, 2, backend));
    // The badge names the ONNX Runtime the run used (float16 kernels change between versions): the one the extension ships.
    const ort = (JSON.parse(readFileSync('node_modules/onnxruntime-web/package.json', 'utf8')) as { version: string }).version;
    expect(await panel.getByTestId('backend-badge').getAttribute('title')).toContain(`ONNX Runtime Web ${ort}`);
    expect(first.model).toMatch(new RegExp(`^Stable Diffusion 1\\.5 inpainting, 12 steps, \\d+×\\d+ ${RAN_ON}$`));
    // Two candidates, seed and seed + 1, ranked by region score (best first); both raise it.
    expect(first.candidates.map((c) => c.seed).sort()).toEqual([1234, 1235]);
    const regionScores = first.candidates.map((c) => c.scores.region!.score);
    expect(regionScores).toEqual([...regionScores].sort((a, b) => b - a));
    for (const c of first.candidates) expect(c.delta.region).toBeGreaterThan(0);
    const candidate = panel.getByTestId('candidate').first();
    expect(Number(await candidate.getAttribute('data-region-delta'))).toBeGreaterThan(0);
    await ext.screenshot(panel, `diffusion-result-${backend}`);

    const seeded = first.candidates.find((c) => c.seed === 1234)!;
    const pixels = (await readStored(panel, seeded.image)).data;
    const mask = (await readStored(panel, session.mask!)).data;
    const inside = meanInside(pixels, riverMask);
    expect(Math.hypot(...inside.map((v, c) => v - BROWN[c]!))).toBeLessThan(25);
    const reach = dilate({ width: scene.width, height: scene.height, data: mask }, FEATHER_REACH).data;
    let changed = 0;
    for (let p = 0; p < reach.length; p++) if (!reach[p] && [0, 1, 2, 3].some((c) => pixels[4 * p + c] !== original.data[4 * p + c])) changed++;
    expect(changed).toBe(0);

    // The same seed again: the same pixels.
    const again = await step('inpaint again, same seed', () => inpaintAndWait(panel, session.id, 1), 200_000);
    const repeated = again.candidates.find((c) => c.seed === 1234)!;
    expect(Buffer.compare(Buffer.from((await readStored(panel, repeated.image)).data), Buffer.from(pixels))).toBe(0);
    // The estimate's parts are the run's own wall times (the median step): for the same knobs they stay within its inpainting time (the median's slack: 1.5×).
    const accounted = estimateMs(again.diffusion!, KNOBS, 2);
    expect(accounted).toBeGreaterThan(0);
    expect(accounted).toBeLessThanOrEqual(1.5 * again.ms.inpaint);
    console.log(`diffusion estimate (${backend}): ${accounted.toFixed(0)} of ${again.ms.inpaint.toFixed(0)} ms inpainting accounted for`);

    // The negative prompt typed in the panel (where Refine puts the LLM's) steers the same seed away from it.
    await panel.getByLabel('Negative prompt').fill('a blue river');
    await chooseDiffusion(panel, 1234, 12, 1);
    // One candidate now: the estimate follows the count typed, from the latest run.
    await expect.poll(() => panel.getByTestId('diffusion-estimate').innerText()).toBe(estimateText(again.diffusion, KNOBS, 1, backend));
    const steered = await step('inpaint with a negative prompt', () => inpaintAndWait(panel, session.id, 2), 200_000);
    const away = meanInside((await readStored(panel, steered.candidates[0]!.image)).data, riverMask);
    const fromBlue = (rgb: number[]) => Math.hypot(...rgb.map((v, c) => v - BLUE[c]!));
    expect(fromBlue(away)).toBeGreaterThan(fromBlue(inside) + 30);

    expect(ext.consoleErrors).toEqual([]);
    await page.close();
    await panel.close();
  });

  it('cancels mid-loop with no partial candidate, and a job finishes into its session with the panel closed', async () => {
    let panel = await openPanel();
    const page = await ext.openPage(`${siteUrl}/gallery.html?test=diffusion-cancel`);
    const session = await sessionOf(panel, await maskTheRiver(page));
    await panel.bringToFront();
    await panel.getByLabel('Region prompt').fill('a brown chocolate river');
    // 4 candidates × 50 steps: long enough to cancel in the middle.
    await chooseDiffusion(panel, 7, 50, 4);

    await panel.getByTestId('inpaint').click();
    // The denoising loop shows its steps and a live preview; Esc cancels between steps.
    // (On WASM the offscreen document computes on the renderer's one main thread, which the panel
    // shares: the panel sees the job between steps, so any of the first three candidates will do.)
    await expect.poll(() => panel.getByTestId('job-progress').innerText(), { timeout: 120_000, interval: 20 }).toMatch(/Candidate [123] of 4: step \d+ of 50/);
    await panel.getByTestId('job-preview').waitFor({ timeout: 10_000 });
    await panel.locator('main').click({ position: { x: 2, y: 2 } });
    await panel.keyboard.press('Escape');
    await expect.poll(() => panel.getByTestId('job-progress').getAttribute('data-state'), { timeout: 30_000 }).toBe('cancelled');
    expect(await results(panel, session.id)).toEqual([]);
    expect(await panel.getByTestId('candidate').count()).toBe(0);

    // Closed while a job runs (one candidate): the result lands in the session anyway.
    await chooseDiffusion(panel, 7, 20, 1);
    await panel.getByTestId('inpaint').click();
    await panel.getByTestId('job-progress').waitFor();
    await panel.close();
    panel = await openPanel();
    await expect.poll(async () => (await results(panel, session.id)).length, { timeout: 180_000 }).toBe(1);
    await expect.poll(() => panel.getByTestId('candidate').count(), { timeout: 30_000 }).toBe(1);

    expect(ext.consoleErrors).toEqual([]);
    await page.close();
    await panel.close();
  });

  it('loses no earlier result when a later job fails (the model host answers 500) or is cancelled', async () => {
    const hub = connectHub(hubUrl);
    const panel = await openPanel();
    const page = await ext.openPage(`${siteUrl}/gallery.html?test=diffusion-keep`);
    const session = await sessionOf(panel, await maskTheRiver(page));
    await panel.bringToFront();
    await panel.getByLabel('Region prompt').fill('a brown chocolate river');
    await chooseDiffusion(panel, 99, 4, 1);
    const first = await step('a first result', () => inpaintAndWait(panel, session.id, 0), 200_000);
    const kept = await readStored(panel, first.candidates[0]!.image);
    const keptResults = async () => {
      const now = await results(panel, session.id);
      expect(now.map((r) => r.jobId)).toEqual([first.jobId]);
      expect(Buffer.compare(Buffer.from((await readStored(panel, now[0]!.candidates[0]!.image)).data), Buffer.from(kept.data))).toBe(0);
      expect(await panel.getByTestId('candidate').count()).toBe(1);
    };

    // SD-Turbo, never loaded in this profile: its UNet download fails.
    const removeFault = await hub.setFault({ kind: 'status', status: 500, match: /sd-turbo-ort-web\/.*unet/ });
    try {
      await panel.getByTestId('diffusion-model').selectOption('sd-turbo');
      await panel.getByTestId('inpaint').click();
      await expect.poll(() => panel.getByTestId('job-progress').getAttribute('data-state'), { timeout: 60_000 }).toBe('failed');
      // The user is told why: the host's answer, for the file it could not get.
      expect(await panel.getByTestId('inpaint-error').innerText()).toMatch(/answered 500.*model\.onnx/);
    } finally {
      await removeFault();
    }
    await keptResults();

    // Cancelled mid-loop: nothing of it lands, the first result stays.
    await panel.getByTestId('diffusion-model').selectOption('sd-inpaint');
    await chooseDiffusion(panel, 100, 50, 4);
    await panel.getByTestId('inpaint').click();
    await expect.poll(() => panel.getByTestId('job-progress').innerText(), { timeout: 120_000, interval: 20 }).toMatch(/Candidate [123] of 4: step \d+ of 50/);
    await panel.getByTestId('inpaint-cancel').click();
    await expect.poll(() => panel.getByTestId('job-progress').getAttribute('data-state'), { timeout: 30_000 }).toBe('cancelled');
    await keptResults();

    // And after closing and reopening the panel.
    await panel.close();
    const reopened = await openPanel();
    await expect.poll(() => reopened.getByTestId('candidate').count(), { timeout: 30_000 }).toBe(1);
    expect((await results(reopened, session.id)).map((r) => r.jobId)).toEqual([first.jobId]);

    expect(ext.consoleErrors).toEqual([]);
    await page.close();
    await reopened.close();
  });

  it('runs the model where the panel said before the download: on WASM where the device cannot carry it', async () => {
    // As the product on this machine: SwiftShader has no shader-f16 (the WASM project no adapter at all).
    await ext.setSettings({ [E2E_FLAGS_KEY]: {} });
    const panel = await openPanel();
    const page = await ext.openPage(`${siteUrl}/gallery.html?test=diffusion-placement`);
    const session = await sessionOf(panel, await maskTheRiver(page));
    await panel.bringToFront();
    await panel.getByLabel('Region prompt').fill('a brown chocolate river');
    await panel.getByLabel('Negative prompt').fill('');
    await chooseDiffusion(panel, 5, 2, 1);
    // SD-Turbo: not loaded yet in this profile (the earlier test's load of it failed).
    await panel.getByTestId('diffusion-model').selectOption('sd-turbo');
    const why = backend === 'webgpu' ? 'this GPU lacks it' : 'this device has no WebGPU adapter';
    await expect.poll(() => panel.getByTestId('diffusion-device').innerText()).toMatch(new RegExp(`Downloads 2\\.6 GB on first use\\..*${why}\\. This device cannot run it on the GPU: it falls back to WASM \\(the CPU\\), at up to 256² px`, 's'));

    const result = await step('inpaint where the panel said', () => inpaintAndWait(panel, session.id, 0), 200_000);
    expect(result.model).toMatch(/^SD-Turbo \(fast, 1–4 steps\), 2 steps, \d+×\d+ on WASM$/);
    expect(await panel.getByTestId('job-progress').innerText()).toMatch(/on WASM/);
    const placement = (await call<{ models?: Record<string, { backend: string; fallbackReason?: string }> }>(panel, 'runtime.info', {})).models?.sdTurbo;
    expect(placement).toEqual(backend === 'webgpu' ? { backend: 'wasm', precision: 'fp16', fallbackReason: 'WASM: the GPU lacks shader-f16, which the float16 weights need' } : { backend: 'wasm', precision: 'fp16' });
    const inside = meanInside((await readStored(panel, result.candidates[0]!.image)).data, riverMask);
    expect(Math.hypot(...inside.map((v, c) => v - BROWN[c]!))).toBeLessThan(25);

    expect(ext.consoleErrors).toEqual([]);
    await page.close();
    await panel.close();
  });
});
