import { describe, expect, it } from 'vitest';
import {
  applyAffine,
  backgroundImageRect,
  clientToLocal,
  contentRect,
  cssRectToDevice,
  cssToDevice,
  cssToNatural,
  deviceToCss,
  dprFromCapture,
  invertAffine,
  layoutFromBoundingRect,
  localToClient,
  multiplyAffine,
  naturalToCss,
  objectFitRect,
  paddingRect,
  parseBackgroundSize,
  parseCssTransform,
  parsePosition,
  parseTransformOrigin,
  visibleNaturalRect,
} from './element-box';
import type { TransformedBox } from './element-box';
import type { Affine } from './types';

function expectPoint(actual: { x: number; y: number } | undefined, x: number, y: number): void {
  expect(actual).toBeDefined();
  expect(actual?.x).toBeCloseTo(x, 9);
  expect(actual?.y).toBeCloseTo(y, 9);
}

describe('contentRect / paddingRect', () => {
  it('removes borders, then paddings, on each side', () => {
    const borderBox = { x: 100, y: 50, width: 220, height: 120 };
    const border = { top: 1, right: 2, bottom: 3, left: 4 };
    const padding = { top: 10, right: 20, bottom: 30, left: 40 };
    // padding box: x 100+4, y 50+1, w 220−4−2 = 214, h 120−1−3 = 116
    expect(paddingRect(borderBox, border)).toEqual({ x: 104, y: 51, width: 214, height: 116 });
    // content box: x 104+40, y 51+10, w 214−40−20 = 154, h 116−10−30 = 76
    expect(contentRect(borderBox, border, padding)).toEqual({ x: 144, y: 61, width: 154, height: 76 });
  });

  it('never goes negative', () => {
    const edges = { top: 5, right: 5, bottom: 5, left: 5 };
    expect(contentRect({ x: 0, y: 0, width: 8, height: 8 }, edges, edges)).toMatchObject({ width: 0, height: 0 });
  });
});

describe('objectFitRect', () => {
  // A 600×300 (2:1) image in a 300×200 box.
  const base = { boxWidth: 300, boxHeight: 200, naturalWidth: 600, naturalHeight: 300 };

  it('fill stretches to the box', () => {
    expect(objectFitRect({ ...base, fit: 'fill' })).toEqual({ x: 0, y: 0, width: 300, height: 200 });
  });

  it('contain: scale min(300/600, 200/300) = 0.5 → 300×150, centred: y = (200−150)·0.5 = 25', () => {
    expect(objectFitRect({ ...base, fit: 'contain' })).toEqual({ x: 0, y: 25, width: 300, height: 150 });
  });

  it('cover: scale max(0.5, 2/3) = 2/3 → 400×200, x = (300−400)·0.5 = −50', () => {
    const r = objectFitRect({ ...base, fit: 'cover' });
    expect(r.x).toBeCloseTo(-50, 9);
    expect(r.y).toBe(0);
    expect(r.width).toBeCloseTo(400, 9);
    expect(r.height).toBeCloseTo(200, 9);
  });

  it('none: natural size, centred: x = (300−600)/2 = −150, y = (200−300)/2 = −50', () => {
    expect(objectFitRect({ ...base, fit: 'none' })).toEqual({ x: -150, y: -50, width: 600, height: 300 });
  });

  it('scale-down: contain when the image is larger, none when smaller', () => {
    expect(objectFitRect({ ...base, fit: 'scale-down' })).toEqual({ x: 0, y: 25, width: 300, height: 150 });
    // 100×50 in 300×200: natural size at ((300−100)/2, (200−50)/2) = (100, 75)
    expect(objectFitRect({ ...base, naturalWidth: 100, naturalHeight: 50, fit: 'scale-down' })).toEqual({ x: 100, y: 75, width: 100, height: 50 });
  });

  it('object-position: p% of the leftover space (box − drawn), px as is', () => {
    // contain 300×150, leftover y = 50: 25% → 12.5, 100% → 50; x leftover 0.
    expect(objectFitRect({ ...base, fit: 'contain', position: { x: '0%', y: '25%' } })).toEqual({ x: 0, y: 12.5, width: 300, height: 150 });
    expect(objectFitRect({ ...base, fit: 'contain', position: { x: 10, y: '100%' } })).toEqual({ x: 10, y: 50, width: 300, height: 150 });
    // cover 400×200, leftover x = −100: 100% → −100, 0% → 0.
    expect(objectFitRect({ ...base, fit: 'cover', position: { x: '100%', y: '0%' } }).x).toBeCloseTo(-100, 9);
    expect(objectFitRect({ ...base, fit: 'cover', position: { x: '0%', y: '0%' } }).x).toBe(0);
  });

  it('an image without a size draws nothing', () => {
    expect(objectFitRect({ ...base, naturalWidth: 0, fit: 'contain' })).toEqual({ x: 0, y: 0, width: 0, height: 0 });
  });
});

describe('cssToNatural / naturalToCss / visibleNaturalRect', () => {
  const natural = { width: 600, height: 300 };
  const cover = { x: -50, y: 0, width: 400, height: 200 }; // as computed above; 1 CSS px = 1.5 natural px
  const box = { width: 300, height: 200 };

  it('maps a CSS point through the drawn rect', () => {
    // (0,0) is 50 CSS px right of the image's left edge: 50·1.5 = 75
    expectPoint(cssToNatural({ x: 0, y: 0 }, cover, natural), 75, 0);
    // the box centre (150,100) is the image centre (300,150)
    expectPoint(cssToNatural({ x: 150, y: 100 }, cover, natural), 300, 150);
    expectPoint(naturalToCss({ x: 300, y: 150 }, cover, natural), 150, 100);
    expectPoint(naturalToCss({ x: 75, y: 0 }, cover, natural), 0, 0);
  });

  it('round-trips', () => {
    const contain = { x: 0, y: 25, width: 300, height: 150 };
    const p = { x: 123.25, y: 77.5 };
    expectPoint(naturalToCss(cssToNatural(p, contain, natural), contain, natural), p.x, p.y);
  });

  it('gives the part of the image the box shows', () => {
    // cover: CSS x 0..300 → natural (0+50)·1.5 = 75 .. (300+50)·1.5 = 525; all rows.
    expect(visibleNaturalRect(cover, box, natural)).toEqual({ x: 75, y: 0, width: 450, height: 300 });
    // contain: everything.
    expect(visibleNaturalRect({ x: 0, y: 25, width: 300, height: 150 }, box, natural)).toEqual({ x: 0, y: 0, width: 600, height: 300 });
    // none (−150, −50, 600×300, scale 1): the box's 300×200 window starting at natural (150, 50).
    expect(visibleNaturalRect({ x: -150, y: -50, width: 600, height: 300 }, box, natural)).toEqual({ x: 150, y: 50, width: 300, height: 200 });
    // pushed entirely out of the box
    expect(visibleNaturalRect({ x: 300, y: 0, width: 600, height: 300 }, box, natural)).toBeUndefined();
  });
});

describe('backgroundImageRect', () => {
  const box = { boxWidth: 200, boxHeight: 100 };

  it('auto: natural size at 0% 0% by default', () => {
    expect(backgroundImageRect({ ...box, naturalWidth: 50, naturalHeight: 25, size: 'auto' })).toEqual({ x: 0, y: 0, width: 50, height: 25 });
  });

  it('positions like object-position: 50% → (200−50)/2 = 75, (100−25)/2 = 37.5; px as is', () => {
    const input = { ...box, naturalWidth: 50, naturalHeight: 25, size: 'auto' as const };
    expect(backgroundImageRect({ ...input, position: { x: '50%', y: '50%' } })).toEqual({ x: 75, y: 37.5, width: 50, height: 25 });
    expect(backgroundImageRect({ ...input, position: { x: 10, y: 5 } })).toEqual({ x: 10, y: 5, width: 50, height: 25 });
  });

  it('contain / cover of a 40×40 image in 200×100: scale 2.5 → 100×100; scale 5 → 200×200', () => {
    const square = { ...box, naturalWidth: 40, naturalHeight: 40 };
    expect(backgroundImageRect({ ...square, size: 'contain' })).toEqual({ x: 0, y: 0, width: 100, height: 100 });
    // cover centred: y = (100−200)·0.5 = −50
    expect(backgroundImageRect({ ...square, size: 'cover', position: { x: '50%', y: '50%' } })).toEqual({ x: 0, y: -50, width: 200, height: 200 });
  });

  it('explicit sizes: % of the box, px, and auto keeping the aspect ratio', () => {
    // 50% of 200 = 100 wide; auto height = 100·40/40 = 100
    expect(backgroundImageRect({ ...box, naturalWidth: 40, naturalHeight: 40, size: ['50%', 'auto'] })).toEqual({ x: 0, y: 0, width: 100, height: 100 });
    // 20 high; auto width = 20·50/25 = 40
    expect(backgroundImageRect({ ...box, naturalWidth: 50, naturalHeight: 25, size: ['auto', 20] })).toEqual({ x: 0, y: 0, width: 40, height: 20 });
    // 30 px × 10% of 100 = 10
    expect(backgroundImageRect({ ...box, naturalWidth: 50, naturalHeight: 25, size: [30, '10%'] })).toEqual({ x: 0, y: 0, width: 30, height: 10 });
  });
});

describe('CSS value parsers', () => {
  it('parsePosition: lengths, percentages, keywords in either order', () => {
    expect(parsePosition('50% 50%')).toEqual({ x: '50%', y: '50%' });
    expect(parsePosition('10px 0px')).toEqual({ x: 10, y: 0 });
    expect(parsePosition('right top')).toEqual({ x: '100%', y: '0%' });
    expect(parsePosition('top right')).toEqual({ x: '100%', y: '0%' });
    expect(parsePosition('center bottom')).toEqual({ x: '50%', y: '100%' });
    expect(parsePosition('left')).toEqual({ x: '0%', y: '50%' });
    expect(parsePosition('bottom')).toEqual({ x: '50%', y: '100%' });
    expect(parsePosition('left left')).toBeUndefined();
    expect(parsePosition('10px left')).toBeUndefined();
    expect(parsePosition('right 10px top')).toBeUndefined();
    expect(parsePosition('1em 0')).toBeUndefined();
  });

  it('parseBackgroundSize', () => {
    expect(parseBackgroundSize('auto')).toBe('auto');
    expect(parseBackgroundSize('auto auto')).toBe('auto');
    expect(parseBackgroundSize('cover')).toBe('cover');
    expect(parseBackgroundSize('50%')).toEqual(['50%', 'auto']);
    expect(parseBackgroundSize('100px 20.5px')).toEqual([100, 20.5]);
    expect(parseBackgroundSize('calc(10px)')).toBeUndefined();
  });

  it('parseCssTransform: none, matrix(), affine matrix3d(); perspective is not affine', () => {
    expect(parseCssTransform('none')).toEqual({ a: 1, b: 0, c: 0, d: 1, e: 0, f: 0 });
    expect(parseCssTransform('matrix(0, 1, -1, 0, 5, 6)')).toEqual({ a: 0, b: 1, c: -1, d: 0, e: 5, f: 6 });
    // column-major: m11=2 m12=0 | m21=0 m22=2 | m41=5 m42=6
    expect(parseCssTransform('matrix3d(2, 0, 0, 0, 0, 2, 0, 0, 0, 0, 1, 0, 5, 6, 0, 1)')).toEqual({ a: 2, b: 0, c: 0, d: 2, e: 5, f: 6 });
    expect(parseCssTransform('matrix3d(1, 0, 0, 0.001, 0, 1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1)')).toBeUndefined();
    expect(parseCssTransform('rotate(45deg)')).toBeUndefined();
  });

  it('parseTransformOrigin', () => {
    expect(parseTransformOrigin('50px 25px')).toEqual({ x: 50, y: 25 });
    expect(parseTransformOrigin('50px 25.5px 0px')).toEqual({ x: 50, y: 25.5 });
    expect(parseTransformOrigin('50% 50%')).toBeUndefined();
  });
});

describe('affine matrices', () => {
  // m: x' = 2x + y + 3, y' = y + 4. det = 2·1 − 0·1 = 2.
  // inverse: a = d/det = 0.5, b = −b/det = 0, c = −c/det = −0.5, d = a/det = 1,
  // e = (c·f − d·e)/det = (4 − 3)/2 = 0.5, f = (b·e − a·f)/det = (0 − 8)/2 = −4.
  const m: Affine = { a: 2, b: 0, c: 1, d: 1, e: 3, f: 4 };

  it('applies and inverts by hand', () => {
    expectPoint(applyAffine(m, { x: 1, y: 1 }), 6, 5);
    expect(invertAffine(m)).toEqual({ a: 0.5, b: 0, c: -0.5, d: 1, e: 0.5, f: -4 });
    const inverse = invertAffine(m);
    expect(inverse).toBeDefined();
    if (inverse) expectPoint(applyAffine(inverse, { x: 6, y: 5 }), 1, 1);
  });

  it('is undefined for a singular matrix', () => {
    expect(invertAffine({ a: 1, b: 2, c: 2, d: 4, e: 0, f: 0 })).toBeUndefined();
  });

  it('multiplies as DOMMatrix: m·n applies n first', () => {
    const translate: Affine = { a: 1, b: 0, c: 0, d: 1, e: 10, f: 0 };
    const scale: Affine = { a: 2, b: 0, c: 0, d: 2, e: 0, f: 0 };
    // scale then translate: (1,1) → (2,2) → (12,2)
    expectPoint(applyAffine(multiplyAffine(translate, scale), { x: 1, y: 1 }), 12, 2);
    // translate then scale: (1,1) → (11,1) → (22,2)
    expectPoint(applyAffine(multiplyAffine(scale, translate), { x: 1, y: 1 }), 22, 2);
  });
});

describe('clientToLocal / localToClient', () => {
  // A 100×50 element laid out at client (10, 20), transform-origin at its centre (50, 25).
  const layout = { x: 10, y: 20, width: 100, height: 50 };
  const origin = { x: 50, y: 25 };

  it('rotate(90deg): matrix(0, 1, −1, 0, 0, 0) turns (x, y) about the origin into (−y, x)', () => {
    const box: TransformedBox = { layout, origin, transform: { a: 0, b: 1, c: -1, d: 0, e: 0, f: 0 } };
    // local (0,0): minus origin (−50,−25) → rotated (25, −50) → plus origin and layout (25+50+10, −50+25+20) = (85, −5)
    expectPoint(localToClient({ x: 0, y: 0 }, box), 85, -5);
    expectPoint(clientToLocal({ x: 85, y: -5 }, box), 0, 0);
    // local (100,0): (50,−25) → (25, 50) → (85, 95): the top edge now runs down the right side
    expectPoint(clientToLocal({ x: 85, y: 95 }, box), 100, 0);
    // the centre stays put: client (60, 45) is local (50, 25)
    expectPoint(clientToLocal({ x: 60, y: 45 }, box), 50, 25);
  });

  it('scale(2) about the centre', () => {
    const box: TransformedBox = { layout, origin, transform: { a: 2, b: 0, c: 0, d: 2, e: 0, f: 0 } };
    // local (0,0): (−50,−25)·2 = (−100,−50) → (−100+60, −50+45) = (−40, −5)
    expectPoint(localToClient({ x: 0, y: 0 }, box), -40, -5);
    // client (110, 45): minus (60, 45) = (50, 0) → /2 = (25, 0) → plus origin = (75, 25)
    expectPoint(clientToLocal({ x: 110, y: 45 }, box), 75, 25);
  });

  it('is undefined for a singular transform', () => {
    expect(clientToLocal({ x: 0, y: 0 }, { layout, origin, transform: { a: 0, b: 0, c: 0, d: 1, e: 0, f: 0 } })).toBeUndefined();
  });

  it('recovers the layout box from getBoundingClientRect', () => {
    const rotate: Affine = { a: 0, b: 1, c: -1, d: 0, e: 0, f: 0 };
    // The rotated element above covers x 35..85, y −5..95: bounding rect (35, −5, 50×100).
    expect(layoutFromBoundingRect({ x: 35, y: -5, width: 50, height: 100 }, { width: 100, height: 50 }, rotate, origin)).toEqual(layout);
    // scale(2): corners (−40,−5) .. (160, 95)
    const scale: Affine = { a: 2, b: 0, c: 0, d: 2, e: 0, f: 0 };
    expect(layoutFromBoundingRect({ x: -40, y: -5, width: 200, height: 100 }, { width: 100, height: 50 }, scale, origin)).toEqual(layout);
  });
});

describe('devicePixelRatio', () => {
  it('dpr 2 doubles', () => {
    expectPoint(cssToDevice({ x: 100.25, y: 3 }, 2), 200.5, 6);
    expectPoint(deviceToCss({ x: 200.5, y: 6 }, 2), 100.25, 3);
  });

  it('dpr 1.5 from page zoom: a 2× screen at 75% zoom; measured from the capture', () => {
    // innerWidth 1280 CSS px, capture 1920 device px → 1.5 (= 2 · 0.75)
    expect(dprFromCapture(1920, 1280)).toBe(1.5);
    expectPoint(cssToDevice({ x: 100, y: 200 }, 1.5), 150, 300);
    expectPoint(deviceToCss({ x: 150, y: 300 }, 1.5), 100, 200);
  });

  it('snaps a CSS rect outward to whole device px, clipped to the capture', () => {
    // x 10·1.5 = 15, y 10.5·1.5 = 15.75 → 15; right 43·1.5 = 64.5 → 65, bottom 30.5·1.5 = 45.75 → 46
    expect(cssRectToDevice({ x: 10, y: 10.5, width: 33, height: 20 }, 1.5)).toEqual({ x: 15, y: 15, width: 50, height: 31 });
    // exact edges stay exact: (10, 20, 30×40)·2
    expect(cssRectToDevice({ x: 10, y: 20, width: 30, height: 40 }, 2)).toEqual({ x: 20, y: 40, width: 60, height: 80 });
    // clipped: x −5·2 = −10 → 0, right (−5+20)·2 = 30; bottom (90+20)·2 = 220 → 200
    expect(cssRectToDevice({ x: -5, y: 90, width: 20, height: 20 }, 2, { width: 300, height: 200 })).toEqual({ x: 0, y: 180, width: 30, height: 20 });
  });
});
