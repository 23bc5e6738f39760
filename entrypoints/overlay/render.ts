/** Draws the mask tint and the prompt points over the image's drawn rectangle. */
import type { Rect } from '@/utils/image/types';

export interface DrawnPoint {
  x: number;
  y: number;
  label: 0 | 1;
}

const TINT = [124, 77, 255] as const;

/** A natural-size RGBA bitmap of the mask's tint (alpha follows the mask, so feathering shows). */
export function tintBitmap(mask: Uint8Array, width: number, height: number): ImageData {
  const image = new ImageData(width, height);
  const data = image.data;
  for (let p = 0, i = 0; p < mask.length; p++, i += 4) {
    const m = mask[p]!;
    if (m === 0) continue;
    data[i] = TINT[0];
    data[i + 1] = TINT[1];
    data[i + 2] = TINT[2];
    data[i + 3] = (m * 140) >> 8;
  }
  return image;
}

export function drawOverlay(
  canvas: HTMLCanvasElement,
  tint: OffscreenCanvas | undefined,
  drawn: Rect,
  naturalToCss: (x: number, y: number) => { x: number; y: number },
  points: readonly DrawnPoint[],
): void {
  const dpr = window.devicePixelRatio || 1;
  const width = Math.round(canvas.clientWidth * dpr);
  const height = Math.round(canvas.clientHeight * dpr);
  if (canvas.width !== width || canvas.height !== height) Object.assign(canvas, { width, height });
  const context = canvas.getContext('2d');
  if (!context) return;
  context.setTransform(dpr, 0, 0, dpr, 0, 0);
  context.clearRect(0, 0, canvas.clientWidth, canvas.clientHeight);
  if (tint) {
    context.imageSmoothingEnabled = false;
    context.drawImage(tint, drawn.x, drawn.y, drawn.width, drawn.height);
  }
  for (const point of points) {
    const at = naturalToCss(point.x, point.y);
    context.beginPath();
    context.arc(at.x, at.y, 6, 0, Math.PI * 2);
    context.fillStyle = point.label === 1 ? '#1db954' : '#e53935';
    context.fill();
    context.lineWidth = 2;
    context.strokeStyle = '#fff';
    context.stroke();
  }
}
