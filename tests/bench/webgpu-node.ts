/**
 * Real-GPU timings and fp16 checks outside the browser, for a machine that has a GPU but no
 * Chromium: onnxruntime-web's own WebGPU build (the one the extension ships) on Dawn (Chromium's
 * WebGPU implementation, as the `webgpu` npm package's Node addon), over the full-size stand-ins
 * (tests/models/full-size: the real architectures and file sizes with random weights).
 *
 * Not part of `npm test` or `npm run bench` (no GPU there). On a GPU machine:
 *   npm install --no-save webgpu@0.6.2
 *   npx tsx tests/bench/webgpu-node.ts --generate --dir tests/.models-full-size --out webgpu.json
 *   python3 tests/bench/fp16_convert.py tests/.models-full-size   # fp16 copies of the SD stand-ins
 *   npx tsx tests/bench/webgpu-node.ts --dir tests/.models-full-size --out webgpu.json
 * (`--ort DIR` loads ort.webgpu.mjs from another folder; `--stages a,b` picks stages.)
 *
 * Each stage reports its adapter, session creation, first and warm run times, and whether every
 * output is finite; fp16 stages also report their largest deviation from the fp32 stand-in run on
 * the same inputs (same random weights, converted by fp16_convert.py).
 */
import { mkdirSync, readFileSync, existsSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type * as Ort from 'onnxruntime-web';
import { padTokens } from '../../models/clip/processor.ts';
import { fromFloat16, toFloat16 } from '../../utils/float16.ts';
import { seededRandom } from '../../utils/diffusion/random.ts';
import { SD_FULL_SIZE_FILES, SD_FULL_SIZE_REPO, generateSdFullSizeModels } from '../models/full-size/generate-sd.ts';
import { generateFullSizeModels } from '../models/full-size/generate.ts';
import { MIGAN_FILE, MIGAN_REPO } from '../models/semantics.ts';

/** Where fp16_convert.py writes the fp16 copies of the SD stand-ins (same layout). */
const SD_FP16_REPO = 'stand-ins/sd15-inpainting-fp16';

interface Args {
  dir: string;
  out: string | undefined;
  ort: string | undefined;
  runs: number;
  latent: number;
  generate: boolean;
  /** One stage per process: a failed WebGPU session creation leaves ORT unable to create another. */
  stage: string | undefined;
  ep: 'webgpu' | 'wasm';
  /** Dawn's flags, e.g. `backend=null` to check the plumbing on a machine without a usable adapter. */
  dawn: string[];
  /** The `webgpu` package's folder, where it is not installed in node_modules. */
  webgpu: string | undefined;
}

function parseArgs(argv: readonly string[]): Args {
  const value = (name: string): string | undefined => {
    const i = argv.indexOf(`--${name}`);
    return i >= 0 ? argv[i + 1] : undefined;
  };
  return {
    dir: resolve(value('dir') ?? 'tests/.models-full-size'),
    out: value('out'),
    ort: value('ort'),
    runs: Number(value('runs') ?? 3),
    latent: Number(value('latent') ?? 64),
    generate: argv.includes('--generate'),
    stage: value('stage'),
    ep: value('ep') === 'wasm' ? 'wasm' : 'webgpu',
    dawn: value('dawn')?.split(',') ?? [],
    webgpu: value('webgpu'),
  };
}

interface GpuModule {
  create(flags: string[]): GPU;
  globals: Record<string, unknown>;
}

/** Dawn as `navigator.gpu`, so ORT's WebGPU backend finds it as it would in a browser. */
async function installDawn(flags: string[], folder: string | undefined): Promise<GPUAdapter> {
  // A variable specifier: `webgpu` is installed only where this runs (see the header).
  const specifier = folder ? pathToFileURL(join(resolve(folder), 'index.js')).href : 'webgpu';
  const dawn = (await import(specifier)) as GpuModule;
  Object.assign(globalThis, dawn.globals);
  const gpu = dawn.create(flags);
  Object.defineProperty(globalThis, 'navigator', { value: { gpu, hardwareConcurrency: 16, userAgent: 'node' }, configurable: true });
  const adapter = await gpu.requestAdapter({ powerPreference: 'high-performance' });
  if (!adapter) throw new Error('Dawn found no GPU adapter (is a Vulkan driver installed?)');
  return adapter;
}

async function loadOrt(dir: string | undefined): Promise<typeof Ort> {
  const url = dir ? pathToFileURL(join(resolve(dir), 'ort.webgpu.mjs')).href : 'onnxruntime-web/webgpu';
  const ort = (await import(url)) as typeof Ort;
  if (dir) ort.env.wasm.wasmPaths = pathToFileURL(`${resolve(dir)}/`).href;
  ort.env.wasm.numThreads = 1;
  ort.env.logLevel = 'error';
  return ort;
}

interface StageResult {
  stage: string;
  ok: boolean;
  error?: string;
  createMs?: number;
  firstMs?: number;
  warmMs?: number[];
  medianMs?: number;
  finite?: boolean;
  /** fp16 only: max |fp16 − fp32| over the output, and that over max |fp32|. */
  maxAbsDiff?: number;
  relDiff?: number;
  notes?: string;
}

const median = (xs: readonly number[]): number => [...xs].sort((a, b) => a - b)[xs.length >> 1] ?? NaN;

function allFinite(data: ArrayLike<number>): boolean {
  for (let i = 0; i < data.length; i++) if (!Number.isFinite(data[i]!)) return false;
  return true;
}

/** Output values as numbers (ORT hands float16 outputs back as their bits). */
function toNumbers(tensor: Ort.Tensor): Float32Array {
  return tensor.data instanceof Uint16Array && tensor.type === 'float16' ? fromFloat16(tensor.data) : Float32Array.from(tensor.data as ArrayLike<number>);
}

interface Component {
  stage: string;
  file: string;
  externalData?: string;
  feeds: (ort: typeof Ort) => Record<string, Ort.Tensor>;
  output: string;
}

function sdComponents(latent: number, repo: string, label: string): Component[] {
  const random = seededRandom(7);
  const side = latent * 8;
  const ids = new BigInt64Array(2 * 77);
  // Token ids of a real prompt are not needed for timing: BOS, a few words, EOS, padding.
  ids.set(padTokens([49406, 320, 2866, 8170, 2473, 49407], 49407).ids, 77);
  ids.set(padTokens([49406, 49407], 49407).ids, 0);
  const image = random.normals(3 * side * side).map((v) => Math.max(-1, Math.min(1, v * 0.5)));
  const unetSample = random.normals(2 * 9 * latent * latent);
  const context = random.normals(2 * 77 * 768);
  const latents = random.normals(4 * latent * latent).map((v) => v * 0.18215 * 4);
  const at = (path: string) => `${repo}/${path}`;
  return [
    { stage: `sd.text_encoder.${label}`, file: at(SD_FULL_SIZE_FILES.textEncoder), output: 'last_hidden_state', feeds: (ort) => ({ input_ids: new ort.Tensor('int64', ids, [2, 77]) }) },
    { stage: `sd.vae_encoder.${label}`, file: at(SD_FULL_SIZE_FILES.vaeEncoder), output: 'latent_sample', feeds: (ort) => ({ sample: new ort.Tensor('float32', image, [1, 3, side, side]) }) },
    {
      stage: `sd.unet_step.${label}`,
      file: at(SD_FULL_SIZE_FILES.unet),
      externalData: at(SD_FULL_SIZE_FILES.unetData),
      output: 'out_sample',
      feeds: (ort) => ({
        sample: new ort.Tensor('float32', unetSample, [2, 9, latent, latent]),
        timestep: new ort.Tensor('int64', BigInt64Array.of(901n), [1]),
        encoder_hidden_states: new ort.Tensor('float32', context, [2, 77, 768]),
      }),
    },
    { stage: `sd.vae_decoder.${label}`, file: at(SD_FULL_SIZE_FILES.vaeDecoder), output: 'sample', feeds: (ort) => ({ latent_sample: new ort.Tensor('float32', latents, [1, 4, latent, latent]) }) },
  ];
}

function miganComponent(): Component {
  const side = 512;
  const random = seededRandom(11);
  const image = new Uint8Array(3 * side * side).map(() => Math.floor(random.uniform() * 256));
  const mask = new Uint8Array(side * side).map((_, i) => ((i % side) > 160 && (i % side) < 352 && i / side > 160 && i / side < 352 ? 0 : 255));
  return {
    stage: 'migan.fill.fp32',
    file: `${MIGAN_REPO}/${MIGAN_FILE}`,
    output: 'result',
    feeds: (ort) => ({ image: new ort.Tensor('uint8', image, [1, 3, side, side]), mask: new ort.Tensor('uint8', mask, [1, 1, side, side]) }),
  };
}

async function runComponent(ort: typeof Ort, args: Args, c: Component): Promise<StageResult> {
  const path = join(args.dir, c.file);
  if (!existsSync(path)) return { stage: c.stage, ok: false, error: `missing ${c.file}` };
  let session: Ort.InferenceSession | undefined;
  try {
    const bytes = readFileSync(path);
    const external = c.externalData ? [{ path: 'model.onnx_data', data: readFileSync(join(args.dir, c.externalData)) }] : undefined;
    let t = performance.now();
    session = await ort.InferenceSession.create(bytes, { executionProviders: [args.ep], graphOptimizationLevel: 'all', logSeverityLevel: 3, ...(external ? { externalData: external } : {}) });
    const createMs = performance.now() - t;
    // Feed each input as the session declares it (an fp16 export may take float16 inputs).
    const given = c.feeds(ort);
    const feeds = { ...given };
    for (const meta of session.inputMetadata) {
      const feed = feeds[meta.name];
      if (meta.isTensor && meta.type === 'float16' && feed && feed.type === 'float32') {
        feeds[meta.name] = new ort.Tensor('float16', toFloat16(feed.data as Float32Array), feed.dims);
      }
    }
    t = performance.now();
    let outputs = await session.run(feeds);
    const firstMs = performance.now() - t;
    const warmMs: number[] = [];
    for (let i = 0; i < args.runs; i++) {
      t = performance.now();
      outputs = await session.run(feeds);
      warmMs.push(performance.now() - t);
    }
    const out = outputs[c.output] ?? outputs[session.outputNames[0]!];
    if (!out) throw new Error(`no output ${c.output}`);
    const values = toNumbers(out);
    const result: StageResult = { stage: c.stage, ok: true, createMs, firstMs, warmMs, medianMs: median(warmMs), finite: allFinite(values) };
    if (c.stage === 'sd.unet_step.fp16') {
      // The fp32 UNet (3.4 GB) does not fit ORT-web's 4 GB wasm32 heap beside its graph, so its
      // reference comes from ORT's CPU build: fp16_convert.py --compare reads these files.
      const dump = join(args.dir, 'check');
      mkdirSync(dump, { recursive: true });
      for (const name of ['sample', 'encoder_hidden_states']) writeFileSync(join(dump, `${name}.f32`), given[name]!.data as Float32Array);
      writeFileSync(join(dump, 'out_sample.fp16.f32'), values);
    }
    // The fp32 run leaves its output for the fp16 run of the same component (another process).
    const refPath = join(args.dir, 'check', `${c.stage.replace(/\.(fp16|fp32)$/, '')}.f32`);
    if (c.stage.endsWith('.fp32')) {
      mkdirSync(join(args.dir, 'check'), { recursive: true });
      writeFileSync(refPath, values);
    }
    const ref = c.stage.endsWith('.fp16') && existsSync(refPath) ? new Float32Array(readFileSync(refPath).buffer.slice(0)) : undefined;
    if (c.stage.endsWith('.fp16') && ref && ref.length === values.length) {
      let maxAbs = 0;
      let maxRef = 0;
      for (let i = 0; i < values.length; i++) {
        maxAbs = Math.max(maxAbs, Math.abs(values[i]! - ref[i]!));
        maxRef = Math.max(maxRef, Math.abs(ref[i]!));
      }
      result.maxAbsDiff = maxAbs;
      result.relDiff = maxAbs / (maxRef || 1);
    }
    return result;
  } catch (error) {
    return { stage: c.stage, ok: false, error: String(error instanceof Error ? error.message : error).slice(0, 500) };
  } finally {
    await session?.release();
  }
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(1));
  const report: Record<string, unknown> = { started: new Date().toISOString(), latent: args.latent, runs: args.runs };
  const write = () => {
    if (!args.out) return;
    mkdirSync(resolve(args.out, '..'), { recursive: true });
    writeFileSync(args.out, `${JSON.stringify(report, null, 2)}\n`);
  };
  if (args.generate) {
    const t = performance.now();
    await generateFullSizeModels(args.dir);
    await generateSdFullSizeModels(args.dir, console.log);
    report.generateMs = Math.round(performance.now() - t);
    console.log(`stand-ins generated in ${report.generateMs} ms`);
    write();
    return;
  }
  if (args.ep === 'webgpu') {
    const adapter = await installDawn(args.dawn, args.webgpu);
    report.adapter = { vendor: adapter.info.vendor, architecture: adapter.info.architecture, device: adapter.info.device, description: adapter.info.description, features: [...adapter.features].sort(), maxBufferSize: adapter.limits.maxBufferSize, maxStorageBufferBindingSize: adapter.limits.maxStorageBufferBindingSize };
    console.log('adapter', JSON.stringify(report.adapter));
  }
  const ort = await loadOrt(args.ort);
  report.ort = ort.env.versions;
  const fp32 = sdComponents(args.latent, SD_FULL_SIZE_REPO, 'fp32');
  const fp16 = sdComponents(args.latent, SD_FP16_REPO, 'fp16');
  const components = [miganComponent(), ...fp32.flatMap((c, i) => [c, fp16[i]!])];
  if (!args.stage) {
    console.log(`stages (run each with --stage, fp32 before fp16): ${components.map((c) => c.stage).join(' ')}`);
    return;
  }
  const component = components.find((c) => c.stage === args.stage);
  if (!component) throw new Error(`no stage ${args.stage}`);
  const r = await runComponent(ort, args, component);
  report.result = r;
  console.log(
    r.ok
      ? `${r.stage.padEnd(26)} create ${r.createMs!.toFixed(0)} ms, first ${r.firstMs!.toFixed(1)} ms, warm median ${r.medianMs!.toFixed(1)} ms, finite ${r.finite}${r.relDiff === undefined ? '' : `, fp16 vs fp32 max |Δ| ${r.maxAbsDiff!.toPrecision(3)} (${(r.relDiff * 100).toFixed(2)} % of max)`}`
      : `${r.stage.padEnd(26)} FAILED: ${r.error}`,
  );
  write();
}

await main();
