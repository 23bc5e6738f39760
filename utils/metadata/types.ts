/** What the file says about how it was generated, in one shape for every generator. */
export interface GenerationParams {
  seed?: number;
  steps?: number;
  cfgScale?: number;
  sampler?: string;
  scheduler?: string;
  width?: number;
  height?: number;
  model?: string;
}

export interface Generation {
  /** e.g. "Automatic1111", "ComfyUI", "InvokeAI", "NovelAI". */
  generator: string;
  /** Where in the file it was found, for the user: "the PNG's parameters chunk". */
  where: string;
  prompt?: string;
  negativePrompt?: string;
  params: GenerationParams;
}

/** The outcome of reading a file: what it carries, or why nothing could be read. */
export type ImageMetadata =
  | {
      read: true;
      format: 'png' | 'jpeg' | 'webp';
      generation?: Generation;
      /** A C2PA manifest is present; `claimGenerator` when it could be read as a plain string. Not validated. */
      c2pa?: { claimGenerator?: string };
      /** Parts of the file that were damaged and skipped. */
      problems: string[];
    }
  | { read: false; reason: string };
