/**
 * The production build's manifest (the e2e build grants loopback hosts up front; production must
 * not): built here into its own folder, so the e2e build beside it stays as it is.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';

const OUT = path.resolve('.output/production');

interface Manifest {
  permissions: string[];
  host_permissions?: string[];
  optional_host_permissions?: string[];
  content_scripts?: unknown[];
  web_accessible_resources?: { resources: string[]; matches: string[] }[];
}

let manifest: Manifest;

beforeAll(() => {
  execFileSync('npx', ['wxt', 'build'], { env: { ...process.env, INPAINT_E2E: '', INPAINT_OUT_DIR: OUT }, stdio: 'pipe', timeout: 170_000 });
  manifest = JSON.parse(readFileSync(path.join(OUT, 'chrome-mv3/manifest.json'), 'utf8')) as Manifest;
}, 180_000);

describe('production manifest', () => {
  it('grants no host up front (no loopback, no <all_urls>): image and server origins are optional, asked for when needed', () => {
    expect(manifest.host_permissions ?? []).toEqual([]);
    expect(manifest.optional_host_permissions).toEqual(['http://*/*', 'https://*/*']);
    expect(manifest.permissions).toContain('activeTab');
    expect(manifest.permissions).not.toContain('<all_urls>');
    expect(manifest.permissions).not.toContain('tabs');
    // Header rules only where host access is held (the CDN Referer); the plain permission would warn and block anywhere.
    expect(manifest.permissions).toContain('declarativeNetRequestWithHostAccess');
    expect(manifest.permissions).not.toContain('declarativeNetRequest');
    expect(manifest.content_scripts ?? []).toEqual([]);
  });

  it('exposes only the overlay frame to pages', () => {
    expect(manifest.web_accessible_resources?.flatMap((entry) => entry.resources)).toEqual(['overlay.html']);
  });
});
