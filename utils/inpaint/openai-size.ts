/**
 * The output sizes OpenAI's images.edit accepts, and the one to ask for given the crop, pure.
 * dall-e-2: square 256², 512², 1024² (its input must be a square PNG); gpt-image-1: 1024×1024,
 * 1536×1024 (landscape), 1024×1536 (portrait).
 */
import type { OpenAiImageModel } from '../protocol';

export interface Size {
  width: number;
  height: number;
}

export const OPENAI_EDIT_SIZES: Readonly<Record<OpenAiImageModel, readonly Size[]>> = {
  'dall-e-2': [
    { width: 256, height: 256 },
    { width: 512, height: 512 },
    { width: 1024, height: 1024 },
  ],
  'gpt-image-1': [
    { width: 1024, height: 1024 },
    { width: 1536, height: 1024 },
    { width: 1024, height: 1536 },
  ],
};

/** `WIDTHxHEIGHT`, as the API's `size` field spells it. */
export function sizeParam(size: Size): string {
  return `${size.width}x${size.height}`;
}

/**
 * dall-e-2: the smallest square at least as large as the crop's longer side (1024 at most), so
 * no detail is thrown away and no upload is bigger than needed. gpt-image-1: the size whose
 * aspect ratio is closest to the crop's (compared in log space, so 2:1 and 1:2 are equally far from 1:1).
 */
export function openAiEditSize(model: OpenAiImageModel, crop: Size): Size {
  const sizes = OPENAI_EDIT_SIZES[model];
  if (model === 'dall-e-2') {
    const side = Math.max(crop.width, crop.height);
    return sizes.find((s) => s.width >= side) ?? sizes[sizes.length - 1]!;
  }
  const aspect = Math.log(crop.width / crop.height);
  let best = sizes[0]!;
  for (const size of sizes) {
    if (Math.abs(Math.log(size.width / size.height) - aspect) < Math.abs(Math.log(best.width / best.height) - aspect)) best = size;
  }
  return best;
}

/** Whether the model needs a square crop (dall-e-2 rejects other images). */
export function needsSquare(model: OpenAiImageModel): boolean {
  return model === 'dall-e-2';
}
