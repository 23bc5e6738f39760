/** LaMa session: one 512² fill. Cropping around the mask and the paste-back are the caller's (utils/inpaint/crop.ts). */
import * as ort from 'onnxruntime-web';
import type { Mask, RGBAImage } from '../../utils/image/types';
import { declaredFeeds, timedRun, type LoadedModel } from '../hub';
import { floatData } from '../tensors';
import { LAMA_SIZE, lamaImageTensor, lamaMaskTensor, lamaOutputToImage } from './processor';

/** Fills the 512² `image` where `mask` (255 = fill) says; returns the model's whole output. */
export async function lamaFill(model: LoadedModel<'lama'>, image: RGBAImage, mask: Mask): Promise<{ image: RGBAImage; modelMs: number }> {
  if (image.width !== LAMA_SIZE || image.height !== LAMA_SIZE || mask.width !== LAMA_SIZE || mask.height !== LAMA_SIZE) {
    throw new Error(`LaMa takes ${LAMA_SIZE}×${LAMA_SIZE} exactly, got ${image.width}×${image.height}`);
  }
  const session = model.sessions.model;
  const dims = (channels: number) => [1, channels, LAMA_SIZE, LAMA_SIZE];
  const feeds = declaredFeeds(session, {
    image: new ort.Tensor('float32', lamaImageTensor(image), dims(3)),
    mask: new ort.Tensor('float32', lamaMaskTensor(mask), dims(1)),
  });
  const { outputs, ms } = await timedRun(session, feeds);
  const output = outputs[session.outputNames[0] ?? 'output'];
  if (!output) throw new Error('LaMa returned no image');
  return { image: lamaOutputToImage(floatData(output), LAMA_SIZE, LAMA_SIZE), modelMs: ms };
}
