/**
 * Automatic1111 / Forge "infotext": the prompt, then "Negative prompt: …", then one line of
 * "Key: value, Key: value" (values may be quoted). Same rules as A1111's parse_generation_parameters.
 */
import type { GenerationParams } from './types';

const PAIR = /\s*([\w][\w \-/]+):\s*("(?:\\.|[^\\"])+"|[^,]*)(?:,|$)/g;

function pairs(line: string): Map<string, string> {
  const found = new Map<string, string>();
  for (const match of line.matchAll(PAIR)) {
    let value = match[2]!.trim();
    if (value.startsWith('"') && value.endsWith('"')) {
      try {
        value = String(JSON.parse(value));
      } catch {
        value = value.slice(1, -1);
      }
    }
    found.set(match[1]!.trim(), value);
  }
  return found;
}

function number(value: string | undefined): number | undefined {
  if (value === undefined || value.trim() === '') return undefined;
  const parsed = Number(value);
  return Number.isFinite(parsed) ? parsed : undefined;
}

export interface Infotext {
  prompt: string;
  negativePrompt?: string;
  params: GenerationParams;
  /** "Forge" when the version says so (f1.0…), else "Automatic1111". */
  generator: string;
}

export function parseInfotext(text: string): Infotext | undefined {
  const lines = text.replace(/\r\n?/g, '\n').trim().split('\n');
  const last = lines.at(-1) ?? '';
  const settings = pairs(last);
  const hasSettings = settings.size >= 3 && settings.has('Steps');
  if (hasSettings) lines.pop();
  else if (!/^Negative prompt:/m.test(text)) return undefined; // not infotext: some other program's text
  const prompt: string[] = [];
  const negative: string[] = [];
  let inNegative = false;
  for (const line of lines) {
    if (line.startsWith('Negative prompt:')) {
      inNegative = true;
      negative.push(line.slice('Negative prompt:'.length).trim());
    } else (inNegative ? negative : prompt).push(line);
  }
  const size = /^(\d+)x(\d+)$/.exec(settings.get('Size') ?? '');
  const version = settings.get('Version') ?? '';
  return {
    prompt: prompt.join('\n').trim(),
    negativePrompt: negative.join('\n').trim() || undefined,
    generator: /^f\d/.test(version) ? 'Forge' : 'Automatic1111',
    params: {
      seed: number(settings.get('Seed')),
      steps: number(settings.get('Steps')),
      cfgScale: number(settings.get('CFG scale')),
      sampler: settings.get('Sampler') || undefined,
      scheduler: settings.get('Schedule type') || undefined,
      width: number(size?.[1]),
      height: number(size?.[2]),
      model: settings.get('Model') || undefined,
    },
  };
}
