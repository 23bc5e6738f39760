/**
 * Reads what an opened image's original file says about its making (issue #16), in the background:
 * the parser never enters the page's content script, and nothing read here leaves the browser
 * (it only becomes prompt text the user may send to a provider they chose).
 */
import { inflateZlib } from '@/utils/metadata/bytes';
import { readImageMetadata, type ImageMetadata } from '@/utils/metadata';
import type { PixelOrigin } from '@/utils/protocol';
import { getRecord } from '@/utils/session-store';

const UNAVAILABLE: Record<Exclude<PixelOrigin, 'file'>, string> = {
  canvas: 'the image is drawn on a canvas, so there is no file to read',
  decoded: 'only the pixels the page had decoded could be read, not its file',
  capture: 'only a screen capture of the image could be taken, not its file',
  converted: 'the image had to be converted (downscaled or rasterised) before editing',
};

export async function readStoredImageMetadata(image: string, pixels: PixelOrigin | undefined): Promise<ImageMetadata> {
  if (pixels && pixels !== 'file') return { read: false, reason: UNAVAILABLE[pixels] };
  try {
    const record = await getRecord(image);
    return await readImageMetadata(new Uint8Array(await record.blob.arrayBuffer()), inflateZlib);
  } catch (error) {
    return { read: false, reason: `the file could not be read (${error instanceof Error ? error.message : String(error)})` };
  }
}
