/**
 * Messages between the content script and its overlay frame, over a private MessagePort
 * (structured clone: the image travels as a Blob, never as JSON). The frame validates each one.
 */
import * as v from 'valibot';
import { BlobKey, PageContext, PixelOrigin, SiteAccess } from './protocol';

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

/** A stored image's side: the background stores only what it decoded (or captured). */
const Side = v.pipe(v.number(), v.integer(), v.minValue(1));

const Source = v.variant('kind', [
  v.object({ kind: v.literal('blob'), blob: v.instance(Blob), note: v.optional(v.string()), origin: PixelOrigin }),
  v.object({ kind: v.literal('stored'), key: BlobKey, width: Side, height: Side, note: v.optional(v.string()), origin: PixelOrigin, access: v.optional(SiteAccess) }),
]);

const FrameBox = v.object({ left: finite, top: finite, width: v.pipe(finite, v.minValue(0)), height: v.pipe(finite, v.minValue(0)) });

/** Where the frame draws its editing surface and its band of tools (utils/geometry/overlay-layout.ts), frame CSS px. */
export const FrameLayout = v.object({
  surface: FrameBox,
  band: FrameBox,
  bandSide: v.picklist(['above', 'below', 'over']),
  /** The surface is a magnified copy of a thumbnail, not over the page's image: the frame draws the image too. */
  magnified: v.boolean(),
});
export type FrameLayout = v.InferOutput<typeof FrameLayout>;

const size = v.pipe(v.number(), v.integer(), v.minValue(1), v.maxValue(16384));
const Layer = v.custom<Uint8Array>((value) => value instanceof Uint8Array, 'Not a mask layer');
const Point = v.object({ x: finite, y: finite, label: v.picklist([0, 1]) });

/**
 * The editor's state, kept by the content script so that a frame the page removed comes back as
 * it was (same session, image, SAM embedding and mask; the undo history is not kept).
 */
export const OverlaySnapshot = v.pipe(
  v.object({
    sessionId: v.pipe(v.string(), v.maxLength(64)),
    image: v.object({ key: BlobKey, width: size, height: size }),
    embedding: v.pipe(v.string(), v.maxLength(200)),
    note: v.optional(v.pipe(v.string(), v.maxLength(500))),
    layers: v.object({
      base: Layer,
      sam: Layer,
      paint: Layer,
      painted: v.optional(v.boolean()),
      baked: v.optional(v.boolean()),
      points: v.pipe(v.array(Point), v.maxLength(64)),
      box: v.optional(v.object({ x0: finite, y0: finite, x1: finite, y1: finite })),
      candidate: v.optional(v.pipe(v.number(), v.integer(), v.minValue(0))),
    }),
    scores: v.pipe(v.array(finite), v.maxLength(8)),
    chosen: v.pipe(v.number(), v.integer(), v.minValue(0)),
  }),
  v.check(({ image, layers }) => [layers.base, layers.sam, layers.paint].every((layer) => layer.length === image.width * image.height), 'The mask layers do not match the image'),
);
export type OverlaySnapshot = v.InferOutput<typeof OverlaySnapshot>;

export const ToFrame = v.variant('type', [
  v.object({
    type: v.literal('image'),
    source: Source,
    view: OverlayView,
    layout: FrameLayout,
    page: v.object({ url: v.string(), srcUrl: v.optional(v.string()), alt: v.optional(v.string()), context: v.optional(PageContext) }),
    /** The page removed the previous frame: carry on from its state instead of starting afresh. */
    resume: v.optional(OverlaySnapshot),
  }),
  v.object({ type: v.literal('view'), view: OverlayView, layout: FrameLayout }),
  /** The image could not be read; `access`: allowing its site would read the file. */
  v.object({ type: v.literal('error'), message: v.string(), access: v.optional(SiteAccess) }),
  /** The page replaced the image under the overlay (a placeholder became the final image). */
  v.object({ type: v.literal('changed'), width: v.pipe(finite, v.minValue(0)), height: v.pipe(finite, v.minValue(0)) }),
]);
export type ToFrame = v.InferOutput<typeof ToFrame>;

/** From the frame: close it, reload it, the height its band of tools and status takes at the width it was given, or its state. */
export const FromFrame = v.variant('type', [
  v.object({ type: v.literal('close') }),
  /** Open again on what the page shows now (after `changed`). */
  v.object({ type: v.literal('reload') }),
  v.object({ type: v.literal('band'), height: v.pipe(finite, v.minValue(0), v.maxValue(2000)) }),
  /** The editor's state after a change, kept in case the page removes the frame. */
  v.object({ type: v.literal('state'), state: OverlaySnapshot }),
]);
export type FromFrame = v.InferOutput<typeof FromFrame>;
