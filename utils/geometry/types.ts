/** Plain 2D geometry shared by the pure geometry and mask modules: no DOM types. */

export interface Point {
  x: number;
  y: number;
}

export interface Size {
  width: number;
  height: number;
}

/** Border or padding widths, in CSS px. */
export interface Edges {
  top: number;
  right: number;
  bottom: number;
  left: number;
}

/**
 * A 2D affine matrix in DOMMatrix / CSS `matrix(a, b, c, d, e, f)` order:
 * x' = a·x + c·y + e, y' = b·x + d·y + f.
 */
export interface Affine {
  a: number;
  b: number;
  c: number;
  d: number;
  e: number;
  f: number;
}
