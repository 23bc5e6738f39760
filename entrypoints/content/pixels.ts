/**
 * Reading a target's pixels at natural resolution: the file itself where the page's origin may
 * read it, else through the extension (host access), else a screen capture of the visible tab.
 */
import { send } from '@/utils/messaging';
import type { PixelOrigin } from '@/utils/protocol';
import type { Target } from './targets';

/** What the overlay frame receives: the file as a Blob, or a key of one already stored. */
export type PixelSource = ({ kind: 'blob'; blob: Blob; note?: string } | { kind: 'stored'; key: string; width: number; height: number; note?: string }) & {
  /** Whether these are the image file's bytes (which may carry its prompt) or pixels drawn/captured from the page. */
  origin: PixelOrigin;
};

async function fetchHere(url: string): Promise<Blob | undefined> {
  try {
    const response = await fetch(url, { credentials: 'same-origin' });
    return response.ok ? await response.blob() : undefined;
  } catch {
    return undefined; // cross-origin without CORS
  }
}

function canvasBlob(canvas: HTMLCanvasElement): Promise<Blob | undefined> {
  return new Promise((resolve) => {
    try {
      canvas.toBlob((blob) => resolve(blob ?? undefined), 'image/png');
    } catch {
      resolve(undefined); // tainted by a cross-origin drawing
    }
  });
}

function animatedNote(blob: Blob): string | undefined {
  return blob.type === 'image/gif' || blob.type === 'image/apng' ? 'If this image is animated, its first frame is edited' : undefined;
}

export async function readPixels(target: Target): Promise<PixelSource> {
  if (target.kind === 'canvas') {
    const blob = await canvasBlob(target.element);
    if (blob) return { kind: 'blob', blob, origin: 'canvas' };
  } else {
    const blob = await fetchHere(target.url);
    if (blob) return { kind: 'blob', blob, note: animatedNote(blob), origin: 'file' };
    try {
      const fetched = await send('image.fetch', { url: target.url });
      return { kind: 'stored', key: fetched.image, width: fetched.width, height: fetched.height, note: fetched.type === 'image/gif' ? 'If this image is animated, its first frame is edited' : undefined, origin: 'file' };
    } catch {
      // No host access to the image's site: fall through to a capture.
    }
  }
  const box = target.element.getBoundingClientRect();
  const captured = await send('tab.capture', { x: box.left, y: box.top, width: box.width, height: box.height, devicePixelRatio: window.devicePixelRatio });
  return { kind: 'stored', key: captured.image, width: captured.width, height: captured.height, note: 'Screen capture: this site’s image file could not be read, so the editor works at screen resolution', origin: 'capture' };
}
