/**
 * The masked region as a small picture for vision-capable LLMs (sent only when the user opted in):
 * the mask's bounding box plus a margin, made square, at most 512 px.
 */
import { blobToDataUrl } from '@/utils/data-url';
import { regionSquare } from '@/models/clip/processor';
import type { Mask } from '@/utils/image/types';
import { maskBoundingBox } from '@/utils/mask/resample';

const MAX_SIDE = 512;

export async function maskedCrop(image: Blob, mask: Mask): Promise<string | undefined> {
  const box = maskBoundingBox(mask);
  if (!box) return undefined;
  const square = regionSquare(box, mask.width, mask.height, 0.1);
  const side = Math.max(1, Math.min(MAX_SIDE, Math.round(square.width)));
  const bitmap = await createImageBitmap(image);
  const canvas = new OffscreenCanvas(side, side);
  canvas.getContext('2d')?.drawImage(bitmap, square.x, square.y, square.width, square.height, 0, 0, side, side);
  bitmap.close();
  return blobToDataUrl(await canvas.convertToBlob({ type: 'image/jpeg', quality: 0.9 }));
}
