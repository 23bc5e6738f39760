import { resolve } from 'node:path';
import type { Plugin } from 'vite';
import { defineConfig } from 'wxt';

// The e2e build grants the loopback test origins up front: a headless test cannot click the
// context menu, so this host access stands in for the activeTab grant a user's click gives.
const e2e = process.env.INPAINT_E2E === '1';

// ONNX Runtime's WebAssembly, shipped inside the extension because MV3 forbids remote code; the
// offscreen document points wasmPaths at /ort/. The `webgpu` build (ORT's native WebGPU provider,
// one binary with the WASM CPU provider) is used: the older JSEP build returned wrong results on
// Chromium's software adapter for our test models, where this one matches WASM to 1e-6.
const ORT_FILES = ['ort-wasm-simd-threaded.asyncify.wasm', 'ort-wasm-simd-threaded.asyncify.mjs'];

// Firefox's id is fixed so that storage, the moz-extension UUID map in tests and AMO updates stay
// stable. 128 is the oldest ESR with MV3 host-permission prompts and `optional_host_permissions`.
const GECKO_ID = 'inpaint-biases@example.org';

/**
 * transformers.js points an unset `wasmPaths` at jsDelivr when it is first imported. Ours is set
 * before (and restored after) that import, so the branch never runs, but MV3 forbids shipping
 * remote-code URLs at all: the default becomes the extension's own /ort/ folder. A version that
 * moved the line fails the build here rather than shipping the CDN.
 */
const TRANSFORMERS_CDN_DEFAULT = /`https:\/\/cdn\.jsdelivr\.net\/npm\/onnxruntime-web@\$\{[^}]+\}\/dist\/`/;
/**
 * Product modules the e2e build replaces with test stand-ins, as [importer, import, stand-in]:
 * - the hub serves tiny test models under the real paths: their sizes are not the registry's, so
 *   that one check is swapped out (hashes the hub sends and config validation still apply);
 * - test probes (one model at a time, for e2e tests and the bench): their message schemas join
 *   the protocol's table and the inference worker serves them; the product's stand-ins add none.
 * The production build contains none of them (tests/build/production-build.test.ts).
 */
const E2E_STAND_INS: readonly (readonly [importer: string, source: string, standIn: string])[] = [
  ['/models/hub.ts', './expectations', 'tests/harness/e2e-expectations.ts'],
  ['/models/llm/local-llm.ts', '../expectations', 'tests/harness/e2e-expectations.ts'],
  ['/utils/protocol.ts', './probe-messages', 'tests/harness/probe-messages.ts'],
  ['/entrypoints/offscreen/main.ts', './probes', 'tests/harness/inference-probes.ts'],
];
const e2eStandIns: Plugin = {
  name: 'inpaint-e2e-stand-ins',
  enforce: 'pre',
  resolveId(source, importer) {
    const match = E2E_STAND_INS.find(([from, name]) => source === name && importer?.endsWith(from));
    return match ? resolve(match[2]) : undefined;
  },
};
/** The e2e build's test flags (utils/test-hooks.ts: none in the product). */
const e2eTestHooks: Plugin = {
  name: 'inpaint-e2e-test-hooks',
  enforce: 'pre',
  resolveId: (source) => (/[/@]utils\/test-hooks(\.ts)?$/.test(source) ? resolve('tests/harness/e2e-test-hooks.ts') : undefined),
};

/** Plugins of every bundle: the pages' and the inference workers'. */
const bundlePlugins = (): Plugin[] => (e2e ? [transformersWithoutCdn, e2eStandIns, e2eTestHooks] : [transformersWithoutCdn]);

const transformersWithoutCdn: Plugin = {
  name: 'transformers-without-cdn',
  transform(code, id) {
    if (!/@huggingface[/\\]transformers[/\\]dist[/\\]transformers\.web\.js$/.test(id)) return undefined;
    if (!TRANSFORMERS_CDN_DEFAULT.test(code)) throw new Error('transformers.js no longer sets its CDN wasmPaths where wxt.config.ts expects it: check it before shipping');
    return { code: code.replace(TRANSFORMERS_CDN_DEFAULT, '"/ort/"'), map: null };
  },
};

export default defineConfig({
  modules: ['@wxt-dev/module-svelte'],
  // tests/build builds the production manifest beside the e2e build, without replacing it.
  outDir: process.env.INPAINT_OUT_DIR || '.output',
  // WXT builds Firefox as MV2 unless told; the product is MV3 everywhere.
  manifestVersion: 3,
  manifest: ({ browser }) => ({
    name: 'Inpaint Biases',
    description:
      'Fix the part of an AI-generated image that came out wrong: mask it, refine the prompt, inpaint, and prove it with a CLIP score.',
    permissions: [
      'contextMenus',
      'storage',
      'unlimitedStorage',
      'activeTab',
      'scripting',
      // The page's Referer on our own image fetch (entrypoints/background/page-referer.ts); acts
      // only where the extension has host access, and asks for nothing more.
      'declarativeNetRequestWithHostAccess',
      ...(browser === 'firefox' ? [] : ['offscreen', 'sidePanel']),
    ],
    // 127.0.0.2 is the test site's second origin (cross-origin images without CORS);
    // llm.remote.test is a server "on another machine" (tests map the name to loopback);
    // 127.0.0.4 is withheld again by the production-permission e2e (chrome://extensions site access).
    host_permissions: e2e ? ['http://127.0.0.1/*', 'http://127.0.0.2/*', 'http://localhost/*', 'http://llm.remote.test/*', 'http://127.0.0.4/*'] : [],
    // API servers and image origins are asked for when the user configures or picks them.
    optional_host_permissions: ['http://*/*', 'https://*/*'],
    content_security_policy: {
      // Without 'wasm-unsafe-eval' no extension page can compile ONNX Runtime's WebAssembly.
      extension_pages: "script-src 'self' 'wasm-unsafe-eval'; object-src 'self';",
    },
    // No cross_origin_embedder_policy/opener_policy: isolation would give ONNX Runtime's WASM
    // threads (1.8× faster full-size MI-GAN on 2 cores) but made our own per-stage code 30–65 %
    // slower and broke the 16 ms click budget (README, design notes): WebGPU is the main path.
    // The overlay frame is embedded in pages; it trusts only a content script holding its nonce,
    // and every receiver checks that nonce on each of its requests. Chromium: reachable only at
    // a per-session URL (runtime.getURL gives it), so a page cannot probe the fixed URL to detect
    // the extension. Firefox has no such key; its moz-extension host is per-install already.
    web_accessible_resources: [{ resources: ['overlay.html'], matches: ['<all_urls>'], ...(browser === 'firefox' ? {} : { use_dynamic_url: true }) }],
    action: { default_title: 'Inpaint Biases: pick an image to fix' },
    commands: {
      'pick-image': {
        suggested_key: { default: 'Alt+Shift+F' },
        description: 'Pick an image on the page to fix',
      },
    },
    ...(browser === 'firefox'
      ? {
          browser_specific_settings: {
            gecko: {
              id: GECKO_ID,
              strict_min_version: '128.0',
              // AMO asks every new add-on to declare what it collects: nothing leaves the browser
              // except what the user sends to the servers they configure.
              data_collection_permissions: { required: ['none'] },
            },
          },
        }
      : {}),
  }),
  hooks: {
    'build:publicAssets': (_wxt, files) => {
      for (const name of ORT_FILES) {
        files.push({ absoluteSrc: resolve('node_modules/onnxruntime-web/dist', name), relativeDest: `ort/${name}` });
      }
    },
  },
  vite: () => ({
    plugins: bundlePlugins(),
    resolve: {
      // Code imports 'onnxruntime-web' (Node tests get its Node build); the extension gets the webgpu build.
      alias: [{ find: /^onnxruntime-web$/, replacement: 'onnxruntime-web/webgpu' }],
      // Without this condition Vite inlines ~28 MB of base64 WASM into the offscreen bundle;
      // the .wasm files ship under public/ort instead.
      conditions: ['onnxruntime-web-use-extern-wasm'],
    },
    build: { chunkSizeWarningLimit: 2048 },
    // The inference worker is a module worker: it imports its handlers, and ONNX Runtime imports its WASM glue.
    // Its bundle gets the same plugins: the models and their loader run there.
    worker: { format: 'es' as const, plugins: bundlePlugins },
  }),
});
