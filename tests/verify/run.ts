/**
 * `npm run verify:models`: checks the registry (models/registry.ts) against the real Hugging Face
 * Hub, for a machine WITH internet. It downloads the registry's models through the product's own
 * loading code (models/hub.ts `loadModel`, into a file cache) and checks:
 *
 * - the byte size of every file and dtype the registry lists, in the repo each is read from (a
 *   file's `from`), and of the local LLM's and the detector's weights (HTTP HEAD; no download),
 *   that the config files exist (optional ones: reported when absent), and whether each revision
 *   is pinned (else the commit the Hub serves now, to pin);
 * - the SD models' and the transformers.js models' sessions are not loaded or run (only sizes,
 *   configs and revisions above): their input names and dtypes are unverified;
 * - that the configs match what our processors assume: SAM's and CLIP's preprocessor_config.json
 *   (sizes, padding, rescale, mean/std: compared with the constants the processors actually apply),
 *   CLIP's tokenizer (known ids, padding token, max length);
 * - the ONNX sessions' input/output names, and each adapter end to end on built-in images with
 *   known answers: a click on a red disc on white gives a disc-shaped mask (IoU ≥ 0.8); CLIP
 *   prefers "a red disc" to "a blue square"; MI-GAN fills a hole in a flat colour with that colour.
 *
 *   npx tsx tests/verify/run.ts [--host https://huggingface.co] [--cache DIR]
 *
 * With CI=true it prints one line and exits 0 (CI has no business downloading ~400 MB). When the
 * host cannot be reached within 10 s it prints one line and exits 1.
 */
import * as ort from 'onnxruntime-web';
import { clipTokenizer } from '../../models/clip/runner.ts';
import { clipPixelValues, CLIP_INPUT_SIZE, CLIP_MAX_TOKENS, regionSquare } from '../../models/clip/processor.ts';
import { loadModel, releaseModel, type LoadedModel } from '../../models/hub.ts';
import { lamaFill } from '../../models/lama/runner.ts';
import { LAMA_SIZE, lamaImageTensor, lamaMaskTensor } from '../../models/lama/processor.ts';
import { clipScores, miganFill } from '../harness/model-calls.ts';
import { DETECTOR_DTYPE_SUFFIX, LLM_DTYPE_SUFFIX, LOCAL_LLM, registry, resolveUrl, TEXT_DETECTOR, weightPath, type Dtype, type ModelName, type RegistryEntry } from '../../models/registry.ts';
import { samDecode, samEncode } from '../../models/sam/runner.ts';
import { samPixelValues, SAM_INPUT_SIZE } from '../../models/sam/processor.ts';
import type { Mask, RGBAImage } from '../../utils/image/types.ts';
import { iou } from '../harness/scenes.ts';
import { defaultCacheDir, fileModelCache } from './file-cache.ts';

const USAGE = 'usage: npx tsx tests/verify/run.ts [--host https://huggingface.co] [--cache DIR]';
const REACH_TIMEOUT_MS = 10_000;

if (process.env.CI === 'true') {
  console.log('verify:models: skipped in CI (CI=true): it downloads ~400 MB of real models from huggingface.co; run `npm run verify:models` on a machine with internet access.');
  process.exit(0);
}

// ---------------------------------------------------------------------------------------------
// Reporting

type Status = 'ok' | 'warn' | 'fail';
const tally: Record<Status, number> = { ok: 0, warn: 0, fail: 0 };
const MARK: Record<Status, string> = { ok: '✓', warn: '!', fail: '✗' };

/** Thrown by a check that passes with a caveat (e.g. an unpinned revision). */
class Caveat extends Error {}

function report(status: Status, name: string, detail?: string): void {
  tally[status]++;
  console.log(`${MARK[status]} ${name}${detail ? ` — ${detail}` : ''}`);
}

async function check(name: string, fn: () => Promise<string | void> | string | void): Promise<void> {
  try {
    report('ok', name, (await fn()) ?? undefined);
  } catch (error) {
    report(error instanceof Caveat ? 'warn' : 'fail', name, error instanceof Error ? error.message : String(error));
  }
}

function expect(condition: unknown, message: string): asserts condition {
  if (!condition) throw new Error(message);
}

// ---------------------------------------------------------------------------------------------
// Arguments and reachability

function parseArgs(argv: string[]): { host: string; cache: string } {
  const opts = { host: 'https://huggingface.co', cache: defaultCacheDir() };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    const eq = arg.indexOf('=');
    const key = eq > 0 ? arg.slice(0, eq) : arg;
    const value = () => (eq > 0 ? arg.slice(eq + 1) : argv[++i]);
    if (key === '--host') opts.host = (value() ?? '').replace(/\/+$/, '');
    else if (key === '--cache') opts.cache = value() ?? '';
    else if (key === '--help' || key === '-h') {
      console.log(USAGE);
      process.exit(0);
    } else {
      console.error(`verify:models: unknown argument ${arg}\n${USAGE}`);
      process.exit(2);
    }
  }
  if (!opts.host || !opts.cache) {
    console.error(`verify:models: --host and --cache need a value\n${USAGE}`);
    process.exit(2);
  }
  return opts;
}

/** Why a fetch failed, in a few words (undici hides the reason in `cause`). */
function reason(error: unknown): string {
  if (error instanceof Error && (error.name === 'TimeoutError' || error.name === 'AbortError')) return `no answer within ${REACH_TIMEOUT_MS / 1000} s`;
  const cause = error instanceof Error ? (error.cause as { code?: string; message?: string } | undefined) : undefined;
  if (cause?.message) return cause.message;
  if (cause?.code) return cause.code;
  return error instanceof Error ? error.message : String(error);
}

async function ensureReachable(host: string): Promise<void> {
  const entry = registry.sam;
  const url = resolveUrl(host, entry.repo, entry.revision, entry.configFiles[0]);
  try {
    await fetch(url, { method: 'HEAD', redirect: 'manual', signal: AbortSignal.timeout(REACH_TIMEOUT_MS) });
  } catch (error) {
    console.error(`verify:models: cannot reach ${host} (${reason(error)}); it needs internet access to download the real models — nothing was checked.`);
    process.exit(1);
  }
}

// ---------------------------------------------------------------------------------------------
// Registry facts over HTTP

interface RemoteFile {
  status: number;
  bytes?: number;
  commit?: string;
}

/** HEAD of a resolve URL: the Hub answers LFS files with a redirect carrying `x-linked-size`. */
async function remoteFile(url: string): Promise<RemoteFile> {
  const head = (u: string | URL) => fetch(u, { method: 'HEAD', redirect: 'manual', signal: AbortSignal.timeout(30_000) });
  let res = await head(url);
  const commit = res.headers.get('x-repo-commit') ?? undefined;
  for (let hops = 0; ; hops++) {
    const linked = res.headers.get('x-linked-size');
    if (linked) return { status: 200, bytes: Number(linked), commit };
    const location = res.headers.get('location');
    if (res.status < 300 || res.status >= 400 || !location || hops >= 5) break;
    res = await head(new URL(location, url));
  }
  const length = res.headers.get('content-length');
  return { status: res.status, bytes: length ? Number(length) : undefined, commit };
}

/** Exact match, or a registry figure rounded to 0.1 MB (as the registry marks some) within 0.6 %. */
function compareSize(expected: number, actual: number): 'exact' | 'rounded' | 'mismatch' {
  if (expected === actual) return 'exact';
  if (expected % 100_000 === 0 && Math.abs(actual - expected) <= expected * 0.006) return 'rounded';
  return 'mismatch';
}

/** What one repo's check covers: its configs and every weight file per dtype, each in the repo it is read from. */
interface Listing {
  name: string;
  repo: string;
  revision: string;
  configFiles: readonly string[];
  optionalConfigFiles: readonly string[];
  weights: { label: string; repo: string; revision: string; path: string; bytes: number }[];
}

/** The registry's entries and the two models transformers.js loads (the local LLM, the detector). */
function listings(): Listing[] {
  const fromRegistry = (Object.entries(registry) as [ModelName, RegistryEntry][]).map(([name, entry]): Listing => ({
    name,
    repo: entry.repo,
    revision: entry.revision,
    configFiles: entry.configFiles,
    optionalConfigFiles: entry.optionalConfigFiles ?? [],
    weights: Object.entries(entry.files).flatMap(([key, file]) =>
      (Object.entries(file.bytes) as [Dtype, number][]).map(([dtype, bytes]) => ({
        label: `${key}, ${dtype}`,
        repo: file.from?.repo ?? entry.repo,
        revision: file.from?.revision ?? entry.revision,
        path: weightPath(file, dtype),
        bytes,
      })),
    ),
  }));
  const transformersJs = ([['llm', LOCAL_LLM, LLM_DTYPE_SUFFIX], ['detector', TEXT_DETECTOR, DETECTOR_DTYPE_SUFFIX]] as const).map(([name, entry, suffixes]): Listing => ({
    name,
    repo: entry.repo,
    revision: entry.revision,
    configFiles: entry.configFiles,
    optionalConfigFiles: [],
    weights: Object.entries(entry.bytes).map(([dtype, bytes]) => ({
      label: dtype,
      repo: entry.repo,
      revision: entry.revision,
      path: `onnx/model${(suffixes as Record<string, string>)[dtype]}.onnx`,
      bytes,
    })),
  }));
  return [...fromRegistry, ...transformersJs];
}

async function checkRegistryFiles(host: string): Promise<void> {
  for (const { name, repo, revision, configFiles, optionalConfigFiles, weights } of listings()) {
    let commit: string | undefined;
    for (const path of configFiles) {
      await check(`${name}: ${repo}/${path} exists`, async () => {
        const remote = await remoteFile(resolveUrl(host, repo, revision, path));
        commit ??= remote.commit;
        expect(remote.status === 200, `HTTP ${remote.status}`);
      });
    }
    for (const path of optionalConfigFiles) {
      await check(`${name}: ${repo}/${path} (optional)`, async () => {
        const remote = await remoteFile(resolveUrl(host, repo, revision, path));
        commit ??= remote.commit;
        if (remote.status === 404) throw new Caveat('absent: the product uses the config the model family publishes');
        expect(remote.status === 200, `HTTP ${remote.status}`);
      });
    }
    for (const weight of weights) {
      await check(`${name}: ${weight.repo}/${weight.path} (${weight.label}) has the registry's size`, async () => {
        const remote = await remoteFile(resolveUrl(host, weight.repo, weight.revision, weight.path));
        if (weight.repo === repo) commit ??= remote.commit;
        expect(remote.status === 200, `HTTP ${remote.status}`);
        expect(remote.bytes !== undefined, 'the Hub sent no size');
        const match = compareSize(weight.bytes, remote.bytes);
        expect(match !== 'mismatch', `the Hub has ${remote.bytes} B, the registry says ${weight.bytes} B`);
        if (match === 'rounded') throw new Caveat(`${remote.bytes} B; the registry's ${weight.bytes} is a rounded figure: pin the exact size`);
        return `${remote.bytes} B`;
      });
    }
    await check(`${name}: revision pinned`, () => {
      if (/^[0-9a-f]{40}$/.test(revision)) return revision;
      throw new Caveat(`revision is "${revision}"${commit ? `; the Hub serves commit ${commit} now: pin it` : ''}`);
    });
  }
}

// ---------------------------------------------------------------------------------------------
// Configs against the processors

type Json = Record<string, unknown>;

function config(model: LoadedModel, file: string): Json {
  const value = model.configs[file];
  if (typeof value !== 'object' || value === null) throw new Error(`${file} is missing or not an object`);
  return value as Json;
}

/** `size: 224`, `{shortest_edge: 224}`, `{height: 224, width: 224}` → the number for `key`. */
function sizeField(value: unknown, key: string): number | undefined {
  if (typeof value === 'number') return value;
  if (typeof value === 'object' && value !== null) {
    const v = (value as Json)[key];
    if (typeof v === 'number') return v;
  }
  return undefined;
}

/**
 * The mean/std a processor actually applies, read back from its output on uniform black and white
 * images: out = (v/255 − mean)/std per channel.
 */
function appliedNormalisation(pixelValues: (image: RGBAImage) => Float32Array, plane: number): { mean: number[]; std: number[] } {
  const uniform = (v: number): RGBAImage => ({ width: 2, height: 2, data: new Uint8ClampedArray(16).fill(v).map((x, i) => (i % 4 === 3 ? 255 : x)) });
  const black = pixelValues(uniform(0));
  const white = pixelValues(uniform(255));
  const mean: number[] = [];
  const std: number[] = [];
  for (let c = 0; c < 3; c++) {
    const s = 1 / (white[c * plane]! - black[c * plane]!);
    std.push(s);
    mean.push(-black[c * plane]! * s);
  }
  return { mean, std };
}

function closeTo(actual: readonly number[], expected: unknown, tolerance = 1e-4): boolean {
  return Array.isArray(expected) && expected.length === actual.length && actual.every((a, i) => Math.abs(a - Number(expected[i])) <= tolerance);
}

const fmt = (values: readonly number[]) => `[${values.map((v) => v.toFixed(5)).join(', ')}]`;

async function checkSamConfig(model: LoadedModel<'sam'>): Promise<void> {
  const cfg = () => config(model, 'preprocessor_config.json');
  await check('sam: preprocessor_config.json: longest edge and padding match the processor (1024, 1024×1024)', () => {
    const c = cfg();
    const longest = sizeField(c.size, 'longest_edge');
    expect(longest === SAM_INPUT_SIZE, `size.longest_edge is ${JSON.stringify(c.size)}, the processor uses ${SAM_INPUT_SIZE}`);
    expect(c.do_pad !== false, 'do_pad is false; the processor pads');
    const pad = c.pad_size as Json | undefined;
    expect(pad === undefined || (pad.height === SAM_INPUT_SIZE && pad.width === SAM_INPUT_SIZE), `pad_size is ${JSON.stringify(pad)}`);
    return `size ${JSON.stringify(c.size)}, pad_size ${JSON.stringify(pad)}`;
  });
  await check('sam: preprocessor_config.json: rescale 1/255 and mean/std match the processor', () => {
    const c = cfg();
    expect(c.do_rescale !== false && Math.abs(Number(c.rescale_factor ?? 1 / 255) - 1 / 255) < 1e-9, `do_rescale ${String(c.do_rescale)}, rescale_factor ${String(c.rescale_factor)}`);
    expect(c.do_normalize !== false, 'do_normalize is false; the processor normalises');
    const applied = appliedNormalisation((image) => samPixelValues(image), SAM_INPUT_SIZE * SAM_INPUT_SIZE);
    expect(closeTo(applied.mean, c.image_mean), `image_mean ${JSON.stringify(c.image_mean)}, the processor applies ${fmt(applied.mean)}`);
    expect(closeTo(applied.std, c.image_std), `image_std ${JSON.stringify(c.image_std)}, the processor applies ${fmt(applied.std)}`);
    return `mean ${fmt(applied.mean)}, std ${fmt(applied.std)}`;
  });
  await check('sam: preprocessor_config.json: resampling is bilinear (resample 2), as the processor', () => {
    const c = cfg();
    if (c.resample === undefined || c.resample === 2) return `resample ${String(c.resample ?? 'unset')}`;
    throw new Caveat(`resample is ${String(c.resample)}; the processor resizes bilinearly (small differences in the embedding)`);
  });
}

async function checkClipConfig(model: LoadedModel<'clip'>): Promise<void> {
  const cfg = () => config(model, 'preprocessor_config.json');
  await check('clip: preprocessor_config.json: resize 224, centre crop 224 as the processor', () => {
    const c = cfg();
    const shortest = sizeField(c.size, 'shortest_edge');
    const crop = sizeField(c.crop_size, 'height');
    expect(shortest === CLIP_INPUT_SIZE, `size is ${JSON.stringify(c.size)}, the processor uses ${CLIP_INPUT_SIZE}`);
    expect(crop === CLIP_INPUT_SIZE && sizeField(c.crop_size, 'width') === CLIP_INPUT_SIZE, `crop_size is ${JSON.stringify(c.crop_size)}`);
    expect(c.do_center_crop !== false, 'do_center_crop is false; the processor crops the centre square');
    return `size ${JSON.stringify(c.size)}, crop_size ${JSON.stringify(c.crop_size)}, resample ${String(c.resample)}`;
  });
  await check('clip: preprocessor_config.json: rescale 1/255 and mean/std match the processor', () => {
    const c = cfg();
    expect(c.do_rescale !== false && Math.abs(Number(c.rescale_factor ?? 1 / 255) - 1 / 255) < 1e-9, `do_rescale ${String(c.do_rescale)}, rescale_factor ${String(c.rescale_factor)}`);
    const applied = appliedNormalisation((image) => clipPixelValues(image), CLIP_INPUT_SIZE * CLIP_INPUT_SIZE);
    expect(closeTo(applied.mean, c.image_mean), `image_mean ${JSON.stringify(c.image_mean)}, the processor applies ${fmt(applied.mean)}`);
    expect(closeTo(applied.std, c.image_std), `image_std ${JSON.stringify(c.image_std)}, the processor applies ${fmt(applied.std)}`);
    return `mean ${fmt(applied.mean)}, std ${fmt(applied.std)}`;
  });
  await check('clip: tokenizer: known ids, <|endoftext|> pads and is the highest id, 77 tokens', () => {
    const { tokenizer, padId } = clipTokenizer(model);
    const ids = tokenizer.encode('a photo of a cat').ids;
    const known = [49406, 320, 1125, 539, 320, 2368, 49407];
    expect(JSON.stringify(ids) === JSON.stringify(known), `"a photo of a cat" → ${JSON.stringify(ids)}, CLIP's ids are ${JSON.stringify(known)}`);
    expect(padId === 49407, `the padding id is ${padId}, not <|endoftext|> (49407): the text model pools at the highest id`);
    const vocab = ((config(model, 'tokenizer.json').model as Json | undefined)?.vocab ?? {}) as Record<string, number>;
    const added = ((config(model, 'tokenizer.json').added_tokens ?? []) as { id: number }[]).map((t) => t.id);
    const maxId = Math.max(...Object.values(vocab), ...added);
    expect(maxId === padId, `the highest token id is ${maxId}, not the padding/end token ${padId}`);
    const maxLength = config(model, 'tokenizer_config.json').model_max_length;
    expect(maxLength === undefined || maxLength === CLIP_MAX_TOKENS, `model_max_length is ${String(maxLength)}, the runner pads to ${CLIP_MAX_TOKENS}`);
    return `${JSON.stringify(ids)}, pad ${padId}, model_max_length ${String(maxLength)}`;
  });
}

// ---------------------------------------------------------------------------------------------
// Sessions and end-to-end checks on images with known answers

function checkSession(model: LoadedModel, key: string, inputs: readonly string[], allowedInputs: readonly string[], outputs: readonly string[]): Promise<void> {
  return check(`${model.name}: ${key} session inputs/outputs`, () => {
    const session = (model.sessions as Record<string, ort.InferenceSession>)[key]!;
    for (const name of inputs) expect(session.inputNames.includes(name), `no input ${name} (has ${session.inputNames.join(', ')})`);
    for (const name of session.inputNames) expect(allowedInputs.includes(name), `input ${name} is one the runner does not feed`);
    for (const name of outputs) expect(session.outputNames.includes(name), `no output ${name} (has ${session.outputNames.join(', ')})`);
    return `in ${session.inputNames.join(', ')}; out ${session.outputNames.join(', ')}`;
  });
}

const RED = [220, 30, 30] as const;
const WHITE = [255, 255, 255] as const;

/** A red disc on white: the image and the disc's exact mask (pixel centres inside). */
function redDisc(width: number, height: number, cx: number, cy: number, r: number): { image: RGBAImage; disc: Uint8Array } {
  const data = new Uint8ClampedArray(width * height * 4);
  const disc = new Uint8Array(width * height);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const p = y * width + x;
      const inside = (x + 0.5 - cx) ** 2 + (y + 0.5 - cy) ** 2 < r * r;
      disc[p] = inside ? 255 : 0;
      data.set([...(inside ? RED : WHITE), 255], 4 * p);
    }
  }
  return { image: { width, height, data }, disc };
}

async function checkSam(model: LoadedModel<'sam'>): Promise<void> {
  await checkSession(model, 'encoder', ['pixel_values'], ['pixel_values'], ['image_embeddings', 'image_positional_embeddings']);
  await checkSession(
    model,
    'decoder',
    ['image_embeddings', 'input_points', 'input_labels'],
    ['image_embeddings', 'image_positional_embeddings', 'input_points', 'input_labels'],
    ['iou_scores', 'pred_masks'],
  );
  await checkSamConfig(model);
  await check('sam: a click on a red disc on white (800×600, off-centre) gives the disc (IoU ≥ 0.8)', async () => {
    const { image, disc } = redDisc(800, 600, 520, 260, 130);
    const { embedding, modelMs } = await samEncode(model, image);
    expect(JSON.stringify(embedding.imageEmbeddings.dims) === '[1,256,64,64]', `image_embeddings dims ${JSON.stringify(embedding.imageEmbeddings.dims)}`);
    const points = [{ x: 520, y: 260, label: 1 as const }];
    const best = await samDecode(model, embedding, points);
    const ious: string[] = [];
    for (let k = 0; k < best.scores.length; k++) {
      const candidate = await samDecode(model, embedding, points, k);
      ious.push(`${k}: IoU ${iou(candidate.mask.data, disc).toFixed(3)} (score ${candidate.scores[k]!.toFixed(3)})`);
    }
    const chosen = iou(best.mask.data, disc);
    expect(chosen >= 0.8, `the chosen mask (${best.chosen}) has IoU ${chosen.toFixed(3)}; candidates ${ious.join(', ')}`);
    return `IoU ${chosen.toFixed(3)} (candidate ${best.chosen}; ${ious.join(', ')}); encoder ${modelMs.toFixed(0)} ms, decoder ${best.modelMs.toFixed(0)} ms`;
  });
}

async function checkClip(model: LoadedModel<'clip'>): Promise<void> {
  await checkSession(model, 'text', ['input_ids'], ['input_ids', 'attention_mask'], ['text_embeds']);
  await checkSession(model, 'vision', ['pixel_values'], ['pixel_values'], ['image_embeds']);
  await checkClipConfig(model);
  await check('clip: prefers "a red disc" to "a blue square" for a red disc on white', async () => {
    const { image } = redDisc(512, 512, 256, 256, 170);
    const texts = ['a red disc', 'a blue square'];
    const whole = await clipScores(model, image, texts);
    expect(whole.scores[0]! > whole.scores[1]!, `scores ${whole.scores.map((s) => s.toFixed(2)).join(' vs ')}`);
    const box = { x: 56, y: 56, width: 400, height: 400 };
    const region = await clipScores(model, image, texts, regionSquare(box, 512, 512));
    expect(region.scores[0]! > region.scores[1]!, `region scores ${region.scores.map((s) => s.toFixed(2)).join(' vs ')}`);
    return `whole image ${whole.scores.map((s) => s.toFixed(2)).join(' vs ')}, region ${region.scores.map((s) => s.toFixed(2)).join(' vs ')} (100·cos); ${whole.modelMs.toFixed(0)} ms`;
  });
}

async function checkMigan(model: LoadedModel<'migan'>): Promise<void> {
  await checkSession(model, 'pipeline', ['image', 'mask'], ['image', 'mask'], []);
  await check('migan: fills a hole in a flat colour with that colour; the rest stays exact', async () => {
    const [w, h] = [512, 512];
    const colour = [70, 130, 180] as const;
    const data = new Uint8ClampedArray(w * h * 4);
    for (let p = 0; p < w * h; p++) data.set([...colour, 255], 4 * p);
    const mask: Mask = { width: w, height: h, data: new Uint8Array(w * h) };
    for (let y = 176; y < 336; y++) for (let x = 176; x < 336; x++) mask.data[y * w + x] = 255;
    const { image, modelMs } = await miganFill(model, { width: w, height: h, data }, mask);
    let holes = 0;
    let near = 0;
    let sumDiff = 0;
    let changedOutside = 0;
    for (let p = 0; p < w * h; p++) {
      const diff = Math.max(...[0, 1, 2].map((c) => Math.abs(image.data[4 * p + c]! - colour[c]!)));
      if (mask.data[p]) {
        holes++;
        sumDiff += diff;
        if (diff <= 24) near++;
      } else if (diff !== 0) changedOutside++;
    }
    expect(changedOutside === 0, `${changedOutside} pixels outside the hole changed`);
    const meanDiff = sumDiff / holes;
    expect(meanDiff <= 10 && near / holes >= 0.95, `hole pixels differ from the colour by ${meanDiff.toFixed(1)} on average; ${((near / holes) * 100).toFixed(1)} % within 24`);
    return `mean |Δ| ${meanDiff.toFixed(1)}, ${((near / holes) * 100).toFixed(1)} % within 24; ${modelMs.toFixed(0)} ms`;
  });
}

async function checkLama(model: LoadedModel<'lama'>): Promise<void> {
  await checkSession(model, 'model', ['image', 'mask'], ['image', 'mask'], ['output']);
  const w = LAMA_SIZE;
  const colour = [70, 130, 180] as const;
  const data = new Uint8ClampedArray(w * w * 4);
  for (let p = 0; p < w * w; p++) data.set([...colour, 255], 4 * p);
  const mask: Mask = { width: w, height: w, data: new Uint8Array(w * w) };
  for (let y = 176; y < 336; y++) for (let x = 176; x < 336; x++) mask.data[y * w + x] = 255;
  await check('lama: output range is 0..255 (the registry convention; the runner also accepts 0..1)', async () => {
    const session = model.sessions.model;
    const dims = (c: number) => [1, c, w, w];
    const outputs = await session.run({ image: new ort.Tensor('float32', lamaImageTensor({ width: w, height: w, data }), dims(3)), mask: new ort.Tensor('float32', lamaMaskTensor(mask), dims(1)) });
    const values = outputs.output!.data as Float32Array;
    let max = 0;
    for (const value of values) max = Math.max(max, value);
    expect(max > 1.5, `max output ${max.toFixed(3)}: the export answers in 0..1, update the registry's conventions`);
    return `max output ${max.toFixed(1)}`;
  });
  await check('lama: fills a hole in a flat colour with that colour', async () => {
    const { image, modelMs } = await lamaFill(model, { width: w, height: w, data }, mask);
    let holes = 0;
    let sumDiff = 0;
    for (let p = 0; p < w * w; p++) {
      if (!mask.data[p]) continue;
      holes++;
      sumDiff += Math.max(...[0, 1, 2].map((c) => Math.abs(image.data[4 * p + c]! - colour[c]!)));
    }
    const meanDiff = sumDiff / holes;
    expect(meanDiff <= 12, `hole pixels differ from the colour by ${meanDiff.toFixed(1)} on average`);
    return `mean |Δ| ${meanDiff.toFixed(1)}; ${modelMs.toFixed(0)} ms`;
  });
}

// ---------------------------------------------------------------------------------------------

async function main(): Promise<void> {
  const { host, cache: cacheDir } = parseArgs(process.argv.slice(2));
  await ensureReachable(host);
  ort.env.wasm.numThreads = 1;
  console.log(`verify:models: ${host}, file cache ${cacheDir}`);

  console.log('\nRegistry files on the Hub');
  await checkRegistryFiles(host);

  const cache = fileModelCache(cacheDir);
  const announced = new Set<string>();
  const load = async <N extends ModelName>(name: N): Promise<LoadedModel<N> | undefined> => {
    console.log(`\n${name} (${registry[name].repo})`);
    try {
      const model = await loadModel(name, {
        host,
        backend: 'wasm',
        shaderF16: false,
        cache,
        onProgress: (p) => {
          if (!p.fromCache && !announced.has(p.file)) {
            announced.add(p.file);
            console.log(`  downloading ${p.file} (${(p.total / 1e6).toFixed(1)} MB)`);
          }
        },
      });
      report('ok', `${name}: loads through models/hub.ts on wasm`, model.files.map((f) => `${f.path} ${f.bytes} B${f.fromCache ? ' (cached)' : ''}`).join(', '));
      return model;
    } catch (error) {
      report('fail', `${name}: loads through models/hub.ts on wasm`, error instanceof Error ? error.message : String(error));
      return undefined;
    }
  };

  const sam = await load('sam');
  if (sam) {
    await checkSam(sam);
    await releaseModel(sam);
  }
  const clip = await load('clip');
  if (clip) {
    await checkClip(clip);
    await releaseModel(clip);
  }
  const migan = await load('migan');
  if (migan) {
    await checkMigan(migan);
    await releaseModel(migan);
  }
  const lama = await load('lama');
  if (lama) {
    await checkLama(lama);
    await releaseModel(lama);
  }

  console.log(`\nverify:models: ${tally.ok} passed, ${tally.warn} with caveats, ${tally.fail} failed`);
  process.exit(tally.fail > 0 ? 1 : 0);
}

main().catch((error: unknown) => {
  console.error(`verify:models: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
