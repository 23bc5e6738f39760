/**
 * Getting the corrected image out: a PNG download, the clipboard, the page itself (replace in
 * page), and drag-out. The PNG is named after the original image (utils/export/file-name.ts).
 */
import { browser } from 'wxt/browser';
import { send } from '@/utils/messaging';
import type { ImageSource } from '@/utils/session-store';

/** The image as PNG (the clipboard accepts only PNG; results may be stored in another format). */
export async function asPng(blob: Blob): Promise<Blob> {
  if (blob.type === 'image/png') return blob;
  const bitmap = await createImageBitmap(blob);
  const canvas = new OffscreenCanvas(bitmap.width, bitmap.height);
  canvas.getContext('2d')?.drawImage(bitmap, 0, 0);
  bitmap.close();
  return canvas.convertToBlob({ type: 'image/png' });
}

export function download(blob: Blob, fileName: string): void {
  const url = URL.createObjectURL(blob);
  const link = document.createElement('a');
  link.href = url;
  link.download = fileName;
  link.click();
  // The download has read the URL by the next task; a minute leaves room for slow disks.
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}

export async function copyToClipboard(blob: Blob): Promise<void> {
  const png = await asPng(blob);
  try {
    await navigator.clipboard.write([new ClipboardItem({ 'image/png': png })]);
  } catch (error) {
    throw new Error(`The clipboard refused the image (${error instanceof Error ? error.message : String(error)}). Click in the panel and try again.`);
  }
}

/** Drag data for the result: Chromium's DownloadURL (drop on the desktop saves the file) and the URL. */
export function setDragData(event: DragEvent, url: string, fileName: string): void {
  if (!event.dataTransfer) return;
  event.dataTransfer.effectAllowed = 'copy';
  event.dataTransfer.setData('DownloadURL', `image/png:${fileName}:${url}`);
  event.dataTransfer.setData('text/uri-list', url);
}

/** The tabs that may still show the image's page: those whose URL we can see and that match, then the active one. */
async function candidateTabs(pageUrl: string): Promise<number[]> {
  const strip = (url: string | undefined) => url?.split('#')[0];
  const tabs = await browser.tabs.query({});
  const matching = tabs.filter((tab) => strip(tab.url) === strip(pageUrl)).map((tab) => tab.id);
  const [active] = await browser.tabs.query({ active: true, lastFocusedWindow: true });
  return [...new Set([...matching, active?.id])].filter((id): id is number => id !== undefined);
}

/**
 * Shows `blob` in place of the original image on its page (until the page reloads). Returns what
 * was replaced, or throws with a reason the user can act on.
 */
export async function replaceInPage(source: ImageSource, blob: Blob): Promise<string> {
  const blobUrl = URL.createObjectURL(blob);
  let reason = 'Open the page the image came from, then try again.';
  try {
    for (const tabId of await candidateTabs(source.pageUrl)) {
      let reply;
      try {
        reply = await send('content.replace-image', { pageUrl: source.pageUrl, blobUrl, ...(source.srcUrl ? { srcUrl: source.srcUrl } : {}) }, { tabId });
      } catch {
        continue; // no content script in that tab (reloaded, or never marked there)
      }
      if (reply.replaced) return reply.kind === 'canvas' ? 'the canvas' : reply.kind === 'background' ? 'the background image' : 'the image';
      reason = reply.reason ?? reason;
    }
  } finally {
    URL.revokeObjectURL(blobUrl);
  }
  throw new Error(`Could not replace the image in the page: ${reason}`);
}
