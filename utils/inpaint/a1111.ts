/**
 * The Automatic1111 / Forge `/sdapi/v1/img2img` request for inpainting, and its reply, pure.
 * The whole image goes up with "inpaint only masked" (`inpaint_full_res`): the server crops the
 * mask's box plus `inpaint_full_res_padding` itself, works at width×height, and pastes it back.
 */
import * as v from 'valibot';

export interface A1111Options {
  prompt: string;
  negativePrompt?: string;
  /** Base64 PNG of the image (no data: prefix). */
  image: string;
  /** Base64 PNG of the mask: white = inpaint. */
  mask: string;
  width: number;
  height: number;
  n: number;
  denoise: number;
  /** Context px around the mask's box that the server includes ("only masked padding"). */
  padding?: number;
  /** Blur of the mask's edge on the server (px). Our own feathered paste-back follows anyway. */
  maskBlur?: number;
  /** -1: a random seed per request (candidates differ within the batch by seed + i). */
  seed?: number;
  /** The image's own settings (from its metadata); the server's defaults when absent. */
  steps?: number;
  cfgScale?: number;
  sampler?: string;
  scheduler?: string;
}

/** A1111's `inpainting_fill`: 0 fill, 1 original, 2 latent noise, 3 latent nothing. */
export const INPAINTING_FILL_ORIGINAL = 1;

/** Sizes must be multiples of 8 (the latent grid); the longer side is capped at `maxSide`. */
export function a1111Size(width: number, height: number, maxSide = 1024): { width: number; height: number } {
  const scale = Math.min(1, maxSide / Math.max(width, height));
  const round8 = (n: number) => Math.max(64, Math.round((n * scale) / 8) * 8);
  return { width: round8(width), height: round8(height) };
}

export function img2imgPayload(options: A1111Options): Record<string, unknown> {
  return {
    init_images: [options.image],
    mask: options.mask,
    prompt: options.prompt,
    negative_prompt: options.negativePrompt ?? '',
    inpainting_fill: INPAINTING_FILL_ORIGINAL,
    inpaint_full_res: true,
    inpaint_full_res_padding: options.padding ?? 32,
    inpainting_mask_invert: 0,
    mask_blur: options.maskBlur ?? 4,
    denoising_strength: options.denoise,
    batch_size: options.n,
    n_iter: 1,
    width: options.width,
    height: options.height,
    seed: options.seed ?? -1,
    ...(options.steps !== undefined ? { steps: options.steps } : {}),
    ...(options.cfgScale !== undefined ? { cfg_scale: options.cfgScale } : {}),
    ...(options.sampler ? { sampler_name: options.sampler } : {}),
    ...(options.scheduler ? { scheduler: options.scheduler } : {}),
    resize_mode: 0,
    send_images: true,
    save_images: false,
  };
}

const Img2ImgReply = v.object({
  images: v.array(v.string()),
  /** A JSON string with `all_seeds` among others. */
  info: v.optional(v.string()),
});

/** The first `n` images (extensions may append masks or grids after them) with their seeds when the server says. */
export function parseImg2ImgReply(body: unknown, n: number): { images: string[]; seeds: (number | undefined)[] } {
  const parsed = v.safeParse(Img2ImgReply, body);
  if (!parsed.success) throw new Error('The A1111 server answered, but not with img2img images: is this the /sdapi/v1 API of Automatic1111 or Forge?');
  const images = parsed.output.images.slice(0, n).map((image) => image.replace(/^data:image\/\w+;base64,/, ''));
  if (images.length === 0) throw new Error('The A1111 server returned no images');
  let seeds: unknown[] = [];
  try {
    const info: unknown = JSON.parse(parsed.output.info ?? '{}');
    if (info && typeof info === 'object' && 'all_seeds' in info && Array.isArray(info.all_seeds)) seeds = info.all_seeds;
  } catch {
    // No seeds then: they are informative only.
  }
  return { images, seeds: images.map((_, i) => (typeof seeds[i] === 'number' ? seeds[i] : undefined)) };
}
