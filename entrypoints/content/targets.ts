/**
 * Finding the image a user means: by URL (context menu) or at a point (picker), through open and
 * closed shadow roots, for <img>/<picture>, <canvas>, CSS background images (also on ::before/::after),
 * inline <svg> and SVG <image>. At a point, hit-testing comes first; elements it cannot see
 * (pointer-events: none) are found by their boxes.
 */
import { browser } from 'wxt/browser';
import type { Rect } from '@/utils/image/types';


export type Target =
  | { kind: 'img'; element: HTMLImageElement; url: string }
  /**
   * `drawn`: the sub-rectangle (canvas px) an image was drawn into, where margins surround it.
   * `blank`: its copy is all transparent black (a WebGL canvas without preserveDrawingBuffer): only the screen shows it.
   */
  | { kind: 'canvas'; element: HTMLCanvasElement; drawn?: Rect; blank?: boolean }
  | { kind: 'background'; element: HTMLElement; url: string; pseudo?: '::before' | '::after' }
  | { kind: 'svg'; element: SVGSVGElement }
  | { kind: 'svg-image'; element: SVGImageElement; url: string };

/**
 * An element's shadow root, closed ones included: content scripts may see those (Chromium's
 * `dom.openOrClosedShadowRoot`, Firefox's `element.openOrClosedShadowRoot`). The page's roots,
 * never our own overlay's.
 */
function shadowOf(element: Element): ShadowRoot | null {
  if (element.localName.startsWith('inpaint-biases-') || !(element instanceof HTMLElement)) return element.shadowRoot;
  const firefox = (element as HTMLElement & { openOrClosedShadowRoot?: ShadowRoot | null }).openOrClosedShadowRoot;
  if (firefox !== undefined) return firefox;
  return browser.dom?.openOrClosedShadowRoot?.(element) ?? element.shadowRoot;
}

/** Whether this browser lets the content script into closed shadow roots. */
const closedRootsReachable = () => typeof browser.dom?.openOrClosedShadowRoot === 'function' || 'openOrClosedShadowRoot' in HTMLElement.prototype;

/** Every element of the document and of the shadow roots (open and closed) inside it. */
function* deepElements(root: Document | ShadowRoot = document): Generator<Element> {
  for (const element of root.querySelectorAll('*')) {
    yield element;
    const shadow = shadowOf(element);
    if (shadow) yield* deepElements(shadow);
  }
}

/**
 * Why no image was found at a point where one may be out of reach: a custom element with no open
 * shadow root under the pointer may hide one in a closed root this browser does not let us into.
 */
export function unreachableAt(x: number, y: number): string | undefined {
  if (closedRootsReachable()) return undefined;
  const hidden = document.elementsFromPoint(x, y).some((element) => element.localName.includes('-') && !element.localName.startsWith('inpaint-biases-') && !element.shadowRoot);
  return hidden ? 'This image is not reachable: it may be inside a closed shadow root, which this browser keeps from extensions' : undefined;
}

/** The first url(...) of a computed background-image (image-set() included), absolute. */
export function backgroundUrl(element: Element, pseudo?: '::before' | '::after'): string | undefined {
  const match = /url\((['"]?)(.*?)\1\)/.exec(getComputedStyle(element, pseudo).backgroundImage);
  return match?.[2] ? new URL(match[2], document.baseURI).href : undefined;
}

export function asTarget(element: Element): Target | undefined {
  if (element instanceof HTMLImageElement && (element.currentSrc || element.src)) {
    return { kind: 'img', element, url: element.currentSrc || element.src };
  }
  if (element instanceof HTMLPictureElement) {
    const img = element.querySelector('img');
    return img ? asTarget(img) : undefined;
  }
  if (element instanceof HTMLCanvasElement && element.width > 0 && element.height > 0) return { kind: 'canvas', element };
  if (element instanceof SVGImageElement && element.href.baseVal) return { kind: 'svg-image', element, url: new URL(element.href.baseVal, document.baseURI).href };
  if (element instanceof SVGSVGElement && !(element.parentElement?.closest('svg'))) return { kind: 'svg', element };
  if (element instanceof HTMLElement) {
    const url = backgroundUrl(element);
    if (url) return { kind: 'background', element, url };
    for (const pseudo of ['::before', '::after'] as const) {
      const drawn = backgroundUrl(element, pseudo);
      if (drawn) return { kind: 'background', element, url: drawn, pseudo };
    }
  }
  return undefined;
}

export function findTargetByUrl(srcUrl: string): Target | undefined {
  for (const element of deepElements()) {
    const target = asTarget(element);
    if (target && 'url' in target && target.url === srcUrl) return target;
  }
  return undefined;
}

function contains(element: Element, x: number, y: number): boolean {
  const box = element.getBoundingClientRect();
  return box.width > 0 && box.height > 0 && x >= box.left && x < box.right && y >= box.top && y < box.bottom && getComputedStyle(element).visibility !== 'hidden';
}

/** The image at a viewport point: the hit-tested one, else the last (topmost in order) whose box holds the point. */
export function targetAt(x: number, y: number, root: Document | ShadowRoot = document): Target | undefined {
  for (const element of root.elementsFromPoint(x, y)) {
    const shadow = shadowOf(element);
    if (shadow && shadow !== root) {
      const inner = targetAt(x, y, shadow);
      if (inner) return inner;
    }
    const target = asTarget(element);
    if (target) return target;
  }
  if (root !== document) return undefined;
  let found: Target | undefined;
  for (const element of deepElements()) {
    if (element.localName.startsWith('inpaint-biases-') || !contains(element, x, y)) continue;
    found = asTarget(element) ?? found;
  }
  return found;
}
