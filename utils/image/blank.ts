/**
 * Whether a copy of a canvas came out blank: every pixel transparent black. That is what a WebGL
 * canvas without `preserveDrawingBuffer` gives once its frame is on screen (its drawing buffer is
 * cleared then), whatever the screen shows. Pure.
 */
import type { RGBAImage } from './types';

export function isBlank({ data }: RGBAImage): boolean {
  // Whole words at a time where the buffer allows: large canvases are read on the click's path.
  const words = data.byteOffset % 4 === 0 ? new Uint32Array(data.buffer, data.byteOffset, data.length >> 2) : undefined;
  if (words) {
    for (let i = 0; i < words.length; i++) if (words[i] !== 0) return false;
    for (let i = words.length * 4; i < data.length; i++) if (data[i] !== 0) return false;
    return true;
  }
  for (let i = 0; i < data.length; i++) if (data[i] !== 0) return false;
  return true;
}
