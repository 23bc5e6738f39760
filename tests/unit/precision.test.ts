/**
 * The fp16 path in Node (onnxruntime-web, WASM): the generated fp16 test files are real float16
 * files that keep their meaning, the product's runners read them, and a run that overflows on
 * fp16 steps down to fp32 (models/fallback.ts) and still gives the right mask.
 */
import { createRequire } from 'node:module';
import * as ort from 'onnxruntime-web';
import { describe, expect, it } from 'vitest';
import { clipScores } from '../harness/model-calls';
import { runWithFallback } from '../../models/fallback';
import { loadModel, releaseModel, type LoadedModel } from '../../models/hub';
import { memoryCache } from '../../models/loader';
import { registry, type Dtype, type ModelName } from '../../models/registry';
import { samDecode, samEncode } from '../../models/sam/runner';
import { unetStep, vaeDecode, vaeEncode, type SdModel } from '../../models/sd/runner';
import { NonFiniteOutputError } from '../../models/tensors';
import { iou, renderScene, SCENES, shapeMask, shapePoint } from '../harness/scenes';
import { serveTestModels } from '../harness/test-model-hub';
import { toFp16Model } from '../models/precision';
import { SD_INPAINT_HIDDEN, SAM_OVERFLOWING_FP16_ENCODER } from '../models/semantics';
import { buildSdUnet, buildSdVaeDecoder, buildSdVaeEncoder } from '../models/sd';

const models = serveTestModels();
const { onnx } = createRequire(import.meta.url)('onnx-proto') as typeof import('onnx-proto');

const load = <N extends ModelName>(name: N, dtype: Dtype) =>
  loadModel(name, { host: models.hub.url, backend: 'wasm', shaderF16: false, dtypes: [dtype], cache: memoryCache(), registrySizes: false });

/** Element types of a served file's initializers and graph I/O, and its op types. */
async function fileTypes(repo: string, path: string): Promise<{ weights: Set<number>; io: Set<number>; ops: Set<string> }> {
  const bytes = new Uint8Array(await (await fetch(`${models.hub.url}/${repo}/resolve/main/${path}`)).arrayBuffer());
  const graph = onnx.ModelProto.decode(bytes).graph!;
  const weights = new Set((graph.initializer ?? []).filter((i) => (i.dims ?? []).length > 0).map((i) => i.dataType ?? 0).filter((t) => t !== INT64));
  const io = new Set([...(graph.input ?? []), ...(graph.output ?? [])].map((v) => v.type?.tensorType?.elemType ?? 0).filter((t) => t === FLOAT || t === FLOAT16));
  return { weights, io, ops: new Set((graph.node ?? []).map((n) => n.opType ?? '')) };
}

const FLOAT = 1;
const UINT8 = 2;
const INT64 = 7;
const FLOAT16 = 10;

// The first test pays for ONNX Runtime's WASM start; the machine running the suite may be busy.
describe('fp16 test models', { timeout: 30_000 }, () => {
  it('store every float weight as float16 and keep float32 inputs and outputs, as the Xenova exports do', async () => {
    for (const name of ['sam', 'clip'] as const) {
      for (const file of Object.values(registry[name].files)) {
        const types = await fileTypes(registry[name].repo, `${file.base}_fp16.onnx`);
        expect(types.weights, `${file.base}_fp16.onnx`).toEqual(new Set([FLOAT16]));
        expect(types.io, `${file.base}_fp16.onnx`).toEqual(new Set([FLOAT]));
      }
    }
  });

  it('q8 files hold uint8 weights read through DequantizeLinear, with float32 inputs and outputs', async () => {
    for (const name of ['sam', 'clip'] as const) {
      for (const file of Object.values(registry[name].files)) {
        const types = await fileTypes(registry[name].repo, `${file.base}_quantized.onnx`);
        expect(types.weights.has(UINT8), `${file.base}_quantized.onnx`).toBe(true);
        expect(types.ops.has('DequantizeLinear'), `${file.base}_quantized.onnx`).toBe(true);
        expect(types.io, `${file.base}_quantized.onnx`).toEqual(new Set([FLOAT]));
      }
    }
  });

  it('SAM and CLIP q8 keep their meaning: the same mask for a click, the colour named still wins', async () => {
    const [sam8, sam32, clip8, clip32] = await Promise.all([load('sam', 'q8'), load('sam', 'fp32'), load('clip', 'q8'), load('clip', 'fp32')]);
    const scene = SCENES.shapes;
    const image = renderScene(scene);
    const click = [{ ...shapePoint(scene, 'green-disc'), label: 1 as const }];
    const m8 = await samDecode(sam8, (await samEncode(sam8, image)).embedding, click);
    const m32 = await samDecode(sam32, (await samEncode(sam32, image)).embedding, click);
    expect(iou(m8.mask.data, m32.mask.data)).toBeGreaterThanOrEqual(0.95);
    const river = renderScene(SCENES.river);
    const texts = ['a green valley', 'a red valley', 'a blue river'];
    const [a, b] = [await clipScores(clip8, river, texts), await clipScores(clip32, river, texts)];
    a.cosines.forEach((c, i) => expect(Math.abs(c - b.cosines[i]!)).toBeLessThanOrEqual(0.02));
    expect(a.scores[0]!).toBeGreaterThan(a.scores[1]! + 10);
    await Promise.all([sam8, sam32, clip8, clip32].map(releaseModel));
  });

  it('SAM fp16 agrees with fp32: embeddings within 1e-3 of their range, the same mask for a click', async () => {
    const [half, full] = await Promise.all([load('sam', 'fp16'), load('sam', 'fp32')]);
    expect([half.precision, full.precision]).toEqual(['fp16', 'fp32']);
    expect(half.files.map((f) => f.path)).toEqual(['preprocessor_config.json', 'onnx/vision_encoder_fp16.onnx', 'onnx/prompt_encoder_mask_decoder_fp16.onnx']);
    const scene = SCENES.shapes;
    const image = renderScene(scene);
    const [a, b] = [await samEncode(half, image), await samEncode(full, image)];
    const ea = a.embedding.imageEmbeddings.data as Float32Array;
    const eb = b.embedding.imageEmbeddings.data as Float32Array;
    let range = 0;
    let diff = 0;
    for (let i = 0; i < eb.length; i++) {
      range = Math.max(range, Math.abs(eb[i]!));
      diff = Math.max(diff, Math.abs(ea[i]! - eb[i]!));
    }
    expect(diff).toBeLessThanOrEqual(1e-3 * range);
    const click = [{ ...shapePoint(scene, 'green-disc'), label: 1 as const }];
    const [ma, mb] = [await samDecode(half, a.embedding, click), await samDecode(full, b.embedding, click)];
    expect(iou(ma.mask.data, mb.mask.data)).toBeGreaterThanOrEqual(0.99);
    expect(iou(ma.mask.data, shapeMask(scene, 'green-disc'))).toBeGreaterThanOrEqual(0.9);
    await Promise.all([releaseModel(half), releaseModel(full)]);
  });

  it('CLIP fp16 agrees with fp32: cosines within 2e-3, the colour named still wins', async () => {
    const [half, full] = await Promise.all([load('clip', 'fp16'), load('clip', 'fp32')]);
    const river = renderScene(SCENES.river);
    const texts = ['a green valley', 'a red valley', 'a blue river'];
    const [a, b] = [await clipScores(half, river, texts), await clipScores(full, river, texts)];
    a.cosines.forEach((c, i) => expect(Math.abs(c - b.cosines[i]!)).toBeLessThanOrEqual(2e-3));
    expect(a.scores[0]!).toBeGreaterThan(a.scores[1]! + 10);
    await Promise.all([releaseModel(half), releaseModel(full)]);
  });
});

describe('run-time fallback', { timeout: 30_000 }, () => {
  it('an fp16 encoder whose outputs overflow throws NonFiniteOutputError; the fallback reloads fp32 and the click gives the right mask', async () => {
    models.hub.setFault({ kind: 'substitute', match: 'vision_encoder_fp16.onnx', file: `${registry.sam.repo}/${SAM_OVERFLOWING_FP16_ENCODER}` });
    const scene = SCENES.shapes;
    const image = renderScene(scene);
    const half = await load('sam', 'fp16');
    await expect(samEncode(half, image)).rejects.toBeInstanceOf(NonFiniteOutputError);

    // WASM has no next candidate: the host below plays the WebGPU one (fp16 → fp32 on the same device).
    const reasons: string[] = [];
    const placed: LoadedModel<'sam'> = { ...half, backend: 'webgpu' };
    const { embedding } = await runWithFallback(placed, (model) => samEncode(model, image), {
      reload: async (candidate) => {
        expect(candidate).toEqual({ backend: 'webgpu', dtypes: ['fp32', 'q8'] });
        await releaseModel(half);
        const sam32: LoadedModel<'sam'> = { ...(await load('sam', 'fp32')), backend: 'webgpu' };
        return sam32;
      },
      onFallback: (_model, reason) => reasons.push(reason),
    });
    expect(reasons).toEqual(['fp32 (fp16 gave non-finite values)']);
    const sam32 = await load('sam', 'fp32');
    const { mask } = await samDecode(sam32, embedding, [{ ...shapePoint(scene, 'green-disc'), label: 1 }]);
    expect(iou(mask.data, shapeMask(scene, 'green-disc'))).toBeGreaterThanOrEqual(0.9);
    await releaseModel(sam32);
  });
});

describe('float16 inputs and outputs (the Stable Diffusion ORT-web exports)', { timeout: 30_000 }, () => {
  /** An SD model of the given components' bytes: only the sessions the runners below touch. */
  async function sdModel(io: 'float32' | 'float16'): Promise<SdModel> {
    const convert = (bytes: Uint8Array) => (io === 'float16' ? toFp16Model(bytes, { io }) : bytes);
    const create = (bytes: Uint8Array) => ort.InferenceSession.create(convert(bytes), { executionProviders: ['wasm'] });
    const [vaeEncoder, vaeDecoder, unet] = await Promise.all([create(buildSdVaeEncoder()), create(buildSdVaeDecoder()), create(buildSdUnet(true, SD_INPAINT_HIDDEN))]);
    // The text encoder is not run here (it needs the tokenizer files): its slot holds the UNet.
    const model: SdModel = { name: 'sdInpaint', backend: 'wasm', precision: io === 'float16' ? 'fp16' : 'fp32', sessions: { textEncoder: unet, vaeEncoder, vaeDecoder, unet }, configs: {}, files: [] };
    return model;
  }

  it('the runners feed float16 where the session declares it and read float16 outputs back as float32, within half precision of fp32', async () => {
    const [half, full] = await Promise.all([sdModel('float16'), sdModel('float32')]);
    expect(half.sessions.unet.inputMetadata.find((m) => m.name === 'sample')).toMatchObject({ type: 'float16' });
    const size = 32;
    const planar = Float32Array.from({ length: 3 * size * size }, (_, i) => Math.sin(i / 7) * 0.8);
    const close = (a: Float32Array, b: Float32Array) => {
      expect(a.length).toBe(b.length);
      let range = 0;
      let diff = 0;
      for (let i = 0; i < b.length; i++) {
        range = Math.max(range, Math.abs(b[i]!));
        diff = Math.max(diff, Math.abs(a[i]! - b[i]!));
      }
      expect(a).toBeInstanceOf(Float32Array);
      expect(diff).toBeLessThanOrEqual(2e-3 * Math.max(range, 1));
    };
    const [ea, eb] = [await vaeEncode(half, planar, size, size), await vaeEncode(full, planar, size, size)];
    close(ea.latents, eb.latents);
    const latent = size / 8;
    const [da, db] = [await vaeDecode(half, eb.latents, latent, latent), await vaeDecode(full, eb.latents, latent, latent)];
    close(da.planar, db.planar);
    const sample = Float32Array.from({ length: 9 * latent * latent }, (_, i) => Math.cos(i / 5));
    const text = Float32Array.from({ length: 77 * SD_INPAINT_HIDDEN }, (_, i) => ((i % 13) - 6) / 10);
    const shape = { batch: 1, channels: 9, width: latent, height: latent };
    const [ua, ub] = [await unetStep(half, sample, shape, 981, text, SD_INPAINT_HIDDEN), await unetStep(full, sample, shape, 981, text, SD_INPAINT_HIDDEN)];
    close(ua.noise, ub.noise);
  });
});
