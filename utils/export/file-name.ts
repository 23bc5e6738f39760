/**
 * The file name an exported image gets: the original image's name plus a suffix, so
 * `…/river.png` downloads as `river-fixed.png`. Pure.
 */

export interface NameSource {
  srcUrl?: string;
  pageUrl: string;
  alt?: string;
}

const MAX_BASE = 80;

/** Characters no common file system accepts, and control characters. */
// eslint-disable-next-line no-control-regex
const UNSAFE = /[\\/:*?"<>|\u0000-\u001f\u007f]+/g;

function clean(name: string): string {
  return name
    .replace(UNSAFE, ' ')
    .replace(/\s+/g, '-')
    .replace(/-{2,}/g, '-')
    .replace(/^[-.]+|[-.]+$/g, '')
    .slice(0, MAX_BASE)
    .replace(/[-.]+$/, '');
}

/** The last path segment of an http(s) URL without its extension, decoded; undefined for data:, blob: or an empty path. */
function fileStem(url: string | undefined): string | undefined {
  if (!url) return undefined;
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return undefined;
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') return undefined;
  const segment = parsed.pathname.split('/').filter(Boolean).pop();
  if (!segment) return undefined;
  let decoded = segment;
  try {
    decoded = decodeURIComponent(segment);
  } catch {
    // a malformed escape: keep it as it is
  }
  return decoded.replace(/\.[a-z0-9]{1,5}$/i, '');
}

function hostOf(url: string): string | undefined {
  try {
    return new URL(url).hostname || undefined;
  } catch {
    return undefined;
  }
}

/** A short name for the image: its file's name, else the first words of its alt text, else the page's host, else "image". */
export function imageStem(source: NameSource): string {
  const altWords = source.alt?.split(/\s+/).filter(Boolean).slice(0, 6).join(' ');
  const candidates = [fileStem(source.srcUrl), altWords, hostOf(source.pageUrl)];
  return candidates.map((c) => (c ? clean(c) : '')).find((c) => c.length > 0) ?? 'image';
}

/** `{stem}-{suffix}.{extension}`, e.g. `river-fixed.png`. */
export function exportFileName(source: NameSource, suffix = 'fixed', extension = 'png'): string {
  return `${imageStem(source)}-${clean(suffix) || 'fixed'}.${extension}`;
}
