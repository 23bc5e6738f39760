/**
 * Latent → RGB factors for SD 1.x latents (the scaled ones the denoising loop holds), one row per
 * latent channel: A1111's "Approx cheap" live preview (modules/sd_vae_approx.py, cheap_approximation).
 */
const SD1_LATENT_RGB: readonly (readonly [number, number, number])[] = [
  [0.298, 0.207, 0.208],
  [0.187, 0.286, 0.173],
  [-0.158, 0.189, 0.264],
  [-0.184, -0.271, -0.473],
];

/**
 * A cheap live preview of 4-channel SD latents [4,h,w] (planar), as RGBA h×w: the linear
 * approximation gives RGB in [-1, 1], mapped to 0..255 and clamped.
 */
export function latentsToPreview(latents: Float32Array, width: number, height: number): { width: number; height: number; data: Uint8ClampedArray } {
  const plane = width * height;
  if (latents.length !== 4 * plane) throw new Error(`Preview needs 4×${height}×${width} latents, got ${latents.length} values`);
  const data = new Uint8ClampedArray(plane * 4);
  for (let i = 0; i < plane; i++) {
    const l0 = latents[i]!;
    const l1 = latents[plane + i]!;
    const l2 = latents[2 * plane + i]!;
    const l3 = latents[3 * plane + i]!;
    for (let c = 0; c < 3; c++) {
      const value = l0 * SD1_LATENT_RGB[0]![c]! + l1 * SD1_LATENT_RGB[1]![c]! + l2 * SD1_LATENT_RGB[2]![c]! + l3 * SD1_LATENT_RGB[3]![c]!;
      data[i * 4 + c] = (value + 1) * 127.5; // Uint8ClampedArray rounds and clamps
    }
    data[i * 4 + 3] = 255;
  }
  return { width, height, data };
}
