/**
 * Finding the image a user means: by URL (context menu) or under the pointer (picker), through
 * open shadow roots, for <img>/<picture>, <canvas> and CSS background images.
 */

export type Target =
  | { kind: 'img'; element: HTMLImageElement; url: string }
  | { kind: 'canvas'; element: HTMLCanvasElement }
  | { kind: 'background'; element: HTMLElement; url: string };

/** Every element of the document and of the open shadow roots inside it. */
function* deepElements(root: Document | ShadowRoot = document): Generator<Element> {
  for (const element of root.querySelectorAll('*')) {
    yield element;
    if (element.shadowRoot) yield* deepElements(element.shadowRoot);
  }
}

/** The first url(...) of a computed background-image, absolute. */
export function backgroundUrl(element: Element): string | undefined {
  const match = /url\((['"]?)(.*?)\1\)/.exec(getComputedStyle(element).backgroundImage);
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
  if (element instanceof HTMLElement) {
    const url = backgroundUrl(element);
    if (url) return { kind: 'background', element, url };
  }
  return undefined;
}

export function findTargetByUrl(srcUrl: string): Target | undefined {
  for (const element of deepElements()) {
    const target = asTarget(element);
    if (target && target.kind !== 'canvas' && target.url === srcUrl) return target;
  }
  return undefined;
}

/** The pickable image under a viewport point, looking into open shadow roots. */
export function targetAt(x: number, y: number, root: Document | ShadowRoot = document): Target | undefined {
  for (const element of root.elementsFromPoint(x, y)) {
    if (element.shadowRoot && element.shadowRoot !== root) {
      const inner = targetAt(x, y, element.shadowRoot);
      if (inner) return inner;
    }
    const target = asTarget(element);
    if (target) return target;
  }
  return undefined;
}
