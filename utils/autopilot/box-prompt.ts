/**
 * A box as a SAM prompt. The Hub's SlimSAM decoder takes no box input: the box's centre is the
 * positive point and the mask is clipped to the box. Used by the overlay's box tool and by the
 * autopilot (the detector's best box). Pure.
 */
import type { PixelBox } from '../../models/detector/boxes';

export function boxCentre(box: PixelBox): { x: number; y: number; label: 1 } {
  return { x: (box.x0 + box.x1) / 2, y: (box.y0 + box.y1) / 2, label: 1 };
}

/** Clears, in place, every pixel of the mask outside the box (corners in any order, edges inclusive). */
export function clipMaskToBox(mask: Uint8Array, width: number, box: PixelBox): void {
  const height = mask.length / width;
  const [x0, x1] = [Math.min(box.x0, box.x1), Math.max(box.x0, box.x1)];
  const [y0, y1] = [Math.min(box.y0, box.y1), Math.max(box.y0, box.y1)];
  for (let y = 0; y < height; y++) {
    const inside = y >= y0 && y <= y1;
    for (let x = 0; x < width; x++) if (!inside || x < x0 || x > x1) mask[y * width + x] = 0;
  }
}
