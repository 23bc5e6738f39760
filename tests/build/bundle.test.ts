/**
 * Checks on the built extension (run after `wxt build`): the content script injected into pages
 * stays within its budget and carries no model runtime; ONNX Runtime's WASM ships inside the
 * extension and nothing loads code from elsewhere; the manifest asks for little.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';

const OUT = path.resolve('.output/chrome-mv3');
const CONTENT_SCRIPT = path.join(OUT, 'content-scripts/content.js');
/** The content script's budget: it is injected into the user's pages, so it stays small and model-free. */
const CONTENT_SCRIPT_GZIP_BUDGET = 30 * 1024;

function files(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory() ? files(path.join(dir, entry.name)) : [path.join(dir, entry.name)],
  );
}

/** Text any bundle of onnxruntime-web or transformers.js contains. */
export const MODEL_RUNTIME_MARKERS = [/InferenceSession/, /onnxruntime/i, /ort-wasm/, /@huggingface\/transformers/, /AutoTokenizer/];

describe('built extension', () => {
  it('exists (run `INPAINT_E2E=1 wxt build` first)', () => {
    expect(existsSync(path.join(OUT, 'manifest.json'))).toBe(true);
  });

  it(`keeps the content script under ${CONTENT_SCRIPT_GZIP_BUDGET / 1024} KB gzip, without ONNX Runtime or transformers.js`, () => {
    const code = readFileSync(CONTENT_SCRIPT);
    const gzip = gzipSync(code, { level: 9 }).length;
    console.log(`content script: ${code.length} B raw, ${gzip} B gzip`);
    expect(gzip).toBeLessThanOrEqual(CONTENT_SCRIPT_GZIP_BUDGET);
    for (const marker of MODEL_RUNTIME_MARKERS) expect(code.toString('utf8')).not.toMatch(marker);
  });

  it('ships ONNX Runtime’s WASM in the extension and loads no code from a CDN', () => {
    const wasm = files(OUT).filter((f) => f.endsWith('.wasm'));
    expect(wasm.map((f) => path.relative(OUT, f))).toEqual(['ort/ort-wasm-simd-threaded.asyncify.wasm']);
    expect(statSync(wasm[0]!).size).toBeGreaterThan(1_000_000);
    for (const file of files(OUT).filter((f) => /\.(m?js|html)$/.test(f))) {
      const text = readFileSync(file, 'utf8');
      expect(text, path.relative(OUT, file)).not.toMatch(/cdn\.jsdelivr\.net|unpkg\.com|cdnjs\.cloudflare\.com/);
      // Vite must not inline the WASM as base64 (28 MB in a bundle).
      expect(text.length, path.relative(OUT, file)).toBeLessThan(2_000_000);
    }
  });

  it('ships exactly one ONNX Runtime: transformers.js runs on the same build as our own models', () => {
    const scripts = files(OUT).filter((f) => f.endsWith('.js'));
    const text = (f: string) => readFileSync(f, 'utf8');
    // onnxruntime-common's backend registry (one per bundled runtime) and onnxruntime-web's WASM loader.
    const runtimes = scripts.filter((f) => /no available backend found/.test(text(f)));
    expect(runtimes.map((f) => path.relative(OUT, f))).toHaveLength(1);
    expect(scripts.filter((f) => /ort-wasm-simd-threaded\.asyncify\.mjs/.test(text(f)))).toEqual(runtimes);
    // transformers.js is there (the local LLM), in its own chunk, loaded only when used.
    const transformers = scripts.filter((f) => /tokenizer\.chat_template is not set/.test(text(f)));
    expect(transformers).toHaveLength(1);
    expect(transformers).not.toEqual(runtimes);
    // Only the one build's WASM (ORT's JSEP build or another version would bring its own files).
    expect(files(OUT).filter((f) => /ort-wasm/.test(f)).map((f) => path.relative(OUT, f)).sort()).toEqual([
      'ort/ort-wasm-simd-threaded.asyncify.mjs',
      'ort/ort-wasm-simd-threaded.asyncify.wasm',
    ]);
  });

  it('asks for little: no broad host access, WASM allowed only for extension pages', () => {
    const manifest = JSON.parse(readFileSync(path.join(OUT, 'manifest.json'), 'utf8')) as {
      permissions: string[];
      host_permissions?: string[];
      content_scripts?: unknown[];
      content_security_policy: { extension_pages: string };
      web_accessible_resources: { resources: string[]; use_dynamic_url?: boolean }[];
    };
    expect(manifest.content_security_policy.extension_pages).toBe("script-src 'self' 'wasm-unsafe-eval'; object-src 'self';");
    // Only the e2e build's loopback test origins (and a name tests map to loopback); never <all_urls> or every site.
    for (const host of manifest.host_permissions ?? []) expect(host).toMatch(/^http:\/\/(127\.0\.0\.[124]|localhost|llm\.remote\.test)\/\*$/);
    // Pages can reach only the overlay's page (which trusts nobody without a nonce), and only at
    // its per-session URL: the fixed one would tell any site the extension is installed.
    expect(manifest.web_accessible_resources).toEqual([{ resources: ['overlay.html'], matches: ['<all_urls>'], use_dynamic_url: true }]);
    expect(manifest.content_scripts ?? []).toEqual([]);
    expect(manifest.permissions).not.toContain('tabs');
    expect(manifest.permissions).not.toContain('<all_urls>');
  });
});
