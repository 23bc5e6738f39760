/**
 * LaMa's pre- and post-processing (Carve/LaMa-ONNX, fixed 512² input), pure: planar float RGB in
 * 0..1 and a float mask with 1 = fill (our polarity, as 0/1); the output back to RGBA.
 */
import type { Mask, RGBAImage } from '../../utils/image/types';

export const LAMA_SIZE = 512;

/** image [1,3,S,S] f32 in 0..1 from an S×S RGBA. */
export function lamaImageTensor(image: RGBAImage): Float32Array {
  const plane = image.width * image.height;
  const out = new Float32Array(3 * plane);
  for (let p = 0; p < plane; p++) {
    out[p] = image.data[4 * p]! / 255;
    out[plane + p] = image.data[4 * p + 1]! / 255;
    out[2 * plane + p] = image.data[4 * p + 2]! / 255;
  }
  return out;
}

/** mask [1,1,S,S] f32: 1 = fill (our mask ≥ 128), 0 = keep. */
export function lamaMaskTensor(mask: Mask): Float32Array {
  const out = new Float32Array(mask.data.length);
  for (let i = 0; i < out.length; i++) out[i] = mask.data[i]! >= 128 ? 1 : 0;
  return out;
}

/**
 * output [1,3,S,S] f32 to opaque RGBA. The export's range is 0..255; an export in 0..1 (max ≤ 1.5,
 * which no 0..255 picture of real content has) is scaled up, so either works.
 */
export function lamaOutputToImage(output: Float32Array, width: number, height: number): RGBAImage {
  const plane = width * height;
  if (output.length !== 3 * plane) throw new Error(`LaMa returned ${output.length} values for ${width}×${height}`);
  let max = 0;
  for (let i = 0; i < output.length; i++) if (output[i]! > max) max = output[i]!;
  const scale = max <= 1.5 ? 255 : 1;
  const data = new Uint8ClampedArray(4 * plane);
  for (let p = 0; p < plane; p++) {
    data[4 * p] = Math.round(output[p]! * scale);
    data[4 * p + 1] = Math.round(output[plane + p]! * scale);
    data[4 * p + 2] = Math.round(output[2 * plane + p]! * scale);
    data[4 * p + 3] = 255;
  }
  return { width, height, data };
}
