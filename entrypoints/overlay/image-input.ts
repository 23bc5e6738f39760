/**
 * Turns what the content script sent into a stored image at natural resolution: SVG rasterised,
 * broken files refused with a clear message, an animated file noted from its bytes, over-large
 * images downscaled only with the user's consent (here for a file the page read, by the
 * background for one it fetched and stored). The background stores it (this frame's own storage
 * is partitioned by the page).
 */
import { blobToDataUrl } from '@/utils/data-url';
import { ANIMATED_NOTE, isAnimated } from '@/utils/image/animation';
import { downscaledSize, overLimit } from '@/utils/image/size-limit';
import { send } from '@/utils/messaging';
import type { ToFrame } from '@/utils/overlay-port';

/** An SVG with no intrinsic size is drawn at this width. */
const DEFAULT_SVG_SIDE = 1024;

type Source = Extract<ToFrame, { type: 'image' }>['source'];

async function decode(blob: Blob): Promise<CanvasImageSource & { width: number; height: number }> {
  if (blob.type !== 'image/svg+xml') {
    try {
      return await createImageBitmap(blob);
    } catch {
      // fall through: some formats only decode through an <img>
    }
  }
  const url = URL.createObjectURL(blob);
  try {
    const img = new Image();
    img.src = url;
    await img.decode();
    const width = img.naturalWidth || DEFAULT_SVG_SIDE;
    const height = img.naturalHeight || DEFAULT_SVG_SIDE;
    const canvas = new OffscreenCanvas(width, height);
    canvas.getContext('2d')?.drawImage(img, 0, 0, width, height);
    return canvas;
  } catch {
    throw new Error('This image could not be decoded: the file is broken or in a format the browser cannot read');
  } finally {
    URL.revokeObjectURL(url);
  }
}

async function toPng(image: CanvasImageSource, width: number, height: number): Promise<Blob> {
  const canvas = new OffscreenCanvas(width, height);
  const context = canvas.getContext('2d');
  if (!context) throw new Error('No 2D canvas available');
  context.imageSmoothingQuality = 'high';
  context.drawImage(image, 0, 0, width, height);
  return canvas.convertToBlob({ type: 'image/png' });
}

export async function prepareImage(
  source: Source,
  confirmDownscale: (width: number, height: number) => Promise<void>,
): Promise<{ key: string; width: number; height: number; note?: string; converted: boolean }> {
  if (source.kind === 'stored') {
    if (!overLimit(source.width, source.height)) return { key: source.key, width: source.width, height: source.height, converted: false };
    await confirmDownscale(source.width, source.height);
    const scaled = await send('image.downscale', { image: source.key });
    return { key: scaled.image, width: scaled.width, height: scaled.height, note: `Downscaled from ${source.width}×${source.height}`, converted: true };
  }
  const image = await decode(source.blob);
  let { width, height } = image;
  // Read here, not in the content script: there, in Firefox, the file's bytes are the page's.
  const animated = source.origin === 'file' && isAnimated(new Uint8Array(await source.blob.arrayBuffer()));
  let note = animated ? ANIMATED_NOTE : undefined;
  let blob = source.blob;
  const original = blob;
  if (overLimit(width, height)) {
    await confirmDownscale(width, height);
    note = `Downscaled from ${width}×${height}`;
    ({ width, height } = downscaledSize(width, height));
    blob = await toPng(image, width, height);
  } else if (blob.type === 'image/svg+xml' || !blob.type.startsWith('image/')) {
    blob = await toPng(image, width, height); // what the models read: a raster at natural size
  }
  if ('close' in image && typeof image.close === 'function') image.close();
  const stored = await send('image.put', { dataUrl: await blobToDataUrl(blob) });
  // A re-encoded file no longer carries the original's metadata.
  return { key: stored.image, width: stored.width, height: stored.height, note, converted: blob !== original };
}
