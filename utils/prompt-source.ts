/**
 * Which text starts as the image's original prompt, and where it came from: the file's own
 * metadata first, then text near the image on the page (an info block, a caption, labels), then
 * alt text, then the chat message above it. Junk (e.g. "Generated image 3") is never chosen.
 */
import { parseInfotext } from './metadata/infotext';
import type { GenerationParams, ImageMetadata } from './metadata/types';
import { usefulPageText } from './page-text';
import type { PageText, PageTextSource } from './protocol';

export interface PromptChoice {
  text: string;
  /** For the user, completing "from …": "the PNG's parameters chunk (Automatic1111)", "the page caption". */
  from: string;
  negativePrompt?: string;
  /** Generation settings, when the source states them (the file, or an info block in A1111's format). */
  params?: GenerationParams;
}

const PAGE_LABEL: Record<PageTextSource | 'alt', string> = {
  'info-block': 'the info block next to the image',
  figcaption: 'the page caption',
  caption: 'the page caption',
  'aria-describedby': 'the image’s description on the page (aria-describedby)',
  'aria-labelledby': 'the image’s label on the page (aria-labelledby)',
  'aria-label': 'the image’s aria-label',
  alt: 'the alt text',
  title: 'the image’s title',
  'chat-message': 'the chat message above the image',
};
/** Page sources by how likely they hold the actual prompt. */
const PAGE_ORDER: (PageTextSource | 'alt')[] = ['info-block', 'figcaption', 'caption', 'aria-describedby', 'aria-labelledby', 'aria-label', 'alt', 'title', 'chat-message'];

function fromPage(source: PageTextSource | 'alt', raw: string): PromptChoice | undefined {
  const from = PAGE_LABEL[source];
  if (source === 'info-block') {
    const info = parseInfotext(raw); // Gradio/A1111 galleries print the infotext under the image
    if (info?.prompt) return { text: usefulPageText(info.prompt) || info.prompt.slice(0, 2000), from, negativePrompt: info.negativePrompt, params: info.params };
    raw = raw.replace(/^\s*(?:positive\s+)?prompt\s*:?\s*/i, '');
  }
  const text = usefulPageText(raw);
  return text ? { text, from } : undefined;
}

export function choosePrompt({ metadata, context = [], alt }: { metadata?: ImageMetadata; context?: readonly PageText[]; alt?: string }): PromptChoice | undefined {
  const generation = metadata?.read ? metadata.generation : undefined;
  if (generation?.prompt?.trim()) {
    return { text: generation.prompt.trim(), from: `${generation.where} (${generation.generator})`, negativePrompt: generation.negativePrompt, params: generation.params };
  }
  const candidates: { source: PageTextSource | 'alt'; text: string }[] = [...context, ...(alt ? [{ source: 'alt' as const, text: alt }] : [])];
  for (const source of PAGE_ORDER) {
    for (const candidate of candidates.filter((c) => c.source === source)) {
      const choice = fromPage(source, candidate.text);
      if (choice) return choice;
    }
  }
  return undefined;
}
