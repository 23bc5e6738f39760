import { describe, expect, it } from 'vitest';
import { MAGNIFIED_SIDE, MIN_BAND_WIDTH, overlayLayout } from './overlay-layout';

const viewport = { width: 1280, height: 800 };

describe('overlay layout', () => {
  it('puts the band above a large image, outside it, at least MIN_BAND_WIDTH wide', () => {
    const layout = overlayLayout({ left: 100, top: 200, width: 300, height: 200 }, viewport, 60);
    expect(layout.bandSide).toBe('above');
    expect(layout.magnified).toBe(false);
    expect(layout.frame).toEqual({ left: 100, top: 140, width: MIN_BAND_WIDTH, height: 260 });
    expect(layout.surface).toEqual({ left: 0, top: 60, width: 300, height: 200 });
    expect(layout.band).toEqual({ left: 0, top: 0, width: MIN_BAND_WIDTH, height: 60 });
  });

  it('flips the band below when the viewport has no room above, and over the top edge when neither side has', () => {
    const below = overlayLayout({ left: 10, top: 20, width: 300, height: 200 }, viewport, 60);
    expect(below.bandSide).toBe('below');
    expect(below.band.top).toBe(200);
    expect(below.surface.top).toBe(0);
    const over = overlayLayout({ left: 0, top: 20, width: 1280, height: 760 }, viewport, 60);
    expect(over.bandSide).toBe('over');
    expect(over.band.top).toBe(0);
    expect(over.frame.top).toBe(20);
  });

  it('keeps the band inside the viewport horizontally, and as wide as the viewport in a narrow frame', () => {
    const right = overlayLayout({ left: 1100, top: 300, width: 170, height: 170 }, viewport, 60);
    expect(right.frame.left + right.band.left + right.band.width).toBe(1280);
    const narrow = overlayLayout({ left: 10, top: 100, width: 220, height: 165 }, { width: 240, height: 400 }, 90);
    expect(narrow.band.width).toBe(240);
    expect(narrow.frame.left + narrow.band.left).toBe(0);
  });

  it('magnifies a thumbnail around its centre, keeping its shape, inside the viewport', () => {
    const layout = overlayLayout({ left: 600, top: 400, width: 76, height: 76 }, viewport, 60);
    expect(layout.magnified).toBe(true);
    expect(layout.surface.width).toBe(MAGNIFIED_SIDE);
    expect(layout.surface.height).toBe(MAGNIFIED_SIDE);
    const centre = { x: layout.frame.left + layout.surface.left + MAGNIFIED_SIDE / 2, y: layout.frame.top + layout.surface.top + MAGNIFIED_SIDE / 2 };
    expect(centre).toEqual({ x: 638, y: 438 });
    const corner = overlayLayout({ left: 0, top: 0, width: 120, height: 60 }, { width: 500, height: 400 }, 60);
    expect(corner.surface.width / corner.surface.height).toBeCloseTo(2);
    expect(corner.surface.width).toBeLessThanOrEqual(500);
    expect(corner.frame.left).toBe(0);
    expect(corner.bandSide).toBe('below');
    expect(corner.frame.top + corner.band.top + corner.band.height).toBeLessThanOrEqual(400);
  });
});
