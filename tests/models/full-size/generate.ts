/**
 * Writes the full-size stand-in models for `npm run bench -- --models=full-size` into
 * `outDir/{repo}/{path}` (default `tests/.models-full-size`, git-ignored): CLIP ViT-B/32 (fp32 and
 * q8) with a tokenizer of CLIP's real size, and MI-GAN's 512² pipeline, at their real sizes with
 * random weights. SAM and LaMa are the tiny test models there (no stage of issue #5 times them).
 *
 *   npx tsx tests/models/full-size/generate.ts [outDir]
 *
 * Building takes ~10 s and ~700 MB of disk, so a stamp file skips it when nothing changed.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildClipTokenizer, clipConfigFiles } from '../clip.ts';
import { buildTestModelFiles, writeModelFile } from '../generate.ts';
import { CLIP_REPO, MIGAN_FILE, MIGAN_REPO } from '../semantics.ts';
import { buildClipTextFullSize, buildClipVisionFullSize, CLIP_FULL_SIZE } from './clip.ts';
import { buildMiganFullSize } from './migan.ts';

/** Bump when a builder changes what it writes. */
const VERSION = 1;
const STAMP = '.full-size-version';

export const FULL_SIZE_MODELS_DIR = fileURLToPath(new URL('../../.models-full-size', import.meta.url));

/** Which files are full-size stand-ins (the rest are the tiny test models). */
export const FULL_SIZE_FILES = [
  `${CLIP_REPO}/onnx/vision_model.onnx`,
  `${CLIP_REPO}/onnx/vision_model_quantized.onnx`,
  `${CLIP_REPO}/onnx/text_model.onnx`,
  `${CLIP_REPO}/onnx/text_model_quantized.onnx`,
  `${CLIP_REPO}/tokenizer.json`,
  `${MIGAN_REPO}/${MIGAN_FILE}`,
] as const;

export async function generateFullSizeModels(outDir: string = FULL_SIZE_MODELS_DIR): Promise<void> {
  const stamp = join(outDir, STAMP);
  if ((await readFile(stamp, 'utf8').catch(() => '')) === String(VERSION)) return;

  // The tiny models first; the full-size files then replace theirs. No fp16 CLIP: the stand-ins
  // are for the wasm backend (q8, as the product picks there), so the tiny fp16 file is dropped.
  const tiny = buildTestModelFiles();
  for (const [rel, bytes] of tiny) {
    if (rel.startsWith(`${CLIP_REPO}/onnx/`) && rel.endsWith('_fp16.onnx')) continue;
    await writeModelFile(join(outDir, rel), bytes);
  }
  const tokenizer = buildClipTokenizer(CLIP_FULL_SIZE.text.vocab);
  for (const [path, value] of Object.entries(clipConfigFiles(tokenizer))) {
    await writeModelFile(join(outDir, CLIP_REPO, path), new TextEncoder().encode(`${JSON.stringify(value, null, 2)}\n`));
  }
  // One model at a time: the fp32 vision model alone is 350 MB.
  await writeModelFile(join(outDir, CLIP_REPO, 'onnx/vision_model.onnx'), buildClipVisionFullSize('fp32'));
  await writeModelFile(join(outDir, CLIP_REPO, 'onnx/vision_model_quantized.onnx'), buildClipVisionFullSize('q8'));
  await writeModelFile(join(outDir, CLIP_REPO, 'onnx/text_model.onnx'), buildClipTextFullSize('fp32'));
  await writeModelFile(join(outDir, CLIP_REPO, 'onnx/text_model_quantized.onnx'), buildClipTextFullSize('q8'));
  await writeModelFile(join(outDir, MIGAN_REPO, MIGAN_FILE), buildMiganFullSize());
  await writeFile(stamp, String(VERSION));
}

const isMain = process.argv[1] !== undefined && resolve(process.argv[1]) === fileURLToPath(import.meta.url);
if (isMain) {
  const outDir = resolve(process.argv[2] ?? FULL_SIZE_MODELS_DIR);
  const t0 = performance.now();
  await generateFullSizeModels(outDir);
  console.log(`full-size stand-in models written to ${outDir} in ${Math.round(performance.now() - t0)} ms`);
}
