/**
 * Reading what an image file says about its making: which container, then which generator. Pure
 * (bytes in, data out): it runs in the background on the original file's bytes, never in a page.
 * Never throws: a damaged or unknown file yields `read: false` with a reason, or the parts that
 * could be read plus the problems met.
 */
import { type Inflate } from './bytes';
import { claimGenerator } from './c2pa';
import { interpret } from './generation';
import { isJpeg, readJpeg } from './jpeg';
import { isPng, readPng } from './png';
import type { RawMetadata } from './raw';
import type { ImageMetadata } from './types';
import { isWebp, readWebp } from './webp';

export type { Generation, GenerationParams, ImageMetadata } from './types';

export async function readImageMetadata(bytes: Uint8Array, inflate: Inflate): Promise<ImageMetadata> {
  let raw: RawMetadata;
  try {
    if (isPng(bytes)) raw = await readPng(bytes, inflate);
    else if (isJpeg(bytes)) raw = readJpeg(bytes);
    else if (isWebp(bytes)) raw = readWebp(bytes);
    else return { read: false, reason: 'the file is not a PNG, JPEG or WebP, the formats metadata is read from' };
  } catch (error) {
    return { read: false, reason: `the file could not be read (${error instanceof Error ? error.message : String(error)})` };
  }
  const generation = interpret(raw);
  const c2pa = raw.c2pa ? { claimGenerator: claimGenerator(raw.c2pa) } : undefined;
  return { read: true, format: raw.format, generation, c2pa, problems: raw.problems };
}
