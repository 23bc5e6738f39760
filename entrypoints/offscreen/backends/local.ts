/**
 * Local prompt-free fill (MI-GAN, or LaMa as the larger model) on WebGPU or WASM: the mask's box
 * plus context is cropped; MI-GAN runs at the crop's size (it crops around the hole itself, so the
 * crop gives it the context it wants), LaMa at its fixed 512² (square crop, resized there and back
 * by the paste). Both return the model's output uncomposited: the job pastes it through the
 * feathered mask.
 */
import { lamaFill } from '@/models/lama/runner';
import { LAMA_SIZE } from '@/models/lama/processor';
import { MIGAN_CONTEXT } from '@/models/migan/processor';
import { miganGenerate } from '@/models/migan/runner';
import type { RunOn } from '@/models/fallback';
import type { LoadedModel } from '@/models/hub';
import { cropAroundMask, cropImage, cropMaskTo, resizeImage } from '@/utils/inpaint/crop';
import type { LocalFillModel } from '@/utils/protocol';
import type { FillBackend } from './types';

/** Each fill model's runner, with the run-time fallback (Inference.run). */
export type FillModels = { migan: RunOn<LoadedModel<'migan'>>; lama: RunOn<LoadedModel<'lama'>> };

export function localBackend(which: LocalFillModel, models: FillModels): FillBackend {
  return async ({ image, mask }, { onProgress }) => {
    const rect = cropAroundMask(mask, which === 'lama' ? { aspect: 1 } : MIGAN_CONTEXT);
    if (!rect) throw new Error('The mask is empty: mark the region to fill first');
    if (which === 'lama') {
      onProgress(0.1);
      const input = resizeImage(cropImage(image, rect), LAMA_SIZE, LAMA_SIZE);
      const { image: filled, modelMs } = await models.lama((model) => lamaFill(model, input, cropMaskTo(mask, rect, LAMA_SIZE, LAMA_SIZE)));
      return { rect, outputs: [{ image: filled }], model: 'lama', modelMs };
    }
    onProgress(0.1);
    const { image: filled, modelMs } = await models.migan((model) => miganGenerate(model, cropImage(image, rect), cropMaskTo(mask, rect, rect.width, rect.height)));
    return { rect, outputs: [{ image: filled }], model: 'migan', modelMs };
  };
}
