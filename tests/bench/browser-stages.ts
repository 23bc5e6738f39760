/**
 * The stages measured in Chromium, through the built extension: protocol calls from an extension
 * page (as the side panel makes them) and real clicks in the in-page overlay.
 *
 * Clocks: each context stamps events with `performance.timeOrigin + performance.now()` (epoch
 * ms); Node does the same, so stamps from the overlay frame, the side panel and Node compare
 * directly (same machine clock, ~0.1 ms resolution).
 */
import type { Frame, Page } from 'playwright-core';
import type { ExtensionHarness } from '../harness/extension.ts';
import type { Hub } from '../harness/hub.ts';
import { SCENES, shapeMask, shapePoint } from '../harness/scenes.ts';
import { call, closeOffscreenDocument, openOverlay as openOverlayIn, overlayFrame as waitForOverlay, storeImageFromUrl, storeMask, type Chrome, type Reply } from '../e2e/support.ts';

/** The bench waits longer than the tests for the overlay: WebGPU on a software adapter is slow. */
const overlayFrame = (page: Page): Promise<Frame> => waitForOverlay(page, 120_000);
import { encodeMaskRle } from '../../utils/mask/rle.ts';
import type { Sample } from './stats.ts';

const verbose = (text: string) => {
  if (process.env.BENCH_VERBOSE) console.log(`[bench]   ${text}`);
};

export const epochNow = (): number => performance.timeOrigin + performance.now();

/** Rejects when `promise` takes longer than `ms` (a hung step becomes an error that names it). */
export function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what}: no answer within ${ms / 1000} s`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/**
 * A protocol request from an extension page, timed inside the page (the round trip the page sees).
 * `offscreen` goes through the background's route; `offscreen-doc` straight to the offscreen
 * document, as the overlay sends its per-click requests (utils/messaging.ts `sendToOffscreen`).
 */
export async function timedCall<T>(page: Page, type: string, payload: unknown, to: 'offscreen' | 'offscreen-doc' | 'background' = 'offscreen'): Promise<{ value: T; roundTripMs: number }> {
  const { reply, ms } = await withTimeout(page.evaluate(
    async ([dest, t, p]) => {
      const chrome = (globalThis as unknown as { chrome: Chrome }).chrome;
      const start = performance.now();
      const answer = (await chrome.runtime.sendMessage({ to: dest, type: t, payload: p })) as Reply;
      return { reply: answer, ms: performance.now() - start };
    },
    [to, type, payload] as const,
  ), 120_000, type);
  if (!reply.ok) throw new Error(`${type} failed: ${reply.error?.code}: ${reply.error?.message}`);
  return { value: reply.value as T, roundTripMs: ms };
}

interface Timed {
  modelMs: number;
  totalMs: number;
}

/** A run as the offscreen document reports it, plus the round trip the calling page saw. */
export interface OffscreenRun extends Sample {
  roundTripMs: number;
}

const offscreenRun = (value: Timed, roundTripMs: number): OffscreenRun => ({ totalMs: value.totalMs, modelMs: value.modelMs, roundTripMs });

/**
 * The shapes clicked in turn. Consecutive masks must differ (the hand-off waits for the panel's
 * checksum to change): the test SAM selects every cell of the clicked colour, so both red
 * rectangles give the same mask, and they are never clicked one after the other.
 */
const SHAPES = ['red-rect', 'green-disc', 'red-rect-2', 'yellow-rect'] as const;

export interface EncodeResult {
  loadMs: number;
  loadFiles: { path: string; bytes: number; fromCache: boolean }[];
  first: OffscreenRun;
  runs: OffscreenRun[];
  embedding: string;
}

/** Loads SAM, encodes the 1024² shapes image once (first run, reported apart), then `runs` warm runs. */
export async function benchEncode(panel: Page, siteUrl: string, runs: number): Promise<EncodeResult> {
  const load = await timedCall<{ files: EncodeResult['loadFiles']; ms: number }>(panel, 'models.load', { model: 'sam' });
  const image = await storeImageFromUrl(panel, `${siteUrl}/img/shapes.png`);
  type Encoded = Timed & { embedding: string; width: number; height: number };
  const first = await timedCall<Encoded>(panel, 'sam.encode', { image });
  if (first.value.width !== 1024 || first.value.height !== 1024) throw new Error(`expected a 1024² image, got ${first.value.width}×${first.value.height}`);
  const out: OffscreenRun[] = [];
  let embedding = first.value.embedding;
  for (let i = 0; i < runs; i++) {
    const r = await timedCall<Encoded>(panel, 'sam.encode', { image });
    out.push(offscreenRun(r.value, r.roundTripMs));
    embedding = r.value.embedding;
  }
  return { loadMs: load.value.ms, loadFiles: load.value.files, first: offscreenRun(first.value, first.roundTripMs), runs: out, embedding };
}

/**
 * `sam.decode` called from an extension page, one positive point, alternating shapes: straight to
 * the offscreen document (the overlay's per-click path) and through the background's route, in turn.
 */
export async function benchDecodeDirect(panel: Page, embedding: string, runs: number): Promise<{ direct: OffscreenRun[]; routed: OffscreenRun[] }> {
  const scene = SCENES.shapes;
  const decode = (i: number, to: 'offscreen' | 'offscreen-doc') =>
    timedCall<Timed & { rle: string }>(panel, 'sam.decode', { embedding, points: [{ ...shapePoint(scene, SHAPES[i % SHAPES.length]!), label: 1 }] }, to);
  await decode(0, 'offscreen-doc'); // warm-up
  await decode(1, 'offscreen');
  const direct: OffscreenRun[] = [];
  const routed: OffscreenRun[] = [];
  for (let i = 0; i < runs; i++) {
    const a = await decode(i, 'offscreen-doc');
    direct.push(offscreenRun(a.value, a.roundTripMs));
    const b = await decode(i + 1, 'offscreen');
    routed.push(offscreenRun(b.value, b.roundTripMs));
  }
  return { direct, routed };
}

/** `clip.score` on the river image with two texts (image + text model; one summed modelMs). */
export async function benchClipScore(panel: Page, siteUrl: string, runs: number): Promise<{ first: OffscreenRun; runs: OffscreenRun[] }> {
  const image = await storeImageFromUrl(panel, `${siteUrl}/img/river.png`);
  const texts = [SCENES.river.alt, 'a red desert'];
  const first = await timedCall<Timed>(panel, 'clip.score', { image, texts });
  const out: OffscreenRun[] = [];
  for (let i = 0; i < runs; i++) {
    const r = await timedCall<Timed>(panel, 'clip.score', { image, texts });
    out.push(offscreenRun(r.value, r.roundTripMs));
  }
  return { first: offscreenRun(first.value, first.roundTripMs), runs: out };
}

/** `fill.run` (MI-GAN) on the 512² river scene with the river's mask. */
export async function benchFill(panel: Page, siteUrl: string, runs: number): Promise<{ first: OffscreenRun; runs: OffscreenRun[] }> {
  const scene = SCENES.river;
  const image = await storeImageFromUrl(panel, `${siteUrl}/img/river.png`);
  const mask = await storeMask(panel, shapeMask(scene, 'river'), scene.width, scene.height);
  const first = await timedCall<Timed & { width: number }>(panel, 'fill.run', { image, mask });
  if (first.value.width !== 512) throw new Error(`expected a 512² fill, got width ${first.value.width}`);
  const out: OffscreenRun[] = [];
  for (let i = 0; i < runs; i++) {
    const r = await timedCall<Timed>(panel, 'fill.run', { image, mask });
    out.push(offscreenRun(r.value, r.roundTripMs));
  }
  return { first: offscreenRun(first.value, first.roundTripMs), runs: out };
}

/** One inpainting job's own timings (InpaintResult.ms), as the offscreen document measured them. */
export interface JobRun {
  totalMs: number;
  inpaintMs: number;
  inpaintModelMs: number;
  scoreMs: number;
  scoreModelMs: number;
}

/**
 * `inpaint.start` with the local fill (MI-GAN) on the 512² river scene, through the job queue:
 * CLIP before, crop, fill, paste back through the feathered mask, CLIP after, PNG into the
 * session store, result appended to the session. Waits for each job by polling `jobs.list`.
 */
export async function benchInpaintJob(panel: Page, siteUrl: string, runs: number): Promise<{ first: JobRun; runs: JobRun[] }> {
  const scene = SCENES.river;
  const image = await storeImageFromUrl(panel, `${siteUrl}/img/river.png`);
  const mask = await storeMask(panel, shapeMask(scene, 'river'), scene.width, scene.height);
  const created = await timedCall<{ sessionId: string }>(panel, 'session.create', { image, width: scene.width, height: scene.height, source: { pageUrl: `${siteUrl}/bench` } }, 'background');
  const sessionId = created.value.sessionId;
  let run = 0;
  const one = async (): Promise<JobRun> => {
    // A new region prompt each run: the job reuses the "before" scores of a repeated request, and the bench measures a whole job.
    const prompt = `green grass ${run++}`;
    const { value } = await timedCall<{ jobId: string }>(panel, 'inpaint.start', { sessionId, image, mask, backend: 'local', prompt, fullPrompt: scene.alt, n: 1 });
    for (;;) {
      const { value: list } = await timedCall<{ jobs: { jobId: string; state: string; error?: { message: string } }[] }>(panel, 'jobs.list', {});
      const job = list.jobs.find((j) => j.jobId === value.jobId);
      if (job?.state === 'done') break;
      if (job && job.state !== 'queued' && job.state !== 'running') throw new Error(`inpaint job ${job.state}: ${job.error?.message ?? ''}`);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    const ms = await panel.evaluate(
      async ([id, jobId]) => {
        const db = await new Promise<IDBDatabase>((resolve, reject) => {
          const open = indexedDB.open('inpaint-biases', 2);
          open.onsuccess = () => resolve(open.result);
          open.onerror = () => reject(open.error);
        });
        const session = await new Promise<{ results?: { jobId: string; ms: Record<string, number> }[] }>((resolve, reject) => {
          const get = db.transaction('sessions').objectStore('sessions').get(id);
          get.onsuccess = () => resolve(get.result as never);
          get.onerror = () => reject(get.error);
        });
        db.close();
        return session.results?.find((r) => r.jobId === jobId)?.ms;
      },
      [sessionId, value.jobId] as const,
    );
    if (!ms) throw new Error('the job finished without a result in its session');
    return { totalMs: ms.total!, inpaintMs: ms.inpaint!, inpaintModelMs: ms.inpaintModel ?? 0, scoreMs: ms.score!, scoreModelMs: ms.scoreModel ?? 0 };
  };
  const first = await one();
  const out: JobRun[] = [];
  for (let i = 0; i < runs; i++) out.push(await one());
  return { first, runs: out };
}

// ---- the overlay, driven with real clicks ----

/** Opens the overlay as the menu action does; fails with the content script's reason. */
async function openOverlay(ext: ExtensionHarness, page: Page, srcUrl: string): Promise<void> {
  const reply = await openOverlayIn(ext.serviceWorker, page, srcUrl);
  if (!reply.ok) throw new Error(`content.open-overlay failed: ${reply.error?.message}`);
}

/**
 * Closes a tab that shows the overlay. (Not with Escape: a key event whose handler removes the
 * focused overlay frame was seen to leave Playwright waiting forever for the input's ack.)
 */
async function closePage(page: Page): Promise<void> {
  await withTimeout(page.close(), 15_000, 'closing the tab').catch((error: unknown) => verbose(String(error)));
}

/** Stamps pointer-downs on the overlay canvas and clicks on Continue (capture phase, before the overlay's handlers). */
async function installFrameStamps(frame: Frame): Promise<void> {
  await frame.evaluate(() => {
    const w = window as unknown as { __bench?: { down: number[]; cont: number[] } };
    if (w.__bench) return;
    const stamps = { down: [] as number[], cont: [] as number[] };
    w.__bench = stamps;
    window.addEventListener('pointerdown', () => stamps.down.push(performance.timeOrigin + performance.now()), true);
    window.addEventListener(
      'click',
      (e) => {
        if ((e.target as Element | null)?.closest?.('[data-action="continue"]')) stamps.cont.push(performance.timeOrigin + performance.now());
      },
      true,
    );
  });
}

const lastStamp = (frame: Frame, kind: 'down' | 'cont') =>
  frame.evaluate((k) => (window as unknown as { __bench: Record<string, number[]> }).__bench[k]!.at(-1) ?? Number.NaN, kind);

interface CanvasState {
  version: number;
  ours: string | undefined;
}

const canvasState = (frame: Frame): Promise<CanvasState> =>
  frame.evaluate(() => {
    const c = document.querySelector('canvas[data-testid="mask-canvas"]') as HTMLCanvasElement;
    return { version: Number(c.dataset.version), ours: c.dataset.oursMs };
  });

/**
 * Clicks at a natural-image point of the 1024² shapes image shown at 512² and waits for the painted
 * mask; returns the overlay's own timing. The overlay sets data-ours-ms / data-model-ms in the
 * first animation frame after the new mask is committed, so once the mask is in (version bumped,
 * not busy) two frames later the attributes belong to this click (even when a value happens to
 * equal the previous one, which a change-watch would miss).
 */
async function clickAndWait(frame: Frame, point: { x: number; y: number }, scale: number): Promise<{ oursMs: number; modelMs: number; frameMs: number }> {
  return waitForClickMask(frame, () => frame.locator('canvas[data-testid="mask-canvas"]').click({ position: { x: point.x * scale, y: point.y * scale } }));
}

/** Runs `click` and waits for the mask it makes (see clickAndWait); returns the overlay's timing. */
async function waitForClickMask(frame: Frame, click: () => Promise<void>): Promise<{ oursMs: number; modelMs: number; frameMs: number }> {
  const before = await canvasState(frame);
  await click();
  try {
    await frame.waitForFunction(
      (v) => {
        const c = document.querySelector('canvas[data-testid="mask-canvas"]') as HTMLCanvasElement;
        return Number(c.dataset.version) > v && c.dataset.busy === 'false';
      },
      before.version,
      { timeout: 120_000 },
    );
    await frame.evaluate(
      () =>
        new Promise<void>((resolve, reject) => {
          const timer = setTimeout(() => reject(new Error(`no animation frame within 10 s (document ${document.visibilityState})`)), 10_000);
          requestAnimationFrame(() =>
            requestAnimationFrame(() => {
              clearTimeout(timer);
              resolve();
            }),
          );
        }),
    );
  } catch (error) {
    const now = await canvasState(frame).catch(() => undefined);
    const status = await frame.locator('[data-testid="overlay-status"]').innerText().catch(() => '?');
    throw new Error(`no new mask after the click (before ${JSON.stringify(before)}, now ${JSON.stringify(now)}); the overlay says: ${status}`, { cause: error });
  }
  return frame.evaluate(() => {
    const c = document.querySelector('canvas[data-testid="mask-canvas"]') as HTMLCanvasElement;
    // data-frame-ms: click → the next painted frame (newer builds); absent in older ones.
    return { oursMs: Number(c.dataset.oursMs), modelMs: Number(c.dataset.modelMs), frameMs: c.dataset.frameMs === undefined ? Number.NaN : Number(c.dataset.frameMs) };
  });
}

/** How a click's pointer gets to its point: Playwright's `click` (one move and the press at once), or as a hand moves a mouse. */
type ClickStyle = 'teleport' | 'approach';

/**
 * A click as a hand makes it: the pointer glides over the canvas to the point (12 moves 16 ms apart,
 * from 120 CSS px up-left, inside the canvas), presses at once (no rest, so no hover preview can
 * answer the click: each one decodes) and lets go after 80 ms; then waits for the mask as
 * `clickAndWait` does.
 */
async function approachClickAndWait(page: Page, frame: Frame, point: { x: number; y: number }, scale: number): Promise<{ oursMs: number; modelMs: number; frameMs: number }> {
  const box = await frame.locator('canvas[data-testid="mask-canvas"]').boundingBox();
  if (!box) throw new Error('the overlay canvas is not shown');
  const to = { x: box.x + point.x * scale, y: box.y + point.y * scale };
  const from = { x: Math.max(box.x + 1, to.x - 120), y: Math.max(box.y + 1, to.y - 120) };
  const steps = 12;
  for (let i = 0; i <= steps; i++) {
    await page.mouse.move(from.x + ((to.x - from.x) * i) / steps, from.y + ((to.y - from.y) * i) / steps);
    if (i < steps) await new Promise((resolve) => setTimeout(resolve, 16));
  }
  return waitForClickMask(frame, async () => {
    await page.mouse.down();
    await new Promise((resolve) => setTimeout(resolve, 80));
    await page.mouse.up();
  });
}

async function clearMask(frame: Frame): Promise<void> {
  const before = await canvasState(frame);
  await frame.locator('[data-action="clear"]').click();
  await frame.waitForFunction((v) => Number((document.querySelector('canvas[data-testid="mask-canvas"]') as HTMLCanvasElement).dataset.version) > v, before.version);
}

/** Arms an observer in the side panel that stamps the moment its mask for `sessionId` shows a new checksum. */
async function armPanelWatch(panel: Page, sessionId: string): Promise<void> {
  await panel.evaluate((sid) => {
    const w = window as unknown as { __benchSeen?: number; __benchObserver?: MutationObserver };
    w.__benchObserver?.disconnect();
    w.__benchSeen = undefined;
    // (No named inner functions here: tsx's __name helper does not exist in the page.)
    const selector = `[data-session-id="${sid}"] [data-testid="panel-mask"]`;
    const previous = (document.querySelector(selector) as HTMLElement | null)?.dataset.checksum;
    const observer = new MutationObserver(() => {
      const now = (document.querySelector(selector) as HTMLElement | null)?.dataset.checksum;
      if (now !== undefined && now !== previous) {
        w.__benchSeen = performance.timeOrigin + performance.now();
        observer.disconnect();
      }
    });
    observer.observe(document.body, { subtree: true, childList: true, attributes: true, attributeFilter: ['data-checksum', 'data-session-id'] });
    w.__benchObserver = observer;
  }, sessionId);
}

const panelSeen = async (panel: Page): Promise<number> => {
  try {
    await panel.waitForFunction(() => (window as unknown as { __benchSeen?: number }).__benchSeen !== undefined, undefined, { timeout: 60_000, polling: 20 });
  } catch (error) {
    throw new Error('the side panel never showed the handed-off mask (its checksum did not change within 60 s)', { cause: error });
  }
  return panel.evaluate(() => (window as unknown as { __benchSeen: number }).__benchSeen);
};

export interface OverlayResult {
  /** Per click: the overlay's data-ours-ms / data-model-ms (pointer event → mask drawn). */
  clicks: Sample[];
  firstClick: Sample;
  /** Per click: data-frame-ms (pointer event → the next painted frame); NaN where the build lacks it. */
  frames: number[];
  /** Per Continue: click → the side panel shows the new mask (checksum). */
  handoffs: number[];
  firstHandoff: number;
  sessionId: string;
}

/**
 * Opens the overlay on the 1024² shapes <img> (shown at 512²) and, `runs` + 1 times (the first
 * reported apart): clicks one shape (alternating), reads the overlay's timing, presses Continue
 * and waits for the side panel to show that mask, then clears the selection (so every click is
 * one positive point on an empty selection).
 */
export async function benchOverlay(ext: ExtensionHarness, panel: Page, siteUrl: string, runs: number): Promise<OverlayResult> {
  const scene = SCENES.shapes;
  const page = await ext.openPage(`${siteUrl}/gallery.html`);
  await page.bringToFront();
  await page.waitForSelector('body[data-ready]');
  await openOverlay(ext, page, `${siteUrl}/img/shapes.png`);
  const frame = await overlayFrame(page);
  await installFrameStamps(frame);
  const sessionId = (await frame.locator('canvas[data-testid="mask-canvas"]').getAttribute('data-session'))!;
  const clicks: Sample[] = [];
  const frames: number[] = [];
  const handoffs: number[] = [];
  for (let i = 0; i <= runs; i++) {
    const { oursMs, modelMs, frameMs } = await clickAndWait(frame, shapePoint(scene, SHAPES[i % SHAPES.length]!), 0.5);
    clicks.push({ totalMs: oursMs + modelMs, modelMs });
    frames.push(frameMs);
    verbose(`click ${i}: ours ${oursMs.toFixed(1)} model ${modelMs.toFixed(1)} frame ${frameMs.toFixed(1)}`);
    await armPanelWatch(panel, sessionId);
    await frame.locator('[data-action="continue"]').click();
    const seen = await panelSeen(panel);
    handoffs.push(seen - (await lastStamp(frame, 'cont')));
    verbose(`hand-off ${i}: ${handoffs.at(-1)!.toFixed(1)} ms`);
    await clearMask(frame);
  }
  verbose('overlay: close');
  await closePage(page);
  verbose('overlay: closed');
  return { clicks: clicks.slice(1), firstClick: clicks[0]!, frames: frames.slice(1), handoffs: handoffs.slice(1), firstHandoff: handoffs[0]!, sessionId };
}

export interface ClickDuringJobResult {
  /** Per click with nothing else running: the overlay's data-ours-ms / data-model-ms. Teleport clicks (Playwright's `click`). */
  idle: Sample[];
  /** The same clicks while a diffusion job runs its denoising loop. */
  duringJob: Sample[];
  /** Denoising steps the job finished while the teleport clicks ran, and the wall time per step. */
  steps: number;
  msPerStep: number;
  /** The same, each click made as a hand makes it (`approachClickAndWait`): the pointer glides over the mask first. */
  approach: { idle: Sample[]; duringJob: Sample[]; steps: number; msPerStep: number };
}

/** Steps of the diffusion job done so far, from its progress message ("Candidate i of n: step s of t"). */
const STEPS_DONE = String.raw`Candidate (\d+) of \d+: step (\d+) of (\d+)`;

/**
 * Overlay clicks on the 1024² shapes image (shown at 512²) alone, then while a job keeps the
 * inference busy: real diffusion jobs (SD 1.5 inpainting, the river masked, 4 candidates × 50
 * steps) started from the side panel with `inpaint.start` back to back, the first one's denoising
 * loop already running when the clicks start, the last cancelled after them. The first click of each series is a warm-up and is left out.
 */
export async function benchClickDuringJob(ext: ExtensionHarness, panel: Page, siteUrl: string, runs: number): Promise<ClickDuringJobResult> {
  const scene = SCENES.shapes;
  const page = await ext.openPage(`${siteUrl}/gallery.html?bench=click-during-job`);
  await page.bringToFront();
  await page.waitForSelector('body[data-ready]');
  await openOverlay(ext, page, `${siteUrl}/img/shapes.png`);
  const frame = await overlayFrame(page);
  const clickSeries = async (style: ClickStyle): Promise<Sample[]> => {
    const out: Sample[] = [];
    for (let i = 0; i <= runs; i++) {
      const point = shapePoint(scene, SHAPES[i % SHAPES.length]!);
      const { oursMs, modelMs } = style === 'teleport' ? await clickAndWait(frame, point, 0.5) : await approachClickAndWait(page, frame, point, 0.5);
      // A hover preview at the click's point answers it without a decode (model 0): not this stage's path.
      if (modelMs === 0) throw new Error(`a ${style} click was answered by a hover preview, not a decode: the pointer rested before the press`);
      out.push({ totalMs: oursMs + modelMs, modelMs });
      await clearMask(frame);
    }
    return out.slice(1);
  };
  const idle = await clickSeries('teleport');
  const idleApproach = await clickSeries('approach');

  const river = SCENES.river;
  const image = await storeImageFromUrl(panel, `${siteUrl}/img/river.png`);
  const mask = await storeMask(panel, shapeMask(river, 'river'), river.width, river.height);
  const request = {
    image,
    mask,
    n: 4,
    backend: 'diffusion',
    prompt: 'a brown chocolate river',
    negativePrompt: '',
    diffusion: { model: 'sd-inpaint', steps: 50, guidance: 7.5, strength: 1, seed: 1 },
  };
  const stepsOf = (jobId: string) =>
    panel.evaluate(
      async ([id, pattern]) => {
        const chrome = (globalThis as unknown as { chrome: Chrome }).chrome;
        const reply = (await chrome.runtime.sendMessage({ to: 'offscreen', type: 'jobs.list', payload: {} })) as Reply<{ jobs: { jobId: string; state: string; message?: string; error?: { message: string } }[] }>;
        const job = reply.value?.jobs.find((j) => j.jobId === id);
        if (!job) return { state: 'gone', steps: 0, error: '' };
        const m = new RegExp(pattern).exec(job.message ?? '');
        const steps = m ? (Number(m[1]) - 1) * Number(m[3]) + Number(m[2]) : 0;
        return { state: job.state, steps, error: job.error?.message ?? '' };
      },
      [jobId, STEPS_DONE] as const,
    );
  // Jobs back to back (the test models denoise fast), until the clicks are done; polled every 200 ms.
  const perJob = request.n * request.diffusion.steps;
  const job = { running: true, finishedSteps: 0, partial: 0, current: '', error: '' };
  const runner = (async () => {
    while (job.running) {
      job.current = (await call<{ jobId: string }>(panel, 'inpaint.start', request)).jobId;
      for (;;) {
        const now = await stepsOf(job.current);
        if (now.state === 'failed') return void (job.error = now.error || 'failed');
        if (now.state === 'done') {
          job.finishedSteps += perJob;
          job.partial = 0;
          break;
        }
        if (now.state === 'cancelled' || now.state === 'gone') return;
        job.partial = now.steps;
        await new Promise((resolve) => setTimeout(resolve, 200));
      }
    }
  })();
  const done = () => job.finishedSteps + job.partial;
  // The clicks start once the denoising loop runs (models loaded, prompts and image encoded).
  for (let waited = 0; done() < 1; waited += 100) {
    if (job.error) throw new Error(`the diffusion job failed: ${job.error}`);
    if (waited > 120_000) throw new Error('the diffusion job never reached its first step');
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  const overlapping = async (style: ClickStyle) => {
    const before = done();
    const start = performance.now();
    const samples = await clickSeries(style);
    const steps = done() - before;
    if (job.error) throw new Error(`the diffusion job failed: ${job.error}`);
    if (steps < 1) throw new Error(`no denoising step finished while the ${style} clicks ran: the job did not overlap them`);
    return { samples, steps, msPerStep: (performance.now() - start) / steps };
  };
  let teleport: Awaited<ReturnType<typeof overlapping>>;
  let approach: Awaited<ReturnType<typeof overlapping>>;
  try {
    teleport = await overlapping('teleport');
    approach = await overlapping('approach');
  } finally {
    job.running = false;
    await call(panel, 'inpaint.cancel', { jobId: job.current });
    await runner;
  }
  if (job.error) throw new Error(`the diffusion job failed: ${job.error}`);
  await closePage(page);
  return {
    idle,
    duringJob: teleport.samples,
    steps: teleport.steps,
    msPerStep: teleport.msPerStep,
    approach: { idle: idleApproach, duringJob: approach.samples, steps: approach.steps, msPerStep: approach.msPerStep },
  };
}

/** `session.save-mask` round trips from the side panel (RLE of a 1024² mask → background → IndexedDB). */
export async function benchSaveMask(panel: Page, sessionId: string, runs: number): Promise<number[]> {
  const scene = SCENES.shapes;
  const rles = SHAPES.map((s) => encodeMaskRle(shapeMask(scene, s)));
  const out: number[] = [];
  for (let i = 0; i <= runs; i++) {
    verbose(`save-mask ${i}`);
    const r = await timedCall(panel, 'session.save-mask', { sessionId, width: 1024, height: 1024, rle: rles[i % rles.length] }, 'background');
    if (i > 0) out.push(r.roundTripMs);
  }
  return out;
}

export interface FirstMaskRun {
  /** Open-overlay request → first mask drawn in the overlay. */
  totalMs: number;
  /** Open-overlay request → overlay ready (image read, session opened, model loaded from the cache, image encoded); ±1 frame. */
  openToReadyMs: number;
  /** Ready → the click (the harness noticing "ready" and clicking: not the product's time). */
  readyToClickMs: number;
  /** The click → the mask drawn (the overlay's own measurement). */
  clickToMaskMs: number;
  /** The click → the next painted frame (data-frame-ms), when the build reports it. */
  clickToFrameMs: number;
  /** Model-host requests during the run (0: the model came from the product's cache). */
  hubRequests: number;
}

/**
 * Time to the first mask on a cached model: the offscreen document is closed (models released),
 * then the overlay is opened on the shapes image and clicked as soon as it is ready.
 */
export async function benchFirstMask(ext: ExtensionHarness, panel: Page, hub: Hub | undefined, siteUrl: string): Promise<FirstMaskRun> {
  verbose('first mask: close the offscreen document (models released)');
  await closeOffscreenDocument(ext.serviceWorker);
  const page = await ext.openPage(`${siteUrl}/gallery.html`);
  await page.bringToFront();
  await page.waitForSelector('body[data-ready]');
  hub?.clearRequests();
  verbose('first mask: open the overlay');
  const openedAt = epochNow();
  await openOverlay(ext, page, `${siteUrl}/img/shapes.png`);
  verbose('first mask: wait for the overlay');
  const frame = await overlayFrame(page);
  verbose('first mask: click');
  const readyAt = await frame.evaluate(() => performance.timeOrigin + performance.now());
  await installFrameStamps(frame);
  const { oursMs, modelMs, frameMs } = await clickAndWait(frame, shapePoint(SCENES.shapes, 'green-disc'), 0.5);
  verbose('first mask: mask painted');
  const clickAt = await lastStamp(frame, 'down');
  const drawnAt = clickAt + oursMs + modelMs;
  const hubRequests = hub?.requests.length ?? Number.NaN;
  verbose('first mask: close');
  await closePage(page);
  verbose('first mask: closed');
  return { totalMs: drawnAt - openedAt, openToReadyMs: readyAt - openedAt, readyToClickMs: clickAt - readyAt, clickToMaskMs: oursMs + modelMs, clickToFrameMs: frameMs, hubRequests };
}

export interface AutopilotRun extends Sample {
  /** The detector's pipeline call in the worker (`autopilot.detect`'s `ms`). */
  detectMs: number;
  /** SAM's decode of the box prompt, as the offscreen document timed it. */
  decodeMs: number;
}

/**
 * The autopilot's proposal as the overlay makes it: `autopilot.detect` for "the river" on the 512²
 * river scene, then `sam.decode` of the best box's centre, both straight to the offscreen document
 * (the image encoded once before). The first run (the detector's load) is reported apart.
 */
export async function benchAutopilot(panel: Page, siteUrl: string, runs: number): Promise<{ first: AutopilotRun; runs: AutopilotRun[] }> {
  const image = await storeImageFromUrl(panel, `${siteUrl}/img/river.png`);
  const { value: encoded } = await timedCall<{ embedding: string }>(panel, 'sam.encode', { image }, 'offscreen-doc');
  type Detected = { detections: { x0: number; y0: number; x1: number; y1: number }[]; ms: number };
  const once = async (): Promise<AutopilotRun> => {
    const start = epochNow();
    const detect = await timedCall<Detected>(panel, 'autopilot.detect', { image, phrase: 'the river' }, 'offscreen-doc');
    const box = detect.value.detections[0];
    if (!box) throw new Error('the detector found no river');
    const point = { x: (box.x0 + box.x1) / 2, y: (box.y0 + box.y1) / 2, label: 1 };
    const decode = await timedCall<Timed>(panel, 'sam.decode', { embedding: encoded.embedding, points: [point] }, 'offscreen-doc');
    // The detector's pipeline times its model and its pre/post-processing together: not split.
    return { totalMs: epochNow() - start, modelMs: 0, detectMs: detect.value.ms, decodeMs: decode.value.totalMs };
  };
  const first = await once();
  const out: AutopilotRun[] = [];
  for (let i = 0; i < runs; i++) out.push(await once());
  return { first, runs: out };
}
