/**
 * The production build, Chromium and Firefox, built here into its own folder so that the e2e
 * build beside it stays as it is. The e2e build grants loopback hosts up front and carries test
 * probes (tests/harness/probe-messages.ts); production must have neither.
 */
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { PROBE_TYPES } from '../harness/probe-messages';

const OUT = path.resolve('.output/production');
const BUILDS = ['chrome-mv3', 'firefox-mv3'] as const;

/** Handlers only tests used, removed from the product: nothing may bring them back. */
const REMOVED_TEST_HANDLERS = ['offscreen.ping', 'models.release', 'content.ping', '__inpaintE2eMenuClick'];
/**
 * The e2e build's test hosts: its loopback grants, the test site's other origins (127.0.0.2,
 * 127.0.0.4) and the name tests map to loopback for a "remote" LLM. (The product's own local-server defaults, such as
 * Ollama's http://localhost:11434, are settings the user sees, not grants.)
 */
const TEST_HOSTS = /http:\/\/(?:127\.0\.0\.1|localhost)\/\*|127\.0\.0\.[24]|llm\.remote\.test/;

interface Manifest {
  permissions: string[];
  host_permissions?: string[];
  optional_host_permissions?: string[];
  content_scripts?: unknown[];
  web_accessible_resources?: { resources: string[]; matches: string[]; use_dynamic_url?: boolean }[];
}

function files(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => (entry.isDirectory() ? files(path.join(dir, entry.name)) : [path.join(dir, entry.name)]));
}

const manifest = (build: string): Manifest => JSON.parse(readFileSync(path.join(OUT, build, 'manifest.json'), 'utf8')) as Manifest;

beforeAll(() => {
  const env = { ...process.env, INPAINT_E2E: '', INPAINT_OUT_DIR: OUT };
  execFileSync('npx', ['wxt', 'build'], { env, stdio: 'pipe', timeout: 170_000 });
  execFileSync('npx', ['wxt', 'build', '-b', 'firefox'], { env, stdio: 'pipe', timeout: 170_000 });
}, 360_000);

describe.each(BUILDS)('production build (%s)', (build) => {
  it('ships no test probe and no test-only handler in any script or page', () => {
    const shipped = files(path.join(OUT, build)).filter((f) => /\.(m?js|html|json)$/.test(f));
    expect(shipped.length).toBeGreaterThan(5);
    for (const file of shipped) {
      const text = readFileSync(file, 'utf8');
      for (const name of [...PROBE_TYPES, ...REMOVED_TEST_HANDLERS]) expect(text.includes(name), `${name} in ${path.relative(OUT, file)}`).toBe(false);
      expect(text, path.relative(OUT, file)).not.toMatch(TEST_HOSTS);
    }
  });

  it('grants no host up front (no loopback, no <all_urls>): image and server origins are optional, asked for when needed', () => {
    const { permissions, host_permissions, optional_host_permissions, content_scripts } = manifest(build);
    expect(host_permissions ?? []).toEqual([]);
    expect(optional_host_permissions).toEqual(['http://*/*', 'https://*/*']);
    expect(permissions).toContain('activeTab');
    expect(permissions).not.toContain('<all_urls>');
    expect(permissions).not.toContain('tabs');
    // Header rules only where host access is held (the CDN Referer); the plain permission would warn and block anywhere.
    expect(permissions).toContain('declarativeNetRequestWithHostAccess');
    expect(permissions).not.toContain('declarativeNetRequest');
    expect(content_scripts ?? []).toEqual([]);
  });

  it('exposes only the overlay frame to pages (Chromium: at its per-session URL only, so a site cannot detect the extension)', () => {
    // Firefox has no use_dynamic_url; its moz-extension host is a random per-install UUID already.
    expect(manifest(build).web_accessible_resources).toEqual([{ resources: ['overlay.html'], matches: ['<all_urls>'], ...(build === 'chrome-mv3' ? { use_dynamic_url: true } : {}) }]);
  });
});
