/**
 * The static test site: a "generator gallery" of test images drawn from scenes.ts, in the shapes
 * the content script must handle (plain <img>, scaled <img>, CSS background, canvas, open shadow
 * root, cross-origin <img>), once with a normal page and once under a strict CSP.
 *
 * Three origins:
 * - `url` (127.0.0.1): pages, scripts, images. The e2e build's host permissions cover it.
 * - `crossOriginUrl`: the same images WITHOUT any CORS header, on 127.0.0.2 (another loopback
 *   host: the page may not read them; the e2e build's host permissions cover it, so the extension
 *   may). Where 127.0.0.2 cannot be bound it falls back to 127.0.0.1 on another port.
 * - `unlistedOriginUrl`: the same again on 127.0.0.4, whose host access the tests withhold while
 *   they run (chrome://extensions' site access; the e2e build lists it so it can be withheld and
 *   given back), as production starts; empty where 127.0.0.4 cannot be bound. It also
 *   serves `/framed.html` (an image page that /unlisted-frame.html frames).
 *
 * Routes (every origin): `/img/{scene}.png`. Second origin only: `/cdn/img/{scene}.png`, 403 unless
 * the Referer is the main origin's (an image CDN that refuses hotlinks). Main origin only: `/`, `/gallery.html`,
 * `/strict-csp.html` (`Content-Security-Policy: script-src 'self'`), `/inputs.html` (see INPUTS), `/metadata.html` (see METADATA),
 * `/sizes.html`, `/narrow.html`, `/hostile.html`, `/pixels.html`, `/finds.html`, `/chat.html`, `/referer.html`, `/webgl.html`, `/unlisted.html`, `/unlisted-frame.html`, `/menu.html` (see real-pages.ts), `/gallery.js`,
 * `/gallery.css`, `/blank.html`, `/favicon.ico` (204). The gallery sets `<body data-ready="true">` once every image,
 * the canvas and the shadow-root image are drawn: wait for `body[data-ready="true"]`. An inline
 * script sets `body[data-inline-script="ran"]`: present on /gallery.html, absent (blocked, with a
 * CSP console error) on /strict-csp.html.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { metadataHtml, metadataImage } from './metadata-page.ts';
import { encodeApng, encodePng } from './png.ts';
import { cdnThumbHtml, chatHtml, FINDS_HTML, FRAMED_HTML, HOSTILE_HTML, MENU_HTML, NARROW_HTML, PIXELS_HTML, refererHtml, SIZES_HTML, unlistedFrameHtml, unlistedHtml, WEBGL_HTML } from './real-pages.ts';
import { PALETTE, SCENES, getScene, renderScene, renderSceneScaled, sceneSvg, type SceneName } from './scenes.ts';

export interface Site {
  /** e.g. `http://127.0.0.1:43121` */
  url: string;
  /** e.g. `http://127.0.0.2:43122`: serves `/img/*` only, no CORS headers. */
  crossOriginUrl: string;
  /** e.g. `http://127.0.0.4:43122`: the same as `crossOriginUrl`, on a host whose access the tests withhold (see above). */
  unlistedOriginUrl: string;
  close(): Promise<void>;
}

export interface StartSiteOptions {
  host?: string;
  port?: number;
  crossOriginHost?: string;
  crossOriginPort?: number;
}

/** Where each gallery element's pixels come from, for tests that read them back. */
export const GALLERY = {
  /** <img> shown at natural size. */
  river: { selector: '#img-river', scene: 'river' },
  /** 1024² <img> scaled down to 512² by CSS. */
  shapes: { selector: '#img-shapes', scene: 'shapes' },
  /** 800×600 <img> scaled to 400×300. */
  wide: { selector: '#img-wide', scene: 'wide' },
  /** 600×800 <img> scaled to 300×400. */
  tall: { selector: '#img-tall', scene: 'tall' },
  /** <div> with `background-image: url(/img/shapes.png)`, 320² (background-size: cover). */
  background: { selector: '#bg-shapes', scene: 'shapes' },
  /** <canvas> 512² with the river image drawn into it (same origin: not tainted). */
  canvas: { selector: '#canvas-river', scene: 'river' },
  /** <img> inside an open shadow root on `#shadow-host` (Playwright's CSS selectors pierce open roots). */
  shadow: { selector: '#img-shadow', scene: 'wide' },
  /** <img> from the cross origin (no CORS). */
  crossOrigin: { selector: '#img-cross-origin', scene: 'shapes' },
} as const satisfies Record<string, { selector: string; scene: SceneName }>;

function galleryHtml(title: string, crossOriginUrl: string): string {
  const s = SCENES;
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>${title}</title>
<link rel="stylesheet" href="/gallery.css">
</head>
<body>
<h1>${title}</h1>
<main class="grid">
  <figure><img id="img-river" src="/img/river.png" width="512" height="512" alt="${s.river.alt}"><figcaption>${s.river.alt}</figcaption></figure>
  <figure><img id="img-shapes" src="/img/shapes.png" width="512" height="512" alt="${s.shapes.alt}"><figcaption>1024² shown at 512²</figcaption></figure>
  <figure><img id="img-wide" src="/img/wide.png" width="400" height="300" alt="${s.wide.alt}"><figcaption>800×600 shown at 400×300</figcaption></figure>
  <figure><img id="img-tall" src="/img/tall.png" width="300" height="400" alt="${s.tall.alt}"><figcaption>600×800 shown at 300×400</figcaption></figure>
  <figure><div id="bg-shapes" role="img" aria-label="${s.shapes.alt}"></div><figcaption>CSS background-image</figcaption></figure>
  <figure><canvas id="canvas-river" width="512" height="512" aria-label="${s.river.alt}"></canvas><figcaption>canvas drawn from an image</figcaption></figure>
  <figure><div id="shadow-host"></div><figcaption>image in an open shadow root</figcaption></figure>
  <figure><img id="img-cross-origin" src="${crossOriginUrl}/img/shapes.png" width="320" height="320" alt="${s.shapes.alt} (cross-origin)"><figcaption>cross-origin, no CORS</figcaption></figure>
</main>
<script>document.body.dataset.inlineScript = 'ran';</script>
<script src="/gallery.js"></script>
</body>
</html>
`;
}

const GALLERY_CSS = `body { font: 14px system-ui, sans-serif; margin: 16px; background: #fafafa; }
.grid { display: flex; flex-wrap: wrap; gap: 16px; align-items: flex-start; }
figure { margin: 0; }
figcaption { max-width: 512px; color: #444; }
#bg-shapes { width: 320px; height: 320px; background-image: url(/img/shapes.png); background-size: cover; }
#canvas-river { width: 512px; height: 512px; }
`;

// Loaded by both gallery pages (same origin, so it also runs under `script-src 'self'`).
const GALLERY_JS = `(() => {
  const loaded = (img) => img.complete && img.naturalWidth > 0 ? Promise.resolve() : new Promise((resolve, reject) => {
    img.addEventListener('load', () => resolve(), { once: true });
    img.addEventListener('error', () => reject(new Error('failed to load ' + img.src)), { once: true });
  });
  const host = document.getElementById('shadow-host');
  const root = host.attachShadow({ mode: 'open' });
  root.innerHTML = '<style>img { display: block; }</style><img id="img-shadow" src="/img/wide.png" width="400" height="300" alt=${JSON.stringify(SCENES.wide.alt + ' (in a shadow root)')}>';
  const canvas = document.getElementById('canvas-river');
  const source = new Image();
  source.src = '/img/river.png';
  const drawn = loaded(source).then(() => canvas.getContext('2d').drawImage(source, 0, 0, canvas.width, canvas.height));
  const background = new Image();
  background.src = '/img/shapes.png';
  const images = [...document.images, root.getElementById('img-shadow')];
  Promise.all([drawn, loaded(background), ...images.map(loaded)]).then(
    () => { document.body.dataset.ready = 'true'; },
    (error) => { document.body.dataset.ready = 'error'; document.body.dataset.error = String(error); },
  );
})();
`;

const INDEX_HTML = `<!doctype html><meta charset="utf-8"><title>Inpaint Biases test site</title>
<ul><li><a href="/gallery.html">gallery</a></li><li><a href="/strict-csp.html">gallery under script-src 'self'</a></li></ul>
`;

/**
 * Inputs a user meets besides plain PNGs, on `/inputs.html`: an SVG (rasterised by the extension),
 * an animated PNG (first frame edited, and said so), an over-large image (downscaled only with
 * consent), a broken file (a clear message) and a missing one (404). Each is on the page twice:
 * from the page's origin (`selector`) and from the cross origin without CORS (`selector` +
 * `CROSS_ORIGIN_SUFFIX`), which only the extension's own fetch can read.
 */
export const INPUTS = {
  /** The shapes scene as SVG, shown at 512². */
  svg: { selector: '#img-svg', path: '/img/shapes.svg', scene: 'shapes' },
  /** Two frames: the river scene, then the same with a red river. Served as image/png, as most servers label an APNG. */
  animated: { selector: '#img-animated', path: '/img/river-animated.png', scene: 'river' },
  /** The shapes scene scaled to 4200² (17.6 Mpx, over the 16 Mpx limit), shown at 512². */
  huge: { selector: '#img-huge', path: '/img/shapes-huge.png', scene: 'shapes', width: 4200, height: 4200 },
  /** The first 1500 bytes of shapes.png. */
  broken: { selector: '#img-broken', path: '/img/broken.png', scene: 'shapes' },
  /** No such file: 404. */
  missing: { selector: '#img-missing', path: '/img/missing-input.png', scene: 'shapes' },
} as const;

/** The cross-origin copy of an INPUTS image has its id with this suffix. */
export const CROSS_ORIGIN_SUFFIX = '-cross';

function inputsHtml(crossOriginUrl: string): string {
  const figure = (id: string, src: string, caption: string) =>
    `<figure><img id="${id}" src="${src}" width="512" height="512" alt="${caption}"><figcaption>${caption}</figcaption></figure>`;
  const figures = (base: string, suffix: string, where: string) => `${figure(`img-svg${suffix}`, base + INPUTS.svg.path, `SVG${where}`)}
${figure(`img-animated${suffix}`, base + INPUTS.animated.path, `animated PNG${where}`)}
${figure(`img-huge${suffix}`, base + INPUTS.huge.path, `4200² PNG${where}`)}
${figure(`img-broken${suffix}`, base + INPUTS.broken.path, `broken PNG${where}`)}
${figure(`img-missing${suffix}`, base + INPUTS.missing.path, `missing PNG${where}`)}`;
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Unusual inputs</title><link rel="stylesheet" href="/gallery.css"></head>
<body><h1>Unusual inputs</h1><main class="grid">
${figures('', '', '')}
${figures(crossOriginUrl, CROSS_ORIGIN_SUFFIX, ' (cross-origin, no CORS)')}
</main>
<script src="/inputs.js"></script>
</body></html>
`;
}

// Ready once every image has either loaded or (the broken one) failed.
const INPUTS_JS = `Promise.all([...document.images].map((img) => img.decode().catch(() => undefined))).then(() => { document.body.dataset.ready = 'true'; });`;

const specialCache = new Map<string, { body: Buffer; type: string }>();
function specialImage(pathname: string): { body: Buffer; type: string } | undefined {
  const cached = specialCache.get(pathname);
  if (cached) return cached;
  let made: { body: Buffer; type: string } | undefined;
  if (pathname === INPUTS.svg.path) {
    made = { body: Buffer.from(sceneSvg(SCENES.shapes)), type: 'image/svg+xml' };
  } else if (pathname === INPUTS.animated.path) {
    const first = renderScene(SCENES.river);
    const second = renderScene(SCENES.river);
    const [br, bg, bb] = PALETTE.blue;
    const [rr, rg, rb] = PALETTE.red;
    for (let i = 0; i < second.data.length; i += 4) {
      if (second.data[i] === br && second.data[i + 1] === bg && second.data[i + 2] === bb) second.data.set([rr, rg, rb], i);
    }
    made = { body: encodeApng([first, second]), type: 'image/png' };
  } else if (pathname === INPUTS.huge.path) {
    made = { body: encodePng(renderSceneScaled(SCENES.shapes, INPUTS.huge.width, INPUTS.huge.height)), type: 'image/png' };
  } else if (pathname === INPUTS.broken.path) {
    made = { body: scenePng('shapes')!.subarray(0, 1500), type: 'image/png' };
  } else {
    const withMetadata = metadataImage(pathname);
    if (withMetadata) made = { body: withMetadata, type: 'image/png' };
  }
  if (made) specialCache.set(pathname, made);
  return made;
}

const pngCache = new Map<string, Buffer>();
function scenePng(name: string): Buffer | undefined {
  const scene = getScene(name);
  if (!scene) return undefined;
  let png = pngCache.get(name);
  if (!png) {
    png = encodePng(renderScene(scene));
    pngCache.set(name, png);
  }
  return png;
}

function listen(server: http.Server, port: number, host: string): Promise<AddressInfo> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve(server.address() as AddressInfo);
    });
  });
}

function closeServer(server: http.Server): Promise<void> {
  return new Promise((resolve) => {
    server.close(() => resolve());
    server.closeAllConnections();
  });
}

export async function startSite({
  host = '127.0.0.1',
  port = 0,
  crossOriginHost = '127.0.0.2',
  crossOriginPort = 0,
}: StartSiteOptions = {}): Promise<Site> {
  let crossOriginUrl = '';
  let unlistedOriginUrl = '';

  const serveImage = (res: http.ServerResponse, pathname: string, headOnly: boolean): boolean => {
    const special = specialImage(pathname);
    if (special) {
      res.writeHead(200, { 'Content-Type': special.type, 'Content-Length': String(special.body.length), 'Cache-Control': 'no-store' });
      res.end(headOnly ? undefined : special.body);
      return true;
    }
    const m = /^\/img\/([a-z0-9-]+)\.png$/.exec(pathname);
    const png = m ? scenePng(m[1]!) : undefined;
    if (!png) return false;
    res.writeHead(200, { 'Content-Type': 'image/png', 'Content-Length': String(png.length), 'Cache-Control': 'no-store' });
    res.end(headOnly ? undefined : png);
    return true;
  };
  const notFound = (res: http.ServerResponse) => {
    res.writeHead(404, { 'Content-Type': 'text/plain; charset=utf-8' });
    res.end('not found');
  };

  const main = http.createServer((req, res) => {
    const pathname = new URL(req.url ?? '/', 'http://site').pathname;
    const headOnly = req.method === 'HEAD';
    if (serveImage(res, pathname, headOnly)) return;
    const page = (body: string, type: string, extra: Record<string, string> = {}) => {
      res.writeHead(200, { 'Content-Type': `${type}; charset=utf-8`, 'Cache-Control': 'no-store', ...extra });
      res.end(headOnly ? undefined : body);
    };
    switch (pathname) {
      case '/':
        return page(INDEX_HTML, 'text/html');
      case '/gallery.html':
        return page(galleryHtml('Generated images', crossOriginUrl), 'text/html');
      case '/strict-csp.html':
        return page(galleryHtml('Generated images (strict CSP)', crossOriginUrl), 'text/html', {
          'Content-Security-Policy': "script-src 'self'",
        });
      case '/favicon.ico':
        // No favicon 404 in the console: tests may assert that a page logged no errors.
        res.writeHead(204);
        return res.end();
      case '/blank.html':
        return page('<!doctype html><meta charset="utf-8"><title>blank</title>', 'text/html');
      case '/inputs.html':
        return page(inputsHtml(crossOriginUrl), 'text/html');
      case '/metadata.html':
        return page(metadataHtml(), 'text/html');
      case '/sizes.html':
        return page(SIZES_HTML, 'text/html');
      case '/narrow.html':
        return page(NARROW_HTML, 'text/html');
      case '/hostile.html':
        return page(HOSTILE_HTML, 'text/html');
      case '/pixels.html':
        return page(PIXELS_HTML, 'text/html');
      case '/finds.html':
        return page(FINDS_HTML, 'text/html');
      case '/thumb-cdn.html':
        return page(cdnThumbHtml(crossOriginUrl), 'text/html');
      case '/webgl.html':
        return page(WEBGL_HTML, 'text/html');
      case '/chat.html':
        return page(chatHtml(), 'text/html');
      case '/referer.html':
        return page(refererHtml(crossOriginUrl), 'text/html');
      case '/menu.html':
        return page(MENU_HTML, 'text/html');
      case '/unlisted.html':
        return page(unlistedHtml(unlistedOriginUrl), 'text/html');
      case '/unlisted-frame.html':
        return page(unlistedFrameHtml(unlistedOriginUrl), 'text/html');
      case '/inputs.js':
        return page(INPUTS_JS, 'text/javascript');
      case '/gallery.js':
        return page(GALLERY_JS, 'text/javascript');
      case '/gallery.css':
        return page(GALLERY_CSS, 'text/css');
      default:
        return notFound(res);
    }
  });
  let url = '';
  const cross = http.createServer((req, res) => {
    const pathname = new URL(req.url ?? '/', 'http://site').pathname;
    // A CDN that serves its site's pages only: 403 without the main origin's Referer.
    if (pathname.startsWith('/cdn/')) {
      if (!req.headers.referer?.startsWith(`${url}/`)) {
        res.writeHead(403, { 'Content-Type': 'text/plain; charset=utf-8' });
        return res.end('hotlinking refused');
      }
      if (!serveImage(res, pathname.slice('/cdn'.length), req.method === 'HEAD')) notFound(res);
      return;
    }
    if (!serveImage(res, pathname, req.method === 'HEAD')) notFound(res);
  });

  const mainAddress = await listen(main, port, host);
  let crossAddress: AddressInfo;
  try {
    crossAddress = await listen(cross, crossOriginPort, crossOriginHost);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EADDRNOTAVAIL') {
      await closeServer(main);
      throw error;
    }
    crossAddress = await listen(cross, 0, host);
  }
  url = `http://${mainAddress.address}:${mainAddress.port}`;
  crossOriginUrl = `http://${crossAddress.address}:${crossAddress.port}`;
  // The production permission path: a host the e2e build lists but the tests withhold at run time
  // (chrome://extensions site access), where it can be bound.
  const unlisted = http.createServer((req, res) => {
    const pathname = new URL(req.url ?? '/', 'http://site').pathname;
    if (pathname === '/framed.html') {
      res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8', 'Cache-Control': 'no-store' });
      return res.end(req.method === 'HEAD' ? undefined : FRAMED_HTML);
    }
    if (!serveImage(res, pathname, req.method === 'HEAD')) notFound(res);
  });
  const unlistedAddress = await listen(unlisted, 0, '127.0.0.4').catch(() => undefined);
  if (unlistedAddress) unlistedOriginUrl = `http://${unlistedAddress.address}:${unlistedAddress.port}`;
  return {
    url,
    crossOriginUrl,
    unlistedOriginUrl,
    close: async () => {
      await Promise.all([closeServer(main), closeServer(cross), unlistedAddress ? closeServer(unlisted) : undefined]);
    },
  };
}
