/**
 * Pixels a content script cannot read itself: cross-origin images without CORS (fetched with the
 * extension's host access, or answered with what to ask the user for) and, as a last resort, a
 * crop of the visible tab.
 */
import { browser, type Browser } from 'wxt/browser';
import type { ResponseOf, SiteAccess } from '@/utils/protocol';
import { putImage } from '@/utils/session-store';
import { withReferer } from './page-referer';

/** Larger downloads are refused: no real generator image comes near it. */
const MAX_IMAGE_BYTES = 64 * 1024 * 1024;

async function size(blob: Blob): Promise<{ width: number; height: number }> {
  try {
    const bitmap = await createImageBitmap(blob);
    const dims = { width: bitmap.width, height: bitmap.height };
    bitmap.close();
    return dims;
  } catch {
    // SVG and other formats a worker cannot decode: the overlay rasterises them.
    return { width: 0, height: 0 };
  }
}

/** What to ask the user for to read `url`: its host, any port (how sites and the permission dialog name it). */
function siteAccess(url: string): SiteAccess {
  const { protocol, hostname, host } = new URL(url);
  return { pattern: `${protocol}//${hostname}/*`, host };
}

export async function fetchPageImage(url: string, referrer?: string): Promise<ResponseOf<'image.fetch'>> {
  const access = siteAccess(url);
  // Without host access the fetch would fail on CORS: the overlay asks the user instead (its own gesture).
  if (!(await browser.permissions.contains({ origins: [access.pattern] }).catch(() => false))) return { read: false, access };
  let response: Response;
  try {
    response = await withReferer(url, referrer, () => fetch(url, { credentials: 'omit', cache: 'force-cache' }));
  } catch {
    throw new Error('The extension may not read this image’s site: allow access to it, or use a screen capture');
  }
  if (!response.ok) throw new Error(`The image’s server answered ${response.status}`);
  const declared = Number(response.headers.get('content-length'));
  if (declared > MAX_IMAGE_BYTES) throw new Error('The image file is larger than 64 MB');
  const blob = await response.blob();
  if (blob.size > MAX_IMAGE_BYTES) throw new Error('The image file is larger than 64 MB');
  if (!blob.type.startsWith('image/')) throw new Error(`This is not an image (${blob.type || 'unknown type'})`);
  const { width, height } = await size(blob);
  return { read: true, image: await putImage(blob, width, height), width, height, type: blob.type };
}

export async function captureTabRegion(
  tab: Browser.tabs.Tab | undefined,
  region: { x: number; y: number; width: number; height: number; devicePixelRatio: number },
): Promise<{ image: string; width: number; height: number }> {
  if (tab?.windowId === undefined) throw new Error('No tab to capture');
  const dataUrl = await browser.tabs.captureVisibleTab(tab.windowId, { format: 'png' });
  const shot = await createImageBitmap(await (await fetch(dataUrl)).blob());
  const scale = region.devicePixelRatio;
  const x = Math.max(0, Math.round(region.x * scale));
  const y = Math.max(0, Math.round(region.y * scale));
  const width = Math.min(shot.width - x, Math.round(region.width * scale));
  const height = Math.min(shot.height - y, Math.round(region.height * scale));
  if (width < 1 || height < 1) throw new Error('The image is not visible on screen');
  const canvas = new OffscreenCanvas(width, height);
  canvas.getContext('2d')?.drawImage(shot, x, y, width, height, 0, 0, width, height);
  shot.close();
  return { image: await putImage(await canvas.convertToBlob({ type: 'image/png' }), width, height), width, height };
}
