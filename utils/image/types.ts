/** Pixels as plain typed arrays with their size: no DOM types, so the math runs anywhere. */
export interface RGBAImage {
  width: number;
  height: number;
  /** width·height·4 bytes, row-major RGBA. */
  data: Uint8ClampedArray;
}

/** 1 byte per pixel: 255 = selected (to be edited), 0 = not. */
export interface Mask {
  width: number;
  height: number;
  data: Uint8Array;
}

export interface Rect {
  x: number;
  y: number;
  width: number;
  height: number;
}
