/**
 * Text near the picked image that may be its prompt: figure caption, ARIA description and label,
 * title, a labelled info block next to it (as Gradio / A1111 galleries print one), and the nearest
 * chat message before it. Junk is dropped and every piece is length-capped here; the extension
 * validates again on receipt (the page controls all of it).
 */
import { usefulPageText } from '@/utils/page-text';
import type { PageText } from '@/utils/protocol';

/** Ancestors searched for a caption or info block: far enough for gallery cards, not the whole page. */
const NEAR_LEVELS = 4;
const MAX_PIECES = 8;
const INFO_BLOCK = '[id*="info" i], [class*="info" i], [class*="prompt" i], [id*="prompt" i], [data-testid*="prompt" i], dl';
const PROMPT_LABEL = /^\s*(?:positive\s+)?prompt\s*:?\s*$/i;
const CAPTION = '[class*="caption" i], [id*="caption" i]';
const CHAT_MESSAGE = '[data-message-author-role="user"], [data-testid*="user-message" i], [class*="user-message" i], [class*="message"][class*="user" i], [class*="chat-message"]';

function byIds(ids: string | null): string {
  return (ids ?? '')
    .split(/\s+/)
    .map((id) => (id ? document.getElementById(id)?.textContent : '') ?? '')
    .join(' ');
}

/** The text of a labelled value ("Prompt" then its value) or an info block near the image. */
function infoBlock(image: Element): string {
  let scope: Element | null = image.parentElement;
  for (let level = 0; scope && level < NEAR_LEVELS; level++, scope = scope.parentElement) {
    for (const label of scope.querySelectorAll('dt, th, label, strong, b, span, h3, h4')) {
      if (!PROMPT_LABEL.test(label.textContent ?? '')) continue;
      const value = label.nextElementSibling?.textContent ?? label.parentElement?.textContent?.replace(label.textContent ?? '', '');
      if (usefulPageText(value)) return value ?? '';
    }
    for (const block of scope.querySelectorAll(INFO_BLOCK)) {
      if (block.contains(image)) continue;
      const text = (block instanceof HTMLElement ? block.innerText : block.textContent) ?? '';
      if (/Negative prompt:|Steps: \d|^\s*prompt\s*:/im.test(text)) return text;
    }
  }
  return '';
}

function caption(image: Element): string {
  const figure = image.closest('figure');
  if (figure) return figure.querySelector('figcaption')?.textContent ?? '';
  return '';
}

function nearCaption(image: Element): string {
  let scope: Element | null = image.parentElement;
  for (let level = 0; scope && level < NEAR_LEVELS; level++, scope = scope.parentElement) {
    const found = [...scope.querySelectorAll(CAPTION)].find((element) => !element.contains(image));
    if (found) return found.textContent ?? '';
  }
  return '';
}

/** The last user chat message that comes before the image in the document. */
function chatMessage(image: Element): string {
  let found = '';
  for (const message of document.querySelectorAll(CHAT_MESSAGE)) {
    if (message.contains(image)) continue;
    if (message.compareDocumentPosition(image) & Node.DOCUMENT_POSITION_FOLLOWING) found = message.textContent ?? '';
  }
  return found;
}

export function pageContext(image: Element): PageText[] {
  const pieces: [PageText['source'], () => string][] = [
    ['info-block', () => infoBlock(image)],
    ['figcaption', () => caption(image)],
    ['caption', () => nearCaption(image)],
    ['aria-describedby', () => byIds(image.getAttribute('aria-describedby'))],
    ['aria-labelledby', () => byIds(image.getAttribute('aria-labelledby'))],
    ['aria-label', () => image.getAttribute('aria-label') ?? ''],
    ['title', () => image.getAttribute('title') ?? ''],
    ['chat-message', () => chatMessage(image)],
  ];
  const context: PageText[] = [];
  for (const [source, read] of pieces) {
    // The info block keeps its line breaks: A1111's infotext is line-structured.
    const raw = read();
    const text = source === 'info-block' ? raw.trim().slice(0, 2000) : usefulPageText(raw);
    if (text && usefulPageText(text)) context.push({ source, text });
    if (context.length === MAX_PIECES) break;
  }
  return context;
}
