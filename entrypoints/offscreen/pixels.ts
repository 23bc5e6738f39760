/** Store records ↔ pixels, with the browser's image codecs (OffscreenCanvas). */
import type { Mask, RGBAImage } from '@/utils/image/types';
import { getMask, getRecord, putImage } from '@/utils/session-store';

/** Decodes a stored image at its natural size (first frame of animations, as browsers decode). */
export async function loadImage(key: string): Promise<RGBAImage> {
  const record = await getRecord(key);
  if (record.kind !== 'image') throw new Error(`${key} is not an image`);
  return decodeImage(record.blob, 'This image could not be decoded: the file is broken or in a format the browser cannot read');
}

/** Decodes an encoded picture (PNG, JPEG, WebP…) to RGBA; `failure` is the message when it is not one. */
export async function decodeImage(blob: Blob, failure: string): Promise<RGBAImage> {
  let bitmap: ImageBitmap;
  try {
    bitmap = await createImageBitmap(blob);
  } catch {
    throw new Error(failure);
  }
  const canvas = new OffscreenCanvas(bitmap.width, bitmap.height);
  const context = canvas.getContext('2d', { willReadFrequently: true });
  if (!context) throw new Error('No 2D canvas available');
  context.drawImage(bitmap, 0, 0);
  bitmap.close();
  const { data } = context.getImageData(0, 0, canvas.width, canvas.height);
  return { width: canvas.width, height: canvas.height, data };
}

export async function loadMask(key: string, width: number, height: number): Promise<Mask> {
  const mask = await getMask(key);
  if (mask.width !== width || mask.height !== height) throw new Error(`The mask is ${mask.width}×${mask.height}, the image ${width}×${height}`);
  return mask;
}

/** Encodes pixels as PNG and stores them; returns the key. */
export async function storeImage(image: RGBAImage): Promise<string> {
  return putImage(await encodePng(image), image.width, image.height);
}

/** PNG of the pixels, alpha kept (un-premultiplied: a transparent pixel keeps its colour only as the canvas allows). */
export async function encodePng(image: RGBAImage): Promise<Blob> {
  const canvas = new OffscreenCanvas(image.width, image.height);
  const context = canvas.getContext('2d');
  if (!context) throw new Error('No 2D canvas available');
  context.putImageData(new ImageData(new Uint8ClampedArray(image.data), image.width, image.height), 0, 0);
  return canvas.convertToBlob({ type: 'image/png' });
}

export async function blobToBase64(blob: Blob): Promise<string> {
  const bytes = new Uint8Array(await blob.arrayBuffer());
  let binary = '';
  for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(binary);
}

export function base64ToBlob(base64: string, type = 'image/png'): Blob {
  let binary: string;
  try {
    binary = atob(base64);
  } catch {
    throw new Error('The server sent an image that is not valid base64');
  }
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return new Blob([bytes], { type });
}
