/**
 * Inpainting and scoring in real Chromium (issue #5), driven through protocol messages from an
 * extension page as the side panel does: the river scene with its river masked, inpainted by each
 * backend (local MI-GAN and LaMa on the test models, OpenAI images.edit and Automatic1111 against
 * local stub servers that paint the colour the prompt names and also change pixels outside the
 * mask). Every result keeps the pixels outside the feathered mask bit-identical, the region score
 * rises, the servers see the right mask polarity, sizes and fields, the key goes to the OpenAI
 * server only; cancel, a dead server, a closed offscreen document and the privacy switch behave.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, inject, it } from 'vitest';
import type { Page } from 'playwright-core';
import { backendFromEnv, launchExtension, type ExtensionHarness } from '../harness/extension';
import { connectHub } from '../harness/hub';
import { PALETTE, renderScene, SCENES, shapeMask } from '../harness/scenes';
import { startA1111Stub, type A1111Stub, type Img2ImgReceived } from '../servers/a1111-stub';
import { closedPort, startOpenAiStub, type ImageEditReceived, type OpenAiStub } from '../servers/openai-stub';
import { colourNamedIn } from '../servers/paint';
import { dilate } from '../../utils/mask/morphology';
import type { InpaintResult, JobView } from '../../utils/protocol';
import { call, readSession, readStored, request, storeImageFromUrl, storeMask, step, type Chrome, type Reply } from './support';

const backend = backendFromEnv();
const siteUrl = inject('siteUrl');
const hub = connectHub(inject('hubUrl'));
const KEY = 'sk-e2e-image-key-0123456789';
const scene = SCENES.river;
const original = renderScene(scene);
const riverMask = shapeMask(scene, 'river');
const FEATHER = 4;
/** Pixels this far from the mask are past the feather ramp: they must be the original's. */
const beyondFeather = dilate({ width: scene.width, height: scene.height, data: riverMask }, FEATHER + 1).data;
const BROWN = colourNamedIn('brown')!;

let ext: ExtensionHarness;
let panel: Page;
let openai: OpenAiStub;
let a1111: A1111Stub;
let image: string;
let mask: string;

beforeAll(async () => {
  [openai, a1111] = await Promise.all([startOpenAiStub(), startA1111Stub()]);
  ext = await launchExtension({ backend });
  panel = await ext.openExtensionPage('sidepanel.html');
  image = await storeImageFromUrl(panel, `${siteUrl}/img/river.png`);
  mask = await storeMask(panel, riverMask, scene.width, scene.height);
});
afterAll(async () => {
  await ext?.close();
  await Promise.all([openai?.close(), a1111?.close()]);
});
beforeEach(async () => {
  openai.reset();
  a1111.reset();
  await configure();
});

async function configure(values: Record<string, unknown> = {}): Promise<void> {
  await ext.setSettings({
    modelHost: hub.url,
    localFillModel: 'migan',
    openaiImageBaseUrl: openai.baseUrl,
    openaiImageModel: 'gpt-image-1',
    llmApiKeys: { [openai.url]: KEY },
    a1111BaseUrl: a1111.url,
    a1111Denoise: 0.6,
    neverSendPixels: false,
    ...values,
  });
}

/** A background request from the extension page (session.create, inpaint.config.*). */
function ask<T>(type: string, payload: unknown): Promise<Reply<T>> {
  return panel.evaluate(
    ([t, p]) => (globalThis as unknown as { chrome: Chrome }).chrome.runtime.sendMessage({ to: 'background', type: t, payload: p }),
    [type, payload] as const,
  ) as Promise<Reply<T>>;
}

async function newSession(): Promise<string> {
  const reply = await ask<{ sessionId: string }>('session.create', { image, width: scene.width, height: scene.height, source: { pageUrl: `${siteUrl}/gallery.html?test=inpaint` } });
  if (!reply.ok) throw new Error(reply.error?.message);
  return reply.value!.sessionId;
}

const FINISHED = new Set(['done', 'failed', 'cancelled']);

async function jobView(jobId: string): Promise<JobView | undefined> {
  const { jobs } = await call<{ jobs: JobView[] }>(panel, 'jobs.list', {});
  return jobs.find((j) => j.jobId === jobId);
}

/** Polls `jobs.list` until the job reaches one of `states`. */
async function waitForJob(jobId: string, states: ReadonlySet<string> = FINISHED, timeoutMs = 90_000): Promise<JobView> {
  return step(`job ${jobId} reaches ${[...states].join('/')}`, async () => {
    for (;;) {
      const view = await jobView(jobId);
      if (view && states.has(view.state)) return view;
      await panel.waitForTimeout(100);
    }
  }, timeoutMs);
}

interface JobOutcome {
  view: JobView;
  sessionId: string;
  result?: InpaintResult;
}

async function inpaint(payload: Record<string, unknown>): Promise<JobOutcome> {
  const sessionId = await newSession();
  const { jobId } = await call<{ jobId: string }>(panel, 'inpaint.start', { sessionId, image, mask, n: 1, feather: FEATHER, ...payload });
  const view = await waitForJob(jobId);
  const session = (await readSession(panel, sessionId)) as { results?: InpaintResult[] };
  return { view, sessionId, result: session.results?.find((r) => r.jobId === jobId) };
}

/** Checks one candidate: pixels past the feather exact, and the masked pixels' colour. */
async function inspect(key: string): Promise<{ changedOutside: number; insideMean: [number, number, number]; insideColours: number }> {
  const stored = await readStored(panel, key);
  expect([stored.width, stored.height]).toEqual([scene.width, scene.height]);
  let changedOutside = 0;
  const sum = [0, 0, 0];
  let inside = 0;
  const colours = new Set<number>();
  for (let p = 0; p < scene.width * scene.height; p++) {
    const i = 4 * p;
    if (beyondFeather[p] === 0) {
      if ([0, 1, 2, 3].some((c) => stored.data[i + c] !== original.data[i + c])) changedOutside++;
    } else if (riverMask[p] === 255) {
      for (let c = 0; c < 3; c++) sum[c]! += stored.data[i + c]!;
      colours.add((stored.data[i]! << 16) | (stored.data[i + 1]! << 8) | stored.data[i + 2]!);
      inside++;
    }
  }
  return { changedOutside, insideMean: sum.map((s) => Math.round(s / inside)) as [number, number, number], insideColours: colours.size };
}

const near = (a: readonly number[], b: readonly number[], tolerance: number) => a.every((v, i) => Math.abs(v - b[i]!) <= tolerance);

describe(`inpainting and scores (${backend})`, () => {
  it('scores an image globally and in the mask’s region (the test CLIP knows colours)', async () => {
    const score = (regionPrompt: string) => call<{ scores: { global: { score: number; hessel: number; cosine: number }; region?: { score: number } } }>(panel, 'score.image', { image, mask, fullPrompt: 'a green valley', regionPrompt });
    const blue = await score('a blue river');
    const brown = await score('a brown river');
    expect(blue.scores.region!.score).toBeGreaterThan(brown.scores.region!.score + 5);
    expect(blue.scores.global.score).toBeCloseTo(100 * Math.max(blue.scores.global.cosine, 0), 6);
    expect(blue.scores.global.hessel).toBeCloseTo(2.5 * Math.max(blue.scores.global.cosine, 0), 6);
  });

  it('local MI-GAN: fills the river from its banks, every pixel outside the mask exact, the session keeps the result', async () => {
    await panel.evaluate(() => {
      const events: unknown[] = [];
      (globalThis as unknown as { jobEvents: unknown[] }).jobEvents = events;
      (globalThis as unknown as { chrome: Chrome }).chrome.runtime.onMessage.addListener((message: unknown) => {
        if (message && typeof message === 'object' && 'event' in message && String(message.event).startsWith('job.')) events.push(message);
      });
    });
    const { view, result } = await inpaint({ backend: 'local', prompt: 'green grass', fullPrompt: 'a green valley' });
    // Progress events per stage, in order, rising; then job.done with the same result the session got.
    const events = (await panel.evaluate(() => (globalThis as unknown as { jobEvents: unknown[] }).jobEvents)) as { event: string; payload: JobView & { result?: InpaintResult } }[];
    const progress = events.filter((e) => e.event === 'job.progress' && e.payload.jobId === view.jobId).map((e) => e.payload);
    expect([...new Set(progress.map((p) => p.stage))]).toEqual(['waiting', 'loading-model', 'scoring-before', 'inpainting', 'scoring-after', 'saving']);
    expect(progress.map((p) => p.progress)).toEqual([...progress.map((p) => p.progress)].sort((a, b) => a - b));
    expect(progress.at(-1)).toMatchObject({ state: 'done', progress: 1 });
    const done = events.find((e) => e.event === 'job.done');
    expect(done?.payload).toEqual({ jobId: view.jobId, sessionId: expect.any(String), result });
    expect(view, view.error?.message).toMatchObject({ state: 'done', progress: 1 });
    expect(result).toMatchObject({ backend: 'local', model: 'migan', prompt: 'green grass', fullPrompt: 'a green valley', image, mask });
    expect(result!.candidates).toHaveLength(1);
    const [candidate] = result!.candidates;
    const pixels = await inspect(candidate!.image);
    expect(pixels.changedOutside).toBe(0);
    expect(near(pixels.insideMean, PALETTE.green, 12), `inside mean ${pixels.insideMean}`).toBe(true);
    expect(candidate!.delta.region!).toBeGreaterThan(0);
    expect(candidate!.delta.region!).toBeCloseTo(candidate!.scores.region!.score - result!.before.region!.score, 6);
  });

  it('local LaMa: one flat fill, the mean colour of its 512² crop; every pixel outside the mask exact', async () => {
    await configure({ localFillModel: 'lama' });
    const { view, result } = await inpaint({ backend: 'local', prompt: 'green grass' });
    expect(view.state, view.error?.message).toBe('done');
    expect(result!.model).toBe('lama');
    const pixels = await inspect(result!.candidates[0]!.image);
    expect(pixels.changedOutside).toBe(0);
    // The crop is the whole image: green banks around a blue river; the hole takes the banks' green.
    expect(pixels.insideColours).toBeLessThanOrEqual(2);
    expect(near(pixels.insideMean, PALETTE.green, 3), `inside mean ${pixels.insideMean}`).toBe(true);
    expect(result!.candidates[0]!.delta.region!).toBeGreaterThan(0);
  });

  it('OpenAI gpt-image-1: the crop at an accepted size, the mask transparent over the river, n candidates ranked; the paste-back undoes what the server changed outside', async () => {
    const { view, result } = await inpaint({ backend: 'openai', prompt: 'a brown river', fullPrompt: 'a chocolate river through a green valley', n: 2 });
    expect(view.state, view.error?.message).toBe('done');
    expect(result!.model).toMatch(/^gpt-image-1 at 127\.0\.0\.1:\d+$/);
    const sent = openai.requests.filter((r) => r.path === '/v1/images/edits');
    expect(sent).toHaveLength(1);
    expect(sent[0]!.headers.authorization).toBe(`Bearer ${KEY}`);
    const body = sent[0]!.body as ImageEditReceived;
    expect(body).toMatchObject({ model: 'gpt-image-1', prompt: 'a brown river', n: 2, size: '1024x1024', responseFormat: null });
    expect(body.image).toMatchObject({ width: 1024, height: 1024, type: 'image/png' });
    expect(body.mask).toMatchObject({ width: 1024, height: 1024, type: 'image/png' });
    // Polarity: the transparent pixels sit over the blue river, the opaque ones over the banks.
    expect(near(body.mask.editMean!, PALETTE.blue, 8), `edit area mean ${body.mask.editMean}`).toBe(true);
    expect(near(body.mask.keepMean!, PALETTE.green, 8), `kept area mean ${body.mask.keepMean}`).toBe(true);

    expect(result!.candidates).toHaveLength(2);
    const [best, second] = result!.candidates;
    expect(best!.scores.region!.score).toBeGreaterThanOrEqual(second!.scores.region!.score);
    expect(best!.delta.region!).toBeGreaterThan(0);
    const pixels = await inspect(best!.image);
    expect(pixels.changedOutside).toBe(0);
    expect(near(pixels.insideMean, BROWN, 6), `inside mean ${pixels.insideMean}`).toBe(true);
    expect(a1111.requests).toHaveLength(0);
  });

  it('OpenAI gpt-image-1: a wide region goes at 1536×1024, scaled not stretched (its shape survives), and is pasted back in place', async () => {
    // 200×60 px across the river: with its context the crop is nearer 3:2 than 1:1.
    const wide = new Uint8Array(scene.width * scene.height);
    for (let y = 226; y < 286; y++) wide.fill(255, y * scene.width + 156, y * scene.width + 356);
    const wideMask = await storeMask(panel, wide, scene.width, scene.height);
    const { view, result } = await inpaint({ backend: 'openai', prompt: 'a brown river', mask: wideMask, n: 1 });
    expect(view.state, view.error?.message).toBe('done');
    const body = openai.requests.find((r) => r.path === '/v1/images/edits')!.body as ImageEditReceived;
    expect(body).toMatchObject({ size: '1536x1024', image: { width: 1536, height: 1024 } });
    const box = body.mask.editBox!;
    expect(box.width / box.height, `edit box ${box.width}×${box.height}`).toBeCloseTo(200 / 60, 1);
    // Back in the page's image: brown where the region was, every pixel past the feather untouched.
    const stored = await readStored(panel, result!.candidates[0]!.image);
    const at = (x: number, y: number) => Array.from(stored.data.slice(4 * (y * scene.width + x), 4 * (y * scene.width + x) + 3)) as [number, number, number];
    expect(near(at(256, 256), BROWN, 6), `centre ${at(256, 256)}`).toBe(true);
    expect(near(at(166, 236), BROWN, 6), `near the top-left corner ${at(166, 236)}`).toBe(true);
    const past = dilate({ width: scene.width, height: scene.height, data: wide }, FEATHER + 1).data;
    let changedOutside = 0;
    for (let p = 0; p < scene.width * scene.height; p++) {
      if (!past[p] && [0, 1, 2, 3].some((c) => stored.data[4 * p + c] !== original.data[4 * p + c])) changedOutside++;
    }
    expect(changedOutside).toBe(0);
  });

  it('OpenAI dall-e-2: a square crop at 512², base64 asked for explicitly', async () => {
    await configure({ openaiImageModel: 'dall-e-2' });
    const { view, result } = await inpaint({ backend: 'openai', prompt: 'a brown river', n: 1 });
    expect(view.state, view.error?.message).toBe('done');
    const body = openai.requests.find((r) => r.path === '/v1/images/edits')!.body as ImageEditReceived;
    expect(body).toMatchObject({ model: 'dall-e-2', n: 1, size: '512x512', responseFormat: 'b64_json', image: { width: 512, height: 512 } });
    expect(near(body.mask.editMean!, PALETTE.blue, 8)).toBe(true);
    const pixels = await inspect(result!.candidates[0]!.image);
    expect(pixels.changedOutside).toBe(0);
    expect(near(pixels.insideMean, BROWN, 6)).toBe(true);
    expect(result!.candidates[0]!.delta.region!).toBeGreaterThan(0);
  });

  it('A1111: "inpaint only masked" with padding, denoise, batch and prompts; white marks the river; no key sent', async () => {
    const { view, result } = await inpaint({ backend: 'a1111', prompt: 'a brown river', negativePrompt: 'blue water', fullPrompt: 'a chocolate river', n: 3 });
    expect(view.state, view.error?.message).toBe('done');
    expect(result!.model).toMatch(/^A1111 at 127\.0\.0\.1:\d+$/);
    const sent = a1111.requests.filter((r) => r.path === '/sdapi/v1/img2img');
    expect(sent).toHaveLength(1);
    expect(sent[0]!.headers.authorization).toBeUndefined();
    expect(JSON.stringify(sent[0]!.headers)).not.toContain(KEY);
    const body = sent[0]!.body as Img2ImgReceived;
    expect(body.payload).toMatchObject({
      prompt: 'a brown river',
      negative_prompt: 'blue water',
      denoising_strength: 0.6,
      batch_size: 3,
      n_iter: 1,
      inpaint_full_res: true,
      inpaint_full_res_padding: 32,
      inpainting_fill: 1,
      width: 512,
      height: 512,
    });
    expect(body.image).toEqual({ width: 512, height: 512 });
    expect(near(body.mask!.editMean!, PALETTE.blue, 8)).toBe(true);
    expect(near(body.mask!.keepMean!, PALETTE.green, 8)).toBe(true);
    expect(result!.candidates).toHaveLength(3);
    expect(result!.candidates.map((c) => c.seed).sort()).toEqual([1000, 1001, 1002]);
    // Candidate 0 of the stub paints the full colour: it ranks first.
    expect(result!.candidates[0]!.seed).toBe(1000);
    for (const candidate of result!.candidates) {
      expect((await inspect(candidate.image)).changedOutside).toBe(0);
      expect(candidate.delta.region!).toBeGreaterThan(0);
    }
    expect(openai.requests).toHaveLength(0);
  });

  it('Cancel: the server sees the connection close, the job ends cancelled, the session gets no result', async () => {
    for (const [server, path, backend] of [[a1111, '/sdapi/v1/img2img', 'a1111'], [openai, '/v1/images/edits', 'openai']] as const) {
      if (server === openai) openai.enqueue('POST /v1/images/edits', { kind: 'edit', delayMs: 60_000 });
      else a1111.enqueue({ kind: 'edit', delayMs: 60_000 });
      const sessionId = await newSession();
      const { jobId } = await call<{ jobId: string }>(panel, 'inpaint.start', { sessionId, image, mask, backend, prompt: 'a brown river', n: 1 });
      await step(`${backend} gets the request`, () => server.waitFor((r) => r.path === path, 60_000), 65_000);
      const running = await jobView(jobId);
      expect(running).toMatchObject({ state: 'running', stage: 'inpainting' });
      expect(await call(panel, 'inpaint.cancel', { jobId })).toEqual({ cancelled: true });
      expect((await waitForJob(jobId)).state).toBe('cancelled');
      const closed = await server.waitFor((r) => r.path === path && r.done, 5000);
      expect(closed.closedEarly, backend).toBe(true);
      expect(((await readSession(panel, sessionId)) as { results?: unknown[] }).results ?? []).toEqual([]);
      expect(await call(panel, 'inpaint.cancel', { jobId })).toEqual({ cancelled: false });
    }
  });

  it('jobs run one at a time, first in first out; a queued job waits with its position and can be cancelled before it starts', async () => {
    a1111.enqueue({ kind: 'edit', delayMs: 4000 });
    const start = (payload: Record<string, unknown>) => call<{ jobId: string; position: number }>(panel, 'inpaint.start', { image, mask, n: 1, prompt: 'a brown river', ...payload });
    const first = await start({ backend: 'a1111' });
    const second = await start({ backend: 'local', prompt: 'green grass' });
    const third = await start({ backend: 'local' });
    expect([first.position, second.position, third.position]).toEqual([0, 1, 2]);
    expect(await jobView(second.jobId)).toMatchObject({ state: 'queued', position: 1 });
    expect(await call(panel, 'inpaint.cancel', { jobId: third.jobId })).toEqual({ cancelled: true });
    expect(await jobView(third.jobId)).toMatchObject({ state: 'cancelled' });
    // The server's own progress moves the job's (A1111 /sdapi/v1/progress, polled each second).
    await expect.poll(async () => (await jobView(first.jobId))?.message ?? '', { timeout: 10_000 }).toMatch(/A1111 at 127\.0\.0\.1:\d+: \d+ %/);
    expect(a1111.requests.some((r) => r.path.startsWith('/sdapi/v1/progress'))).toBe(true);
    const done = await waitForJob(second.jobId);
    expect(done.state, done.error?.message).toBe('done');
    // The first finished before the second ran.
    expect((await jobView(first.jobId))?.state).toBe('done');
  });

  it('models stay loaded while a job runs, even past the idle period', async () => {
    await configure({ modelIdleSeconds: 0.2 });
    a1111.enqueue({ kind: 'edit', delayMs: 1500 });
    const { view } = await inpaint({ backend: 'a1111', prompt: 'a brown river' });
    expect(view.state, view.error?.message).toBe('done');
    await configure({ modelIdleSeconds: 300 });
  });

  it('a dead server or a broken answer gives a clear error and leaves the session as it was', async () => {
    const port = await closedPort();
    await configure({ a1111BaseUrl: `http://127.0.0.1:${port}` });
    const dead = await inpaint({ backend: 'a1111', prompt: 'a brown river' });
    expect(dead.view).toMatchObject({ state: 'failed', error: { code: 'unreachable' } });
    expect(dead.view.error!.message).toMatch(/Could not reach the A1111 server at 127\.0\.0\.1:\d+/);
    const session = await readSession(panel, dead.sessionId);
    expect(session).toMatchObject({ image, width: scene.width });
    expect((session as { results?: unknown[] }).results ?? []).toEqual([]);

    await configure();
    a1111.enqueue({ kind: 'raw', body: '{"images": [', contentType: 'application/json' }, { kind: 'status', status: 500 });
    expect((await inpaint({ backend: 'a1111', prompt: 'a brown river' })).view.error).toMatchObject({ code: 'bad-reply', message: expect.stringMatching(/not JSON/) });
    expect((await inpaint({ backend: 'a1111', prompt: 'a brown river' })).view.error).toMatchObject({ code: 'server-error', message: expect.stringMatching(/HTTP 500/) });

    openai.requireKey = 'sk-another-key';
    const refused = await inpaint({ backend: 'openai', prompt: 'a brown river' });
    expect(refused.view.error).toMatchObject({ code: 'unauthorized', message: expect.stringMatching(/refused the API key \(401\)/) });
    expect(refused.view.error!.message).not.toContain(KEY);
  });

  it('"Never send pixels" refuses a server off this machine before sending anything, and allows one on it', async () => {
    await configure({ neverSendPixels: true, a1111BaseUrl: 'http://10.255.255.1:7860' });
    const refused = await inpaint({ backend: 'a1111', prompt: 'a brown river' });
    expect(refused.view).toMatchObject({ state: 'failed', error: { code: 'refused' } });
    expect(refused.view.error!.message).toMatch(/Never send pixels off this machine.*10\.255\.255\.1:7860 is another machine/);
    await configure({ neverSendPixels: true });
    expect((await inpaint({ backend: 'a1111', prompt: 'a brown river' })).view.state).toBe('done');
  });

  it('the offscreen document closed mid-job: that job is reported failed, the next job works', async () => {
    a1111.enqueue({ kind: 'edit', delayMs: 60_000 });
    const { jobId } = await call<{ jobId: string }>(panel, 'inpaint.start', { image, mask, backend: 'a1111', prompt: 'a brown river', n: 1 });
    await step('the server gets the request', () => a1111.waitFor((r) => r.path === '/sdapi/v1/img2img', 60_000), 65_000);
    await ext.serviceWorker.evaluate(() => (globalThis as unknown as { chrome: Chrome }).chrome.offscreen.closeDocument());
    const lost = await waitForJob(jobId);
    expect(lost).toMatchObject({ state: 'failed', error: { code: 'document-closed' } });
    expect(lost.error!.message).toMatch(/closed the inference document/);
    const next = await inpaint({ backend: 'local', prompt: 'green grass' });
    expect(next.view.state, next.view.error?.message).toBe('done');
  });

  it('settings: pages read and write them without ever seeing the key; only the offscreen document gets it', async () => {
    const set = await ask<Record<string, unknown>>('inpaint.config.set', {
      backend: 'a1111',
      localModel: 'lama',
      n: 3,
      openaiBaseUrl: `${openai.url}/`,
      openaiModel: 'dall-e-2',
      a1111BaseUrl: `${a1111.url}/`,
      a1111Denoise: 0.4,
      neverSendPixels: true,
      apiKey: 'sk-new-key-000',
    });
    expect(set.ok, set.error?.message).toBe(true);
    expect(set.value).toEqual({
      backend: 'a1111',
      localModel: 'lama',
      diffusion: { model: 'sd-inpaint', steps: 20, guidance: 7.5, strength: 1 }, // untouched: the defaults
      n: 3,
      openaiBaseUrl: openai.baseUrl,
      openaiModel: 'dall-e-2',
      hasOpenAiKey: true,
      a1111BaseUrl: a1111.url,
      a1111Denoise: 0.4,
      neverSendPixels: true,
      permissions: { openai: true, a1111: true },
    });
    expect(JSON.stringify(set.value)).not.toContain('sk-new-key');
    expect((await ext.getSettings('llmApiKeys')).llmApiKeys).toEqual({ [openai.url]: 'sk-new-key-000' });
    expect(await ask('settings.inpaint', {})).toMatchObject({ ok: false, error: { code: 'refused' } });
    expect(await ask('inpaint.config.set', { ...set.value, openaiBaseUrl: 'ftp://nowhere' })).toMatchObject({ ok: false, error: { message: expect.stringMatching(/OpenAI server/) } });
  });

  it('a session deleted while its job ran: the job still finishes and says the result was not saved there', async () => {
    const { jobId } = await call<{ jobId: string }>(panel, 'inpaint.start', { sessionId: 'deleted-session', image, mask, backend: 'local', prompt: 'green grass', n: 1 });
    const view = await waitForJob(jobId);
    expect(view.state, view.error?.message).toBe('done');
    expect(view.message).toMatch(/1 candidate from migan, not saved to its session: This editing session no longer exists/);
  });

  it('refuses malformed requests with the field named', async () => {
    expect(await request(panel, 'inpaint.start', { image, mask, backend: 'midjourney', prompt: 'x', n: 1 })).toMatchObject({ ok: false, error: { code: 'bad-request' } });
    expect(await request(panel, 'inpaint.start', { image, mask, backend: 'local', prompt: 'x', n: 9 })).toMatchObject({ ok: false, error: { code: 'bad-request' } });
  });
});
