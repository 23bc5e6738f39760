import type { RGBAImage, Rect } from './types';

/**
 * Resamples `src` (the `rect` part of it) to dstWidth×dstHeight and hands each output pixel's
 * index, RGB (0–255 floats) and column and row to `write`. Upscaling is bilinear; downscaling averages a k×k grid of
 * bilinear samples per output pixel (k = the scale factor, rounded up), which avoids the
 * aliasing plain bilinear gives at 4× and more. Pixels of `rect` outside the image read as the
 * nearest edge pixel.
 */
export function resampleRGB(
  src: RGBAImage,
  rect: Rect,
  dstWidth: number,
  dstHeight: number,
  write: (index: number, r: number, g: number, b: number, x: number, y: number) => void,
): void {
  const sx = rect.width / dstWidth;
  const sy = rect.height / dstHeight;
  const { width: w, height: h, data } = src;
  if (sx === 1 && sy === 1 && Number.isInteger(rect.x) && Number.isInteger(rect.y) && rect.x >= 0 && rect.y >= 0 && rect.x + rect.width <= w && rect.y + rect.height <= h) {
    // Same size: every bilinear tap lands on a pixel centre, so the pixels are copied (a third of the time).
    for (let oy = 0, index = 0; oy < dstHeight; oy++) {
      for (let ox = 0, i = ((rect.y + oy) * w + rect.x) * 4; ox < dstWidth; ox++, index++, i += 4) write(index, data[i]!, data[i + 1]!, data[i + 2]!, ox, oy);
    }
    return;
  }
  const kx = Math.max(1, Math.ceil(sx - 1e-9));
  const ky = Math.max(1, Math.ceil(sy - 1e-9));
  const inv = 1 / (kx * ky);
  // Sample centres spread evenly over each output pixel's footprint in source space. They
  // depend on the column or the row only, so they are computed once per axis, not per pixel.
  const xs = taps(dstWidth, kx, rect.x, sx, w, 4);
  const ys = taps(dstHeight, ky, rect.y, sy, h, w * 4);
  for (let oy = 0; oy < dstHeight; oy++) {
    for (let ox = 0; ox < dstWidth; ox++) {
      let r = 0;
      let g = 0;
      let b = 0;
      for (let j = oy * ky; j < (oy + 1) * ky; j++) {
        const row0 = ys.lo[j]!;
        const row1 = ys.hi[j]!;
        const wy = ys.frac[j]!;
        for (let i = ox * kx; i < (ox + 1) * kx; i++) {
          const wx = xs.frac[i]!;
          const a = row0 + xs.lo[i]!;
          const c = row0 + xs.hi[i]!;
          const d = row1 + xs.lo[i]!;
          const e = row1 + xs.hi[i]!;
          const w00 = (1 - wx) * (1 - wy);
          const w01 = wx * (1 - wy);
          const w10 = (1 - wx) * wy;
          const w11 = wx * wy;
          r += data[a]! * w00 + data[c]! * w01 + data[d]! * w10 + data[e]! * w11;
          g += data[a + 1]! * w00 + data[c + 1]! * w01 + data[d + 1]! * w10 + data[e + 1]! * w11;
          b += data[a + 2]! * w00 + data[c + 2]! * w01 + data[d + 2]! * w10 + data[e + 2]! * w11;
        }
      }
      write(oy * dstWidth + ox, r * inv, g * inv, b * inv, ox, oy);
    }
  }
}

/**
 * The bilinear taps of one axis: for output index o and sub-sample k, the lower and upper
 * source offsets (times `stride`) and the weight of the upper one.
 */
function taps(count: number, samples: number, origin: number, scale: number, extent: number, stride: number): { lo: Int32Array; hi: Int32Array; frac: Float64Array } {
  const lo = new Int32Array(count * samples);
  const hi = new Int32Array(count * samples);
  const frac = new Float64Array(count * samples);
  for (let o = 0; o < count; o++) {
    for (let k = 0; k < samples; k++) {
      const f = Math.min(extent - 1, Math.max(0, origin + (o + (k + 0.5) / samples) * scale - 0.5));
      const i0 = Math.floor(f);
      lo[o * samples + k] = i0 * stride;
      hi[o * samples + k] = Math.min(extent - 1, i0 + 1) * stride;
      frac[o * samples + k] = f - i0;
    }
  }
  return { lo, hi, frac };
}

/**
 * Writes the resampled rect into a planar float tensor [3, dstHeight, dstWidth] (offset into a
 * larger planar buffer of size planeWidth×planeHeight), normalised as (v/255 − mean)/std.
 */
export function resampleToPlanar(
  src: RGBAImage,
  rect: Rect,
  dstWidth: number,
  dstHeight: number,
  out: Float32Array,
  planeWidth: number,
  planeHeight: number,
  mean: readonly [number, number, number],
  std: readonly [number, number, number],
): void {
  const plane = planeWidth * planeHeight;
  const [s0, s1, s2] = [1 / (255 * std[0]), 1 / (255 * std[1]), 1 / (255 * std[2])];
  const [h0, h1, h2] = [mean[0] / std[0], mean[1] / std[1], mean[2] / std[2]];
  const { width: w, data } = src;
  if (rect.x === 0 && rect.y === 0 && rect.width === w && rect.height === src.height && dstWidth === w && dstHeight === src.height) {
    // The whole image at its own size (SAM's input for an image whose longest side is 1024): bytes
    // straight into the planes, half the time of going through resampleRGB's per-pixel callback.
    for (let y = 0; y < dstHeight; y++) {
      for (let x = 0, i = y * w * 4, p = y * planeWidth; x < dstWidth; x++, i += 4, p++) {
        out[p] = data[i]! * s0 - h0;
        out[plane + p] = data[i + 1]! * s1 - h1;
        out[2 * plane + p] = data[i + 2]! * s2 - h2;
      }
    }
    return;
  }
  resampleRGB(src, rect, dstWidth, dstHeight, (_index, r, g, b, x, y) => {
    const p = y * planeWidth + x;
    out[p] = r * s0 - h0;
    out[plane + p] = g * s1 - h1;
    out[2 * plane + p] = b * s2 - h2;
  });
}
