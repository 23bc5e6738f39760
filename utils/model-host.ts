/** The model host setting's pure rules (no storage here, so they are unit-testable). */

export const DEFAULT_MODEL_HOST = 'https://huggingface.co';

/**
 * Normalises a user-typed http(s) base URL (model host, LLM server): no credentials, query or
 * fragment, no trailing slash. Returns undefined when invalid.
 */
export function normaliseModelHost(input: string): string | undefined {
  let url: URL;
  try {
    url = new URL(input.trim());
  } catch {
    return undefined;
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return undefined;
  if (url.username || url.password || url.search || url.hash) return undefined;
  return `${url.origin}${url.pathname.replace(/\/+$/, '')}`;
}
