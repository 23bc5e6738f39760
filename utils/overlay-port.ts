/**
 * Messages between the content script and its overlay frame, over a private MessagePort
 * (structured clone: the image travels as a Blob, never as JSON). The frame validates each one.
 */
import * as v from 'valibot';
import { BlobKey, PageContext, PixelOrigin } from './protocol';

const finite = v.pipe(v.number(), v.finite());

export const OverlayView = v.object({
  /** The image element's content box, CSS px. */
  width: v.pipe(finite, v.minValue(0)),
  height: v.pipe(finite, v.minValue(0)),
  /** How the page fits the image into that box (computed CSS values). */
  fit: v.variant('kind', [
    v.object({ kind: v.literal('object'), fit: v.string(), position: v.string() }),
    v.object({ kind: v.literal('background'), size: v.string(), position: v.string() }),
  ]),
});
export type OverlayView = v.InferOutput<typeof OverlayView>;

const Source = v.variant('kind', [
  v.object({ kind: v.literal('blob'), blob: v.instance(Blob), note: v.optional(v.string()), origin: PixelOrigin }),
  v.object({ kind: v.literal('stored'), key: BlobKey, width: v.number(), height: v.number(), note: v.optional(v.string()), origin: PixelOrigin }),
]);

export const ToFrame = v.variant('type', [
  v.object({
    type: v.literal('image'),
    source: Source,
    view: OverlayView,
    toolbarHeight: finite,
    page: v.object({ url: v.string(), srcUrl: v.optional(v.string()), alt: v.optional(v.string()), context: v.optional(PageContext) }),
  }),
  v.object({ type: v.literal('view'), view: OverlayView }),
  v.object({ type: v.literal('error'), message: v.string() }),
]);
export type ToFrame = v.InferOutput<typeof ToFrame>;

export type FromFrame = { type: 'close' };
