/**
 * Manual check (not part of any test; minutes): what of the full-size SD 1.5 inpainting stand-ins
 * actually loads and runs in headless Chromium, on the WASM and the WebGPU execution providers
 * (here WebGPU is SwiftShader, a software adapter). Each file is downloaded with the product's
 * loader (models/loader.ts `fetchModelFile`, transpiled and served to the page) and opened with
 * models/hub.ts's session options (the UNet adds its external data file, which hub.ts cannot pass
 * yet). Prints the adapter's shader-f16 support and buffer limits, then per provider and component:
 * session creation time, first and second run times at the bench's latent size, or the error.
 *
 *   npx tsx tests/models/full-size/generate-sd.ts   # once (4.3 GB)
 *   flock /tmp/inpaint-browser.lock npx tsx tests/bench/diffusion-browser-check.ts [--latent=16] [--only=wasm|webgpu] [--components=text,vae_encoder,vae_decoder,unet] [--budget-s=900]
 *
 * Components run in turn, each on every provider; after --budget-s the browser is closed and what
 * finished so far is what was printed (a software WebGPU UNet run can take many minutes).
 */
import { createReadStream } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import ts from 'typescript';
import { findChromium } from '../harness/chromium.ts';
import { FULL_SIZE_MODELS_DIR } from '../models/full-size/generate.ts';
import { SD_FULL_SIZE_FILES, SD_FULL_SIZE_REPO } from '../models/full-size/generate-sd.ts';

const args = new Map(process.argv.slice(2).map((a) => a.replace(/^--/, '').split('=') as [string, string]));
const latent = Number(args.get('latent') ?? 16);
const providers = args.has('only') ? [args.get('only')] : ['wasm', 'webgpu'];
const budgetS = Number(args.get('budget-s') ?? 900);
const components = (args.get('components') ?? 'text,vae_encoder,vae_decoder,unet').split(',');

const ortDist = fileURLToPath(new URL('../../node_modules/onnxruntime-web/dist/', import.meta.url));
const loaderSource = await readFile(new URL('../../models/loader.ts', import.meta.url), 'utf8');
const loaderJs = ts.transpileModule(loaderSource, { compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022 } }).outputText;
const modelRoot = join(FULL_SIZE_MODELS_DIR, SD_FULL_SIZE_REPO);

// Browser-side code, as plain JS text (functions transpiled by tsx cannot be passed to the page).
const pageScript = `(async () => {
  const ort = await import('/ort/ort.webgpu.min.mjs');
  const { fetchModelFile } = await import('/src/loader.mjs');
  ort.env.wasm.numThreads = 1;
  ort.env.wasm.wasmPaths = '/ort/';
  const noCache = { get: async () => undefined, put: async () => {}, delete: async () => {} };
  const L = ${latent}, P = L * 8;
  const feeds = {
    text: () => ({ input_ids: new ort.Tensor('int64', new BigInt64Array(2 * 77).fill(49407n), [2, 77]) }),
    vae_encoder: () => ({ sample: new ort.Tensor('float32', new Float32Array(3 * P * P).fill(0.1), [1, 3, P, P]) }),
    vae_decoder: () => ({ latent_sample: new ort.Tensor('float32', new Float32Array(4 * L * L).fill(0.1), [1, 4, L, L]) }),
    unet: () => ({
      sample: new ort.Tensor('float32', new Float32Array(2 * 9 * L * L).fill(0.1), [2, 9, L, L]),
      timestep: new ort.Tensor('int64', BigInt64Array.of(500n), [1]),
      encoder_hidden_states: new ort.Tensor('float32', new Float32Array(2 * 77 * 768).fill(0.1), [2, 77, 768]),
    }),
  };
  const files = { text: '${SD_FULL_SIZE_FILES.textEncoder}', vae_encoder: '${SD_FULL_SIZE_FILES.vaeEncoder}', vae_decoder: '${SD_FULL_SIZE_FILES.vaeDecoder}', unet: '${SD_FULL_SIZE_FILES.unet}' };
  const report = [];
  for (const [name, file] of Object.entries(files).filter(([n]) => ${JSON.stringify(components)}.includes(n))) {
    for (const ep of ${JSON.stringify(providers)}) {
      const entry = { ep, name };
      let session;
      try {
        let t = performance.now();
        const bytes = (await fetchModelFile('/models/' + file, { cache: noCache })).bytes;
        const options = { executionProviders: [ep], graphOptimizationLevel: 'all', logSeverityLevel: 3 };
        if (name === 'unet') {
          const data = (await fetchModelFile('/models/${SD_FULL_SIZE_FILES.unetData}', { cache: noCache })).bytes;
          options.externalData = [{ path: 'model.onnx_data', data }];
        }
        entry.download_ms = Math.round(performance.now() - t);
        t = performance.now();
        session = await ort.InferenceSession.create(bytes, options);
        entry.session_ms = Math.round(performance.now() - t);
        console.log('### ' + JSON.stringify(entry));
        for (const run of ['first_ms', 'second_ms']) {
          t = performance.now();
          const out = await session.run(feeds[name]());
          entry[run] = Math.round(performance.now() - t);
          entry.finite = Object.values(out).every((o) => o.data.every(Number.isFinite));
          console.log('### ' + JSON.stringify(entry));
        }
      } catch (e) {
        entry.error = String(e).slice(0, 300);
      }
      await session?.release();
      console.log('### ' + JSON.stringify(entry));
      report.push(entry);
    }
  }
  return report;
})()`;

const server = http.createServer((req, res) => {
  const url = decodeURIComponent(req.url ?? '/');
  if (url === '/src/loader.mjs') {
    res.setHeader('content-type', 'text/javascript');
    res.end(loaderJs);
    return;
  }
  const file = url.startsWith('/ort/') ? join(ortDist, url.slice(5)) : url.startsWith('/models/') ? join(modelRoot, url.slice(8)) : null;
  if (!file) {
    res.setHeader('content-type', 'text/html');
    res.end('<!doctype html><title>diffusion check</title>');
    return;
  }
  stat(file).then(
    (s) => {
      res.setHeader('content-type', file.endsWith('.mjs') ? 'text/javascript' : file.endsWith('.wasm') ? 'application/wasm' : 'application/octet-stream');
      res.setHeader('content-length', String(s.size));
      createReadStream(file).pipe(res);
    },
    () => {
      res.statusCode = 404;
      res.end();
    },
  );
});
await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
const { port } = server.address() as AddressInfo;

const browser = await chromium.launch({ executablePath: findChromium(), args: ['--enable-unsafe-webgpu'] });
try {
  const page = await browser.newPage();
  page.on('console', (m) => {
    if (m.text().startsWith('### ')) console.log(m.text().slice(4));
  });
  page.on('crash', () => console.log('the page crashed (renderer out of memory?)'));
  await page.goto(`http://127.0.0.1:${port}/`);
  const adapter = await page.evaluate(`navigator.gpu ? navigator.gpu.requestAdapter().then((a) => a ? JSON.stringify({
    adapter: a.info.vendor + ' ' + a.info.architecture + ' ' + a.info.description,
    shaderF16: a.features.has('shader-f16'),
    maxBufferSize: a.limits.maxBufferSize,
    maxStorageBufferBindingSize: a.limits.maxStorageBufferBindingSize,
  }) : 'no adapter') : 'no navigator.gpu'`);
  console.log(`Chromium ${browser.version()}; WebGPU: ${String(adapter)}; latents ${latent}² (${latent * 8}² px)`);
  const budget = setTimeout(() => {
    console.log(`budget of ${budgetS} s spent: closing the browser (the lines above are what finished)`);
    void browser.close();
  }, budgetS * 1000);
  await page.evaluate(pageScript).then(
    () => console.log('all components done'),
    (error: unknown) => console.log(`stopped: ${String(error).slice(0, 200)}`),
  );
  clearTimeout(budget);
} finally {
  await browser.close();
  server.close();
}
