/**
 * Where the in-page overlay goes: its editing surface over the image (or, for a thumbnail, a
 * magnified surface centred on it) and its band of tools and status outside the surface, above it,
 * or below it where the viewport has no room above. Viewport CSS px. Pure.
 */

export interface Box {
  left: number;
  top: number;
  width: number;
  height: number;
}

/** Below this many CSS px on its short side an image is edited on a magnified surface. */
export const MAGNIFY_BELOW = 160;
/** The magnified surface's short side, CSS px (less where the viewport is smaller). */
export const MAGNIFIED_SIDE = 384;
/** The band is at least this wide (the viewport's width where that is less), so its tools fit. */
export const MIN_BAND_WIDTH = 440;

export interface OverlayLayout {
  /** The frame, in the viewport. */
  frame: Box;
  /** The editing surface, in the frame: over the page's image, or magnified. */
  surface: Box;
  /** The band of tools and status, in the frame (its height is what the frame measured). */
  band: Box;
  /** Where the band sits: outside the surface, or over its top edge when neither side has room. */
  bandSide: 'above' | 'below' | 'over';
  magnified: boolean;
}

const clamp = (value: number, low: number, high: number) => Math.max(low, Math.min(high, value));

/** The magnified surface: the image's shape, short side MAGNIFIED_SIDE, inside the viewport (less the band), centred on the image where it can be. */
function magnify(image: Box, viewport: { width: number; height: number }, bandHeight: number): Box {
  const short = Math.max(1, Math.min(image.width, image.height));
  const scale = Math.min(MAGNIFIED_SIDE / short, viewport.width / Math.max(1, image.width), (viewport.height - bandHeight) / Math.max(1, image.height));
  const width = Math.max(1, Math.floor(image.width * scale));
  const height = Math.max(1, Math.floor(image.height * scale));
  const left = clamp(image.left + image.width / 2 - width / 2, 0, Math.max(0, viewport.width - width));
  const top = clamp(image.top + image.height / 2 - height / 2, 0, Math.max(0, viewport.height - height));
  return { left, top, width, height };
}

/**
 * The overlay's layout for an image shown at `image` (its content box), given the band height
 * the frame measured. The band is never narrower than MIN_BAND_WIDTH (or the viewport) and stays
 * inside the viewport horizontally.
 */
export function overlayLayout(image: Box, viewport: { width: number; height: number }, bandHeight: number): OverlayLayout {
  const magnified = Math.min(image.width, image.height) < MAGNIFY_BELOW;
  const surface = magnified ? magnify(image, viewport, bandHeight) : image;
  const bandWidth = Math.min(Math.max(surface.width, MIN_BAND_WIDTH), viewport.width);
  const bandLeft = clamp(surface.left, 0, Math.max(0, viewport.width - bandWidth));
  const bottom = surface.top + surface.height;
  let bandSide: OverlayLayout['bandSide'];
  let bandTop: number;
  if (surface.top - bandHeight >= 0) [bandSide, bandTop] = ['above', surface.top - bandHeight];
  else if (bottom + bandHeight <= viewport.height) [bandSide, bandTop] = ['below', bottom];
  else [bandSide, bandTop] = ['over', clamp(surface.top, 0, Math.max(0, viewport.height - bandHeight))];
  const band = { left: bandLeft, top: bandTop, width: bandWidth, height: bandHeight };
  const left = Math.min(surface.left, band.left);
  const top = Math.min(surface.top, band.top);
  const frame = {
    left,
    top,
    width: Math.max(surface.left + surface.width, band.left + band.width) - left,
    height: Math.max(bottom, band.top + band.height) - top,
  };
  const inFrame = (box: Box): Box => ({ ...box, left: box.left - left, top: box.top - top });
  return { frame, surface: inFrame(surface), band: inFrame(band), bandSide, magnified };
}
