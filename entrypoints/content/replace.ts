/**
 * "Replace in page": shows the corrected image where the original was, until the page reloads.
 * The side panel hands the pixels over as a `blob:` URL of the extension (pixels never cross a
 * context as JSON, and the content script accepts no other source); they are
 * re-hosted here under the page's origin, so the page's own <img>, CSS or canvas can show them.
 */
import { browser } from 'wxt/browser';
import type { Rect } from '@/utils/image/types';
import type { RequestOf, ResponseOf } from '@/utils/protocol';
import { findTargetByUrl, type Target } from './targets';

/** Largest corrected image accepted (a 4096² PNG is well under it). */
const MAX_BYTES = 64 * 1024 * 1024;

/** The last image the overlay was opened on: how a canvas (which has no URL) is found again. */
let lastTarget: Target | undefined;
/** Images already replaced, by their original URL (their src is ours now), and our URL for each. */
const replaced = new Map<string, { target: Target; url: string }>();

export function rememberTarget(target: Target): void {
  lastTarget = target;
}

function samePage(a: string, b: string): boolean {
  const strip = (url: string) => url.split('#')[0];
  return strip(a) === strip(b);
}

function findTarget(srcUrl: string | undefined): Target | undefined {
  if (!srcUrl) return lastTarget?.kind === 'canvas' ? lastTarget : undefined;
  return replaced.get(srcUrl)?.target ?? findTargetByUrl(srcUrl) ?? (lastTarget && 'url' in lastTarget && lastTarget.url === srcUrl ? lastTarget : undefined);
}

async function showInImg(img: HTMLImageElement, url: string): Promise<void> {
  // srcset and <picture> sources win over src: drop them so the browser shows ours.
  img.removeAttribute('srcset');
  img.removeAttribute('sizes');
  if (img.parentElement instanceof HTMLPictureElement) {
    for (const source of img.parentElement.querySelectorAll('source')) source.removeAttribute('srcset');
  }
  img.src = url;
  try {
    await img.decode();
  } catch {
    throw new Error("The page did not show the corrected image (its security policy may forbid blob: images)");
  }
}

/** Draws the corrected image where the original was: the drawn sub-rectangle, else the whole canvas. */
async function drawOnCanvas(canvas: HTMLCanvasElement, blob: Blob, drawn?: Rect): Promise<void> {
  const context = canvas.getContext('2d');
  if (!context) throw new Error('This canvas is drawn with WebGL: the page would overwrite the corrected image');
  const bitmap = await createImageBitmap(blob);
  const { x, y, width, height } = drawn ?? { x: 0, y: 0, width: canvas.width, height: canvas.height };
  context.clearRect(x, y, width, height);
  context.drawImage(bitmap, x, y, width, height);
  bitmap.close();
}

export async function replaceImage({ pageUrl, srcUrl, blobUrl }: RequestOf<'content.replace-image'>): Promise<ResponseOf<'content.replace-image'>> {
  // Only pixels the extension made: a blob: URL of our own origin.
  if (!blobUrl.startsWith(`blob:${new URL(browser.runtime.getURL('/')).origin}/`)) return { replaced: false, reason: 'Not an image from the extension' };
  if (!samePage(location.href, pageUrl)) return { replaced: false, reason: 'This tab shows another page now' };
  const target = findTarget(srcUrl);
  if (!target || !target.element.isConnected) return { replaced: false, reason: 'The image is no longer on this page' };

  const response = await fetch(blobUrl);
  const blob = await response.blob();
  if (!blob.type.startsWith('image/') || blob.size > MAX_BYTES) return { replaced: false, reason: 'Not an image' };

  if (target.kind === 'svg' || target.kind === 'svg-image' || (target.kind === 'background' && target.pseudo)) {
    return { replaced: false, reason: 'Replacing this kind of image in the page is not supported: download it instead' };
  }
  if (target.kind === 'canvas') {
    await drawOnCanvas(target.element, blob, target.drawn);
    return { replaced: true, kind: 'canvas' };
  }
  const key = srcUrl ?? target.url;
  const url = URL.createObjectURL(blob);
  const previous = replaced.get(key);
  try {
    if (target.kind === 'img') await showInImg(target.element, url);
    else target.element.style.setProperty('background-image', `url("${url}")`, 'important');
  } catch (error) {
    URL.revokeObjectURL(url);
    return { replaced: false, reason: error instanceof Error ? error.message : String(error) };
  }
  if (previous) URL.revokeObjectURL(previous.url);
  replaced.set(key, { target, url });
  return { replaced: true, kind: target.kind };
}
