/**
 * Launches Chromium with the built extension for e2e tests: a fresh profile each time, the
 * extension loaded unpacked, WebGPU on (SwiftShader) or off, console errors collected.
 *
 *   const ext = await launchExtension({ backend: backendFromEnv() });
 *   const page = await ext.openExtensionPage('sidepanel.html');
 *   ...
 *   await ext.close();
 */
import { mkdirSync, mkdtempSync, rmSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type BrowserContext, type Page, type Worker } from 'playwright-core';
import { findChromium } from './chromium.ts';

export type Backend = 'webgpu' | 'wasm';

export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const ARTIFACTS_DIR = path.join(REPO_ROOT, 'tests/.artifacts');

/** Flags every launch gets (Playwright adds its own defaults, including `--disable-extensions`). */
export const BASE_ARGS = [
  '--no-sandbox',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-quic',
  '--disable-default-apps',
] as const;

/**
 * Per backend. Measured on Debian Chromium 156 (no GPU), in pages, extension pages and the
 * extension service worker:
 * - `--enable-unsafe-webgpu` gives a SwiftShader adapter (`vendor: google`, `architecture:
 *   swiftshader`, `isFallbackAdapter: true`); without it `requestAdapter()` resolves null.
 * - WASM: no `--enable-unsafe-webgpu`, plus `--disable-gpu` so that a machine with a real GPU
 *   does not offer a hardware adapter either. `navigator.gpu` itself stays defined (no flag
 *   removes it: `--disable-blink-features=WebGPU` does not), so the product must treat a null
 *   adapter as "no WebGPU". `--disable-features=WebGPU` is NOT used: it does not deny the adapter
 *   when the unsafe flag is on, and a second `--disable-features` switch replaces Playwright's own
 *   `--disable-features=...` list (Chromium keeps the last value of a repeated switch).
 */
export const BACKEND_ARGS: Record<Backend, readonly string[]> = {
  webgpu: ['--enable-unsafe-webgpu'],
  wasm: ['--disable-gpu'],
};

export function backendFromEnv(env: NodeJS.ProcessEnv = process.env): Backend {
  const value = env.E2E_BACKEND ?? 'webgpu';
  if (value !== 'webgpu' && value !== 'wasm') throw new Error(`E2E_BACKEND must be webgpu or wasm, not ${value}`);
  return value;
}

export interface ConsoleEntry {
  /** `console` for console.error/assert calls, `pageerror` for uncaught exceptions. */
  kind: 'console' | 'pageerror';
  /** The page or worker URL. */
  url: string;
  text: string;
}

export interface LaunchExtensionOptions {
  /** Default: `E2E_BACKEND` (see {@link backendFromEnv}). */
  backend?: Backend;
  /** Built extension folder, relative to the repo root or absolute. Default `.output/chrome-mv3`. */
  extensionPath?: string;
  headless?: boolean;
  /** Extra Chromium flags. */
  args?: string[];
  /** Page viewport; `null` lets a headed window size itself. Default 1280×800. */
  viewport?: { width: number; height: number } | null;
  /** Let Playwright close the browser (and exit) on SIGINT/SIGTERM/SIGHUP. Default true; a
   * long-running script that cleans up itself (start.ts) passes false. */
  handleSignals?: boolean;
}

export interface ExtensionHarness {
  context: BrowserContext;
  extensionId: string;
  /** `chrome-extension://<id>` */
  origin: string;
  backend: Backend;
  /** The extension's service worker (the live one; Chrome may restart it). */
  readonly serviceWorker: Worker;
  /** Errors logged by any page, extension page or worker of this browser, in order. */
  consoleErrors: ConsoleEntry[];
  extensionUrl(pagePath: string): string;
  /** Opens `chrome-extension://<id>/<path>` in a new tab and waits for `load`. */
  openExtensionPage(pagePath: string): Promise<Page>;
  /** Opens any URL in a new tab and waits for `load`. */
  openPage(url: string): Promise<Page>;
  /** `chrome.storage.local.set(obj)` in the service worker. */
  setSettings(values: Record<string, unknown>): Promise<void>;
  /** `chrome.storage.local.get(keys)` in the service worker. */
  getSettings(keys?: string | string[] | null): Promise<Record<string, unknown>>;
  /**
   * Evaluates `fn` (self-contained; its result must be JSON-serialisable, promises are awaited) in
   * the extension document whose URL contains `urlPart`, waiting up to `timeoutMs` for it to exist.
   * Reaches documents Playwright does not list, such as the offscreen document ('offscreen.html').
   */
  evaluateInDocument<T>(urlPart: string, fn: () => T | Promise<T>, timeoutMs?: number): Promise<T>;
  /** Saves a PNG into tests/.artifacts/<name>.png; returns its path. */
  screenshot(page: Page, name: string): Promise<string>;
  close(): Promise<void>;
}

/**
 * Saves what the viewport shows as a PNG into tests/.artifacts/ and returns the path. Not full-page:
 * Chromium's full-page capture mis-renders out-of-process frames (the overlay is one).
 */
export async function screenshot(page: Page, name: string): Promise<string> {
  mkdirSync(ARTIFACTS_DIR, { recursive: true });
  const file = path.join(ARTIFACTS_DIR, `${name.replace(/\.png$/i, '').replace(/[^\w.-]+/g, '-')}.png`);
  await page.screenshot({ path: file, fullPage: false });
  return file;
}

/** The slice of the `chrome` global the harness evaluates in the service worker. */
interface ChromeStorageGlobal {
  chrome: {
    storage: {
      local: {
        set(values: Record<string, unknown>): Promise<void>;
        get(keys: string | string[] | null): Promise<Record<string, unknown>>;
      };
    };
  };
}

/**
 * Playwright neither lists the offscreen document (a `background_page` target) nor reports its
 * console, it reports no uncaught errors of the service worker, and a worker's console messages
 * logged before a listener existed are lost. This watcher attaches its own CDP sessions
 * (non-flattened, through the browser session) to the extension's non-page targets (service
 * worker, offscreen document): it records their console errors (including those from before it
 * attached: Runtime.enable replays them) and uncaught exceptions, and can evaluate code in them.
 */
interface TargetWatcher {
  evaluate<T>(urlPart: string, fn: () => T | Promise<T>, timeoutMs: number): Promise<T>;
  close(): Promise<void>;
}

interface TargetInfo {
  targetId: string;
  type: string;
  url: string;
}

async function watchExtensionTargets(context: BrowserContext, origin: string, record: (entry: ConsoleEntry) => void): Promise<TargetWatcher> {
  const browser = context.browser();
  if (!browser) return { evaluate: () => Promise.reject(new Error('no browser CDP session')), close: async () => {} };
  const cdp = await browser.newBrowserCDPSession();
  const sessions = new Map<string, { sessionId: string; info: TargetInfo }>();
  const attaching = new Set<string>();
  const pending = new Map<string, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  let nextId = 1;
  let closed = false;
  const changed = new Set<() => void>();

  const send = (sessionId: string, method: string, params: object = {}) =>
    new Promise<unknown>((resolve, reject) => {
      const id = nextId++;
      pending.set(`${sessionId}:${id}`, { resolve, reject });
      cdp.send('Target.sendMessageToTarget', { sessionId, message: JSON.stringify({ id, method, params }) }).catch((e: Error) => {
        pending.delete(`${sessionId}:${id}`);
        reject(e);
      });
    });

  const isPlaywrightPage = (info: TargetInfo) => info.type === 'page';
  const onInfo = async ({ targetInfo: info }: { targetInfo: TargetInfo }) => {
    if (closed || !info.url.startsWith(origin) || isPlaywrightPage(info)) return;
    if (info.type !== 'background_page' && info.type !== 'service_worker' && info.type !== 'other') return;
    const known = sessions.get(info.targetId);
    if (known) {
      known.info = info;
      return;
    }
    if (attaching.has(info.targetId)) return;
    attaching.add(info.targetId);
    try {
      const { sessionId } = (await cdp.send('Target.attachToTarget', { targetId: info.targetId, flatten: false })) as { sessionId: string };
      sessions.set(info.targetId, { sessionId, info });
      await send(sessionId, 'Runtime.enable');
      for (const fn of changed) fn();
    } catch {
      // The target went away while attaching.
    } finally {
      attaching.delete(info.targetId);
    }
  };
  const urlOf = (sessionId: string) => [...sessions.values()].find((s) => s.sessionId === sessionId)?.info;

  cdp.on('Target.targetCreated', (e) => void onInfo(e as { targetInfo: TargetInfo }));
  cdp.on('Target.targetInfoChanged', (e) => void onInfo(e as { targetInfo: TargetInfo }));
  cdp.on('Target.targetDestroyed', ({ targetId }) => {
    sessions.delete(targetId);
  });
  cdp.on('Target.detachedFromTarget', ({ sessionId }) => {
    for (const [id, s] of sessions) if (s.sessionId === sessionId) sessions.delete(id);
  });
  cdp.on('Target.receivedMessageFromTarget', ({ sessionId, message }) => {
    const msg = JSON.parse(message) as {
      id?: number;
      result?: unknown;
      error?: { message: string };
      method?: string;
      params?: {
        type?: string;
        args?: Array<{ value?: unknown; description?: string }>;
        exceptionDetails?: { text: string; exception?: { description?: string } };
      };
    };
    if (msg.id !== undefined) {
      const key = `${sessionId}:${msg.id}`;
      const p = pending.get(key);
      pending.delete(key);
      if (msg.error) p?.reject(new Error(msg.error.message));
      else p?.resolve(msg.result);
      return;
    }
    const info = urlOf(sessionId);
    if (!info) return;
    if (msg.method === 'Runtime.exceptionThrown') {
      const d = msg.params?.exceptionDetails;
      record({ kind: 'pageerror', url: info.url, text: d?.exception?.description ?? d?.text ?? 'uncaught exception' });
    } else if (msg.method === 'Runtime.consoleAPICalled') {
      // Runtime.enable replays earlier messages, so the worker's start-up errors are kept too.
      const type = msg.params?.type;
      if (type !== 'error' && type !== 'assert') return;
      const text = (msg.params?.args ?? []).map((a) => (a.value !== undefined ? String(a.value) : (a.description ?? ''))).join(' ');
      record({ kind: 'console', url: info.url, text });
    }
  });
  await cdp.send('Target.setDiscoverTargets', { discover: true });

  const findSession = (urlPart: string) => [...sessions.values()].find((s) => s.info.url.includes(urlPart) && s.info.type !== 'service_worker');

  return {
    async evaluate<T>(urlPart: string, fn: () => T | Promise<T>, timeoutMs: number): Promise<T> {
      let session = findSession(urlPart);
      if (!session) {
        await new Promise<void>((resolve, reject) => {
          const check = () => {
            if (findSession(urlPart)) done();
          };
          const timer = setTimeout(() => {
            changed.delete(check);
            reject(new Error(`no extension document matching ${urlPart} within ${timeoutMs} ms`));
          }, timeoutMs);
          const done = () => {
            clearTimeout(timer);
            changed.delete(check);
            resolve();
          };
          changed.add(check);
        });
        session = findSession(urlPart)!;
      }
      const result = (await send(session.sessionId, 'Runtime.evaluate', {
        expression: `(${fn.toString()})()`,
        awaitPromise: true,
        returnByValue: true,
      })) as { result: { value?: T }; exceptionDetails?: { text: string; exception?: { description?: string } } };
      if (result.exceptionDetails) {
        throw new Error(result.exceptionDetails.exception?.description ?? result.exceptionDetails.text);
      }
      return result.result.value as T;
    },
    async close() {
      closed = true;
      for (const p of pending.values()) p.reject(new Error('browser closed'));
      pending.clear();
      await cdp.detach().catch(() => {});
    },
  };
}

function isExtensionWorker(worker: Worker): boolean {
  return worker.url().startsWith('chrome-extension://');
}

export async function launchExtension(options: LaunchExtensionOptions = {}): Promise<ExtensionHarness> {
  const backend = options.backend ?? backendFromEnv();
  const extensionPath = path.resolve(REPO_ROOT, options.extensionPath ?? '.output/chrome-mv3');
  if (!existsSync(path.join(extensionPath, 'manifest.json'))) {
    throw new Error(`No built extension at ${extensionPath}: run \`INPAINT_E2E=1 npx wxt build\` first`);
  }
  const userDataDir = mkdtempSync(path.join(tmpdir(), 'inpaint-e2e-'));
  const consoleErrors: ConsoleEntry[] = [];
  let context: BrowserContext;
  try {
    context = await chromium.launchPersistentContext(userDataDir, {
      executablePath: findChromium(),
      headless: options.headless ?? true,
      handleSIGINT: options.handleSignals ?? true,
      handleSIGTERM: options.handleSignals ?? true,
      handleSIGHUP: options.handleSignals ?? true,
      viewport: options.viewport === undefined ? { width: 1280, height: 800 } : options.viewport,
      args: [
        ...BASE_ARGS,
        ...BACKEND_ARGS[backend],
        `--disable-extensions-except=${extensionPath}`,
        `--load-extension=${extensionPath}`,
        ...(options.args ?? []),
      ],
    });
  } catch (error) {
    rmSync(userDataDir, { recursive: true, force: true });
    throw error;
  }

  context.on('console', (msg) => {
    if (msg.type() !== 'error' && msg.type() !== 'assert') return;
    // The extension's service worker is covered by the target watcher below (it also sees the
    // messages logged before this listener existed).
    if (msg.worker()?.url().startsWith('chrome-extension://') && context.serviceWorkers().includes(msg.worker()!)) return;
    const url = msg.worker()?.url() ?? msg.page()?.url() ?? msg.location().url;
    consoleErrors.push({ kind: 'console', url, text: msg.text() });
  });
  context.on('weberror', (error) => {
    consoleErrors.push({ kind: 'pageerror', url: error.page()?.url() ?? '', text: String(error.error()) });
  });

  let worker: Worker;
  try {
    worker =
      context.serviceWorkers().find(isExtensionWorker) ??
      (await context.waitForEvent('serviceworker', { predicate: isExtensionWorker, timeout: 30_000 }));
  } catch (error) {
    await context.close().catch(() => {});
    rmSync(userDataDir, { recursive: true, force: true });
    throw new Error(`The extension at ${extensionPath} started no service worker within 30 s: ${String(error)}`);
  }
  const extensionId = new URL(worker.url()).host;
  const origin = `chrome-extension://${extensionId}`;
  // Chrome may stop an idle worker and start a new one on the next event: follow it.
  context.on('serviceworker', (w) => {
    if (w.url().startsWith(origin)) worker = w;
  });

  const watcher = await watchExtensionTargets(context, origin, (entry) => consoleErrors.push(entry));

  const extensionUrl = (pagePath: string) => `${origin}/${pagePath.replace(/^\/+/, '')}`;
  // Each page gets a URL of its own (an `open` parameter), so tests that find a page's tab by
  // URL never reach an earlier page left open by a failed attempt of the same test.
  let opened = 0;
  const openPage = async (url: string) => {
    const page = await context.newPage();
    const unique = new URL(url);
    unique.searchParams.set('open', String(++opened));
    await page.goto(unique.href, { waitUntil: 'load' });
    return page;
  };
  let closed = false;

  return {
    context,
    extensionId,
    origin,
    backend,
    get serviceWorker() {
      return worker;
    },
    consoleErrors,
    extensionUrl,
    openExtensionPage: (pagePath) => openPage(extensionUrl(pagePath)),
    openPage,
    setSettings: async (values) => {
      await worker.evaluate((v) => (globalThis as unknown as ChromeStorageGlobal).chrome.storage.local.set(v), values);
    },
    getSettings: async (keys = null) =>
      worker.evaluate((k) => (globalThis as unknown as ChromeStorageGlobal).chrome.storage.local.get(k), keys),
    evaluateInDocument: (urlPart, fn, timeoutMs = 10_000) => watcher.evaluate(urlPart, fn, timeoutMs),
    screenshot,
    close: async () => {
      if (closed) return;
      closed = true;
      await watcher.close();
      await context.close().catch(() => {});
      rmSync(userDataDir, { recursive: true, force: true, maxRetries: 3 });
    },
  };
}

/** What a context reports about WebGPU; `adapter: null` when `requestAdapter()` gives none. */
export interface WebGpuProbe {
  hasNavigatorGpu: boolean;
  adapter: null | { vendor: string; architecture: string; isFallbackAdapter: boolean; device: boolean };
  error?: string;
}

/** Runs the WebGPU probe in a page or worker (including the extension's service worker). */
export async function probeWebGpu(target: Page | Worker): Promise<WebGpuProbe> {
  const fn = async (): Promise<WebGpuProbe> => {
    const gpu = (navigator as Navigator & { gpu?: { requestAdapter(): Promise<unknown> } }).gpu;
    if (!gpu) return { hasNavigatorGpu: false, adapter: null };
    try {
      const adapter = (await gpu.requestAdapter()) as null | {
        info?: { vendor: string; architecture: string; isFallbackAdapter?: boolean };
        isFallbackAdapter?: boolean;
        requestDevice(): Promise<{ destroy(): void }>;
      };
      if (!adapter) return { hasNavigatorGpu: true, adapter: null };
      const device = await adapter.requestDevice().catch(() => null);
      device?.destroy();
      return {
        hasNavigatorGpu: true,
        adapter: {
          vendor: adapter.info?.vendor ?? '',
          architecture: adapter.info?.architecture ?? '',
          isFallbackAdapter: Boolean(adapter.info?.isFallbackAdapter ?? adapter.isFallbackAdapter),
          device: device !== null,
        },
      };
    } catch (error) {
      return { hasNavigatorGpu: true, adapter: null, error: String(error) };
    }
  };
  return 'goto' in target ? target.evaluate(fn) : target.evaluate(fn);
}
