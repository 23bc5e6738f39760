import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodePng } from './png.ts';
import { SCENES, renderScene } from './scenes.ts';
import { CROSS_ORIGIN_SUFFIX, INPUTS, startSite, type Site } from './site.ts';

let site: Site;
beforeAll(async () => {
  site = await startSite();
});
afterAll(async () => {
  await site.close();
});

describe('test site', () => {
  it('serves the gallery with alt texts, the cross-origin image and its script', async () => {
    const res = await fetch(`${site.url}/gallery.html`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-security-policy')).toBeNull();
    const html = await res.text();
    expect(html).toContain('alt="a chocolate river through a green valley"');
    expect(html).toContain(`src="${site.crossOriginUrl}/img/shapes.png"`);
    expect(html).toContain('<script src="/gallery.js"></script>');
    expect((await fetch(`${site.url}/gallery.js`)).headers.get('content-type')).toMatch(/javascript/);
  });

  it('serves the unusual inputs: SVG, an animated PNG (labelled image/png) whose default image is frame 0, an over-large, a broken and a missing PNG', async () => {
    const svg = await fetch(`${site.url}${INPUTS.svg.path}`);
    expect(svg.headers.get('content-type')).toBe('image/svg+xml');
    expect(await svg.text()).toMatch(/^<svg [^>]*width="1024" height="1024"/);
    const animated = await fetch(`${site.url}${INPUTS.animated.path}`);
    expect(animated.headers.get('content-type')).toBe('image/png');
    const apng = new Uint8Array(await animated.arrayBuffer());
    const chunks = Buffer.from(apng).toString('latin1');
    expect([chunks.includes('acTL'), chunks.split('fcTL').length - 1, chunks.includes('fdAT')]).toEqual([true, 2, true]);
    expect(Buffer.from(decodePng(apng).data).equals(Buffer.from(renderScene(SCENES.river).data))).toBe(true);
    const huge = decodePng(new Uint8Array(await (await fetch(`${site.url}${INPUTS.huge.path}`)).arrayBuffer()));
    expect([huge.width, huge.height]).toEqual([INPUTS.huge.width, INPUTS.huge.height]);
    const broken = new Uint8Array(await (await fetch(`${site.url}${INPUTS.broken.path}`)).arrayBuffer());
    expect(() => decodePng(broken)).toThrow();
    expect((await fetch(`${site.url}${INPUTS.missing.path}`)).status).toBe(404);
  });

  it('lists each unusual input twice on /inputs.html: from the page origin and, without CORS, from the cross origin', async () => {
    const html = await (await fetch(`${site.url}/inputs.html`)).text();
    for (const input of Object.values(INPUTS)) {
      expect(html).toContain(`id="${input.selector.slice(1)}" src="${input.path}"`);
      expect(html).toContain(`id="${input.selector.slice(1)}${CROSS_ORIGIN_SUFFIX}" src="${site.crossOriginUrl}${input.path}"`);
    }
    const cross = await fetch(`${site.crossOriginUrl}${INPUTS.svg.path}`);
    expect(cross.headers.get('content-type')).toBe('image/svg+xml');
    expect(cross.headers.get('access-control-allow-origin')).toBeNull();
  });

  it("serves the strict-CSP gallery with script-src 'self'", async () => {
    const res = await fetch(`${site.url}/strict-csp.html`);
    expect(res.headers.get('content-security-policy')).toBe("script-src 'self'");
    expect(await res.text()).toContain('id="img-river"');
  });

  it('generates each scene as a PNG equal to renderScene, on both origins', async () => {
    for (const base of [site.url, site.crossOriginUrl]) {
      const res = await fetch(`${base}/img/river.png`);
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toBe('image/png');
      const img = decodePng(new Uint8Array(await res.arrayBuffer()));
      expect(Buffer.from(img.data).equals(Buffer.from(renderScene(SCENES.river).data))).toBe(true);
    }
  });

  it('the second origin is another origin, sends no CORS headers and serves images only', async () => {
    expect(new URL(site.crossOriginUrl).origin).not.toBe(new URL(site.url).origin);
    const res = await fetch(`${site.crossOriginUrl}/img/shapes.png`, { headers: { Origin: site.url } });
    expect(res.headers.get('access-control-allow-origin')).toBeNull();
    expect((await fetch(`${site.crossOriginUrl}/gallery.html`)).status).toBe(404);
    expect((await fetch(`${site.url}/img/unknown.png`)).status).toBe(404);
    expect((await fetch(`${site.url}/img/..%2Fpackage.json`)).status).toBe(404);
  });
});
