/**
 * CLIP scores of one job: the paper's global score (whole image vs the full prompt, the
 * processor's centre crop) and the region score (the mask's box plus a margin, made square, vs
 * the region prompt). The texts are embedded once per job; each image costs one or two vision runs.
 */
import { clipImageEmbeds, clipTextEmbeds } from '@/models/clip/runner';
import { regionSquare } from '@/models/clip/processor';
import type { RunOn } from '@/models/fallback';
import type { LoadedModel } from '@/models/hub';
import type { Mask, RGBAImage, Rect } from '@/utils/image/types';
import { scoreOf } from '@/utils/inpaint/scores';
import { maskBoundingBox } from '@/utils/mask/resample';
import type { ScorePair } from '@/utils/protocol';
import { cosine, row } from '@/utils/score';

/** Context around the mask's box in the region crop, as a fraction of the box's longer side. */
export const REGION_MARGIN = 0.1;

export interface Scorer {
  score(image: RGBAImage): Promise<ScorePair>;
  /** Time inside ONNX Runtime so far. */
  readonly modelMs: number;
}

/** `clip` runs each CLIP call with the run-time fallback (Inference.run). */
export async function createScorer(clip: RunOn<LoadedModel<'clip'>>, fullPrompt: string, options: { mask?: Mask; regionPrompt?: string } = {}): Promise<Scorer> {
  const box = options.mask && options.regionPrompt ? maskBoundingBox(options.mask, 128) : undefined;
  const region: Rect | undefined = box && options.mask ? regionSquare(box, options.mask.width, options.mask.height, REGION_MARGIN) : undefined;
  const texts = region && options.regionPrompt !== undefined ? [fullPrompt, options.regionPrompt] : [fullPrompt];
  const text = await clip((model) => clipTextEmbeds(model, texts));
  let modelMs = text.modelMs;
  return {
    get modelMs() {
      return modelMs;
    },
    async score(image) {
      const whole = await clip((model) => clipImageEmbeds(model, image));
      modelMs += whole.modelMs;
      const global = scoreOf(cosine(whole.embeds, row(text.embeds, 0, text.dim)));
      if (!region) return { global };
      const part = await clip((model) => clipImageEmbeds(model, image, region));
      modelMs += part.modelMs;
      return { global, region: scoreOf(cosine(part.embeds, row(text.embeds, 1, text.dim))) };
    },
  };
}
