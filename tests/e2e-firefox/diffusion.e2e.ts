/**
 * A local diffusion job in Firefox (issue #12): the event page runs the SD inpainting test models
 * (on the backend Firefox offers), the masked river turns brown as "a brown chocolate river" says,
 * every pixel past the paste-back feather is the original's, and the region score rises. Driven
 * from the side-panel page as loop.e2e.ts drives its MI-GAN job.
 */
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { dilate } from '../../utils/mask/morphology';
import type { InpaintResult, JobView, RuntimeInfo } from '../../utils/protocol';
import { inPage, launchFirefox, type FirefoxHarness } from '../harness/firefox';
import { renderScene, SCENES, shapeMask } from '../harness/scenes';
import { CLIP_COLOURS } from '../models/semantics';
import { call, readSession, readStored, step, storeImageFromUrl, storeMask, type Chrome, type InPage, type Reply } from '../e2e/support';

const siteUrl = inject('siteUrl');
const hubUrl = inject('hubUrl');
const scene = SCENES.river;
const FEATHER = 4;
const BROWN = CLIP_COLOURS.find((c) => c.name === 'brown')!.rgb;

let fox: FirefoxHarness;
let panel: InPage;

beforeAll(async () => {
  fox = await launchFirefox();
  await fox.setSettings({ modelHost: hubUrl });
  panel = inPage(await fox.openExtensionPage('sidepanel.html'));
});
afterAll(async () => {
  await fox?.close();
});

describe('local diffusion in Firefox', () => {
  it('turns the masked river brown from the prompt in the event page; nothing past the feather changes', async () => {
    const riverMask = shapeMask(scene, 'river');
    const image = await storeImageFromUrl(panel, `${siteUrl}/img/river.png`);
    const mask = await storeMask(panel, riverMask, scene.width, scene.height);
    const created = await panel.evaluate(
      (payload) => (globalThis as unknown as { chrome: Chrome }).chrome.runtime.sendMessage({ to: 'background', type: 'session.create', payload }) as Promise<Reply<{ sessionId: string }>>,
      { image, width: scene.width, height: scene.height, source: { pageUrl: `${siteUrl}/gallery.html?test=firefox-diffusion` } },
    );
    const sessionId = created.value!.sessionId;
    const { jobId } = await call<{ jobId: string }>(panel, 'inpaint.start', {
      sessionId,
      image,
      mask,
      n: 1,
      feather: FEATHER,
      backend: 'diffusion',
      prompt: 'a brown chocolate river',
      negativePrompt: '',
      diffusion: { model: 'sd-inpaint', steps: 8, guidance: 7.5, strength: 1, seed: 1234 },
    });
    const view = await step(
      'the diffusion job finishes',
      async () => {
        for (;;) {
          const { jobs } = await call<{ jobs: JobView[] }>(panel, 'jobs.list', {});
          const job = jobs.find((j) => j.jobId === jobId);
          if (job && ['done', 'failed', 'cancelled'].includes(job.state)) return job;
          await new Promise((resolve) => setTimeout(resolve, 200));
        }
      },
      180_000,
    );
    expect(view.state, view.error?.message).toBe('done');
    // The fp16 path on a device with shader-f16, as on a user's GPU: Firefox offers Mesa's lavapipe
    // (installed by .ci/run), whose adapter has shader-f16, so the SD files ran as fp16 on WebGPU,
    // with no step down to fp32 or WASM (models/fallback.ts would have said why here).
    const info = await call<RuntimeInfo>(panel, 'runtime.info', {});
    expect(info, 'Firefox offers no WebGPU adapter with shader-f16: install mesa-vulkan-drivers').toMatchObject({ backend: 'webgpu', shaderF16: true });
    expect(info.models?.['sdInpaint']).toEqual({ backend: 'webgpu', precision: 'fp16' });
    // lavapipe's storage buffer limit (128 MiB) is below the 537 MB SD 1.5's attention needs at
    // 512² with guidance (a batch of 2): the job ran on the GPU at the largest crop that fits
    // (320², models/sd/device.ts), not on WASM.
    expect(info.maxStorageBufferBindingSize).toBe(128 * 2 ** 20);
    // The ONNX Runtime the fp16 kernels came from is recorded: the one this extension ships.
    expect(info.ortVersion).toBe((JSON.parse(readFileSync('node_modules/onnxruntime-web/package.json', 'utf8')) as { version: string }).version);

    const session = (await readSession(panel, sessionId)) as { results?: InpaintResult[] };
    const result = session.results?.find((r) => r.jobId === jobId);
    expect(result).toMatchObject({ backend: 'diffusion' });
    const [width, height] = /, (\d+)×(\d+) on WebGPU$/.exec(result!.model)!.slice(1).map(Number);
    expect(Math.max(width!, height!)).toBeLessThanOrEqual(320);
    const candidate = result!.candidates[0]!;
    expect(candidate.seed).toBe(1234);
    expect(candidate.delta.region!).toBeGreaterThan(0);

    const pixels = (await readStored(panel, candidate.image)).data;
    const sum = [0, 0, 0];
    let n = 0;
    for (let p = 0; p < riverMask.length; p++) {
      if (!riverMask[p]) continue;
      for (let c = 0; c < 3; c++) sum[c]! += pixels[4 * p + c]!;
      n++;
    }
    const inside = sum.map((s) => s / n);
    expect(Math.hypot(...inside.map((v, c) => v - BROWN[c]!))).toBeLessThan(25);

    const original = renderScene(scene).data;
    const reach = dilate({ width: scene.width, height: scene.height, data: riverMask }, FEATHER + 1).data;
    let changed = 0;
    for (let p = 0; p < reach.length; p++) if (!reach[p] && [0, 1, 2, 3].some((c) => pixels[4 * p + c] !== original[4 * p + c])) changed++;
    expect(changed).toBe(0);
    expect(fox.consoleErrors).toEqual([]);
  });
});
