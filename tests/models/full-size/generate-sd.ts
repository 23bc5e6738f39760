/**
 * Writes the full-size Stable Diffusion 1.5 inpainting stand-ins (tests/models/full-size/sd.ts)
 * into `outDir/{SD_FULL_SIZE_REPO}/` in the diffusers ONNX layout, fp32:
 *   text_encoder/model.onnx (492 MB), vae_encoder/model.onnx (137 MB), vae_decoder/model.onnx
 *   (198 MB), unet/model.onnx (the graph) + unet/model.onnx_data (3.44 GB of weights: past
 *   protobuf's 2 GB limit, so external data, as Optimum exports it).
 * Only `npm run bench -- --models=full-size --diffusion` builds them (~1 min, 4.3 GB); they are
 * rebuilt when a builder's source changes or a file's size does not match the stamp.
 *
 *   npx tsx tests/models/full-size/generate-sd.ts [outDir]
 */
import { createHash } from 'node:crypto';
import { closeSync, mkdirSync, openSync, writeSync } from 'node:fs';
import { readFile, rm, stat, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { writeModelFile } from '../generate.ts';
import { FULL_SIZE_MODELS_DIR } from './generate.ts';
import { buildSdTextEncoder, buildSdUnet, buildSdVaeDecoder, buildSdVaeEncoder, externalWeights } from './sd.ts';

/** Where the stand-ins are served (a tests-only repo name: the registry's SD export is fp16). */
export const SD_FULL_SIZE_REPO = 'stand-ins/sd15-inpainting-fp32';
export const SD_FULL_SIZE_FILES = {
  textEncoder: 'text_encoder/model.onnx',
  vaeEncoder: 'vae_encoder/model.onnx',
  vaeDecoder: 'vae_decoder/model.onnx',
  unet: 'unet/model.onnx',
  unetData: 'unet/model.onnx_data',
} as const;

const SOURCES = ['sd.ts', 'weights.ts', '../onnx-builder.ts', 'generate-sd.ts'].map((f) => new URL(f, import.meta.url));
const STAMP = '.sd-full-size-sources';

export async function generateSdFullSizeModels(outDir: string = FULL_SIZE_MODELS_DIR, log: (text: string) => void = () => {}): Promise<void> {
  const root = join(outDir, SD_FULL_SIZE_REPO);
  const hash = createHash('sha256');
  for (const source of SOURCES) hash.update(await readFile(source));
  const sources = hash.digest('hex');
  const paths = Object.values(SD_FULL_SIZE_FILES);
  const sizes = await Promise.all(paths.map((p) => stat(join(root, p)).then((s) => s.size, () => -1)));
  const stampPath = join(root, STAMP);
  if ((await readFile(stampPath, 'utf8').catch(() => '')) === JSON.stringify({ sources, sizes })) return;
  await rm(stampPath, { force: true });

  for (const [path, build] of [
    [SD_FULL_SIZE_FILES.textEncoder, buildSdTextEncoder],
    [SD_FULL_SIZE_FILES.vaeEncoder, buildSdVaeEncoder],
    [SD_FULL_SIZE_FILES.vaeDecoder, buildSdVaeDecoder],
  ] as const) {
    log(`building ${path}`);
    await writeModelFile(join(root, path), build());
  }
  // The UNet's weights stream to the data file as the graph is built (3.44 GB never sit in memory at once).
  log(`building ${SD_FULL_SIZE_FILES.unet} + ${SD_FULL_SIZE_FILES.unetData}`);
  const dataPath = join(root, SD_FULL_SIZE_FILES.unetData);
  mkdirSync(dirname(dataPath), { recursive: true });
  const fd = openSync(dataPath, 'w');
  try {
    const sink = externalWeights('model.onnx_data', (bytes) => {
      for (let done = 0; done < bytes.length; ) done += writeSync(fd, bytes, done);
    });
    await writeModelFile(join(root, SD_FULL_SIZE_FILES.unet), buildSdUnet(sink));
  } finally {
    closeSync(fd);
  }
  const built = await Promise.all(paths.map((p) => stat(join(root, p)).then((s) => s.size)));
  await writeFile(stampPath, JSON.stringify({ sources, sizes: built }));
}

const isMain = process.argv[1] !== undefined && resolve(process.argv[1]) === fileURLToPath(import.meta.url);
if (isMain) {
  const outDir = resolve(process.argv[2] ?? FULL_SIZE_MODELS_DIR);
  const t0 = performance.now();
  await generateSdFullSizeModels(outDir, console.log);
  console.log(`SD full-size stand-ins written to ${join(outDir, SD_FULL_SIZE_REPO)} in ${Math.round(performance.now() - t0)} ms`);
}
