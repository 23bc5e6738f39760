/**
 * A ModelCache (models/loader.ts) on disk, for Node scripts that load real models from the Hub:
 * `{dir}/{host}/{repo}/resolve/{revision}/{path}`. Writes go to a temporary name and are renamed,
 * so an interrupted download never leaves a partial file behind.
 */
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { ModelCache } from '../../models/loader.ts';

/** Default cache folder: $INPAINT_MODEL_CACHE, else ~/.cache/inpaint-biases/models. */
export function defaultCacheDir(): string {
  return process.env.INPAINT_MODEL_CACHE ?? path.join(os.homedir(), '.cache', 'inpaint-biases', 'models');
}

export function fileModelCache(dir: string): ModelCache & { fileOf(url: string): string } {
  const fileOf = (url: string) => {
    const u = new URL(url);
    const parts = u.pathname
      .split('/')
      .filter(Boolean)
      .map((p) => decodeURIComponent(p).replace(/[^\w.@+-]/g, '_'))
      .map((p) => (p === '.' || p === '..' ? '_' : p));
    return path.join(dir, u.host.replace(/[^\w.-]/g, '_'), ...parts);
  };
  return {
    fileOf,
    async get(url) {
      try {
        return new Uint8Array(await readFile(fileOf(url)));
      } catch {
        return undefined;
      }
    },
    async put(url, bytes) {
      const file = fileOf(url);
      await mkdir(path.dirname(file), { recursive: true });
      const tmp = `${file}.${process.pid}.tmp`;
      await writeFile(tmp, bytes);
      await rename(tmp, file);
    },
    async delete(url) {
      await rm(fileOf(url), { force: true });
    },
  };
}
