import { describe, expect, it } from 'vitest';
import { latentsToPreview } from './preview';

/** Planar [4,h,w] latents with one value per channel everywhere. */
function uniformLatents(channels: [number, number, number, number], width: number, height: number): Float32Array {
  const plane = width * height;
  const out = new Float32Array(4 * plane);
  channels.forEach((value, c) => out.fill(value, c * plane, (c + 1) * plane));
  return out;
}

describe('latentsToPreview', () => {
  it('shows a latent that decodes red as a reddish pixel', () => {
    // Channel 0 up and channel 2 down is the approximation's red direction.
    const { data } = latentsToPreview(uniformLatents([2, 0, -2, 0], 1, 1), 1, 1);
    const [r = 0, g = 0, b = 0, alpha] = data;
    expect(r).toBeGreaterThan(200);
    expect(r - g).toBeGreaterThan(100);
    expect(r - b).toBeGreaterThan(100);
    expect(alpha).toBe(255);
  });

  it('shows zero latents as mid-grey and clamps strong latents to 0..255', () => {
    expect(Array.from(latentsToPreview(uniformLatents([0, 0, 0, 0], 1, 1), 1, 1).data)).toEqual([128, 128, 128, 255]);
    expect(Array.from(latentsToPreview(uniformLatents([0, 0, 0, 10], 1, 1), 1, 1).data)).toEqual([0, 0, 0, 255]);
  });

  it('keeps each pixel at its place (planar in, RGBA row-major out)', () => {
    const latents = new Float32Array(4 * 2);
    latents[1] = 3; // channel 0, pixel (1, 0)
    const preview = latentsToPreview(latents, 2, 1);
    expect(preview.width).toBe(2);
    expect(preview.data[0]).toBe(128);
    expect(preview.data[4]).toBeGreaterThan(200);
  });

  it('refuses latents of the wrong size', () => {
    expect(() => latentsToPreview(new Float32Array(3 * 4), 2, 2)).toThrow(/4×2×2/);
  });
});
