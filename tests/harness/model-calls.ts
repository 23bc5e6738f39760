/**
 * One-call model helpers for tests, the eval and verify:models (and the e2e build's probes): the
 * product composes the same runner pieces itself (scoring.ts, backends/local.ts), so these live here.
 */
import type { Mask, Rect, RGBAImage } from '../../utils/image/types.ts';
import { compositeThroughMask } from '../../utils/image/composite.ts';
import { clipScore, cosine, row } from '../../utils/score.ts';
import type { LoadedModel } from '../../models/hub.ts';
import { clipImageEmbeds, clipTextEmbeds } from '../../models/clip/runner.ts';
import { miganGenerate } from '../../models/migan/runner.ts';

/** CLIP score (100·max(cos, 0)) of the image, or of `rect` of it, against each text. */
export async function clipScores(
  model: LoadedModel<'clip'>,
  image: RGBAImage,
  texts: readonly string[],
  rect?: Rect,
): Promise<{ cosines: number[]; scores: number[]; modelMs: number }> {
  const imageResult = await clipImageEmbeds(model, image, rect);
  const textResult = await clipTextEmbeds(model, texts);
  const cosines = texts.map((_, i) => cosine(imageResult.embeds, row(textResult.embeds, i, textResult.dim)));
  return { cosines, scores: cosines.map(clipScore), modelMs: imageResult.modelMs + textResult.modelMs };
}

/** The fill composited through `mask` itself: every pixel outside it exact. */
export async function miganFill(model: LoadedModel<'migan'>, image: RGBAImage, mask: Mask): Promise<{ image: RGBAImage; modelMs: number }> {
  const { image: generated, modelMs } = await miganGenerate(model, image, mask);
  return { image: compositeThroughMask(image, generated, mask), modelMs };
}
