/**
 * Generates the tiny test models into `outDir/{repo}/{path}` (same layout as the real Hugging
 * Face Hub repos). Idempotent: files are rewritten only when their bytes change.
 *
 *   npx tsx tests/models/generate.ts [outDir]      (default: tests/.models)
 *
 * Node-only. See tests/models/README.md for what each model computes.
 */
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildClipTextModel, buildClipTokenizer, buildClipVisionModel, clipConfigFiles } from './clip.ts';
import { buildLamaModel } from './lama.ts';
import { buildLlmModel, buildLlmTokenizer, llmConfigFiles } from './llm.ts';
import { buildMiganPipeline } from './migan.ts';
import { buildOwlVitModel, owlVitConfigFiles } from './owlvit.ts';
import { toFp16Model, toQ8Model } from './precision.ts';
import { buildSamMaskDecoder, buildSamVisionEncoder, samConfigFiles } from './sam.ts';
import { buildSdTextEncoder, buildSdUnet, buildSdVaeDecoder, buildSdVaeEncoder, sdSchedulerConfig, sdTokenizerFiles } from './sd.ts';
import { SAM_IMAGE_STD, SAM_OVERFLOWING_FP16_ENCODER } from './semantics.ts';
import { CLIP_REPO, CLIP_SPECIAL_TOKENS, LAMA_FILE, LAMA_REPO, MIGAN_FILE, MIGAN_REPO, ONNX_VARIANT_SUFFIXES, OWLVIT_REPO, LLM_REPO, LLM_VARIANT_SUFFIXES, SAM_REPO, SD_INPAINT_HIDDEN, SD_INPAINT_REPO, SD_TURBO_HIDDEN, SD_TURBO_REPO } from './semantics.ts';

/** Every generated file: repo-relative path → bytes. */
export function buildTestModelFiles(): Map<string, Uint8Array> {
  const files = new Map<string, Uint8Array>();
  const json = (repo: string, entries: Record<string, unknown>): void => {
    for (const [path, value] of Object.entries(entries)) {
      files.set(`${repo}/${path}`, new TextEncoder().encode(`${JSON.stringify(value, null, 2)}\n`));
    }
  };
  const onnxVariants = (repo: string, base: string, bytes: Uint8Array): void => {
    // Xenova's fp16 exports keep float32 inputs and outputs.
    const variants: Record<(typeof ONNX_VARIANT_SUFFIXES)[number], () => Uint8Array> = { '': () => bytes, _fp16: () => toFp16Model(bytes, { io: 'float32' }), _quantized: () => toQ8Model(bytes) };
    for (const suffix of ONNX_VARIANT_SUFFIXES) files.set(`${repo}/onnx/${base}${suffix}.onnx`, variants[suffix]());
  };

  json(SAM_REPO, samConfigFiles());
  const samEncoder = buildSamVisionEncoder();
  onnxVariants(SAM_REPO, 'vision_encoder', samEncoder);
  // Its ImageNet std past 65504: every image embedding becomes infinite (or NaN) in fp16.
  const isStd = (w: Float32Array) => w.length === 3 && w.every((v, i) => v === Math.fround(SAM_IMAGE_STD[i]!));
  files.set(`${SAM_REPO}/${SAM_OVERFLOWING_FP16_ENCODER}`, toFp16Model(samEncoder, { io: 'float32', overflow: isStd }));
  onnxVariants(SAM_REPO, 'prompt_encoder_mask_decoder', buildSamMaskDecoder());

  const tok = buildClipTokenizer();
  json(CLIP_REPO, clipConfigFiles(tok));
  onnxVariants(CLIP_REPO, 'text_model', buildClipTextModel(tok));
  onnxVariants(CLIP_REPO, 'vision_model', buildClipVisionModel());
  json(OWLVIT_REPO, owlVitConfigFiles(tok));
  onnxVariants(OWLVIT_REPO, 'model', buildOwlVitModel(tok));

  files.set(`${MIGAN_REPO}/${MIGAN_FILE}`, buildMiganPipeline());
  files.set(`${LAMA_REPO}/${LAMA_FILE}`, buildLamaModel());

  // Stable Diffusion: SD 1.5 inpainting pads with <|endoftext|>, SD-Turbo (OpenCLIP) with "!".
  const text = (s: string) => new TextEncoder().encode(s);
  const vae = { encoder: buildSdVaeEncoder(), decoder: buildSdVaeDecoder() };
  for (const [repo, kind, hidden, idType, pad] of [
    [SD_INPAINT_REPO, 'inpaint', SD_INPAINT_HIDDEN, 'int64', CLIP_SPECIAL_TOKENS.pad],
    [SD_TURBO_REPO, 'turbo', SD_TURBO_HIDDEN, 'int32', '!'],
  ] as const) {
    const tokenizer = sdTokenizerFiles(tok, pad);
    files.set(`${repo}/tokenizer/vocab.json`, text(tokenizer.vocab));
    files.set(`${repo}/tokenizer/merges.txt`, text(tokenizer.merges));
    json(repo, {
      'model_index.json': { _class_name: kind === 'inpaint' ? 'OnnxStableDiffusionInpaintPipeline' : 'OnnxStableDiffusionPipeline', _diffusers_version: '0.30.0' },
      'scheduler/scheduler_config.json': sdSchedulerConfig(kind),
      'tokenizer/tokenizer_config.json': tokenizer.config,
      'tokenizer/special_tokens_map.json': tokenizer.specialTokens,
    });
    files.set(`${repo}/text_encoder/model.onnx`, buildSdTextEncoder(tok, hidden, idType));
    if (kind === 'inpaint') files.set(`${repo}/vae_encoder/model.onnx`, vae.encoder); // SD-Turbo's export has none
    files.set(`${repo}/vae_decoder/model.onnx`, vae.decoder);
    files.set(`${repo}/unet/model.onnx`, buildSdUnet(kind === 'inpaint', hidden));
  }
  const llmTok = buildLlmTokenizer();
  json(LLM_REPO, llmConfigFiles(llmTok));
  const llm = buildLlmModel(llmTok);
  for (const suffix of LLM_VARIANT_SUFFIXES) files.set(`${LLM_REPO}/onnx/model${suffix}.onnx`, llm);
  return files;
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** Writes `bytes` to `path` unless it already holds them; never leaves a half-written file. */
export async function writeModelFile(path: string, bytes: Uint8Array): Promise<void> {
  const existing = await readFile(path).catch(() => null);
  if (existing && sameBytes(existing, bytes)) return;
  await mkdir(dirname(path), { recursive: true });
  // Write to a temporary name then rename, so a reader never sees a half-written file.
  const tmp = `${path}.${process.pid}.tmp`;
  await writeFile(tmp, bytes);
  await rename(tmp, path);
}

/** Writes all test model files under outDir. Safe to call repeatedly (and concurrently-ish). */
export async function generateTestModels(outDir: string): Promise<void> {
  const files = buildTestModelFiles();
  await Promise.all([...files].map(([rel, bytes]) => writeModelFile(join(outDir, rel), bytes)));
}

const isMain = process.argv[1] !== undefined && resolve(process.argv[1]) === fileURLToPath(import.meta.url);
if (isMain) {
  const outDir = resolve(process.argv[2] ?? 'tests/.models');
  const t0 = performance.now();
  await generateTestModels(outDir);
  console.log(`test models written to ${outDir} in ${Math.round(performance.now() - t0)} ms`);
}
