/** MI-GAN: prompt-free fill of the masked region, composited so unmasked pixels stay exact. */
import * as ort from 'onnxruntime-web';
import { compositeThroughMask } from '../../utils/image/composite';
import type { Mask, RGBAImage } from '../../utils/image/types';
import { declaredFeeds, timedRun, type LoadedModel } from '../hub';
import { miganImageTensor, miganMaskTensor, miganResultToImage } from './processor';

export async function miganFill(model: LoadedModel<'migan'>, image: RGBAImage, mask: Mask): Promise<{ image: RGBAImage; modelMs: number }> {
  const { width, height } = image;
  const session = model.sessions.pipeline;
  const feeds = declaredFeeds(session, {
    image: new ort.Tensor('uint8', miganImageTensor(image), [1, 3, height, width]),
    mask: new ort.Tensor('uint8', miganMaskTensor(mask), [1, 1, height, width]),
  });
  const { outputs, ms } = await timedRun(session, feeds);
  const output = outputs[session.outputNames[0] ?? 'result'];
  if (!output) throw new Error('MI-GAN returned no image');
  const filled = miganResultToImage(output.data as Uint8Array, width, height);
  return { image: compositeThroughMask(image, filled, mask), modelMs: ms };
}
