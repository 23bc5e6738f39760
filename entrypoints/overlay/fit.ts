/** Where the page draws the image inside its box, from the computed CSS the content script sent. */
import {
  BACKGROUND_POSITION_DEFAULT,
  backgroundImageRect,
  OBJECT_POSITION_DEFAULT,
  objectFitRect,
  parseBackgroundSize,
  parsePosition,
  type ObjectFit,
} from '@/utils/geometry/element-box';
import type { Rect } from '@/utils/image/types';
import type { OverlayView } from '@/utils/overlay-port';

const OBJECT_FITS: readonly string[] = ['fill', 'contain', 'cover', 'none', 'scale-down'] satisfies ObjectFit[];

/** The first layer of a comma-separated background property. */
const firstLayer = (css: string) => css.split(',')[0]?.trim() ?? '';

export function drawnRect(view: OverlayView, naturalWidth: number, naturalHeight: number): Rect {
  const box = { boxWidth: view.width, boxHeight: view.height, naturalWidth, naturalHeight };
  if (view.fit.kind === 'object') {
    const fit = OBJECT_FITS.includes(view.fit.fit) ? (view.fit.fit as ObjectFit) : 'fill';
    return objectFitRect({ ...box, fit, position: parsePosition(view.fit.position) ?? OBJECT_POSITION_DEFAULT });
  }
  return backgroundImageRect({
    ...box,
    size: parseBackgroundSize(firstLayer(view.fit.size)) ?? 'auto',
    position: parsePosition(firstLayer(view.fit.position)) ?? BACKGROUND_POSITION_DEFAULT,
  });
}
