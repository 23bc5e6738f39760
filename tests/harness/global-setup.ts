/**
 * Global setup of the e2e projects: generates the test models into tests/.models, starts the
 * local model hub over them and the test site, and hands their URLs to the tests:
 *
 *   import { inject } from 'vitest';
 *   const hubUrl = inject('hubUrl');
 *
 * When both e2e projects run in one `vitest` invocation, they share one set (started by the first,
 * closed by the last teardown).
 */
import { existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { TestProject } from 'vitest/node';
import { startHub, type Hub } from './hub.ts';
import { startSite, type Site } from './site.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    /** Local model hub (`{hubUrl}/{repo}/resolve/{revision}/{file}`); use `connectHub(hubUrl)` for its log and faults. */
    hubUrl: string;
    /** Test site, e.g. `${siteUrl}/gallery.html`. */
    siteUrl: string;
    /** Second origin serving `/img/*.png` without CORS headers. */
    crossOriginUrl: string;
    /** Folder the hub serves: `{modelsDir}/{owner}/{name}/{path}`. */
    modelsDir: string;
  }
}

const harnessDir = path.dirname(fileURLToPath(import.meta.url));
export const MODELS_DIR = path.resolve(harnessDir, '../.models');
const GENERATOR = path.resolve(harnessDir, '../models/generate.ts');

interface Shared {
  hub: Hub;
  site: Site;
  users: number;
}
const KEY = Symbol.for('inpaint-biases.e2e-harness');
const registry = globalThis as unknown as Record<symbol, Promise<Shared> | undefined>;

/** Writes the generated test models into `dir` (skipped, with a warning, until the generator exists). */
export async function prepareModels(dir: string = MODELS_DIR): Promise<void> {
  mkdirSync(dir, { recursive: true });
  if (!existsSync(GENERATOR)) {
    console.warn(`[harness] ${path.relative(process.cwd(), GENERATOR)} does not exist yet: the hub serves an empty folder`);
    return;
  }
  const t0 = performance.now();
  const { generateTestModels } = (await import(GENERATOR)) as { generateTestModels(outDir: string): Promise<void> };
  await generateTestModels(dir);
  console.log(`[harness] test models generated in ${Math.round(performance.now() - t0)} ms`);
}

async function startShared(): Promise<Shared> {
  await prepareModels(MODELS_DIR);
  const hub = await startHub({ root: MODELS_DIR });
  try {
    const site = await startSite();
    return { hub, site, users: 0 };
  } catch (error) {
    await hub.close();
    throw error;
  }
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  registry[KEY] ??= startShared();
  let shared: Shared;
  try {
    shared = await registry[KEY];
  } catch (error) {
    registry[KEY] = undefined;
    throw error;
  }
  shared.users += 1;
  project.provide('hubUrl', shared.hub.url);
  project.provide('siteUrl', shared.site.url);
  project.provide('crossOriginUrl', shared.site.crossOriginUrl);
  project.provide('modelsDir', MODELS_DIR);
  return async () => {
    shared.users -= 1;
    if (shared.users > 0) return;
    registry[KEY] = undefined;
    await Promise.all([shared.hub.close(), shared.site.close()]);
  };
}
