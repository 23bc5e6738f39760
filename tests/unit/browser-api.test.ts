/**
 * Why the product needs no webextension-polyfill (README, design notes): every extension API call
 * goes through `wxt/browser`, which is Firefox's native promise-based `browser` or Chrome MV3's
 * `chrome` (whose APIs return promises too); and the one place the two differ that the polyfill
 * papered over, a `runtime.onMessage` listener answering with a returned Promise, is not used:
 * listeners answer through `sendResponse` and `return true`, which both browsers support
 * natively. The Chromium and Firefox e2e suites run the same code on both.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { browser as wxtBrowser } from '@wxt-dev/browser';

const PRODUCT_DIRS = ['entrypoints', 'components', 'utils', 'models'];

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const file = path.join(dir, entry.name);
    if (entry.isDirectory()) return sources(file);
    return /\.(ts|svelte)$/.test(entry.name) && !/\.test\.ts$/.test(entry.name) ? [file] : [];
  });
}

const files = PRODUCT_DIRS.flatMap(sources).map((file) => ({ file, text: readFileSync(file, 'utf8') }));

describe('extension APIs without webextension-polyfill', () => {
  it('wxt/browser is the browser’s own API object: Firefox’s `browser`, else Chrome’s `chrome` (nothing is wrapped)', () => {
    const source = readFileSync('node_modules/@wxt-dev/browser/src/index.mjs', 'utf8');
    expect(source).toMatch(/globalThis\.browser\?\.runtime\?\.id\s*\?\s*globalThis\.browser\s*:\s*globalThis\.chrome/);
    // In Node neither global exists: there is no polyfill object standing in.
    expect(wxtBrowser).toBeUndefined();
  });

  it('product code reaches extension APIs only through wxt/browser', () => {
    const direct = files.filter(({ text }) => /(?<![\w.$'"])(chrome|browser)\.(runtime|tabs|storage|offscreen|sidePanel|sidebarAction|permissions|scripting|contextMenus|action|commands)\b/.test(text) && !/from 'wxt\/browser'/.test(text));
    expect(direct.map((f) => f.file)).toEqual([]);
    expect(files.filter(({ text }) => /webextension-polyfill/.test(text)).map((f) => f.file)).toEqual([]);
  });

  it('no runtime.onMessage listener answers with a returned Promise (the form only the polyfill made portable)', () => {
    const asyncListeners = files.filter(({ text }) => /onMessage\.addListener\(\s*async\b/.test(text));
    expect(asyncListeners.map((f) => f.file)).toEqual([]);
    // The one shared listener answers through sendResponse and keeps the channel open with `return true`.
    const messaging = readFileSync('utils/messaging.ts', 'utf8');
    expect(messaging).toMatch(/void reply\.then\(sendResponse\);\s*return true;/);
  });
});
