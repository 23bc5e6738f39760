/**
 * Pixels a content script cannot read itself: cross-origin images without CORS (fetched with the
 * extension's host access, or answered with what to ask the user for) and, as a last resort, a
 * crop of the visible tab.
 */
import { browser, type Browser } from 'wxt/browser';
import { blobToDataUrl } from '@/utils/data-url';
import { isAnimated } from '@/utils/image/animation';
import { downscaledSize } from '@/utils/image/size-limit';
import { IMAGE_FAILED, MAX_FETCHED_SVG_BYTES, ProtocolError, type RequestOf, type ResponseOf, type SiteAccess } from '@/utils/protocol';
import { getRecord, putImage } from '@/utils/session-store';
import { withReferer } from './page-referer';
import { resizedPng } from './sessions';

/** Larger downloads are refused: no real generator image comes near it. */
const MAX_IMAGE_BYTES = 64 * 1024 * 1024;

async function size(blob: Blob): Promise<{ width: number; height: number } | undefined> {
  try {
    const bitmap = await createImageBitmap(blob);
    const dims = { width: bitmap.width, height: bitmap.height };
    bitmap.close();
    return dims;
  } catch {
    return undefined;
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
  if (!response.ok) throw new ProtocolError(IMAGE_FAILED, `This image failed to load: its server answered ${response.status}`);
  const declared = Number(response.headers.get('content-length'));
  if (declared > MAX_IMAGE_BYTES) throw new Error('The image file is larger than 64 MB');
  const blob = await response.blob();
  if (blob.size > MAX_IMAGE_BYTES) throw new Error('The image file is larger than 64 MB');
  if (!blob.type.startsWith('image/')) throw new Error(`This is not an image (${blob.type || 'unknown type'})`);
  const dims = await size(blob);
  if (!dims) {
    // The background (a service worker in Chromium) cannot decode SVG; the overlay frame can, as it does a same-origin SVG.
    if (!/^image\/svg\+xml\s*(;|$)/i.test(blob.type)) throw new ProtocolError(IMAGE_FAILED, 'This image could not be decoded: the file is broken or in a format the browser cannot read');
    if (blob.size > MAX_FETCHED_SVG_BYTES) throw new ProtocolError(IMAGE_FAILED, 'This SVG is larger than 4 MB: open it in its own tab and try there');
    return { read: 'vector', dataUrl: await blobToDataUrl(new Blob([blob], { type: 'image/svg+xml' })) }; // without a charset parameter
  }
  const animated = isAnimated(new Uint8Array(await blob.arrayBuffer()));
  return { read: true, image: await putImage(blob, dims.width, dims.height), ...dims, animated };
}

/**
 * A stored image downscaled to fit 4096 px (high-quality resampling), stored as PNG under a new
 * key: the overlay asked the user first, and the original stays as it was.
 */
export async function downscaleStoredImage({ image }: RequestOf<'image.downscale'>): Promise<ResponseOf<'image.downscale'>> {
  const record = await getRecord(image);
  if (record.kind !== 'image') throw new ProtocolError('bad-request', `${image} is not an image`);
  const { width, height } = downscaledSize(record.width, record.height);
  return { image: await putImage(await resizedPng(record.blob, width, height, 'to downscale it'), width, height), width, height };
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
