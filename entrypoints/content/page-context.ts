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
const USER_MESSAGE = '[data-message-author-role="user"], [data-testid*="user-message" i], [class*="user-message" i], [class*="message"][class*="user" i]';
/** An element that is one turn of a conversation: an image inside one is a reply. */
const CHAT_TURN = '[data-message-author-role], [data-testid*="conversation-turn" i], [class*="message" i]';

function byIds(ids: string | null): string {
  return (ids ?? '')
    .split(/\s+/)
    .map((id) => (id ? document.getElementById(id)?.textContent : '') ?? '')
    .join(' ');
}

/**
 * The image's own surroundings, innermost first: ancestors up to NEAR_LEVELS, stopping before one
 * that also holds another image of comparable size (then it is a gallery or feed, and its text
 * belongs to other images too). Thumbnails under a quarter of the image's area do not count.
 */
function ownScopes(image: Element): Element[] {
  const box = image.getBoundingClientRect();
  const area = Math.max(1, box.width * box.height);
  const scopes: Element[] = [];
  for (let scope = image.parentElement; scope && scopes.length < NEAR_LEVELS && scope !== document.body; scope = scope.parentElement) {
    const rival = [...scope.querySelectorAll('img, canvas, picture')].some((other) => {
      if (other === image || other.contains(image) || image.contains(other)) return false;
      const rect = other.getBoundingClientRect();
      return rect.width * rect.height >= area / 4;
    });
    if (rival) break;
    scopes.push(scope);
  }
  return scopes;
}

/** The text of a labelled value ("Prompt" then its value) or an info block beside the image. */
function infoBlock(image: Element, scopes: Element[]): string {
  for (const scope of scopes) {
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
  return image.closest('figure')?.querySelector('figcaption')?.textContent ?? '';
}

function nearCaption(image: Element, scopes: Element[]): string {
  for (const scope of scopes) {
    const found = [...scope.querySelectorAll(CAPTION)].find((element) => !element.contains(image));
    if (found) return found.textContent ?? '';
  }
  return '';
}

/** In a chat UI (the image inside a message), the last user message before the image. */
function chatMessage(image: Element): string {
  if (!image.closest(CHAT_TURN)) return '';
  let found = '';
  for (const message of document.querySelectorAll(USER_MESSAGE)) {
    if (message.contains(image)) continue;
    if (message.compareDocumentPosition(image) & Node.DOCUMENT_POSITION_FOLLOWING) found = message.textContent ?? '';
  }
  return found;
}

export function pageContext(image: Element): PageText[] {
  const scopes = ownScopes(image);
  const pieces: [PageText['source'], () => string][] = [
    ['info-block', () => infoBlock(image, scopes)],
    ['figcaption', () => caption(image)],
    ['caption', () => nearCaption(image, scopes)],
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
