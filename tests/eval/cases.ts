/**
 * Evaluation cases: a folder per case with `image.png`, `mask.png` (white = edit), `prompt.txt`
 * (the whole image's prompt) and `region.txt` (the prompt for the masked region). The default
 * folder (tests/eval/cases) is written by `writeDefaultCases` from scene data when it is missing.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Mask, RGBAImage } from '../../utils/image/types.ts';
import { decodePng, encodePng } from '../harness/png.ts';
import { renderScene, SCENES, shapeMask, type Scene } from '../harness/scenes.ts';

export interface EvalCase {
  name: string;
  image: RGBAImage;
  mask: Mask;
  prompt: string;
  region: string;
}

/** The apple: a red apple on a yellow background with a green bruise the prompt did not ask for. */
const APPLE: Scene = {
  name: 'apple',
  width: 512,
  height: 512,
  background: 'yellow',
  alt: 'a red apple on a yellow background',
  shapes: [
    { id: 'apple', colour: 'red', kind: 'disc', cx: 256, cy: 256, r: 190 },
    { id: 'bruise', colour: 'green', kind: 'disc', cx: 300, cy: 210, r: 44 },
  ],
};

/** The mask a user paints over the bruise: a disc a little larger than it. */
const APPLE_MASK: Scene = { ...APPLE, shapes: [{ id: 'brush', colour: 'red', kind: 'disc', cx: 300, cy: 210, r: 52 }] };

interface DefaultCase {
  name: string;
  image: () => RGBAImage;
  mask: () => Uint8Array;
  prompt: string;
  region: string;
  /** What the case shows, written as the case's notes.txt (not read by the evaluation). */
  notes: string;
}

export const DEFAULT_CASES: readonly DefaultCase[] = [
  {
    name: 'river-chocolate',
    image: () => renderScene(SCENES.river),
    mask: () => shapeMask(SCENES.river, 'river'),
    prompt: 'a chocolate river through a green valley',
    region: 'a chocolate river',
    notes:
      'The paper\'s example: the prompt asked for a chocolate river, the image has a blue one. A prompt-free fill (MI-GAN) paints the river from its surroundings. With the generated test models the fill turns it green (the banks\' colour), so the region score for "a chocolate river" does not rise: a prompt-free fill cannot add what the surroundings lack; that needs a prompt-guided (remote) backend.',
  },
  {
    name: 'apple-bruise',
    image: () => renderScene(APPLE),
    mask: () => shapeMask(APPLE_MASK, 'brush'),
    prompt: APPLE.alt,
    region: 'a red apple',
    notes:
      'A red apple with a green bruise. The surroundings of the mask have the colour the region prompt names, so filling from them removes the bruise and both scores rise, with the test models and (expected) with the real ones.',
  },
];

/** Writes the default cases into `dir` (one sub-folder each). */
export function writeDefaultCases(dir: string): void {
  for (const c of DEFAULT_CASES) {
    const folder = path.join(dir, c.name);
    mkdirSync(folder, { recursive: true });
    const image = c.image();
    const mask = c.mask();
    const maskRgba = new Uint8ClampedArray(mask.length * 4);
    for (let p = 0; p < mask.length; p++) {
      const v = mask[p]! >= 128 ? 255 : 0;
      maskRgba[4 * p] = v;
      maskRgba[4 * p + 1] = v;
      maskRgba[4 * p + 2] = v;
      maskRgba[4 * p + 3] = 255;
    }
    writeFileSync(path.join(folder, 'image.png'), encodePng(image));
    writeFileSync(path.join(folder, 'mask.png'), encodePng({ width: image.width, height: image.height, data: maskRgba }));
    writeFileSync(path.join(folder, 'prompt.txt'), `${c.prompt}\n`);
    writeFileSync(path.join(folder, 'region.txt'), `${c.region}\n`);
    writeFileSync(path.join(folder, 'notes.txt'), `${c.notes}\n`);
  }
}

const caseFolders = (dir: string) =>
  existsSync(dir)
    ? readdirSync(dir, { withFileTypes: true })
        .filter((e) => e.isDirectory() && existsSync(path.join(dir, e.name, 'image.png')))
        .map((e) => e.name)
        .sort()
    : [];

/** True when `dir` holds no case yet. */
export function hasNoCases(dir: string): boolean {
  return caseFolders(dir).length === 0;
}

function readText(file: string): string {
  if (!existsSync(file)) throw new Error(`${file} is missing`);
  return readFileSync(file, 'utf8').trim();
}

/** A mask PNG (any of grey / grey+alpha / RGB / RGBA, 8 bit) → 255 where white (edit), 0 elsewhere. */
export function maskFromRgba(rgba: RGBAImage): Mask {
  const data = new Uint8Array(rgba.width * rgba.height);
  for (let p = 0; p < data.length; p++) {
    const i = 4 * p;
    const light = (rgba.data[i]! + rgba.data[i + 1]! + rgba.data[i + 2]!) / 3;
    data[p] = light >= 128 && rgba.data[i + 3]! >= 128 ? 255 : 0;
  }
  return { width: rgba.width, height: rgba.height, data };
}

export function readCases(dir: string): EvalCase[] {
  return caseFolders(dir).map((name) => {
    const folder = path.join(dir, name);
    const image = decodePng(readFileSync(path.join(folder, 'image.png')));
    const maskImage = decodePng(readFileSync(path.join(folder, 'mask.png')));
    if (maskImage.width !== image.width || maskImage.height !== image.height) {
      throw new Error(`${name}: mask.png is ${maskImage.width}×${maskImage.height}, image.png ${image.width}×${image.height}`);
    }
    const mask = maskFromRgba(maskImage);
    if (!mask.data.some((v) => v > 0)) throw new Error(`${name}: mask.png has no white (edit) pixel`);
    return { name, image, mask, prompt: readText(path.join(folder, 'prompt.txt')), region: readText(path.join(folder, 'region.txt')) };
  });
}
