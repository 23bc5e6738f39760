/**
 * Page text that might be an image's prompt (alt, caption, label, a message): whitespace collapsed,
 * length capped, and junk dropped (generic words, numbered placeholders, file names, URLs). Pure,
 * and small: the content script uses it too. Page text is hostile: it is only ever shown to the
 * user to edit and sent as quoted data.
 */

/** Longest page text kept as a prompt candidate (prompts are rarely over a few hundred characters). */
export const PAGE_TEXT_MAX = 2000;

/** Texts that say nothing about the image's content, e.g. "Generated image 3", "Image 2 of 4", "Download". */
const GENERIC =
  /^(?:(?:an? |the )?(?:ai[- ]?generated |generated |uploaded |output |result )?(?:image|img|photo|picture|pic|artwork|render|output|result|untitled|generated|generation|thumbnail|preview|download|attachment|file|grid)s?)\b[\s\d#._:()/-]*(?:of\s*\d+)?[\s\d#._:()/-]*$/i;
const FILE_NAME = /^[\w ()-]+\.(?:png|jpe?g|webp|gif|avif|bmp|svg)$/i;
const URL_LIKE = /^(?:https?:|blob:|data:|www\.)\S*$/i;

export function cleanPageText(text: string | null | undefined): string {
  return (text ?? '').replace(/\s+/g, ' ').trim().slice(0, PAGE_TEXT_MAX);
}

/** The cleaned text, or '' when it is junk or too short to describe an image. */
export function usefulPageText(text: string | null | undefined): string {
  const cleaned = cleanPageText(text);
  if (cleaned.length < 3 || GENERIC.test(cleaned) || FILE_NAME.test(cleaned) || URL_LIKE.test(cleaned)) return '';
  if (!/\p{L}{2}/u.test(cleaned)) return ''; // digits and symbols only
  return cleaned;
}
