/**
 * Where a page element draws its image, and how a point on the page maps to the image's natural
 * pixels: CSS box model, `object-fit`/`object-position`, `background-size`/`background-position`
 * (no repeat), 2D `transform`s and devicePixelRatio. Pure: the caller reads `getComputedStyle`,
 * `getBoundingClientRect`, `naturalWidth`… and hands plain numbers (or the computed-style strings,
 * through the small parsers here) in.
 *
 * Coordinate spaces: "client" = viewport CSS px; "local" = CSS px relative to the element's
 * untransformed border box; "content" = CSS px relative to its content box; "natural" = image px;
 * "device" = physical px of a `captureVisibleTab` screenshot.
 */
import type { Rect } from '../image/types';
import type { Affine, Edges, Point, Size } from './types';

// ─── Box model ────────────────────────────────────────────────────────────────────────────────────

/** The padding box inside a border box (the default `background-origin`). */
export function paddingRect(borderBox: Rect, border: Edges): Rect {
  return {
    x: borderBox.x + border.left,
    y: borderBox.y + border.top,
    width: Math.max(0, borderBox.width - border.left - border.right),
    height: Math.max(0, borderBox.height - border.top - border.bottom),
  };
}

/** The content box inside a border box (where an `<img>`/`<video>`/`<canvas>` draws its pixels). */
export function contentRect(borderBox: Rect, border: Edges, padding: Edges): Rect {
  return paddingRect(paddingRect(borderBox, border), padding);
}

// ─── object-fit / object-position / background-* ──────────────────────────────────────────────────

/** A `<length-percentage>` on one axis: CSS px as a number, or a percentage such as `'50%'`. */
export type LengthPercentage = number | `${number}%`;

/** `object-position` / `background-position`: p% aligns p% of the image with p% of the box. */
export interface Position {
  x: LengthPercentage;
  y: LengthPercentage;
}

export type ObjectFit = 'fill' | 'contain' | 'cover' | 'none' | 'scale-down';

/** `background-size`: a keyword, or [width, height] where each is px, % of the box, or 'auto'. */
export type BackgroundSize = 'auto' | 'cover' | 'contain' | readonly [LengthPercentage | 'auto', LengthPercentage | 'auto'];

/** The initial `object-position`. */
export const OBJECT_POSITION_DEFAULT: Position = { x: '50%', y: '50%' };
/** The initial `background-position`. */
export const BACKGROUND_POSITION_DEFAULT: Position = { x: '0%', y: '0%' };

/** px as is; a percentage of `base`. */
export function resolveLength(value: LengthPercentage, base: number): number {
  // `+ 0` turns the −0 of 0% of a negative base into 0.
  return typeof value === 'number' ? value : (base * Number.parseFloat(value)) / 100 + 0;
}

/** Offset of something `drawn` long inside a box `box` long: px as is, p% → (box − drawn)·p. */
function positionOffset(value: LengthPercentage, box: number, drawn: number): number {
  return resolveLength(value, box - drawn);
}

export interface ObjectFitInput {
  /** The content box size, CSS px. */
  boxWidth: number;
  boxHeight: number;
  naturalWidth: number;
  naturalHeight: number;
  fit: ObjectFit;
  /** Default 50% 50%. */
  position?: Position;
}

/**
 * The rect, in content-box CSS px, where a replaced element draws its image. It may extend past
 * the box (`cover`, `none`); the box clips it. An image without a size draws nothing (0×0).
 */
export function objectFitRect(input: ObjectFitInput): Rect {
  const { boxWidth: bw, boxHeight: bh, naturalWidth: nw, naturalHeight: nh, fit } = input;
  if (fit === 'fill') return { x: 0, y: 0, width: bw, height: bh };
  if (!(nw > 0 && nh > 0)) return { x: 0, y: 0, width: 0, height: 0 };
  const contain = Math.min(bw / nw, bh / nh);
  const scale = fit === 'contain' ? contain : fit === 'cover' ? Math.max(bw / nw, bh / nh) : fit === 'none' ? 1 : Math.min(1, contain);
  return place(nw * scale, nh * scale, bw, bh, input.position ?? OBJECT_POSITION_DEFAULT);
}

function place(width: number, height: number, boxWidth: number, boxHeight: number, position: Position): Rect {
  return { x: positionOffset(position.x, boxWidth, width), y: positionOffset(position.y, boxHeight, height), width, height };
}

export interface BackgroundInput {
  /** The background positioning area (the padding box unless `background-origin` says otherwise). */
  boxWidth: number;
  boxHeight: number;
  naturalWidth: number;
  naturalHeight: number;
  size: BackgroundSize;
  /** Default 0% 0%. */
  position?: Position;
}

/** The rect, in positioning-area CSS px, of one (non-repeated) CSS background image. */
export function backgroundImageRect(input: BackgroundInput): Rect {
  const { boxWidth: bw, boxHeight: bh, naturalWidth: nw, naturalHeight: nh, size } = input;
  const position = input.position ?? BACKGROUND_POSITION_DEFAULT;
  if (!(nw > 0 && nh > 0)) return { x: 0, y: 0, width: 0, height: 0 };
  let width: number;
  let height: number;
  if (size === 'cover' || size === 'contain') {
    const scale = size === 'cover' ? Math.max(bw / nw, bh / nh) : Math.min(bw / nw, bh / nh);
    width = nw * scale;
    height = nh * scale;
  } else {
    const [sw, sh] = size === 'auto' ? (['auto', 'auto'] as const) : size;
    // One 'auto' keeps the natural aspect ratio; two give the natural size.
    if (sw === 'auto') {
      height = sh === 'auto' ? nh : resolveLength(sh, bh);
      width = sh === 'auto' ? nw : (height * nw) / nh;
    } else {
      width = resolveLength(sw, bw);
      height = sh === 'auto' ? (width * nh) / nw : resolveLength(sh, bh);
    }
  }
  return place(width, height, bw, bh, position);
}

/** A point in the box (CSS px, same origin as `drawn`) → natural image px. Not clamped. `drawn` must be non-empty. */
export function cssToNatural(point: Point, drawn: Rect, natural: Size): Point {
  return {
    x: ((point.x - drawn.x) * natural.width) / drawn.width,
    y: ((point.y - drawn.y) * natural.height) / drawn.height,
  };
}

/** Natural image px → CSS px in the box (same origin as `drawn`). */
export function naturalToCss(point: Point, drawn: Rect, natural: Size): Point {
  return {
    x: drawn.x + (point.x * drawn.width) / natural.width,
    y: drawn.y + (point.y * drawn.height) / natural.height,
  };
}

/**
 * The part of the image, in natural px, that shows through a box of `box` size (origin 0,0, the
 * space of `drawn`): all of it for contain/fill, a crop for cover/none. Undefined when none shows.
 */
export function visibleNaturalRect(drawn: Rect, box: Size, natural: Size): Rect | undefined {
  const x0 = Math.max(0, drawn.x);
  const y0 = Math.max(0, drawn.y);
  const x1 = Math.min(box.width, drawn.x + drawn.width);
  const y1 = Math.min(box.height, drawn.y + drawn.height);
  if (!(x1 > x0 && y1 > y0)) return undefined;
  const a = cssToNatural({ x: x0, y: y0 }, drawn, natural);
  const b = cssToNatural({ x: x1, y: y1 }, drawn, natural);
  return { x: a.x, y: a.y, width: b.x - a.x, height: b.y - a.y };
}

type PositionToken = { kind: 'x' | 'y' | 'center' | 'length'; value: LengthPercentage };

const KEYWORDS: Record<string, PositionToken> = {
  left: { kind: 'x', value: '0%' },
  right: { kind: 'x', value: '100%' },
  top: { kind: 'y', value: '0%' },
  bottom: { kind: 'y', value: '100%' },
  center: { kind: 'center', value: '50%' },
};

/** '12px' → 12, '0' → 0, '25%' → '25%'; anything else (em, calc()…) → undefined. */
export function parseLengthPercentage(token: string): LengthPercentage | undefined {
  const match = /^([-+]?(?:\d+\.?\d*|\.\d+)(?:e[-+]?\d+)?)(px|%)?$/i.exec(token.trim());
  if (!match) return undefined;
  const value = Number(match[1]);
  if (match[2] === '%') return `${value}%`;
  if (match[2] === undefined && value !== 0) return undefined; // unitless only for 0
  return value;
}

function positionToken(token: string): PositionToken | undefined {
  const keyword = KEYWORDS[token.toLowerCase()];
  if (keyword) return keyword;
  const value = parseLengthPercentage(token);
  return value === undefined ? undefined : { kind: 'length', value };
}

/**
 * A computed `object-position` / one layer of `background-position` ('50% 50%', '10px 0px',
 * 'right top', 'center'). The 3- and 4-value edge-offset forms ('right 10px top') and calc() are
 * not supported: undefined.
 */
export function parsePosition(css: string): Position | undefined {
  const tokens = css.trim().split(/\s+/);
  if (tokens.length > 2 || tokens[0] === '') return undefined;
  const [first, second] = tokens.map(positionToken);
  if (!first) return undefined;
  if (tokens.length === 1) return first.kind === 'y' ? { x: '50%', y: first.value } : { x: first.value, y: '50%' };
  if (!second) return undefined;
  // x then y; only two keywords may come the other way round ('top left').
  if (first.kind !== 'y' && second.kind !== 'x') return { x: first.value, y: second.value };
  if ((first.kind === 'y' || first.kind === 'center') && (second.kind === 'x' || second.kind === 'center')) {
    return { x: second.value, y: first.value };
  }
  return undefined;
}

/** A computed `background-size` for one layer ('auto', 'cover', '50% auto', '100px 20px'). */
export function parseBackgroundSize(css: string): BackgroundSize | undefined {
  const text = css.trim().toLowerCase();
  if (text === 'cover' || text === 'contain') return text;
  const tokens = text.split(/\s+/);
  if (tokens.length > 2) return undefined;
  const values = tokens.map((t) => (t === 'auto' ? 'auto' : parseLengthPercentage(t)));
  const [w, h = 'auto'] = values;
  if (w === undefined || h === undefined) return undefined;
  return w === 'auto' && h === 'auto' ? 'auto' : [w, h];
}

// ─── 2D transforms ────────────────────────────────────────────────────────────────────────────────

export const IDENTITY: Affine = { a: 1, b: 0, c: 0, d: 1, e: 0, f: 0 };

export function applyAffine(m: Affine, p: Point): Point {
  return { x: m.a * p.x + m.c * p.y + m.e, y: m.b * p.x + m.d * p.y + m.f };
}

/** m·n: apply n first, then m (as DOMMatrix.multiply). */
export function multiplyAffine(m: Affine, n: Affine): Affine {
  return {
    a: m.a * n.a + m.c * n.b,
    b: m.b * n.a + m.d * n.b,
    c: m.a * n.c + m.c * n.d,
    d: m.b * n.c + m.d * n.d,
    e: m.a * n.e + m.c * n.f + m.e,
    f: m.b * n.e + m.d * n.f + m.f,
  };
}

/** The inverse, or undefined for a singular matrix (e.g. scale(0), or rotateX(90deg) flattened). */
export function invertAffine(m: Affine): Affine | undefined {
  const det = m.a * m.d - m.b * m.c;
  if (Math.abs(det) < 1e-12) return undefined;
  return {
    a: m.d / det,
    b: -m.b / det + 0,
    c: -m.c / det + 0,
    d: m.a / det,
    e: (m.c * m.f - m.d * m.e) / det,
    f: (m.b * m.e - m.a * m.f) / det,
  };
}

/**
 * A computed `transform` ('none', 'matrix(a, b, c, d, e, f)', or a 'matrix3d(…)' that maps the
 * element's plane affinely, i.e. without perspective) → Affine; undefined for what isn't affine.
 */
export function parseCssTransform(css: string): Affine | undefined {
  const text = css.trim();
  if (text === 'none' || text === '') return IDENTITY;
  const match = /^(matrix|matrix3d)\(([^)]*)\)$/.exec(text);
  if (!match) return undefined;
  const values = (match[2] ?? '').split(',').map((v) => Number(v.trim()));
  if (values.some((v) => !Number.isFinite(v))) return undefined;
  if (match[1] === 'matrix') {
    const [a, b, c, d, e, f] = values;
    if (values.length !== 6 || a === undefined || b === undefined || c === undefined || d === undefined || e === undefined || f === undefined) return undefined;
    return { a, b, c, d, e, f };
  }
  if (values.length !== 16) return undefined;
  // Column-major m11 m12 m13 m14 m21 … m44; a point (x, y, 0, 1) of the element's plane maps to
  // (m11·x + m21·y + m41, m12·x + m22·y + m42) / (m14·x + m24·y + m44): affine iff m14 = m24 = 0.
  const at = (i: number): number => values[i] ?? Number.NaN;
  const w = at(15);
  if (at(3) !== 0 || at(7) !== 0 || w === 0) return undefined;
  return { a: at(0) / w, b: at(1) / w, c: at(4) / w, d: at(5) / w, e: at(12) / w, f: at(13) / w };
}

/** A computed `transform-origin` ('50px 25px' or '50px 25px 0px') → px; undefined otherwise. */
export function parseTransformOrigin(css: string): Point | undefined {
  const [x, y, z] = css.trim().split(/\s+/).map(parseLengthPercentage);
  if (typeof x !== 'number' || typeof y !== 'number' || (z !== undefined && typeof z !== 'number')) return undefined;
  return { x, y };
}

/** An element laid out at `layout` (client CSS px, before its transform) and drawn transformed. */
export interface TransformedBox {
  /** The untransformed border box in client CSS px. */
  layout: Rect;
  /** The computed `transform`. */
  transform: Affine;
  /** The computed `transform-origin`, px from the border box's top-left. */
  origin: Point;
}

/** The full local → client matrix: translate(layout + origin) · transform · translate(−origin). */
export function localToClientMatrix(box: TransformedBox): Affine {
  const { layout, transform, origin } = box;
  const toOrigin: Affine = { ...IDENTITY, e: -origin.x, f: -origin.y };
  const back: Affine = { ...IDENTITY, e: layout.x + origin.x, f: layout.y + origin.y };
  return multiplyAffine(back, multiplyAffine(transform, toOrigin));
}

/** Local (untransformed border-box) CSS px → client CSS px. */
export function localToClient(point: Point, box: TransformedBox): Point {
  return applyAffine(localToClientMatrix(box), point);
}

/** Client CSS px (e.g. a PointerEvent's clientX/Y) → local CSS px; undefined for a singular transform. */
export function clientToLocal(point: Point, box: TransformedBox): Point | undefined {
  const inverse = invertAffine(localToClientMatrix(box));
  return inverse && applyAffine(inverse, point);
}

/**
 * The untransformed layout box, recovered from what the DOM reports for a transformed element:
 * `getBoundingClientRect()` (the bounding box of the transformed border box), its untransformed
 * size (`offsetWidth/offsetHeight`), computed `transform` and `transform-origin`. Assumes no
 * transformed ancestor.
 */
export function layoutFromBoundingRect(bounding: Rect, size: Size, transform: Affine, origin: Point): Rect {
  let minX = Infinity;
  let minY = Infinity;
  for (const [x, y] of [[0, 0], [size.width, 0], [0, size.height], [size.width, size.height]] as const) {
    const p = applyAffine(transform, { x: x - origin.x, y: y - origin.y });
    minX = Math.min(minX, p.x);
    minY = Math.min(minY, p.y);
  }
  return { x: bounding.x - origin.x - minX, y: bounding.y - origin.y - minY, width: size.width, height: size.height };
}

// ─── devicePixelRatio ─────────────────────────────────────────────────────────────────────────────

/**
 * Client CSS px → device px of a visible-tab screenshot. `dpr` is the page's
 * `window.devicePixelRatio`, which already includes the browser zoom (screen scale 2 at 75% zoom
 * reports 1.5); `dprFromCapture` measures it from the screenshot itself.
 */
export function cssToDevice(point: Point, dpr: number): Point {
  return { x: point.x * dpr, y: point.y * dpr };
}

export function deviceToCss(point: Point, dpr: number): Point {
  return { x: point.x / dpr, y: point.y / dpr };
}

/** The effective ratio from a capture's width in device px and the viewport's `innerWidth`. */
export function dprFromCapture(captureWidth: number, viewportCssWidth: number): number {
  return captureWidth / viewportCssWidth;
}

/**
 * A client CSS rect → the whole device pixels that cover it (snapped outward), clipped to the
 * capture when `bounds` is given. Use it to crop an element out of a screenshot.
 */
export function cssRectToDevice(rect: Rect, dpr: number, bounds?: Size): Rect {
  let x0 = Math.floor(rect.x * dpr + 1e-9);
  let y0 = Math.floor(rect.y * dpr + 1e-9);
  let x1 = Math.ceil((rect.x + rect.width) * dpr - 1e-9);
  let y1 = Math.ceil((rect.y + rect.height) * dpr - 1e-9);
  if (bounds) {
    x0 = Math.min(bounds.width, Math.max(0, x0));
    y0 = Math.min(bounds.height, Math.max(0, y0));
    x1 = Math.min(bounds.width, Math.max(x0, x1));
    y1 = Math.min(bounds.height, Math.max(y0, y1));
  }
  return { x: x0, y: y0, width: Math.max(0, x1 - x0), height: Math.max(0, y1 - y0) };
}
