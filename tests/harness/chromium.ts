/**
 * Finds the Chromium binary the e2e tests and `npm start` drive. Order: `CHROME_PATH`, then the
 * usual Debian/Ubuntu/Google paths. When none is there and we are root on a machine with apt-get
 * (CI, a fresh dev box), installs Debian's `chromium` once and looks again.
 */
import { accessSync, constants, existsSync, statSync } from 'node:fs';
import { spawnSync } from 'node:child_process';

export const CHROMIUM_CANDIDATES = ['/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome'] as const;

const HINT = 'install Chromium (`apt-get install chromium`) or set CHROME_PATH to a Chromium/Chrome binary';

export interface FindChromiumOptions {
  /** Defaults to `process.env`. */
  env?: NodeJS.ProcessEnv;
  /** Defaults to {@link CHROMIUM_CANDIDATES}. */
  candidates?: readonly string[];
  /** Allow the apt-get install fallback (default true; it only runs as root with apt-get present). */
  allowInstall?: boolean;
}

function isExecutableFile(path: string): boolean {
  try {
    if (!statSync(path).isFile()) return false;
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

function look(candidates: readonly string[]): string | undefined {
  return candidates.find(isExecutableFile);
}

export function findChromium(options: FindChromiumOptions = {}): string {
  const env = options.env ?? process.env;
  const candidates = options.candidates ?? CHROMIUM_CANDIDATES;
  const fromEnv = env.CHROME_PATH?.trim();
  if (fromEnv) {
    if (isExecutableFile(fromEnv)) return fromEnv;
    throw new Error(`CHROME_PATH=${fromEnv} is not an executable file: ${HINT}`);
  }
  const found = look(candidates);
  if (found) return found;

  const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
  const hasApt = existsSync('/usr/bin/apt-get');
  if ((options.allowInstall ?? true) && isRoot && hasApt) {
    console.warn('[harness] no Chromium found: running `apt-get update && apt-get install -y chromium`');
    const result = spawnSync('sh', ['-c', 'apt-get update && apt-get install -y chromium'], {
      stdio: 'inherit',
      env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
    });
    const after = look(candidates);
    if (after) return after;
    throw new Error(`apt-get install chromium failed (exit ${result.status ?? result.signal}): ${HINT}`);
  }
  throw new Error(`No Chromium found at ${candidates.join(', ')}: ${HINT}`);
}
