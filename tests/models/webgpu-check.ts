/**
 * Manual check (not part of the unit tests, ~1 min): runs every generated test model in real
 * Chromium with onnxruntime-web on BOTH the WebGPU and the wasm execution providers and compares
 * the outputs. Without a GPU, Chromium's SwiftShader adapter provides WebGPU.
 *
 *   npx tsx tests/models/webgpu-check.ts            (CHROMIUM_PATH overrides /usr/bin/chromium)
 *
 * Prints, per model: both run times (first run, which compiles shaders, and a second run), the max |wasm − webgpu| per output, and the nodes ORT placed
 * on the CPU instead of WebGPU. Exits 1 if an output differs by more than 1e-4.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { generateTestModels } from './generate.ts';
import { CLIP_REPO, MIGAN_FILE, MIGAN_REPO, SAM_REPO } from './semantics.ts';

const ortDist = fileURLToPath(new URL('../../node_modules/onnxruntime-web/dist/', import.meta.url));
const contentTypes: Record<string, string> = { mjs: 'text/javascript', wasm: 'application/wasm' };

// Browser-side code, as plain JS text (functions transpiled by tsx cannot be passed to the page).
const pageScript = `(async () => {
  const ort = await import('/ort/ort.webgpu.min.mjs');
  ort.env.wasm.numThreads = 1;
  ort.env.wasm.wasmPaths = '/ort/';
  const report = {};
  const run = async (name, file, feeds) => {
    const outs = {};
    const entry = {};
    for (const ep of ['wasm', 'webgpu']) {
      try {
        console.log('### session ' + name + ' [' + ep + ']');
        const bytes = new Uint8Array(await (await fetch('/models/' + file)).arrayBuffer());
        const s = await ort.InferenceSession.create(bytes, {
          executionProviders: [ep], logSeverityLevel: ep === 'webgpu' ? 0 : 3, logVerbosityLevel: 0,
        });
        let t0 = performance.now();
        outs[ep] = await s.run(feeds());
        entry[ep + '_first_ms'] = Math.round(performance.now() - t0);
        t0 = performance.now();
        await s.run(feeds());
        entry[ep + '_ms'] = Math.round(performance.now() - t0);
        await s.release();
      } catch (e) {
        entry[ep + '_error'] = String(e).slice(0, 400);
      }
    }
    if (outs.wasm && outs.webgpu) {
      for (const k of Object.keys(outs.wasm)) {
        const a = outs.wasm[k].data, b = outs.webgpu[k].data;
        let d = a.length === b.length ? 0 : Infinity;
        for (let i = 0; i < a.length; i++) d = Math.max(d, Math.abs(Number(a[i]) - Number(b[i])));
        entry['maxdiff_' + k] = d;
      }
    }
    report[name] = entry;
    return outs.wasm;
  };

  const S = 1024, mean = [0.485, 0.456, 0.406], std = [0.229, 0.224, 0.225];
  const px = new Float32Array(3 * S * S);
  for (let y = 0; y < 768; y++) for (let x = 0; x < S; x++) {
    const red = (x >= 133 && x < 433 && y >= 171 && y < 371) || (x >= 651 && x < 901 && y >= 500 && y < 700);
    const c = red ? [1, 0, 0] : [0, 0, 1];
    for (let k = 0; k < 3; k++) px[k * S * S + y * S + x] = (c[k] - mean[k]) / std[k];
  }
  const enc = await run('sam vision_encoder', '${SAM_REPO}/onnx/vision_encoder.onnx',
    () => ({ pixel_values: new ort.Tensor('float32', px, [1, 3, S, S]) }));
  if (enc) await run('sam prompt_encoder_mask_decoder', '${SAM_REPO}/onnx/prompt_encoder_mask_decoder.onnx', () => ({
    image_embeddings: new ort.Tensor('float32', enc.image_embeddings.data, [1, 256, 64, 64]),
    image_positional_embeddings: new ort.Tensor('float32', enc.image_positional_embeddings.data, [1, 256, 64, 64]),
    input_points: new ort.Tensor('float32', Float32Array.from([283, 271, 776, 600, 5, 5]), [1, 1, 3, 2]),
    input_labels: new ort.Tensor('int64', BigInt64Array.from([1n, 0n, -10n]), [1, 1, 3]),
  }));
  await run('clip text_model', '${CLIP_REPO}/onnx/text_model.onnx', () => ({
    input_ids: new ort.Tensor('int64', BigInt64Array.from([0n, 300n, 512n, 520n, 0n, 1n, 2n, 530n, 0n, 0n]), [2, 5]),
    attention_mask: new ort.Tensor('int64', BigInt64Array.from([1n, 1n, 1n, 1n, 0n, 1n, 1n, 1n, 0n, 0n]), [2, 5]),
  }));
  const cp = new Float32Array(2 * 3 * 224 * 224);
  for (let i = 0; i < cp.length; i++) cp[i] = Math.sin(i * 0.001) * 1.5;
  await run('clip vision_model', '${CLIP_REPO}/onnx/vision_model.onnx',
    () => ({ pixel_values: new ort.Tensor('float32', cp, [2, 3, 224, 224]) }));
  const W = 333, H = 250, im = new Uint8Array(3 * W * H), mk = new Uint8Array(W * H);
  for (let i = 0; i < W * H; i++) {
    const x = i % W, y = Math.floor(i / W);
    im[i] = x < 160 ? 200 : 10; im[W * H + i] = (x * 7) & 255; im[2 * W * H + i] = y;
    mk[i] = x > 100 && x < 260 && y > 60 && y < 200 ? 0 : 255;
  }
  await run('migan', '${MIGAN_REPO}/${MIGAN_FILE}', () => ({
    image: new ort.Tensor('uint8', im, [1, 3, H, W]), mask: new ort.Tensor('uint8', mk, [1, 1, H, W]),
  }));
  return report;
})()`;

const outDir = await mkdtemp(join(tmpdir(), 'inpaint-webgpu-check-'));
await generateTestModels(outDir);
const server = http.createServer((req, res) => {
  const url = decodeURIComponent(req.url ?? '/');
  const file = url.startsWith('/ort/')
    ? join(ortDist, url.slice(5))
    : url.startsWith('/models/')
      ? join(outDir, url.slice(8))
      : null;
  if (!file) {
    res.setHeader('content-type', 'text/html');
    res.end('<!doctype html><title>webgpu check</title>');
    return;
  }
  readFile(file).then(
    (bytes) => {
      res.setHeader('content-type', contentTypes[file.split('.').pop() ?? ''] ?? 'application/octet-stream');
      res.end(bytes);
    },
    () => {
      res.statusCode = 404;
      res.end();
    },
  );
});
await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
const { port } = server.address() as AddressInfo;

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
  args: ['--enable-unsafe-webgpu', '--enable-unsafe-swiftshader', '--use-angle=swiftshader'],
});
let failed = false;
try {
  const page = await browser.newPage();
  const logs: string[] = [];
  page.on('console', (m) => logs.push(m.text()));
  await page.goto(`http://127.0.0.1:${port}/`);
  const adapter = await page.evaluate(
    'navigator.gpu ? navigator.gpu.requestAdapter().then((a) => a ? a.info.vendor + " " + a.info.description : "none") : "no navigator.gpu"',
  );
  console.log(`WebGPU adapter: ${String(adapter)}`);
  const report = (await page.evaluate(pageScript)) as Record<string, Record<string, number | string>>;

  // Node placements: ORT logs them per session at verbose level.
  let current = '';
  let onCpu = false;
  const cpuNodes = new Map<string, string[]>();
  for (const line of logs) {
    if (line.startsWith('### session ')) current = line.slice(12);
    else if (line.includes('placed on [CPUExecutionProvider]')) onCpu = true;
    else if (line.includes('placed on [')) onCpu = false;
    else if (onCpu && /VerifyEachNodeIsAssignedToAnEp\]\s{3}/.test(line)) {
      const list = cpuNodes.get(current) ?? [];
      list.push(line.replace(/.*VerifyEachNodeIsAssignedToAnEp\]\s+/, ''));
      cpuNodes.set(current, list);
    }
  }
  for (const [name, entry] of Object.entries(report)) {
    console.log(name, JSON.stringify(entry));
    for (const [k, v] of Object.entries(entry)) {
      if (k.endsWith('_error') || (k.startsWith('maxdiff_') && !((v as number) <= 1e-4))) failed = true;
    }
  }
  for (const [name, nodes] of cpuNodes) console.log(`${name}: on CPU: ${nodes.join(', ')}`);
} finally {
  await browser.close();
  server.close();
  await rm(outDir, { recursive: true, force: true });
}
console.log(failed ? 'FAILED' : 'OK: WebGPU and wasm agree on every output');
process.exit(failed ? 1 : 0);
