/**
 * Reading a target's pixels at natural resolution, in this order: the file itself where the
 * page's origin may read it (exact bytes: SVG and animation kept), the element's own decoded
 * pixels (an <img> from this origin, `blob:` or `data:` draws untainted, so a revoked `blob:` URL
 * is no problem; a canvas's copy unless it is blank, as a WebGL canvas's is), a fetch by the
 * extension (host access), and only then a screen capture, said so with its resolution. An image that failed to load (404, broken) is reported, never captured.
 */
import { dataUrlToBlob } from '@/utils/data-url';
import { send } from '@/utils/messaging';
import { IMAGE_FAILED, ProtocolError, type PixelOrigin, type SiteAccess } from '@/utils/protocol';
import { ANIMATED_NOTE } from '@/utils/image/animation';
import { isBlank } from '@/utils/image/blank';
import { drawnRect } from '@/utils/image/drawn-rect';
import type { Rect, RGBAImage } from '@/utils/image/types';
import type { Target } from './targets';

/** What the overlay frame receives: the file as a Blob, or a key of one already stored. */
export type PixelSource = ({ kind: 'blob'; blob: Blob; note?: string } | { kind: 'stored'; key: string; width: number; height: number; note?: string }) & {
  /** Whether these are the image file's bytes (which may carry its prompt) or pixels drawn/captured from the page. */
  origin: PixelOrigin;
  /** A capture made because the extension may not read the image's site: what the overlay offers to ask for. */
  access?: SiteAccess;
};

/** Neither the file nor a capture could be read, and allowing the image's site would read the file. */
export class SiteNotAllowed extends Error {
  constructor(readonly access: SiteAccess, cause: unknown) {
    super(`The extension may not read images from ${access.host} yet, and the screen could not be captured`, { cause });
  }
}

/** The file, its HTTP failure, or nothing where this origin may not read it. */
async function fetchHere(url: string): Promise<{ blob: Blob } | { status: number } | undefined> {
  if (url.startsWith('blob:')) return undefined; // a page's blob: may be revoked: its decoded pixels follow
  try {
    const response = await fetch(url, { credentials: 'same-origin' });
    return response.ok ? { blob: await response.blob() } : { status: response.status };
  } catch {
    return undefined; // cross-origin without CORS, or a revoked blob:
  }
}

function canvasBlob(canvas: HTMLCanvasElement | OffscreenCanvas): Promise<Blob | undefined> {
  try {
    if (canvas instanceof OffscreenCanvas) return canvas.convertToBlob({ type: 'image/png' }).catch(() => undefined);
    return new Promise((resolve) => canvas.toBlob((blob) => resolve(blob ?? undefined), 'image/png'));
  } catch {
    return Promise.resolve(undefined); // tainted by a cross-origin drawing
  }
}

/** A copy of the canvas's pixels (whatever its context), unless a cross-origin drawing taints it. */
function canvasPixels(canvas: HTMLCanvasElement): RGBAImage | undefined {
  if (canvas.width === 0 || canvas.height === 0) return undefined;
  const copy = new OffscreenCanvas(canvas.width, canvas.height);
  const context = copy.getContext('2d');
  if (!context) return undefined;
  context.drawImage(canvas, 0, 0); // never getContext on the page's canvas: that would pin its context type
  try {
    return context.getImageData(0, 0, canvas.width, canvas.height);
  } catch {
    return undefined; // tainted
  }
}

/**
 * The canvas as a target, with the sub-rectangle its image was drawn into where margins surround
 * it, or marked blank where its copy is (only a screen capture then shows what the user sees).
 */
export function withDrawnRect(target: Target): Target {
  if (target.kind !== 'canvas') return target;
  const pixels = canvasPixels(target.element);
  if (pixels && isBlank(pixels)) return { ...target, drawn: undefined, blank: true };
  return { ...target, drawn: pixels ? drawnRect(pixels) : undefined, blank: undefined };
}

/** The drawn sub-rectangle of a canvas as a PNG. */
function croppedBlob(canvas: HTMLCanvasElement, rect: Rect): Promise<Blob | undefined> {
  const crop = new OffscreenCanvas(rect.width, rect.height);
  crop.getContext('2d')?.drawImage(canvas, rect.x, rect.y, rect.width, rect.height, 0, 0, rect.width, rect.height);
  return canvasBlob(crop);
}

/** The <img>'s decoded pixels at natural size, unless a cross-origin source taints them. */
function decodedBlob(img: HTMLImageElement): Promise<Blob | undefined> {
  const canvas = new OffscreenCanvas(img.naturalWidth, img.naturalHeight);
  canvas.getContext('2d')?.drawImage(img, 0, 0);
  return canvasBlob(canvas);
}

/** The Referer the page's own request for the image sent under the default policy: its origin. */
const pageReferrer = () => (/^https?:/.test(location.origin) ? `${location.origin}/` : undefined);

const failedToLoad = (img: HTMLImageElement) => img.complete && img.naturalWidth === 0;

/** Largest side an inline SVG is rasterised at. */
const MAX_SVG_SIDE = 4096;

/** An inline <svg> as a standalone file at its viewBox size (else its box size); the frame rasterises it. */
function svgBlob(svg: SVGSVGElement): Blob {
  const copy = svg.cloneNode(true);
  if (!(copy instanceof SVGSVGElement)) throw new Error('This SVG could not be copied');
  const box = svg.getBoundingClientRect();
  const view = svg.viewBox.baseVal;
  const [width, height] = view && view.width > 0 && view.height > 0 ? [view.width, view.height] : [box.width, box.height];
  const scale = Math.min(1, MAX_SVG_SIDE / Math.max(width, height));
  copy.setAttribute('width', String(Math.round(width * scale)));
  copy.setAttribute('height', String(Math.round(height * scale)));
  copy.setAttribute('xmlns', 'http://www.w3.org/2000/svg');
  return new Blob([new XMLSerializer().serializeToString(copy)], { type: 'image/svg+xml' });
}

/**
 * Hides what the extension shows on the page (the overlay, the picker's highlight) until the
 * screen shows the page alone; the returned function shows it again.
 */
export type ClearScreen = () => Promise<() => void>;

export async function readPixels(target: Target, clearScreen: ClearScreen): Promise<PixelSource> {
  let access: SiteAccess | undefined;
  if (target.kind === 'svg') return { kind: 'blob', blob: svgBlob(target.element), note: 'Vector art: rasterised', origin: 'converted' };
  if (target.kind === 'canvas') {
    // A blank copy is never the image: the screen shows what the canvas drew.
    const blob = target.blank ? undefined : await (target.drawn ? croppedBlob(target.element, target.drawn) : canvasBlob(target.element));
    if (blob) return { kind: 'blob', blob, origin: 'canvas', note: target.drawn ? `The image drawn in this canvas (${target.drawn.width}×${target.drawn.height} px), without its margins` : undefined };
  } else {
    const file = await fetchHere(target.url);
    // Whether it is animated is read from its bytes by the overlay frame: in Firefox this file's
    // bytes belong to the page, and byte parsing here fails on the cross-compartment array.
    if (file && 'blob' in file) return { kind: 'blob', blob: file.blob, origin: 'file' };
    if (file) throw new Error(`This image failed to load: its server answered ${file.status}`);
    const failed = target.kind === 'img' && failedToLoad(target.element);
    if (target.kind === 'img' && !failed && target.element.complete) {
      const decoded = await decodedBlob(target.element);
      if (decoded) return { kind: 'blob', blob: decoded, origin: 'decoded' };
    }
    try {
      // With host access the extension's fetch says why an image failed (its server's status, a broken file).
      const fetched = await send('image.fetch', { url: target.url, referrer: pageReferrer() });
      if (fetched.read === true) return { kind: 'stored', key: fetched.image, width: fetched.width, height: fetched.height, note: fetched.animated ? ANIMATED_NOTE : undefined, origin: 'file' };
      // An SVG the background cannot rasterise: the overlay frame does, as for a same-origin one.
      if (fetched.read === 'vector') return { kind: 'blob', blob: dataUrlToBlob(fetched.dataUrl), origin: 'file' };
      access = fetched.access;
    } catch (error) {
      // The file's own failure is the answer; any other falls through to a capture.
      if (error instanceof ProtocolError && error.code === IMAGE_FAILED) throw error;
    }
    // A capture of an image that failed to load would show its broken icon.
    if (failed) throw new Error('This image failed to load on the page: the file is missing or could not be decoded');
  }
  const restore = await clearScreen();
  const box = target.element.getBoundingClientRect();
  const captured = await send('tab.capture', { x: box.left, y: box.top, width: box.width, height: box.height, devicePixelRatio: window.devicePixelRatio })
    .catch((error: unknown) => {
      throw access ? new SiteNotAllowed(access, error) : error;
    })
    .finally(restore);
  const why = target.kind === 'canvas' ? 'this canvas keeps no copy of what it shows (WebGL)' : 'this site’s image file could not be read';
  return { kind: 'stored', key: captured.image, width: captured.width, height: captured.height, note: `Screen capture at ${captured.width}×${captured.height} px: ${why}, so the editor works at screen resolution`, origin: 'capture', access };
}
