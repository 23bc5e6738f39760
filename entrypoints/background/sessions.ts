/** Session-store writes on behalf of the overlay frame, which cannot open the store itself. */
import { emit } from '@/utils/messaging';
import { decodeMaskRle } from '@/utils/mask/rle';
import type { RequestOf } from '@/utils/protocol';
import { blobToDataUrl } from '@/utils/data-url';
import { createSession, getRecord, getSession, putImage, putMask, updateSession } from '@/utils/session-store';
import { readStoredImageMetadata } from './image-metadata';

export async function putImageFromDataUrl(dataUrl: string): Promise<{ image: string; width: number; height: number }> {
  const blob = await (await fetch(dataUrl)).blob();
  let bitmap: ImageBitmap;
  try {
    bitmap = await createImageBitmap(blob);
  } catch {
    throw new Error('This image could not be decoded: the file is broken or in a format the browser cannot read');
  }
  const { width, height } = bitmap;
  bitmap.close();
  return { image: await putImage(blob, width, height), width, height };
}

export async function openSession({ image, width, height, source }: RequestOf<'session.create'>): Promise<{ sessionId: string }> {
  const metadata = await readStoredImageMetadata(image, source.pixels);
  return { sessionId: (await createSession(source, image, width, height, metadata)).id };
}

export async function saveSessionMask({ sessionId, width, height, rle }: RequestOf<'session.save-mask'>): Promise<{ mask: string }> {
  const session = await getSession(sessionId);
  if (!session) throw new Error('This editing session no longer exists');
  if (session.width !== width || session.height !== height) throw new Error(`The mask is ${width}×${height}, the image ${session.width}×${session.height}`);
  const mask = await putMask(decodeMaskRle(rle, width * height), width, height);
  await updateSession(sessionId, { mask });
  emit('session.opened', { sessionId });
  return { mask };
}

/**
 * A stored image scaled to fit `maxSide`, as a `data:` URL: what a magnified surface shows of an
 * image the overlay frame only has a key of (fetched or captured by the extension).
 */
export async function previewImage({ image, maxSide }: RequestOf<'image.preview'>): Promise<{ dataUrl: string }> {
  const record = await getRecord(image);
  if (record.kind !== 'image') throw new Error('Not an image');
  const scale = Math.min(1, maxSide / Math.max(record.width, record.height));
  const [width, height] = [Math.max(1, Math.round(record.width * scale)), Math.max(1, Math.round(record.height * scale))];
  return { dataUrl: await blobToDataUrl(await resizedPng(record.blob, width, height, 'for a preview')) };
}

/** An image file resized (high-quality resampling) to width × height, as PNG; `purpose` ends the message when the file cannot be decoded. */
export async function resizedPng(blob: Blob, width: number, height: number, purpose: string): Promise<Blob> {
  let bitmap: ImageBitmap;
  try {
    bitmap = await createImageBitmap(blob, { resizeWidth: width, resizeHeight: height, resizeQuality: 'high' });
  } catch {
    throw new Error(`This image could not be decoded ${purpose}`);
  }
  const canvas = new OffscreenCanvas(width, height);
  canvas.getContext('2d')?.drawImage(bitmap, 0, 0);
  bitmap.close();
  return canvas.convertToBlob({ type: 'image/png' });
}
