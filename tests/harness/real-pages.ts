/**
 * Test pages built the way real generator sites are (issue #13): galleries of small cells in a
 * clipping container, thumbnails, a narrow iframe, and hostile pages (CSS that hides or resets
 * foreign nodes, a transparent layer over everything, a script that removes what it did not
 * create). Served by site.ts on the main origin; every image is a scene from scenes.ts.
 */
import { encodePng } from './png.ts';
import { renderSceneScaled, SCENES, sceneSvg, type SceneName } from './scenes.ts';

/** Each element a test opens the overlay on: where it is, which scene it shows, at what CSS size and fit. */
export const REAL_PAGES = {
  /** `/sizes.html`: a 300×200 cell (object-fit: cover) of a gallery at the top of the page, inside `overflow: hidden`. */
  cell: { page: '/sizes.html', selector: '#cell-wide', src: '/img/wide.png', scene: 'wide', width: 300, height: 200, fit: 'cover' },
  /** `/sizes.html`: a 76×76 thumbnail further down. */
  thumbnail: { page: '/sizes.html', selector: '#thumb-shapes', src: '/img/shapes.png', scene: 'shapes', width: 76, height: 76, fit: 'fill' },
  /** `/narrow.html`, shown in a 240 px wide iframe on `/sizes.html`: a 220×165 image at its top. */
  narrow: { page: '/narrow.html', selector: '#narrow-wide', src: '/img/wide.png', scene: 'wide', width: 220, height: 165, fit: 'fill' },
  /** `/hostile.html`: hostile CSS, a transparent full-page layer over it; `?remove=1` also removes foreign nodes (its `removeForeign()` once, `startRemoving()` from then on). */
  hostile: { page: '/hostile.html', selector: '#hostile-river', src: '/img/river.png', scene: 'river', width: 512, height: 512, fit: 'fill' },
  /** `/pixels.html`: the shapes image shown through a `blob:` URL revoked once it loaded (src is where the blob came from). */
  revokedBlob: { page: '/pixels.html', selector: '#revoked-blob', src: '/img/shapes.png', scene: 'shapes', width: 256, height: 256, fit: 'fill' },
  /** `/pixels.html`: an <img> whose file is missing (404). */
  missing: { page: '/pixels.html', selector: '#missing', src: '/img/missing.png', scene: 'shapes', width: 256, height: 256, fit: 'fill' },
} as const satisfies Record<string, { page: string; selector: string; src: string; scene: SceneName; width: number; height: number; fit: string }>;

const img = (key: keyof typeof REAL_PAGES, extra = '') => {
  const p = REAL_PAGES[key];
  return `<img id="${p.selector.slice(1)}" src="${p.src}" alt="${SCENES[p.scene].alt}" style="width:${p.width}px;height:${p.height}px;object-fit:${p.fit};display:block"${extra}>`;
};

// Ready once every image of the page has loaded (the iframe's own page says so for itself).
const READY = `<script>Promise.all([...document.images].map((i) => i.decode())).then(() => { document.body.dataset.ready = 'true'; });</script>`;

export const SIZES_HTML = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Sizes</title>
<style>
  body { margin: 0; font: 14px system-ui, sans-serif; }
  .gallery { display: grid; grid-template-columns: repeat(3, 300px); gap: 8px; padding: 8px; height: 216px; overflow: hidden; }
  .gallery img { border-radius: 6px; }
  .thumbs { display: flex; gap: 8px; padding: 200px 8px 8px; }
  iframe { border: 1px solid #999; margin: 8px; }
</style></head>
<body>
<div class="gallery">${img('cell')}<img src="/img/tall.png" alt="" style="width:300px;height:200px;object-fit:cover"><img src="/img/river.png" alt="" style="width:300px;height:200px;object-fit:cover"></div>
<div class="thumbs">${img('thumbnail')}<img src="/img/river.png" alt="" width="76" height="76"></div>
<iframe id="narrow-frame" src="/narrow.html" width="240" height="440" title="narrow"></iframe>
${READY}
</body></html>
`;

export const NARROW_HTML = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Narrow</title><style>body { margin: 0; } img { margin: 4px 10px; }</style></head>
<body>${img('narrow')}${READY}</body></html>
`;

/** Hostile CSS that hides or resets every node the page did not make, and a transparent layer over the whole page taking clicks. */
const HOSTILE_STYLE = `<style>
  html > :not(head):not(body) { display: none !important; }
  * { all: unset !important; }
  img { display: block !important; width: 512px !important; height: 512px !important; margin: 100px 0 0 40px !important; }
  #trap { position: fixed !important; inset: 0 !important; z-index: 2147483647 !important; background: transparent !important; display: block !important; }
</style>`;

// ?remove=1: a page that removes every element it did not create, wherever and as soon as it appears.
// Its own script can also do that later (as a framework's re-render does): `removeForeign()` once,
// `startRemoving()` from then on.
const REMOVER = `<script>
const own = new Set(document.querySelectorAll('*'));
const foreign = (node) => node instanceof Element && !own.has(node);
window.removeForeign = () => { for (const element of document.querySelectorAll('*')) if (foreign(element)) element.remove(); };
window.startRemoving = () => {
  window.removeForeign();
  new MutationObserver((records) => {
    for (const record of records) for (const node of record.addedNodes) if (foreign(node)) node.remove();
  }).observe(document.documentElement, { childList: true, subtree: true });
};
if (new URLSearchParams(location.search).has('remove')) window.startRemoving();
document.getElementById('trap').addEventListener('click', () => { document.body.dataset.trapped = String(Number(document.body.dataset.trapped || 0) + 1); });
</script>`;

export const HOSTILE_HTML = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Hostile</title>${HOSTILE_STYLE}</head>
<body>${img('hostile')}<div id="trap"></div>${READY}${REMOVER}</body></html>
`;

// Ready once the blob: image has loaded and its URL is revoked (the 404 image has failed by then too).
export const PIXELS_HTML = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Pixels</title><style>body { margin: 0; padding: 100px 16px; display: flex; gap: 16px; }</style></head>
<body>${img('revokedBlob').replace(/ src="[^"]*"/, '')}${img('missing')}
<script>
const shown = document.getElementById('revoked-blob');
const missing = document.getElementById('missing');
const failed = missing.complete ? Promise.resolve() : new Promise((resolve) => missing.addEventListener('error', resolve, { once: true }));
fetch('${REAL_PAGES.revokedBlob.src}').then((r) => r.blob()).then((blob) => {
  const url = URL.createObjectURL(blob);
  shown.src = url;
  return shown.decode().then(() => URL.revokeObjectURL(url));
}).then(() => failed).then(() => { document.body.dataset.ready = 'true'; });
</script></body></html>
`;

/** `/finds.html`: images that hit-testing alone does not find, each picked with the picker (scene, and its scale on the page). */
export const FINDS = {
  /** A 320² <div> whose ::before draws shapes.png (background-size: cover). */
  before: { selector: '#before-shapes', scene: 'shapes', scale: 320 / 1024, shape: 'green-disc' },
  /** The shapes scene as inline <svg> (viewBox 1024²) shown at 512². */
  svg: { selector: '#inline-svg', scene: 'shapes', scale: 0.5, shape: 'green-disc' },
  /** An SVG <image> of wide.png (800×600) at 400×300. */
  svgImage: { selector: '#svg-image', scene: 'wide', scale: 0.5, shape: 'green-disc' },
  /** A 512² canvas with the river drawn in it, `pointer-events: none`. */
  canvas: { selector: '#pe-none-canvas', scene: 'river', scale: 1, shape: 'river' },
  /** wide.png (800×600) at 400×300 in a *closed* shadow root of `#closed-host` (the host's box is the image's). */
  closedShadow: { selector: '#closed-host', scene: 'wide', scale: 0.5, shape: 'green-disc' },
  /** A 700×600 canvas with transparent margins and the river (512²) drawn unscaled at (94, 44): only that part is edited. */
  drawnCanvas: { selector: '#margin-canvas', scene: 'river', scale: 1, shape: 'river' },
} as const satisfies Record<string, { selector: string; scene: SceneName; scale: number; shape: string }>;

export const FINDS_HTML = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Finds</title>
<style>
  body { margin: 0; padding: 120px 16px 16px; display: flex; flex-wrap: wrap; gap: 24px; align-items: flex-start; }
  #before-shapes { position: relative; width: 320px; height: 320px; }
  #before-shapes::before { content: ''; position: absolute; inset: 0; background: url(/img/shapes.png) 0 0 / cover; }
  #pe-none-canvas { width: 512px; height: 512px; pointer-events: none; }
</style></head>
<body>
<div id="before-shapes" role="img" aria-label="${SCENES.shapes.alt}"></div>
${sceneSvg(SCENES.shapes, { intrinsicSize: false }).replace('<svg ', '<svg id="inline-svg" style="width:512px;height:512px;display:block" ')}
<svg width="400" height="300" viewBox="0 0 400 300" style="display:block"><image id="svg-image" href="/img/wide.png" width="400" height="300"/></svg>
<div><canvas id="pe-none-canvas" width="512" height="512"></canvas></div>
<canvas id="margin-canvas" width="700" height="600" style="display:block"></canvas>
<chat-image id="closed-host" style="display:block;width:400px;height:300px"></chat-image>
<script>
const closed = document.getElementById('closed-host').attachShadow({ mode: 'closed' });
closed.innerHTML = '<img src="/img/wide.png" alt="" style="display:block;width:400px;height:300px">';
const source = new Image();
source.src = '/img/river.png';
const background = new Image();
background.src = '/img/shapes.png';
const wide = new Image();
wide.src = '/img/wide.png';
Promise.all([source.decode(), background.decode(), wide.decode(), closed.querySelector('img').decode()]).then(() => {
  document.getElementById('pe-none-canvas').getContext('2d').drawImage(source, 0, 0);
  document.getElementById('margin-canvas').getContext('2d').drawImage(source, 94, 44);
  document.body.dataset.ready = 'true';
});
</script></body></html>
`;

/** `/chat.html`: a chat UI's generated image, shown first as a 32×48 placeholder; `window.finishGeneration()` swaps in tall.png (600×800). */
export const CHAT = { selector: '#chat-image', final: '/img/tall.png', scene: 'tall', width: 300, height: 400, placeholder: { width: 32, height: 48 } } as const;

const placeholderUrl = () => `data:image/png;base64,${encodePng(renderSceneScaled(SCENES.tall, CHAT.placeholder.width, CHAT.placeholder.height)).toString('base64')}`;

export const chatHtml = (): string => `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Chat</title>
<style>body { margin: 0; padding: 120px 24px; font: 14px system-ui, sans-serif; } .bubble { background: #eee; border-radius: 12px; padding: 12px; display: inline-block; }
#chat-image { width: ${CHAT.width}px; height: ${CHAT.height}px; display: block; filter: blur(0); }</style></head>
<body><div class="bubble"><p>Here is your image:</p><img id="chat-image" src="${placeholderUrl()}" alt="${SCENES.tall.alt}"></div>
<script>
window.finishGeneration = () => { document.getElementById('chat-image').src = '${CHAT.final}'; };
document.getElementById('chat-image').decode().then(() => { document.body.dataset.ready = 'true'; });
</script></body></html>
`;

/**
 * `/referer.html`: the shapes image (1024²) shown at 320² from the second origin's `/cdn/` path,
 * which answers 403 unless the request's Referer is the main origin (as image CDNs do).
 */
export const REFERER = { page: '/referer.html', selector: '#cdn-shapes', path: '/cdn/img/shapes.png', scene: 'shapes', width: 320, height: 320 } as const;

export const refererHtml = (crossOriginUrl: string): string => `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>CDN</title><style>body { margin: 0; padding: 100px 16px; }</style></head>
<body><img id="${REFERER.selector.slice(1)}" src="${crossOriginUrl}${REFERER.path}" alt="${SCENES.shapes.alt}" style="width:${REFERER.width}px;height:${REFERER.height}px;display:block">${READY}</body></html>
`;

/**
 * `/unlisted.html`: the shapes image (1024²) shown at 320² from a third origin (127.0.0.4) that the
 * e2e build's host permissions leave out, as production leaves out every site: reading its file
 * takes the production path (the overlay asks the user for the site).
 */
export const UNLISTED = { page: '/unlisted.html', selector: '#unlisted-shapes', path: '/img/shapes.png', scene: 'shapes', width: 320, height: 320 } as const;

export const unlistedHtml = (unlistedOriginUrl: string): string => `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Unlisted site</title><style>body { margin: 0; padding: 100px 16px; }</style></head>
<body><img id="${UNLISTED.selector.slice(1)}" src="${unlistedOriginUrl}${UNLISTED.path}" alt="${SCENES.shapes.alt}" style="width:${UNLISTED.width}px;height:${UNLISTED.height}px;display:block">${READY}</body></html>
`;

/**
 * `/unlisted-frame.html`: an image inside a frame of the unlisted origin (127.0.0.4, `/framed.html`
 * there), which the extension cannot inject into while that site is withheld.
 */
export const UNLISTED_FRAME = { page: '/unlisted-frame.html', framePath: '/framed.html', selector: '#framed-shapes', path: '/img/shapes.png' } as const;

export const unlistedFrameHtml = (unlistedOriginUrl: string): string => `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Framed elsewhere</title><style>body { margin: 0; padding: 40px 16px; } iframe { width: 400px; height: 400px; border: 0; }</style></head>
<body><iframe src="${unlistedOriginUrl}${UNLISTED_FRAME.framePath}" onload="document.body.dataset.ready = 'true'"></iframe></body></html>
`;

export const FRAMED_HTML = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Framed</title><style>body { margin: 0; }</style></head>
<body><img id="${UNLISTED_FRAME.selector.slice(1)}" src="${UNLISTED_FRAME.path}" alt="${SCENES.shapes.alt}" style="width:320px;height:320px;display:block"></body></html>
`;

/**
 * `/menu.html`: what the context menu's URL alone cannot tell apart. The shapes file shown twice
 * (a 160² grid cell first, then the 400² "lightbox" copy); and the river, whose src the page
 * changes as its menu opens (a cache-busting query), so the menu's URL is no longer in the DOM.
 */
export const MENU = {
  page: '/menu.html',
  twice: { selector: '#lightbox-shapes', src: '/img/shapes.png', scene: 'shapes', shape: 'green-disc', width: 400, height: 400 },
  swapped: { selector: '#swapped-river', src: '/img/river.png', scene: 'river', shape: 'river', width: 512, height: 512 },
} as const;

export const MENU_HTML = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Menu</title><style>body { margin: 0; padding: 100px 16px; display: flex; gap: 16px; align-items: flex-start; } img { display: block; }</style></head>
<body>
<img id="cell-shapes" src="${MENU.twice.src}" alt="" style="width:160px;height:160px">
<img id="${MENU.twice.selector.slice(1)}" src="${MENU.twice.src}" alt="${SCENES.shapes.alt}" style="width:${MENU.twice.width}px;height:${MENU.twice.height}px">
<img id="${MENU.swapped.selector.slice(1)}" src="${MENU.swapped.src}" alt="${SCENES.river.alt}" style="width:${MENU.swapped.width}px;height:${MENU.swapped.height}px">
<script>
const swapped = document.getElementById('${MENU.swapped.selector.slice(1)}');
swapped.addEventListener('contextmenu', () => { swapped.src = '${MENU.swapped.src}?v=2'; });
</script>${READY}</body></html>
`;

/**
 * `/webgl.html`: the river (512²) drawn once by WebGL into a 512² canvas without
 * `preserveDrawingBuffer`, as generator previews do: once the frame is shown, every copy of the
 * canvas (drawImage, toBlob) is blank, while the screen shows the image.
 */
export const WEBGL = { page: '/webgl.html', selector: '#webgl-river', scene: 'river', shape: 'river', width: 512, height: 512 } as const;

export const WEBGL_HTML = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>WebGL preview</title><style>body { margin: 0; padding: 100px 16px; } canvas { display: block; }</style></head>
<body><canvas id="${WEBGL.selector.slice(1)}" width="${WEBGL.width}" height="${WEBGL.height}" style="width:${WEBGL.width}px;height:${WEBGL.height}px"></canvas>
<script>
const canvas = document.getElementById('${WEBGL.selector.slice(1)}');
const gl = canvas.getContext('webgl', { preserveDrawingBuffer: false, antialias: false });
const source = new Image();
source.src = '/img/river.png';
source.decode().then(() => {
  if (!gl) throw new Error('no WebGL here');
  const shader = (type, text) => { const s = gl.createShader(type); gl.shaderSource(s, text); gl.compileShader(s); return s; };
  const program = gl.createProgram();
  gl.attachShader(program, shader(gl.VERTEX_SHADER, 'attribute vec2 p; varying vec2 uv; void main() { uv = vec2(p.x + 1.0, 1.0 - p.y) / 2.0; gl_Position = vec4(p, 0.0, 1.0); }'));
  gl.attachShader(program, shader(gl.FRAGMENT_SHADER, 'precision mediump float; varying vec2 uv; uniform sampler2D image; void main() { gl_FragColor = texture2D(image, uv); }'));
  gl.linkProgram(program);
  gl.useProgram(program);
  gl.bindBuffer(gl.ARRAY_BUFFER, gl.createBuffer());
  gl.bufferData(gl.ARRAY_BUFFER, new Float32Array([-1, -1, 1, -1, -1, 1, 1, 1]), gl.STATIC_DRAW);
  gl.enableVertexAttribArray(0);
  gl.vertexAttribPointer(0, 2, gl.FLOAT, false, 0, 0);
  gl.bindTexture(gl.TEXTURE_2D, gl.createTexture());
  gl.texParameteri(gl.TEXTURE_2D, gl.TEXTURE_MIN_FILTER, gl.NEAREST);
  gl.texParameteri(gl.TEXTURE_2D, gl.TEXTURE_MAG_FILTER, gl.NEAREST);
  gl.texParameteri(gl.TEXTURE_2D, gl.TEXTURE_WRAP_S, gl.CLAMP_TO_EDGE);
  gl.texParameteri(gl.TEXTURE_2D, gl.TEXTURE_WRAP_T, gl.CLAMP_TO_EDGE);
  gl.texImage2D(gl.TEXTURE_2D, 0, gl.RGBA, gl.RGBA, gl.UNSIGNED_BYTE, source);
  gl.drawArrays(gl.TRIANGLE_STRIP, 0, 4);
  // Ready once that frame is on screen (the drawing buffer is cleared then).
  requestAnimationFrame(() => requestAnimationFrame(() => { document.body.dataset.ready = 'true'; }));
}).catch((error) => { document.body.dataset.ready = 'true'; document.body.dataset.error = String(error); });
</script></body></html>
`;

/**
 * `/thumb-cdn.html`: the shapes image (1024²) as a 76² thumbnail from the second origin (no CORS):
 * the page's origin cannot read it, the extension fetches the file (host access), and the overlay
 * has only its stored key.
 */
export const CDN_THUMB = { page: '/thumb-cdn.html', selector: '#cdn-thumb', path: '/img/shapes.png', scene: 'shapes', width: 76, height: 76 } as const;

export const cdnThumbHtml = (crossOriginUrl: string): string => `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Thumbnails</title><style>body { margin: 0; padding: 300px 400px; }</style></head>
<body><img id="${CDN_THUMB.selector.slice(1)}" src="${crossOriginUrl}${CDN_THUMB.path}" alt="${SCENES.shapes.alt}" style="width:${CDN_THUMB.width}px;height:${CDN_THUMB.height}px;display:block">${READY}</body></html>
`;
