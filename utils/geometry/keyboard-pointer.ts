/**
 * The keyboard's pointer over an image (the overlay and the side panel's mask painter): arrows
 * move it from the image's centre by 1/50 of the longer side, 5× that with Shift, and it stays on
 * the image. Natural px. Pure.
 */
export interface PointerPosition {
  x: number;
  y: number;
}

export const POINTER_STEPS_PER_SIDE = 50;
export const POINTER_BIG_STEP = 5;

const DIRECTIONS: Readonly<Record<string, readonly [number, number]>> = {
  ArrowLeft: [-1, 0],
  ArrowRight: [1, 0],
  ArrowUp: [0, -1],
  ArrowDown: [0, 1],
};

/** The direction an arrow key moves the pointer, or undefined for any other key. */
export function arrowDirection(key: string): readonly [number, number] | undefined {
  return DIRECTIONS[key];
}

/** Where the pointer is before any arrow: the image's centre. */
export function pointerStart(width: number, height: number): PointerPosition {
  return { x: width / 2, y: height / 2 };
}

export function movePointer(from: PointerPosition | undefined, [dx, dy]: readonly [number, number], big: boolean, width: number, height: number): PointerPosition {
  const step = (Math.max(width, height) / POINTER_STEPS_PER_SIDE) * (big ? POINTER_BIG_STEP : 1);
  const at = from ?? pointerStart(width, height);
  return {
    x: Math.min(width - 1, Math.max(0, at.x + dx * step)),
    y: Math.min(height - 1, Math.max(0, at.y + dy * step)),
  };
}
