/**
 * From raw text fields to one Generation: which program made the image, its prompts and settings.
 * Tried in order of how specific the evidence is; the first that yields a prompt or settings wins.
 */
import { parseComfyGraph } from './comfyui';
import { parseInfotext } from './infotext';
import type { RawMetadata } from './raw';
import type { Generation } from './types';
import { readXmp } from './xmp';

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);
const num = (value: unknown) => (typeof value === 'number' && Number.isFinite(value) ? value : undefined);
const str = (value: unknown) => (typeof value === 'string' && value.trim() ? value.trim() : undefined);

function json(text: string | undefined): Record<string, unknown> | undefined {
  if (!text) return undefined;
  try {
    const value: unknown = JSON.parse(text);
    return isRecord(value) ? value : undefined;
  } catch {
    return undefined;
  }
}

const FORMAT_NAME = { png: 'PNG', jpeg: 'JPEG', webp: 'WebP' } as const;

function invokeAi(text: string | undefined): Omit<Generation, 'where'> | undefined {
  const meta = json(text);
  if (!meta) return undefined;
  const model = isRecord(meta.model) ? str(meta.model.name) ?? str(meta.model.model_name) : str(meta.model);
  return {
    generator: 'InvokeAI',
    prompt: str(meta.positive_prompt),
    negativePrompt: str(meta.negative_prompt),
    params: { seed: num(meta.seed), steps: num(meta.steps), cfgScale: num(meta.cfg_scale), sampler: str(meta.scheduler), width: num(meta.width), height: num(meta.height), model },
  };
}

function novelAi(text: Record<string, string>): Omit<Generation, 'where'> | undefined {
  const comment = json(text.Comment);
  if (!/NovelAI/i.test(text.Software ?? '') && !comment) return undefined;
  return {
    generator: 'NovelAI',
    prompt: str(comment?.prompt) ?? str(text.Description),
    negativePrompt: str(comment?.uc),
    params: { seed: num(comment?.seed), steps: num(comment?.steps), cfgScale: num(comment?.scale), sampler: str(comment?.sampler), width: num(comment?.width), height: num(comment?.height), model: str(text.Source) },
  };
}

function comfy(text: string | undefined): Omit<Generation, 'where'> | undefined {
  const graph = text ? parseComfyGraph(text) : undefined;
  return graph && { generator: 'ComfyUI', ...graph };
}

function infotext(text: string | undefined): Omit<Generation, 'where'> | undefined {
  const parsed = text ? parseInfotext(text) : undefined;
  return parsed && { generator: parsed.generator, prompt: parsed.prompt || undefined, negativePrompt: parsed.negativePrompt, params: parsed.params };
}

function plain(text: string | undefined, generator: string | undefined): Omit<Generation, 'where'> | undefined {
  const prompt = str(text);
  return prompt ? { generator: generator ?? 'an unnamed program', prompt, params: {} } : undefined;
}

const hasContent = (found: Omit<Generation, 'where'> | undefined): found is Omit<Generation, 'where'> =>
  !!found && (!!found.prompt || Object.values(found.params).some((value) => value !== undefined));

export function interpret(raw: RawMetadata): Generation | undefined {
  const file = FORMAT_NAME[raw.format];
  const { text, exif } = raw;
  const xmp = raw.xmp ? readXmp(raw.xmp) : undefined;
  const software = str(text.Software) ?? exif?.software ?? xmp?.creatorTool;
  const candidates: [string, () => Omit<Generation, 'where'> | undefined][] = [
    [`the ${file}'s parameters chunk`, () => infotext(text.parameters)],
    [`the ${file}'s prompt chunk (ComfyUI graph)`, () => comfy(text.prompt)],
    [`the ${file}'s invokeai_metadata chunk`, () => invokeAi(text.invokeai_metadata)],
    [`the ${file}'s Comment chunk`, () => novelAi(text)],
    [`the ${file}'s EXIF UserComment`, () => infotext(exif?.userComment)],
    [`the ${file}'s EXIF Make field (ComfyUI graph)`, () => comfy(exif?.make?.replace(/^prompt:/, ''))],
    [`the ${file}'s EXIF UserComment`, () => plain(exif?.userComment, software)],
    [`the ${file}'s XMP description`, () => plain(xmp?.description, software)],
    [`the ${file}'s Description chunk`, () => plain(text.Description, software)],
    [`the ${file}'s EXIF ImageDescription`, () => plain(exif?.imageDescription, software)],
  ];
  for (const [where, read] of candidates) {
    const found = read();
    if (hasContent(found)) return { ...found, where };
  }
  return undefined;
}
