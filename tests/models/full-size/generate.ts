/**
 * Writes the full-size stand-in models for `npm run bench -- --models=full-size` into
 * `outDir/{repo}/{path}` (default `tests/.models-full-size`, git-ignored): CLIP ViT-B/32 vision and
 * text and SlimSAM's vision encoder as the q8 files the WASM backend loads, a tokenizer of CLIP's
 * real size, and MI-GAN's 512² pipeline, at their real sizes with random weights. SAM's decoder
 * and LaMa are the tiny test models there (the SAM stand-in keeps the test semantics the tiny
 * decoder reads); CLIP and the SAM encoder have no fp32/fp16 files there, so a backend that
 * asked for one would fail loudly instead of timing a tiny model.
 *
 *   npx tsx tests/models/full-size/generate.ts [outDir]
 *
 * The big files (~190 MB, ~6 s) are rebuilt only when a builder's source changed (a hash stamp);
 * the small ones are rewritten whenever their bytes differ.
 */
import { createHash } from 'node:crypto';
import { readFile, rm, stat, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildClipTokenizer, clipConfigFiles } from '../clip.ts';
import { buildTestModelFiles, writeModelFile } from '../generate.ts';
import { CLIP_REPO, MIGAN_FILE, MIGAN_REPO, SAM_REPO } from '../semantics.ts';
import { buildClipTextFullSize, buildClipVisionFullSize, CLIP_FULL_SIZE } from './clip.ts';
import { buildMiganFullSize } from './migan.ts';
import { buildSamVisionEncoderFullSize } from './sam.ts';

export const FULL_SIZE_MODELS_DIR = fileURLToPath(new URL('../../.models-full-size', import.meta.url));

/** The full-size files, built one at a time (each is tens of MB). */
const BIG_FILES: ReadonlyArray<readonly [path: string, build: () => Uint8Array]> = [
  [`${CLIP_REPO}/onnx/vision_model_quantized.onnx`, () => buildClipVisionFullSize('q8')],
  [`${CLIP_REPO}/onnx/text_model_quantized.onnx`, () => buildClipTextFullSize('q8')],
  [`${MIGAN_REPO}/${MIGAN_FILE}`, buildMiganFullSize],
  [`${SAM_REPO}/onnx/vision_encoder_quantized.onnx`, () => buildSamVisionEncoderFullSize('q8')],
];

/** Which served files are full-size stand-ins (the rest are the tiny test models). */
export const FULL_SIZE_FILES = [...BIG_FILES.map(([path]) => path), `${CLIP_REPO}/tokenizer.json`];

/** The sources the big files are built from: any change rebuilds them. */
const BUILDER_SOURCES = ['clip.ts', 'migan.ts', 'sam.ts', 'quantize.ts', 'weights.ts', '../sam.ts', '../onnx-builder.ts'].map((f) => new URL(f, import.meta.url));
const STAMP = '.full-size-sources';

export async function generateFullSizeModels(outDir: string = FULL_SIZE_MODELS_DIR): Promise<void> {
  const big = new Set(BIG_FILES.map(([path]) => path));
  for (const [rel, bytes] of buildTestModelFiles()) {
    // CLIP's, MI-GAN's and SAM's encoder models are the full-size ones below.
    if (big.has(rel) || rel.startsWith(`${CLIP_REPO}/onnx/`)) continue;
    if (rel.startsWith(`${SAM_REPO}/onnx/vision_encoder`)) {
      await rm(join(outDir, rel), { force: true }); // a tiny encoder left from before the SAM stand-in
      continue;
    }
    await writeModelFile(join(outDir, rel), bytes);
  }
  for (const [path, value] of Object.entries(clipConfigFiles(buildClipTokenizer(CLIP_FULL_SIZE.text.vocab)))) {
    await writeModelFile(join(outDir, CLIP_REPO, path), new TextEncoder().encode(`${JSON.stringify(value, null, 2)}\n`));
  }

  const hash = createHash('sha256');
  for (const source of BUILDER_SOURCES) hash.update(await readFile(source));
  const sources = hash.digest('hex');
  // The stamp names the sources and each big file's size: a file replaced since (by the tiny
  // models, a cut write) is caught too.
  const stampPath = join(outDir, STAMP);
  const sizes = await Promise.all(BIG_FILES.map(([path]) => stat(join(outDir, path)).then((s) => s.size, () => -1)));
  if ((await readFile(stampPath, 'utf8').catch(() => '')) === JSON.stringify({ sources, sizes })) return;
  await rm(stampPath, { force: true });
  const built: number[] = [];
  for (const [path, build] of BIG_FILES) {
    const bytes = build();
    await writeModelFile(join(outDir, path), bytes);
    built.push(bytes.length);
  }
  await writeFile(stampPath, JSON.stringify({ sources, sizes: built }));
}

const isMain = process.argv[1] !== undefined && resolve(process.argv[1]) === fileURLToPath(import.meta.url);
if (isMain) {
  const outDir = resolve(process.argv[2] ?? FULL_SIZE_MODELS_DIR);
  const t0 = performance.now();
  await generateFullSizeModels(outDir);
  console.log(`full-size stand-in models written to ${outDir} in ${Math.round(performance.now() - t0)} ms`);
}
