/**
 * Diffusion stages of issue #12 timed in Node against the full-size SD 1.5 inpainting stand-ins
 * (tests/models/full-size/sd.ts): the files come from the local hub through the product's loader
 * (models/loader.ts `fetchModelFile`, as models/hub.ts fetches every model file), and run on
 * onnxruntime-web's WASM build with one thread, as in the offscreen document. Stages: text encode
 * (cond + negative prompt), VAE encode (the masked image), one UNet step (batch 2 for
 * classifier-free guidance) and VAE decode, each with our own code around it.
 *
 * Our own code per stage is the pure diffusion math (utils/diffusion) and the glue below, the
 * bench's own copy of what the pipeline's processor (models/sd/processor.ts) does, written before
 * that module and not calling it: pixel ↔
 * planar [-1,1] conversion, the masked image, the latent-size mask, the UNet's 9-channel input,
 * CFG, the scheduler step, the non-finite guard, the live preview and the paste back.
 */
import { Tokenizer } from '@huggingface/tokenizers';
import * as ort from 'onnxruntime-web';
import { fetchModelFile, type ModelCache } from '../../models/loader.ts';
import { resolveUrl } from '../../models/registry.ts';
import { padTokens } from '../../models/clip/processor.ts';
import { compositeThroughMask } from '../../utils/image/composite.ts';
import type { Mask, RGBAImage } from '../../utils/image/types.ts';
import { firstNonFinite } from '../../utils/diffusion/finite.ts';
import { classifierFreeGuidance } from '../../utils/diffusion/guidance.ts';
import { latentsToPreview } from '../../utils/diffusion/preview.ts';
import { seededRandom } from '../../utils/diffusion/random.ts';
import { createScheduler, SD15_SCHEDULER, VAE_SCALE } from '../../utils/diffusion/scheduler.ts';
import { renderScene, SCENES, shapeMask } from '../harness/scenes.ts';
import { CLIP_REPO } from '../models/semantics.ts';
import { SD_FULL_SIZE_FILES, SD_FULL_SIZE_REPO } from '../models/full-size/generate-sd.ts';
import type { Sample } from './stats.ts';

export interface DiffusionOptions {
  host: string;
  runs: number;
  /** Latent side (the crop is 8× that in pixels). */
  latent: number;
  log: (text: string) => void;
}

export interface DiffusionResult {
  stages: Record<'text' | 'vaeEncode' | 'unetStep' | 'vaeDecode', Sample[]>;
  /** Session creation per component (ms) and file sizes (bytes). */
  loadMs: Record<string, number>;
  fileBytes: Record<string, number>;
  latent: number;
}

const SESSION_OPTIONS: ort.InferenceSession.SessionOptions = { executionProviders: ['wasm'], graphOptimizationLevel: 'all', logSeverityLevel: 3 };

/** A `side`² crop of the 512² river scene around its river, with the river's mask. */
function riverCrop(side: number): { image: RGBAImage; mask: Mask } {
  const scene = SCENES.river;
  const full = renderScene(scene);
  const fullMask = shapeMask(scene, 'river');
  const x0 = (scene.width - side) >> 1;
  const y0 = (scene.height - side) >> 1;
  const image = { width: side, height: side, data: new Uint8ClampedArray(side * side * 4) };
  const mask = { width: side, height: side, data: new Uint8Array(side * side) };
  for (let y = 0; y < side; y++) {
    image.data.set(full.data.subarray(((y0 + y) * scene.width + x0) * 4, ((y0 + y) * scene.width + x0 + side) * 4), y * side * 4);
    mask.data.set(fullMask.subarray((y0 + y) * scene.width + x0, (y0 + y) * scene.width + x0 + side), y * side);
  }
  return { image, mask };
}

/** RGBA → planar [3,H,W] in [-1,1]; masked pixels (mask ≥ 128) become 0, as diffusers' masked_image. */
function maskedPlanar(image: RGBAImage, mask: Mask): Float32Array {
  const plane = image.width * image.height;
  const out = new Float32Array(3 * plane);
  for (let p = 0; p < plane; p++) {
    if (mask.data[p]! >= 128) continue;
    for (let c = 0; c < 3; c++) out[c * plane + p] = image.data[p * 4 + c]! / 127.5 - 1;
  }
  return out;
}

/** The mask at latent size (1 = repaint): any masked pixel in the 8×8 cell. */
function latentMask(mask: Mask, latent: number): Float32Array {
  const out = new Float32Array(latent * latent);
  for (let y = 0; y < mask.height; y++) {
    for (let x = 0; x < mask.width; x++) if (mask.data[y * mask.width + x]! >= 128) out[(y >> 3) * latent + (x >> 3)] = 1;
  }
  return out;
}

/** The UNet's [2,9,h,w] input: (scaled latents ‖ mask ‖ masked-image latents), twice (uncond, cond). */
function unetInput(scaled: Float32Array, mask: Float32Array, maskedLatents: Float32Array): Float32Array {
  const one = scaled.length + mask.length + maskedLatents.length;
  const out = new Float32Array(2 * one);
  for (const offset of [0, one]) {
    out.set(scaled, offset);
    out.set(mask, offset + scaled.length);
    out.set(maskedLatents, offset + scaled.length + mask.length);
  }
  return out;
}

/** Planar [3,H,W] in [-1,1] → RGBA. */
function planarToRgba(planar: Float32Array, width: number, height: number): RGBAImage {
  const plane = width * height;
  const data = new Uint8ClampedArray(plane * 4);
  for (let p = 0; p < plane; p++) {
    for (let c = 0; c < 3; c++) data[p * 4 + c] = (planar[c * plane + p]! + 1) * 127.5;
    data[p * 4 + 3] = 255;
  }
  return { width, height, data };
}

async function timed<T>(session: ort.InferenceSession, feeds: Record<string, ort.Tensor>, name: string): Promise<{ data: T; ms: number }> {
  const start = performance.now();
  const outputs = await session.run(feeds);
  const ms = performance.now() - start;
  const tensor = outputs[name];
  if (!tensor) throw new Error(`no output ${name}`);
  return { data: tensor.data as T, ms };
}

export async function benchDiffusion(options: DiffusionOptions): Promise<DiffusionResult> {
  const { host, runs, latent, log } = options;
  ort.env.wasm.numThreads = 1;
  // Nothing kept: each file is handed to its session and dropped (the UNet's data alone is 3.4 GB).
  const cache: ModelCache = { get: async () => undefined, put: async () => {}, delete: async () => {} };
  // One retry: Node's fetch reuses a keep-alive socket the hub closed while a long model run held the loop.
  const fetchFile = async (repo: string, path: string): Promise<Uint8Array> => {
    const url = resolveUrl(host, repo, 'main', path);
    return (await fetchModelFile(url, { cache }).catch(() => fetchModelFile(url, { cache }))).bytes;
  };
  const loadMs: Record<string, number> = {};
  const fileBytes: Record<string, number> = {};
  const open = async (key: string, path: string, externalData?: string) => {
    const bytes = await fetchFile(SD_FULL_SIZE_REPO, path);
    fileBytes[path] = bytes.length;
    const external = externalData === undefined ? undefined : await fetchFile(SD_FULL_SIZE_REPO, externalData);
    if (externalData && external) fileBytes[externalData] = external.length;
    const start = performance.now();
    const session = await ort.InferenceSession.create(bytes, external ? { ...SESSION_OPTIONS, externalData: [{ path: 'model.onnx_data', data: external }] } : SESSION_OPTIONS);
    loadMs[key] = Math.round(performance.now() - start);
    log(`  ${key}: ${(bytes.length / 1e6).toFixed(1)} MB${external ? ` + ${(external.length / 1e9).toFixed(2)} GB external data` : ''}, session ${loadMs[key]} ms`);
    return session;
  };

  // CLIP's BPE at its real size (the full-size CLIP stand-in's tokenizer.json; SD 1.5 uses the same vocabulary).
  const tokenizerJson: unknown = JSON.parse(new TextDecoder().decode(await fetchFile(CLIP_REPO, 'tokenizer.json')));
  const tokenizerConfig: unknown = JSON.parse(new TextDecoder().decode(await fetchFile(CLIP_REPO, 'tokenizer_config.json')));
  if (typeof tokenizerJson !== 'object' || tokenizerJson === null || typeof tokenizerConfig !== 'object' || tokenizerConfig === null) throw new Error('bad CLIP tokenizer files');
  const tokenizer = new Tokenizer(tokenizerJson, tokenizerConfig);
  const padId = tokenizer.token_to_id('<|endoftext|>') ?? 49407;

  const side = latent * 8;
  const { image, mask } = riverCrop(side);
  const plane = latent * latent;
  const stages: DiffusionResult['stages'] = { text: [], vaeEncode: [], unetStep: [], vaeDecode: [] };
  const scheduler = createScheduler('ddim', SD15_SCHEDULER);
  const timesteps = scheduler.setTimesteps(20);

  // One component loaded at a time, released before the next: the UNet alone holds 3.4 GB.
  log('diffusion: text encoder');
  const text = await open('text_encoder', SD_FULL_SIZE_FILES.textEncoder);
  let context: Float32Array = new Float32Array(0);
  for (let i = 0; i <= runs; i++) {
    const start = performance.now();
    const ids = new BigInt64Array(2 * 77);
    ['', `a brown chocolate river ${i}`].forEach((prompt, row) => ids.set(padTokens(tokenizer.encode(prompt).ids, padId).ids, row * 77));
    const out = await timed<Float32Array>(text, { input_ids: new ort.Tensor('int64', ids, [2, 77]) }, 'last_hidden_state');
    context = out.data;
    if (i > 0) stages.text.push({ totalMs: performance.now() - start, modelMs: out.ms });
  }
  await text.release();

  log('diffusion: VAE encoder');
  const encoder = await open('vae_encoder', SD_FULL_SIZE_FILES.vaeEncoder);
  let maskedLatents = new Float32Array(0);
  for (let i = 0; i <= runs; i++) {
    const start = performance.now();
    const out = await timed<Float32Array>(encoder, { sample: new ort.Tensor('float32', maskedPlanar(image, mask), [1, 3, side, side]) }, 'latent_sample');
    maskedLatents = out.data.map((v) => v * VAE_SCALE);
    if (i > 0) stages.vaeEncode.push({ totalMs: performance.now() - start, modelMs: out.ms });
  }
  await encoder.release();

  log('diffusion: UNet (one step per run, batch 2 for guidance)');
  const unet = await open('unet', SD_FULL_SIZE_FILES.unet, SD_FULL_SIZE_FILES.unetData);
  const random = seededRandom(1234);
  let latents: Float32Array = random.normals(4 * plane).map((v) => v * scheduler.initNoiseSigma);
  const contextTensor = new ort.Tensor('float32', context, [2, 77, 768]);
  for (let i = 0; i <= runs; i++) {
    const t = timesteps[i % timesteps.length]!;
    const start = performance.now();
    const input = unetInput(scheduler.scaleModelInput(latents, t), latentMask(mask, latent), maskedLatents);
    const out = await timed<Float32Array>(
      unet,
      { sample: new ort.Tensor('float32', input, [2, 9, latent, latent]), timestep: new ort.Tensor('int64', BigInt64Array.of(BigInt(t)), [1]), encoder_hidden_states: contextTensor },
      'out_sample',
    );
    const next = scheduler.step(classifierFreeGuidance(out.data, 7.5), t, latents, random);
    if (firstNonFinite(next) >= 0) throw new Error(`non-finite latents after step ${t}`);
    latentsToPreview(next, latent, latent);
    latents = next;
    if (i > 0) stages.unetStep.push({ totalMs: performance.now() - start, modelMs: out.ms });
  }
  await unet.release();

  log('diffusion: VAE decoder');
  const decoder = await open('vae_decoder', SD_FULL_SIZE_FILES.vaeDecoder);
  for (let i = 0; i <= runs; i++) {
    const start = performance.now();
    const out = await timed<Float32Array>(decoder, { latent_sample: new ort.Tensor('float32', latents.map((v) => v / VAE_SCALE), [1, 4, latent, latent]) }, 'sample');
    if (firstNonFinite(out.data) >= 0) throw new Error('non-finite pixels from the VAE decoder');
    compositeThroughMask(image, planarToRgba(out.data, side, side), mask);
    if (i > 0) stages.vaeDecode.push({ totalMs: performance.now() - start, modelMs: out.ms });
  }
  await decoder.release();
  return { stages, loadMs, fileBytes, latent };
}
