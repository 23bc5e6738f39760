/**
 * The diffusion family in Node against the tiny SD test models over real HTTP: tokenisation, the
 * 9-channel inpainting pipeline and the 4-channel one with latent blending, through the backend
 * (crop, working size, candidates with seed + i), seeds, strength, guidance and cancel.
 */
import * as ort from 'onnxruntime-web';
import { beforeAll, describe, expect, it } from 'vitest';
import { diffusionBackend } from '../../entrypoints/offscreen/backends/diffusion';
import { loadModel, type LoadedModel } from '../../models/hub';
import { memoryCache } from '../../models/loader';
import { diffusionInpaint, NonFiniteError } from '../../models/sd/pipeline';
import { PUBLISHED_SCHEDULER_CONFIG } from '../../models/sd/scheduler-defaults';
import { schedulerConfigFromJson } from '../../utils/diffusion/scheduler';
import { InteractionGate } from '../../utils/scheduling/interaction-gate';
import { encodeText, sdTokenIds } from '../../models/sd/runner';
import type { Mask, RGBAImage } from '../../utils/image/types';
import { cropAroundBox } from '../../utils/inpaint/crop';
import { maskBoundingBox } from '../../utils/mask/resample';
import { serveTestModels } from '../harness/test-model-hub';
import { renderScene, SCENES, shapeMask } from '../harness/scenes';
import { CLIP_COLOURS } from '../models/semantics';

const models = serveTestModels();
let inpaint: LoadedModel<'sdInpaint'>;
let turbo: LoadedModel<'sdTurbo'>;

// The test hub's tiny models are not the registry's sizes: only that check is off.
const options = () => ({ host: models.hub.url, backend: 'wasm' as const, shaderF16: false, cache: memoryCache(), registrySizes: false });
beforeAll(async () => {
  inpaint = await loadModel('sdInpaint', options());
  turbo = await loadModel('sdTurbo', options());
});

const BROWN = CLIP_COLOURS.find((c) => c.name === 'brown')!.rgb;
const river = renderScene(SCENES.river);
const riverMask: Mask = { width: river.width, height: river.height, data: shapeMask(SCENES.river, 'river') };
const PROMPT = 'a brown chocolate river';

/** Mean RGB of the pixels where `where(i)` holds. */
function meanColour(image: RGBAImage, where: (i: number) => boolean): number[] {
  const sum = [0, 0, 0];
  let n = 0;
  for (let i = 0; i < image.width * image.height; i++) {
    if (!where(i)) continue;
    for (let c = 0; c < 3; c++) sum[c]! += image.data[4 * i + c]!;
    n++;
  }
  return sum.map((s) => s / n);
}
function farDifferences(image: RGBAImage, far: (i: number) => boolean, original: (i: number) => number[]): { mean: number; worst: number } {
  let worst = 0;
  let sum = 0;
  let n = 0;
  for (let i = 0; i < image.width * image.height; i++) {
    if (!far(i)) continue;
    const d = distance(original(i), [...image.data.subarray(4 * i, 4 * i + 3)]);
    worst = Math.max(worst, d);
    sum += d;
    n++;
  }
  expect(n).toBeGreaterThan(1000);
  return { mean: sum / n, worst };
}
const distance = (a: readonly number[], b: readonly number[]) => Math.hypot(...a.map((v, i) => v - b[i]!));

async function fill(model: 'sd-inpaint' | 'sd-turbo', seed: number, n = 1, extra: Partial<{ steps: number; guidance: number; negativePrompt: string; padding: number }> = {}, loaded?: LoadedModel<'sdTurbo'>) {
  const defaults = model === 'sd-inpaint' ? { steps: 20, guidance: 7.5 } : { steps: 2, guidance: 0 };
  const { negativePrompt = '', ...knobs } = extra;
  const backend = diffusionBackend({ model, seed, strength: 1, ...defaults, ...knobs }, async () => loaded ?? (model === 'sd-inpaint' ? inpaint : turbo));
  const progress: number[] = [];
  const out = await backend({ image: river, mask: riverMask, prompt: PROMPT, negativePrompt, n }, { signal: new AbortController().signal, onProgress: (f) => progress.push(f) });
  return { ...out, progress };
}

/** Inside the crop: masked pixels, and pixels of 8×8 blocks (of the working size) far from the mask. */
function regions(out: Awaited<ReturnType<typeof fill>>, index = 0) {
  const image = out.outputs[index]!.image;
  const { rect } = out;
  const sx = rect.width / image.width;
  const sy = rect.height / image.height;
  const maskAt = (x: number, y: number) => riverMask.data[Math.floor(rect.y + y * sy) * riverMask.width + Math.floor(rect.x + x * sx)]! >= 128;
  const masked = (i: number) => maskAt(i % image.width, Math.floor(i / image.width));
  // Far from the mask: no masked pixel within 16 working px (two latent blocks).
  const far = (i: number) => {
    const x = i % image.width;
    const y = Math.floor(i / image.width);
    for (let dy = -16; dy <= 16; dy += 4) for (let dx = -16; dx <= 16; dx += 4) {
      const xx = Math.min(image.width - 1, Math.max(0, x + dx));
      const yy = Math.min(image.height - 1, Math.max(0, y + dy));
      if (maskAt(xx, yy)) return false;
    }
    return true;
  };
  return { image, masked, far, original: (i: number) => { const x = Math.floor(rect.x + (i % image.width) * sx); const y = Math.floor(rect.y + Math.floor(i / image.width) * sy); return [...river.data.subarray(4 * (y * river.width + x), 4 * (y * river.width + x) + 3)]; } };
}

describe('SD tokenisation', () => {
  it('gives 77 CLIP ids, padded as each model was trained (SD 1.5: <|endoftext|>, SD-Turbo: "!")', () => {
    const ids = sdTokenIds(inpaint, PROMPT);
    expect(ids).toHaveLength(77);
    // <|startoftext|> a brown chocolate river <|endoftext|>, then <|endoftext|> padding (tests/models/README.md ids).
    expect([ids[0], ids[1], ids[3], ids[4], ids[5], ids[76]]).toEqual([841, 320, 657, 737, 842, 842]);
    expect(sdTokenIds(turbo, PROMPT)[76]).toBe(0);
  });
});

describe('diffusion inpainting (9-channel UNet, DDIM, guidance 7.5)', () => {
  it('turns the masked river brown and keeps what is far from the mask', async () => {
    const out = await fill('sd-inpaint', 7);
    const { image, masked, far, original } = regions(out);
    expect(distance(meanColour(image, masked), BROWN)).toBeLessThan(12);
    // DDIM ends at ᾱ₀ = 0.99915 (set_alpha_to_one false): √(1−ᾱ₀) ≈ 3 % of the noise stays, a few levels.
    const far_ = farDifferences(image, far, original);
    expect(far_.mean).toBeLessThan(8);
    expect(far_.worst).toBeLessThan(30);
    expect(out.outputs[0]!.seed).toBe(7);
    expect(out.progress.at(-1)).toBe(1);
    expect(out.model).toMatch(/20 steps, \d+×\d+ on WASM$/);
  });

  it('crops the mask\'s box plus the padding setting ("inpaint only masked"), auto without it', async () => {
    const box = maskBoundingBox(riverMask, 128)!;
    const padded = await fill('sd-inpaint', 3, 1, { steps: 2, padding: 8 });
    expect(padded.rect).toEqual(cropAroundBox(box, riverMask, { margin: 0, minMargin: 8 }));
    const auto = await fill('sd-inpaint', 3, 1, { steps: 2 });
    expect(auto.rect).toEqual(cropAroundBox(box, riverMask, { margin: 0.25, minMargin: 32 }));
    expect(auto.rect.width * auto.rect.height).toBeGreaterThan(padded.rect.width * padded.rect.height);
  });

  it('releases the encoders before the UNet when memory is short, and still gives every candidate the prompt\'s colour', async () => {
    // Its own copy of the model: the released sessions must not break the other tests.
    const own = await loadModel('sdInpaint', { host: models.hub.url, backend: 'wasm', shaderF16: false, cache: memoryCache(), registrySizes: false });
    let discarded = 0;
    const backend = diffusionBackend({ model: 'sd-inpaint', seed: 5, strength: 1, steps: 4, guidance: 7.5 }, async () => own, {
      deviceMemoryGb: 1,
      discard: async () => void discarded++,
    });
    const messages: string[] = [];
    const out = await backend({ image: river, mask: riverMask, prompt: PROMPT, negativePrompt: '', n: 2 }, { signal: new AbortController().signal, onProgress: (_, m) => void (m && messages.push(m)) });
    expect(messages[0]).toMatch(/Memory is short \(.*(WASM's 4 GB|1 GB of memory).*\): the text and image encoders are released/);
    expect(out.outputs.map((o) => o.seed)).toEqual([5, 6]);
    for (const index of [0, 1]) {
      const { image, masked } = regions({ ...out, progress: [] }, index);
      expect(distance(meanColour(image, masked), BROWN)).toBeLessThan(20);
    }
    expect(discarded).toBe(1); // the next job loads the model whole again
    await expect(encodeText(own, PROMPT)).rejects.toThrow(); // released: it computes nothing any more
  });

  it('repeats a result for the same seed, and candidate i uses seed + i', async () => {
    const [a, b] = [await fill('sd-inpaint', 42, 2), await fill('sd-inpaint', 42)];
    expect(a.outputs.map((o) => o.seed)).toEqual([42, 43]);
    expect(Buffer.compare(Buffer.from(a.outputs[0]!.image.data), Buffer.from(b.outputs[0]!.image.data))).toBe(0);
    expect(Buffer.compare(Buffer.from(a.outputs[0]!.image.data), Buffer.from(a.outputs[1]!.image.data))).not.toBe(0);
  });

  it('follows the prompt less with lower guidance, as the real model does', async () => {
    const unguided = await fill('sd-inpaint', 7, 1, { guidance: 1 });
    const { image, masked } = regions(unguided);
    expect(distance(meanColour(image, masked), BROWN)).toBeGreaterThan(60);
  });

  it('steers away from the negative prompt (it takes the unconditioned branch of guidance)', async () => {
    const BLUE = CLIP_COLOURS.find((c) => c.name === 'blue')!.rgb;
    const plain = regions(await fill('sd-inpaint', 7));
    const negative = regions(await fill('sd-inpaint', 7, 1, { negativePrompt: 'a blue river' }));
    expect(distance(meanColour(negative.image, negative.masked), BLUE)).toBeGreaterThan(distance(meanColour(plain.image, plain.masked), BLUE) + 50);
  });

  it('keeps some of the original below strength 1: fewer steps, starting from the noised image', async () => {
    const image = { width: 64, height: 64, data: new Uint8ClampedArray(64 * 64 * 4).fill(255) };
    const mask = { width: 64, height: 64, data: new Uint8Array(64 * 64).fill(255) };
    const totals: number[] = [];
    await diffusionInpaint(inpaint, image, mask, { prompt: PROMPT, negativePrompt: '', seed: 1, steps: 20, guidance: 7.5, strength: 0.5, scheduler: 'ddim' }, { onStep: (_, total) => totals.push(total) });
    expect(totals).toHaveLength(10);
  });

  it('waits its turn between steps while a click is busy, and gives the same pixels', async () => {
    const image = { width: 64, height: 64, data: new Uint8ClampedArray(64 * 64 * 4).fill(255) };
    const mask = { width: 64, height: 64, data: new Uint8Array(64 * 64).fill(255) };
    const params = { prompt: PROMPT, negativePrompt: '', seed: 9, steps: 4, guidance: 7.5, strength: 1, scheduler: 'ddim' } as const;
    const alone = await diffusionInpaint(inpaint, image, mask, params);
    const gate = new InteractionGate(10_000);
    const events: string[] = [];
    const run = diffusionInpaint(inpaint, image, mask, params, {
      onStep: (step) => {
        events.push(`step ${step}`);
        if (step === 2) gate.set(true); // a click arrives during step 2
      },
      turn: async () => {
        if (gate.isBusy) setTimeout(() => (events.push('click done'), gate.set(false)), 30);
        await gate.turn();
      },
    });
    const gated = await run;
    expect(events).toEqual(['step 1', 'step 2', 'click done', 'step 3', 'step 4']);
    expect(Buffer.compare(Buffer.from(gated.image.data), Buffer.from(alone.image.data))).toBe(0);
  });

  it('stops between steps when cancelled, with no picture', async () => {
    const image = { width: 64, height: 64, data: new Uint8ClampedArray(64 * 64 * 4).fill(255) };
    const mask = { width: 64, height: 64, data: new Uint8Array(64 * 64).fill(255) };
    const controller = new AbortController();
    let steps = 0;
    const run = diffusionInpaint(inpaint, image, mask, { prompt: PROMPT, negativePrompt: '', seed: 1, steps: 20, guidance: 7.5, strength: 1, scheduler: 'ddim' }, {
      signal: controller.signal,
      onStep: (step) => {
        steps = step;
        if (step === 3) controller.abort();
      },
    });
    await expect(run).rejects.toThrow();
    expect(steps).toBe(3);
  });
});

/**
 * `model` with one session whose float outputs turn NaN from its `from`-th run on (as an fp16
 * overflow does): every other property is the real session's.
 */
function overflowing(model: LoadedModel<'sdInpaint'>, session: 'unet' | 'vaeDecoder', from: number): LoadedModel<'sdInpaint'> {
  const real = model.sessions[session];
  let runs = 0;
  const poisoned = new Proxy(real, {
    get(target, prop) {
      if (prop === 'run') {
        return async (feeds: Record<string, ort.Tensor>) => {
          const outputs = await target.run(feeds);
          if (++runs < from) return outputs;
          return Object.fromEntries(Object.entries(outputs).map(([name, t]) => [name, new ort.Tensor('float32', new Float32Array(t.size).fill(Number.NaN), t.dims)]));
        };
      }
      const value: unknown = Reflect.get(target, prop, target);
      return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(target) : value;
    },
  });
  return { ...model, sessions: { ...model.sessions, [session]: poisoned } };
}

describe('the float16 overflow guard', () => {
  const job = async (model: LoadedModel<'sdInpaint'>) => {
    const steps: string[] = [];
    const backend = diffusionBackend({ model: 'sd-inpaint', seed: 1, strength: 1, steps: 4, guidance: 7.5 }, async () => model);
    const run = backend({ image: river, mask: riverMask, prompt: PROMPT, negativePrompt: '', n: 2 }, { signal: new AbortController().signal, onProgress: (_, m) => void (m && steps.push(m)) });
    return { run, steps };
  };

  it('stops at the first step whose latents hold NaN, says so and points to WASM (float32), with no picture', async () => {
    // As placed on a GPU (the sessions run here, on WASM): the message is the GPU's.
    const { run, steps } = await job({ ...overflowing(inpaint, 'unet', 3), backend: 'webgpu' });
    const error: unknown = await run.catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NonFiniteError);
    expect((error as Error).message).toMatch(/NaN or infinite values at step 3 \(a float16 overflow on this GPU\): choose WASM as the device in the options, which runs in float32/);
    expect(steps).toEqual(['Candidate 1 of 2: step 1 of 4', 'Candidate 1 of 2: step 2 of 4']);
  });

  it("stops when the VAE decoder's pixels hold NaN, instead of pasting black", async () => {
    const { run, steps } = await job({ ...overflowing(inpaint, 'vaeDecoder', 1), backend: 'webgpu' });
    await expect(run).rejects.toThrow(/NaN or infinite values in the VAE decoder's output .*choose WASM/);
    expect(steps).toHaveLength(4); // the first candidate's four steps ran; its decode overflowed
  });

  it('on WASM (already float32) does not send the user to WASM: it points to damaged files', async () => {
    const { run } = await job(overflowing(inpaint, 'unet', 2));
    await expect(run).rejects.toThrow(/NaN or infinite values at step 2, on WASM \(float32\): the model files may be damaged; clear the model cache/);
  });
});

describe('few-step 4-channel model with latent blending (SD-Turbo class)', () => {
  it('turns the masked river brown in 2 steps and keeps the rest from the original latents', async () => {
    const out = await fill('sd-turbo', 3);
    const { image, masked, far, original } = regions(out);
    expect(distance(meanColour(image, masked), BROWN)).toBeLessThan(12);
    // The last step blends in the original latents themselves: flat blocks decode to their colour.
    expect(farDifferences(image, far, original).worst).toBeLessThan(2);
  });

  it('loads an export that lacks scheduler_config.json and denoises with the config SD-Turbo publishes: the same pixels', async () => {
    const config = 'scheduler/scheduler_config.json';
    const absent = models.hub.setFault({ kind: 'status', status: 404, match: /sd-turbo-ort-web\/.*scheduler_config/ });
    const bare = await loadModel('sdTurbo', options()).finally(absent);
    expect(Object.keys(bare.configs)).not.toContain(config);
    expect(Object.keys(turbo.configs)).toContain(config);
    // The fallback is the config the family publishes (which the test export carries too)…
    expect(schedulerConfigFromJson(PUBLISHED_SCHEDULER_CONFIG.sdTurbo)).toEqual(schedulerConfigFromJson(turbo.configs[config]));
    expect(schedulerConfigFromJson(PUBLISHED_SCHEDULER_CONFIG.sdInpaint)).toEqual(schedulerConfigFromJson(inpaint.configs[config]));
    // …and the pipeline runs on it.
    const [withConfig, without] = [await fill('sd-turbo', 11), await fill('sd-turbo', 11, 1, {}, bare)];
    expect(without.outputs[0]!.image.data).toEqual(withConfig.outputs[0]!.image.data);
    // Only a missing file is optional: a host that fails to serve it fails the load.
    const failing = models.hub.setFault({ kind: 'status', status: 500, match: /sd-turbo-ort-web\/.*scheduler_config/ });
    await expect(loadModel('sdTurbo', options()).finally(failing)).rejects.toThrow(/500/);
  });
});
