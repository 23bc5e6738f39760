/** MI-GAN: prompt-free fill of the masked region. */
import * as ort from 'onnxruntime-web';
import type { Mask, RGBAImage } from '../../utils/image/types';
import { declaredFeeds, timedRun, type LoadedModel } from '../hub';
import { miganImageTensor, miganMaskTensor, miganResultToImage } from './processor';

/**
 * The pipeline's own output: generated over our hole grown by MIGAN_HOLE_GROWTH, the image
 * elsewhere (give or take 1 in its crop window). Callers paste it through their own mask: a job's
 * feather ramp then blends generated pixels, not the original with itself.
 */
export async function miganGenerate(model: LoadedModel<'migan'>, image: RGBAImage, mask: Mask): Promise<{ image: RGBAImage; modelMs: number }> {
  const { width, height } = image;
  const session = model.sessions.pipeline;
  const feeds = declaredFeeds(session, {
    image: new ort.Tensor('uint8', miganImageTensor(image), [1, 3, height, width]),
    mask: new ort.Tensor('uint8', miganMaskTensor(mask), [1, 1, height, width]),
  });
  const { outputs, ms } = await timedRun(session, feeds);
  const output = outputs[session.outputNames[0] ?? 'result'];
  if (!output) throw new Error('MI-GAN returned no image');
  return { image: miganResultToImage(output.data as Uint8Array, width, height), modelMs: ms };
}
