/** Store records ↔ pixels, with the browser's image codecs (OffscreenCanvas). */
import type { Mask, RGBAImage } from '@/utils/image/types';
import { getMask, getRecord, putImage } from '@/utils/session-store';

/** Decodes a stored image at its natural size (first frame of animations, as browsers decode). */
export async function loadImage(key: string): Promise<RGBAImage> {
  const record = await getRecord(key);
  if (record.kind !== 'image') throw new Error(`${key} is not an image`);
  let bitmap: ImageBitmap;
  try {
    bitmap = await createImageBitmap(record.blob);
  } catch {
    throw new Error('This image could not be decoded: the file is broken or in a format the browser cannot read');
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
  const canvas = new OffscreenCanvas(image.width, image.height);
  const context = canvas.getContext('2d');
  if (!context) throw new Error('No 2D canvas available');
  context.putImageData(new ImageData(new Uint8ClampedArray(image.data), image.width, image.height), 0, 0);
  return putImage(await canvas.convertToBlob({ type: 'image/png' }), image.width, image.height);
}
