/** The one interface every inpainting backend implements (local fill, OpenAI images.edit, A1111). */
import type { Mask, RGBAImage, Rect } from '@/utils/image/types';
import type { DiffusionTiming, SamplingSettings } from '@/utils/protocol';

export interface FillInput {
  image: RGBAImage;
  /** 255 = edit, same size as the image. */
  mask: Mask;
  prompt: string;
  negativePrompt?: string;
  /** Candidates wanted; deterministic backends give one. */
  n: number;
  /** The image's own seed, steps, CFG and sampler, for backends that take them. */
  sampling?: SamplingSettings;
}

export interface FillContext {
  /** Aborts the work: fetches and SDK calls take it, so a cancelled request closes its connection. */
  signal: AbortSignal;
  /** 0..1 within the backend's own work. */
  onProgress(fraction: number, message?: string): void;
  /** A cheap picture of the work in progress (a diffusion step's latents), for the UI. */
  onPreview?(image: RGBAImage): void;
  /** Awaited between a local model's steps: interactive work (a click's decode) goes first. */
  turn?(): Promise<void>;
}

export interface FillOutput {
  /** The part of the image the backend worked on; `outputs` are resized to it and pasted back through the feathered mask. */
  rect: Rect;
  /** One picture per candidate, any size (the backend's). */
  outputs: { image: RGBAImage; seed?: number }[];
  /** What made them, for the user: "migan", "gpt-image-1 at api.openai.com", "A1111 at 127.0.0.1:7860". */
  model: string;
  /** Time inside ONNX Runtime (local) — remote backends leave it out. */
  modelMs?: number;
  /** A local diffusion run's time per part, kept with the result for the next run's estimate. */
  diffusion?: DiffusionTiming;
}

export type FillBackend = (input: FillInput, context: FillContext) => Promise<FillOutput>;

/** An error the user can act on, with a code for the UI. */
export class InpaintError extends Error {
  constructor(
    readonly code: 'refused' | 'not-configured' | 'unauthorized' | 'unreachable' | 'server-error' | 'bad-reply' | 'cancelled',
    message: string,
  ) {
    super(message);
    this.name = 'InpaintError';
  }
}
