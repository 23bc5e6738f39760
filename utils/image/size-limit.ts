/**
 * The largest image the editor takes as it is. Above it (8000×8000 is 64 Mpx) encoding would take
 * seconds and GBs: the user is asked, and the image is downscaled to fit `MAX_SIDE`.
 */
const MAX_PIXELS = 4096 * 4096;
const MAX_SIDE = 4096;

export const overLimit = (width: number, height: number): boolean => width * height > MAX_PIXELS;

/** The size an over-limit image is downscaled to: its longer side `MAX_SIDE`, its aspect kept, never below 1 px. */
export function downscaledSize(width: number, height: number): { width: number; height: number } {
  const scale = Math.min(1, MAX_SIDE / Math.max(width, height));
  return { width: Math.max(1, Math.round(width * scale)), height: Math.max(1, Math.round(height * scale)) };
}
