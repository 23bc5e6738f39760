/**
 * What the image-edit stubs do with a request, so tests can check outcomes: the region the mask
 * marks is painted with the colour the prompt names (a word the test CLIP knows, see
 * tests/models/semantics.ts), and every pixel outside it is changed too (red channel inverted),
 * as real generators do, so tests prove that our paste-back restores them.
 */
import type { Mask, RGBAImage } from '../../utils/image/types';
import { CLIP_COLOUR_WORDS, CLIP_COLOURS } from '../models/semantics';

/** The RGB of the first colour word in the prompt, or undefined when it names none. */
export function colourNamedIn(prompt: string): readonly [number, number, number] | undefined {
  for (const word of prompt.toLowerCase().split(/[^a-z]+/)) {
    const name = CLIP_COLOUR_WORDS[word];
    if (name) return CLIP_COLOURS.find((c) => c.name === name)!.rgb;
  }
  return undefined;
}

/**
 * Candidate `index` of an edit: the masked region blended towards `rgb` (fully for candidate 0,
 * less for each later one, so candidates differ and rank), everything else disturbed.
 */
export function paintCandidate(image: RGBAImage, edit: Mask, rgb: readonly [number, number, number] | undefined, index: number): RGBAImage {
  const data = new Uint8ClampedArray(image.data);
  const strength = 1 / (1 + index);
  for (let p = 0; p < edit.data.length; p++) {
    const i = 4 * p;
    data[i + 3] = 255;
    if (edit.data[p]! >= 128) {
      // No colour named: grey noise-free fill, a visible change that means nothing to CLIP.
      const target = rgb ?? [128, 128, 128];
      for (let c = 0; c < 3; c++) data[i + c] = Math.round(image.data[i + c]! + (target[c]! - image.data[i + c]!) * strength);
    } else {
      data[i] = 255 - image.data[i]!;
    }
  }
  return { width: image.width, height: image.height, data };
}

/** Mean RGB of the image where `where(p)` holds (rounded), or undefined when nowhere. */
export function meanColour(image: RGBAImage, where: (p: number) => boolean): [number, number, number] | undefined {
  const sum = [0, 0, 0];
  let n = 0;
  for (let p = 0; p < image.width * image.height; p++) {
    if (!where(p)) continue;
    for (let c = 0; c < 3; c++) sum[c]! += image.data[4 * p + c]!;
    n++;
  }
  return n ? [Math.round(sum[0]! / n), Math.round(sum[1]! / n), Math.round(sum[2]! / n)] : undefined;
}
