import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodePng } from './png.ts';
import { SCENES, renderScene } from './scenes.ts';
import { startSite, type Site } from './site.ts';

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
