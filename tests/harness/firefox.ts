/**
 * Launches Debian's Firefox ESR with the built Firefox add-on for e2e tests, over WebDriver BiDi
 * (puppeteer-core): a fresh profile each time, the add-on installed as a temporary add-on, WebGPU
 * on (Mesa's lavapipe software Vulkan) where this Firefox offers it, console errors collected.
 *
 *   const fox = await launchFirefox();
 *   const page = await fox.openExtensionPage('sidepanel.html');
 *   ...
 *   await fox.close();
 *
 * Firefox has no handle on the background event page for a test (nothing like Playwright's service
 * worker): tests drive the extension from an extension page opened as a tab, as its own pages do.
 */
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import puppeteer, { type Browser, type Page } from 'puppeteer-core';
import type { InPage } from '../e2e/support.ts';
import { ARTIFACTS_DIR, REPO_ROOT, type ConsoleEntry } from './extension.ts';

/** The add-on id fixed in wxt.config.ts (`browser_specific_settings.gecko.id`). */
export const GECKO_ID = 'inpaint-biases@example.org';
/** The moz-extension UUID the profile assigns to it (pref `extensions.webextensions.uuids`). */
export const EXTENSION_UUID = '6f1c5a2e-3b7d-4c8e-9a10-5d2b7e4f8c31';
export const FIREFOX_ORIGIN = `moz-extension://${EXTENSION_UUID}`;

const CANDIDATES = ['/usr/bin/firefox-esr', '/usr/bin/firefox'];

/** `FIREFOX_PATH`, else Debian's firefox-esr (or firefox). */
export function findFirefox(env: NodeJS.ProcessEnv = process.env): string {
  const found = [env.FIREFOX_PATH, ...CANDIDATES].find((candidate) => candidate && existsSync(candidate));
  if (!found) throw new Error('No Firefox found: install firefox-esr (apt-get install firefox-esr) or set FIREFOX_PATH');
  return found;
}

/**
 * Prefs that keep Firefox off the network on its own (this runs on a closed network, and a stray
 * connection attempt only slows start-up or logs errors), on top of the ones puppeteer sets.
 */
export const QUIET_PREFS: Record<string, unknown> = {
  'app.normandy.enabled': false,
  'app.shield.optoutstudies.enabled': false,
  'app.update.auto': false,
  'app.update.enabled': false,
  'browser.aboutHomeSnippets.updateUrl': '',
  'browser.discovery.enabled': false,
  'browser.newtabpage.activity-stream.feeds.section.topstories': false,
  'browser.newtabpage.activity-stream.feeds.snippets': false,
  'browser.ping-centre.telemetry': false,
  'browser.region.network.url': '',
  'browser.region.update.enabled': false,
  'browser.safebrowsing.provider.google.updateURL': '',
  'browser.safebrowsing.provider.google4.updateURL': '',
  'browser.safebrowsing.provider.mozilla.updateURL': '',
  'browser.search.geoip.url': '',
  'browser.topsites.contile.enabled': false,
  'captivedetect.canonicalURL': '',
  'datareporting.healthreport.uploadEnabled': false,
  'datareporting.policy.dataSubmissionEnabled': false,
  'dom.push.connection.enabled': false,
  'dom.push.serverURL': '',
  'extensions.blocklist.enabled': false,
  'extensions.getAddons.cache.enabled': false,
  'extensions.systemAddon.update.enabled': false,
  'extensions.update.autoUpdateDefault': false,
  'media.gmp-gmpopenh264.enabled': false,
  'network.captive-portal-service.enabled': false,
  'network.connectivity-service.enabled': false,
  'network.dns.disablePrefetch': true,
  'network.prefetch-next': false,
  'network.trr.mode': 5,
  'security.OCSP.enabled': 0,
  'security.remote_settings.crlite_filters.enabled': false,
  'security.remote_settings.intermediates.enabled': false,
  'services.settings.server': 'data:,',
  'toolkit.telemetry.archive.enabled': false,
  'toolkit.telemetry.enabled': false,
  'toolkit.telemetry.server': '',
  'toolkit.telemetry.unified': false,
};

/**
 * WebGPU in Firefox ESR on Linux is behind a pref and blocklisted for software adapters; with
 * these and Mesa's lavapipe (mesa-vulkan-drivers) it offers a software adapter, if this build has
 * WebGPU at all. Tests assert whatever the browser offers matches what the extension reports.
 */
export const WEBGPU_PREFS: Record<string, unknown> = {
  'dom.webgpu.enabled': true,
  'gfx.webgpu.ignore-blocklist': true,
};

export interface LaunchFirefoxOptions {
  /** Built add-on folder, relative to the repo root or absolute. Default `.output/firefox-mv3`. */
  extensionPath?: string;
  /** Firefox's event-page idle timeout (`extensions.background.idle.timeout`, ms); default Firefox's 30 s. */
  idleTimeoutMs?: number;
  /** Extra prefs. */
  prefs?: Record<string, unknown>;
}

export interface FirefoxHarness {
  browser: Browser;
  /** `moz-extension://<uuid>` */
  origin: string;
  /** Errors logged by pages and extension pages this harness opened, in order. */
  consoleErrors: ConsoleEntry[];
  extensionUrl(pagePath: string): string;
  /** Opens `moz-extension://<uuid>/<path>` in a new tab and waits for `load`. */
  openExtensionPage(pagePath: string): Promise<Page>;
  /** Opens any URL in a new tab and waits for `load`. */
  openPage(url: string): Promise<Page>;
  /** `browser.storage.local.set(values)` from an extension page. */
  setSettings(values: Record<string, unknown>): Promise<void>;
  /** Saves a PNG into tests/.artifacts/<name>.png; returns its path. */
  screenshot(page: Page, name: string): Promise<string>;
  close(): Promise<void>;
}

export async function launchFirefox(options: LaunchFirefoxOptions = {}): Promise<FirefoxHarness> {
  const extensionPath = path.resolve(REPO_ROOT, options.extensionPath ?? '.output/firefox-mv3');
  const manifestFile = path.join(extensionPath, 'manifest.json');
  if (!existsSync(manifestFile)) {
    throw new Error(`No built add-on at ${extensionPath}: run \`INPAINT_E2E=1 npx wxt build -b firefox\` first`);
  }
  const manifest = JSON.parse(readFileSync(manifestFile, 'utf8')) as { browser_specific_settings?: { gecko?: { id?: string } } };
  if (manifest.browser_specific_settings?.gecko?.id !== GECKO_ID) throw new Error(`${manifestFile} does not declare the add-on id ${GECKO_ID}`);

  const browser = await puppeteer.launch({
    browser: 'firefox',
    executablePath: findFirefox(),
    headless: true,
    // Firefox 153's remote agent refuses to navigate to moz-extension: pages without it.
    args: ['--remote-allow-system-access'],
    env: { ...process.env, MOZ_REMOTE_SETTINGS_DEVTOOLS: '1' },
    defaultViewport: { width: 1280, height: 800 },
    extraPrefsFirefox: {
      ...QUIET_PREFS,
      ...WEBGPU_PREFS,
      'extensions.webextensions.uuids': JSON.stringify({ [GECKO_ID]: EXTENSION_UUID }),
      ...(options.idleTimeoutMs === undefined ? {} : { 'extensions.background.idle.timeout': options.idleTimeoutMs }),
      ...options.prefs,
    },
  });
  const consoleErrors: ConsoleEntry[] = [];
  try {
    const id = await browser.installExtension(extensionPath);
    if (id !== GECKO_ID) throw new Error(`installed add-on has id ${id}, not ${GECKO_ID}`);
  } catch (error) {
    await browser.close().catch(() => {});
    throw error;
  }

  const watch = (page: Page) => {
    page.on('console', (message) => {
      if (message.type() === 'error' || message.type() === 'assert') consoleErrors.push({ kind: 'console', url: page.url(), text: message.text() });
    });
    page.on('pageerror', (error) => consoleErrors.push({ kind: 'pageerror', url: page.url(), text: String(error) }));
  };
  const extensionUrl = (pagePath: string) => `${FIREFOX_ORIGIN}/${pagePath.replace(/^\/+/, '')}`;
  const openPage = async (url: string) => {
    const page = await browser.newPage();
    watch(page);
    if (!url.startsWith('moz-extension:')) {
      await page.goto(url, { waitUntil: 'load' });
      return page;
    }
    // Loading an extension page moves the tab to the extension process: puppeteer's navigation
    // then never sees `load` (its frame is replaced), so wait for the new document instead.
    void page.goto(url).catch(() => undefined);
    const deadline = Date.now() + 30_000;
    for (;;) {
      // Evaluating fails while the document is being swapped: poll.
      const state = await page.evaluate(() => [location.href, document.readyState]).catch(() => undefined);
      if (state?.[0] === url && state[1] === 'complete') break;
      if (Date.now() > deadline) throw new Error(`${url} did not load within 30 s (the tab shows ${page.url()})`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    return page;
  };
  let closed = false;
  return {
    browser,
    origin: FIREFOX_ORIGIN,
    consoleErrors,
    extensionUrl,
    openExtensionPage: (pagePath) => openPage(extensionUrl(pagePath)),
    openPage,
    setSettings: async (values) => {
      const page = await openPage(extensionUrl('options.html'));
      await page.evaluate((v) => (globalThis as unknown as { browser: { storage: { local: { set(v: object): Promise<void> } } } }).browser.storage.local.set(v), values);
      await page.close();
    },
    screenshot: async (page, name) => {
      mkdirSync(ARTIFACTS_DIR, { recursive: true });
      const file = path.join(ARTIFACTS_DIR, `firefox-${name.replace(/\.png$/i, '').replace(/[^\w.-]+/g, '-')}.png`);
      await page.screenshot({ path: file as `${string}.png`, fullPage: true });
      return file;
    },
    close: async () => {
      if (closed) return;
      closed = true;
      await browser.close().catch(() => {});
    },
  };
}

/**
 * A puppeteer page as the e2e page helpers (tests/e2e/support.ts) take it. Puppeteer types the
 * function's argument as `FlattenHandle<A>`, which is `A` for the plain JSON values passed here
 * but is not provably so for a generic `A`: hence the one widening below.
 */
export function inPage(page: Page): InPage {
  return {
    evaluate: <R, A>(fn: (arg: A) => R, arg: A) => page.evaluate(fn as (arg: unknown) => R, arg) as Promise<Awaited<R>>,
  };
}
