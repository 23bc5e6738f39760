/**
 * `npm start`: Chromium with the built extension, the test gallery open, and the local model hub
 * serving the generated test models (the extension's model host points at it).
 *
 *   npx tsx tests/harness/start.ts [--once] [--real-models] [--backend=webgpu|wasm] [--headless]
 *
 * --once         take the screenshot, print its path and exit
 * --real-models  leave the model host setting alone (Hugging Face), start no hub
 * --backend      Chromium flags as in the e2e projects (default webgpu)
 * --headless     headless even with a DISPLAY (without a DISPLAY it always is)
 *
 * Builds the extension first (`wxt build`) when .output/chrome-mv3 does not exist.
 */
import { existsSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { REPO_ROOT, launchExtension, type Backend } from './extension.ts';
import { MODELS_DIR, prepareModels } from './global-setup.ts';
import { startHub, type Hub } from './hub.ts';
import { startSite } from './site.ts';

/** The extension's model host setting: `local:modelHost` in utils/settings.ts. */
const MODEL_HOST_KEY = 'modelHost';

const USAGE = 'usage: npx tsx tests/harness/start.ts [--once] [--real-models] [--backend=webgpu|wasm] [--headless]';

function parseArgs(argv: string[]) {
  const opts = { once: false, realModels: false, headless: !process.env.DISPLAY, backend: 'webgpu' as Backend };
  for (const arg of argv) {
    if (arg === '--once') opts.once = true;
    else if (arg === '--real-models') opts.realModels = true;
    else if (arg === '--headless') opts.headless = true;
    else if (arg === '--backend=webgpu' || arg === '--backend=wasm') opts.backend = arg.slice('--backend='.length) as Backend;
    else if (arg === '--help' || arg === '-h') {
      console.log(USAGE);
      process.exit(0);
    } else {
      console.error(`unknown argument ${arg}\n${USAGE}`);
      process.exit(2);
    }
  }
  return opts;
}

async function main(): Promise<void> {
  const opts = parseArgs(process.argv.slice(2));
  const extensionPath = path.join(REPO_ROOT, '.output/chrome-mv3');
  if (!existsSync(path.join(extensionPath, 'manifest.json'))) {
    console.log('[start] no build at .output/chrome-mv3: running `npx wxt build`');
    const build = spawnSync('npx', ['wxt', 'build'], { cwd: REPO_ROOT, stdio: 'inherit' });
    if (build.status !== 0) throw new Error('wxt build failed');
  }

  let hub: Hub | undefined;
  if (!opts.realModels) {
    await prepareModels(MODELS_DIR);
    hub = await startHub({ root: MODELS_DIR });
  }
  const site = await startSite();
  const ext = await launchExtension({
    backend: opts.backend,
    extensionPath,
    headless: opts.headless,
    handleSignals: false,
    ...(opts.headless ? {} : { viewport: null }),
  });
  let cleaning: Promise<void> | undefined;
  const cleanup = () =>
    (cleaning ??= (async () => {
      await ext.close();
      await Promise.all([site.close(), hub?.close()]);
    })());

  try {
    if (hub) await ext.setSettings({ [MODEL_HOST_KEY]: hub.url });
    const page = await ext.openPage(`${site.url}/gallery.html`);
    await page.waitForSelector('body[data-ready]', { timeout: 30_000 });
    const shot = await ext.screenshot(page, 'start');

    console.log(`[start] Chromium ${opts.headless ? '(headless) ' : ''}with the extension ${ext.extensionId} (${opts.backend})`);
    console.log(`[start] gallery      ${site.url}/gallery.html  (strict CSP: ${site.url}/strict-csp.html)`);
    console.log(`[start] model host   ${hub ? `${hub.url} serving ${path.relative(REPO_ROOT, MODELS_DIR)}` : 'unchanged (--real-models)'}`);
    console.log(`[start] side panel   ${ext.extensionUrl('sidepanel.html')}`);
    console.log(`[start] screenshot   ${shot}`);

    if (opts.once) {
      for (const e of ext.consoleErrors) console.log(`[console ${e.kind}] ${e.url}: ${e.text}`);
      return;
    }
    console.log('[start] running; Ctrl-C to stop');
    let printed = 0;
    let logged = 0;
    const timer = setInterval(() => {
      for (; printed < ext.consoleErrors.length; printed++) {
        const e = ext.consoleErrors[printed]!;
        console.log(`[console ${e.kind}] ${e.url}: ${e.text}`);
      }
      if (hub) {
        for (; logged < hub.requests.length && hub.requests[logged]!.done; logged++) {
          const r = hub.requests[logged]!;
          console.log(`[hub] ${r.method} ${r.path} → ${r.status} (${r.bytes} B)`);
        }
      }
    }, 500);
    await new Promise<void>((resolve) => {
      process.once('SIGINT', resolve);
      process.once('SIGTERM', resolve);
      ext.context.once('close', () => resolve());
    });
    clearInterval(timer);
  } finally {
    await cleanup();
  }
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(`[start] ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  },
);
