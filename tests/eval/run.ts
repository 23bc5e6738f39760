/**
 * `npm run eval`: the paper's evaluation as a command. For each case (image, mask, prompt,
 * region prompt) it runs the local fill (MI-GAN, the product's runner) and scores the image
 * before and after with CLIP (the product's runner), on the whole image against the prompt and
 * on the mask's region (its bounding box plus a margin, made square) against the region prompt.
 *
 *   npx tsx tests/eval/run.ts [--cases DIR] [--out DIR] [--host URL] [--cache DIR] [--backend wasm]
 *
 * --cases   case folder (default tests/eval/cases; written from scene data when it holds no case)
 * --out     output folder (default eval-results): results.json, results.md, index.html, PNGs
 * --host    model host (default: a local hub serving the generated test models);
 *           `--host https://huggingface.co` loads the real registry models (cached in --cache)
 * --cache   file cache for --host (default $INPAINT_MODEL_CACHE or ~/.cache/inpaint-biases/models)
 * --backend wasm (Node has no WebGPU: asking for webgpu falls back to wasm, and says so)
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import * as ort from 'onnxruntime-web';
import { clipScores } from '../harness/model-calls.ts';
import { regionSquare } from '../../models/clip/processor.ts';
import { loadModel, releaseModel, type Backend, type LoadedModel } from '../../models/hub.ts';
import { memoryCache, type ModelCache } from '../../models/loader.ts';
import { miganFill } from '../harness/model-calls.ts';
import { registry } from '../../models/registry.ts';
import { maskBoundingBox } from '../../utils/mask/resample.ts';
import type { RGBAImage, Rect } from '../../utils/image/types.ts';
import { REPO_ROOT } from '../harness/extension.ts';
import { MODELS_DIR, prepareModels } from '../harness/global-setup.ts';
import { startHub, type Hub } from '../harness/hub.ts';
import { encodePng } from '../harness/png.ts';
import { defaultCacheDir, fileModelCache } from '../verify/file-cache.ts';
import { hasNoCases, readCases, writeDefaultCases, type EvalCase } from './cases.ts';

const USAGE = 'usage: npx tsx tests/eval/run.ts [--cases DIR] [--out DIR] [--host URL] [--cache DIR] [--backend wasm]';
const DEFAULT_CASES_DIR = path.join(REPO_ROOT, 'tests/eval/cases');

interface Options {
  cases: string;
  out: string;
  host?: string;
  cache: string;
  backend: Backend;
}

function fail(message: string): never {
  console.error(`eval: ${message}\n${USAGE}`);
  process.exit(2);
}

function parseArgs(argv: string[]): Options {
  const opts: Options = { cases: DEFAULT_CASES_DIR, out: path.join(REPO_ROOT, 'eval-results'), cache: defaultCacheDir(), backend: 'wasm' };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    const eq = arg.indexOf('=');
    const key = eq > 0 ? arg.slice(0, eq) : arg;
    const value = () => (eq > 0 ? arg.slice(eq + 1) : (argv[++i] ?? fail(`${key} needs a value`)));
    if (key === '--cases') opts.cases = path.resolve(value());
    else if (key === '--out') opts.out = path.resolve(value());
    else if (key === '--host') opts.host = value().replace(/\/+$/, '');
    else if (key === '--cache') opts.cache = path.resolve(value());
    else if (key === '--backend') {
      const b = value();
      if (b !== 'wasm' && b !== 'webgpu') fail(`--backend must be wasm or webgpu, not ${b}`);
      opts.backend = b;
    } else if (key === '--help' || key === '-h') {
      console.log(USAGE);
      process.exit(0);
    } else fail(`unknown argument ${arg}`);
  }
  return opts;
}

interface Scores {
  global: number;
  region: number;
}

interface CaseResult {
  name: string;
  prompt: string;
  region_prompt: string;
  width: number;
  height: number;
  mask_pixels: number;
  /** The square the region score looks at (image pixels). */
  region_rect: Rect;
  before: Scores;
  after: Scores;
  gain: Scores;
  fill_model_ms: number;
  fill_ms: number;
  images: { before: string; after: string; mask: string };
}

const r2 = (v: number) => Math.round(v * 100) / 100;

async function score(clip: LoadedModel<'clip'>, image: RGBAImage, c: EvalCase, rect: Rect): Promise<Scores> {
  const global = await clipScores(clip, image, [c.prompt]);
  const region = await clipScores(clip, image, [c.region], rect);
  return { global: global.scores[0]!, region: region.scores[0]! };
}

function maskPng(c: EvalCase): Buffer {
  const data = new Uint8ClampedArray(c.mask.data.length * 4);
  c.mask.data.forEach((v, p) => {
    data.set([v, v, v, 255], 4 * p);
  });
  return encodePng({ width: c.mask.width, height: c.mask.height, data });
}

const escapeHtml = (text: string) => text.replace(/[&<>"']/g, (ch) => `&#${ch.charCodeAt(0)};`);
const signed = (v: number) => `${v >= 0 ? '+' : ''}${v.toFixed(2)}`;

function markdown(results: CaseResult[], mean: Scores, note: string): string {
  const lines = [
    '| case | global before | global after | Δ global | region before | region after | Δ region |',
    '| --- | ---: | ---: | ---: | ---: | ---: | ---: |',
    ...results.map(
      (r) =>
        `| ${r.name} | ${r.before.global.toFixed(2)} | ${r.after.global.toFixed(2)} | ${signed(r.gain.global)} | ${r.before.region.toFixed(2)} | ${r.after.region.toFixed(2)} | ${signed(r.gain.region)} |`,
    ),
    `| **mean gain** (${results.length} cases) | | | **${signed(mean.global)}** | | | **${signed(mean.region)}** |`,
  ];
  return `${lines.join('\n')}\n\nCLIP score = 100·max(cos, 0). Global: whole image (centre crop) vs prompt.txt; region: the mask's bounding box + 10 % margin, made square, vs region.txt.\n${note}\n`;
}

function html(results: CaseResult[], mean: Scores, models: string, note: string): string {
  const rows = results
    .map(
      (r) => `<section>
  <h2>${escapeHtml(r.name)}</h2>
  <p>prompt: <q>${escapeHtml(r.prompt)}</q> · region prompt: <q>${escapeHtml(r.region_prompt)}</q> · ${r.width}×${r.height}, ${r.mask_pixels} masked px</p>
  <div class="pair">
    <figure><img src="${r.images.before}" alt="before"><figcaption>before · global ${r.before.global.toFixed(2)} · region ${r.before.region.toFixed(2)}</figcaption></figure>
    <figure><img src="${r.images.mask}" alt="mask"><figcaption>mask (white = edit)</figcaption></figure>
    <figure><img src="${r.images.after}" alt="after"><figcaption>after · global ${r.after.global.toFixed(2)} (${signed(r.gain.global)}) · region ${r.after.region.toFixed(2)} (${signed(r.gain.region)})</figcaption></figure>
  </div>
</section>`,
    )
    .join('\n');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Inpaint Biases: evaluation</title>
<style>body{font:14px/1.4 system-ui,sans-serif;margin:24px;max-width:1200px}.pair{display:flex;gap:12px;flex-wrap:wrap}figure{margin:0}img{width:360px;height:auto;border:1px solid #ccc;image-rendering:pixelated}figcaption{font-size:12px;color:#444}.note{color:#8a5a00}</style>
</head><body>
<h1>Evaluation: local fill, CLIP score before → after</h1>
<p>Models: ${escapeHtml(models)}. Mean gain over ${results.length} cases: global <b>${signed(mean.global)}</b>, region <b>${signed(mean.region)}</b> (CLIP score = 100·max(cos, 0)).</p>
<p class="note">${escapeHtml(note)}</p>
${rows}
</body></html>
`;
}

async function main(): Promise<void> {
  const opts = parseArgs(process.argv.slice(2));
  ort.env.wasm.numThreads = 1;
  if (hasNoCases(opts.cases)) {
    if (opts.cases !== DEFAULT_CASES_DIR) fail(`no case in ${opts.cases} (a case is a folder with image.png, mask.png, prompt.txt, region.txt)`);
    writeDefaultCases(opts.cases);
    console.log(`[eval] wrote the default cases into ${path.relative(process.cwd(), opts.cases)}`);
  }
  const cases = readCases(opts.cases);

  let hub: Hub | undefined;
  let cache: ModelCache;
  if (opts.host) {
    cache = fileModelCache(opts.cache);
  } else {
    await prepareModels(MODELS_DIR);
    hub = await startHub({ root: MODELS_DIR });
    cache = memoryCache();
  }
  const host = opts.host ?? hub!.url;
  const testModels = !opts.host;
  const modelsLine = testModels
    ? 'generated test models (tests/.models) from a local hub'
    : `${host}: ${registry.migan.repo}@${registry.migan.revision.slice(0, 10)}, ${registry.clip.repo}@${registry.clip.revision.slice(0, 10)}`;
  const note = testModels
    ? 'Test models: MI-GAN fills a hole with the mean colour of its surroundings and CLIP scores colour words against colour histograms, so a gain appears only where the surroundings have the colour the prompt names. The numbers show the pipeline works, not how well the real models do: run with --host https://huggingface.co for that.'
    : 'Real models. MI-GAN is prompt-free: it can only restore what the surroundings suggest.';

  let migan: LoadedModel<'migan'> | undefined;
  let clip: LoadedModel<'clip'> | undefined;
  try {
    const options = { host, backend: opts.backend, shaderF16: false, cache, onProgress: undefined, registrySizes: !testModels };
    console.log(`[eval] loading MI-GAN and CLIP from ${host}`);
    migan = await loadModel('migan', options);
    clip = await loadModel('clip', options);
    for (const m of [migan, clip]) if (m.fallbackReason) console.log(`[eval] ${m.name} runs on ${m.backend}: ${m.fallbackReason}`);

    mkdirSync(opts.out, { recursive: true });
    const results: CaseResult[] = [];
    for (const c of cases) {
      const box = maskBoundingBox(c.mask);
      if (!box) throw new Error(`${c.name}: empty mask`);
      const rect = regionSquare(box, c.image.width, c.image.height);
      const before = await score(clip, c.image, c, rect);
      const started = performance.now();
      const filled = await miganFill(migan, c.image, c.mask);
      const fillMs = performance.now() - started;
      const after = await score(clip, filled.image, c, rect);
      const safe = c.name.replace(/[^\w.-]+/g, '_');
      const images = { before: `${safe}-before.png`, after: `${safe}-after.png`, mask: `${safe}-mask.png` };
      writeFileSync(path.join(opts.out, images.before), encodePng(c.image));
      writeFileSync(path.join(opts.out, images.after), encodePng(filled.image));
      writeFileSync(path.join(opts.out, images.mask), maskPng(c));
      const result: CaseResult = {
        name: c.name,
        prompt: c.prompt,
        region_prompt: c.region,
        width: c.image.width,
        height: c.image.height,
        mask_pixels: c.mask.data.reduce((n, v) => n + (v > 0 ? 1 : 0), 0),
        region_rect: { x: r2(rect.x), y: r2(rect.y), width: r2(rect.width), height: r2(rect.height) },
        before,
        after,
        gain: { global: after.global - before.global, region: after.region - before.region },
        fill_model_ms: r2(filled.modelMs),
        fill_ms: r2(fillMs),
        images,
      };
      results.push(result);
      console.log(`[eval] ${c.name}: global ${before.global.toFixed(2)} → ${after.global.toFixed(2)}, region ${before.region.toFixed(2)} → ${after.region.toFixed(2)}`);
    }
    const mean: Scores = {
      global: results.reduce((s, r) => s + r.gain.global, 0) / results.length,
      region: results.reduce((s, r) => s + r.gain.region, 0) / results.length,
    };
    const table = markdown(results, mean, note);
    writeFileSync(path.join(opts.out, 'results.md'), table);
    writeFileSync(
      path.join(opts.out, 'results.json'),
      `${JSON.stringify(
        {
          cases: results,
          mean_gain: mean,
          score: '100·max(cos, 0) (torchmetrics); region = regionSquare(maskBoundingBox(mask)) vs region.txt',
          models: { host, test_models: testModels, migan: { repo: registry.migan.repo, revision: registry.migan.revision, backend: migan.backend }, clip: { repo: registry.clip.repo, revision: registry.clip.revision, backend: clip.backend } },
          note,
          cases_dir: opts.cases,
          date: new Date().toISOString(),
        },
        null,
        2,
      )}\n`,
    );
    writeFileSync(path.join(opts.out, 'index.html'), html(results, mean, modelsLine, note));
    console.log('');
    console.log(table);
    console.log(`wrote ${path.relative(process.cwd(), opts.out) || '.'}/{results.json,results.md,index.html} and ${results.length * 3} PNGs`);
  } finally {
    if (migan) await releaseModel(migan);
    if (clip) await releaseModel(clip);
    await hub?.close();
  }
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(`[eval] ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  },
);
