/**
 * Pins a registry entry that follows a branch (no public source records its commit) to the commit
 * the model host serves the first time it is loaded on this machine, so every file of it comes
 * from that one commit and a later push to the branch never mixes files under a cached model.
 * The Hub answers `GET /api/models/{repo}/revision/{branch}` with the commit's `sha`; the answer is
 * kept in the model cache like a file (checked before it is kept), so the pin lasts until the
 * models are cleared. Browser-free.
 */
import { fetchModelFile, type ModelCache } from './loader';

const COMMIT = /^[0-9a-f]{40}$/;

export function isCommit(revision: string): boolean {
  return COMMIT.test(revision);
}

/** The Hub API's URL for the commit a branch points at. */
export function revisionApiUrl(host: string, repo: string, revision: string): string {
  return `${host.replace(/\/+$/, '')}/api/models/${repo}/revision/${encodeURIComponent(revision)}`;
}

/** The commit in the Hub API's answer; throws when it is not one (a damaged answer is never cached). */
export function commitOf(bytes: Uint8Array): string {
  let sha: unknown;
  try {
    sha = (JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes)) as { sha?: unknown } | null)?.sha;
  } catch {
    throw new Error('the revision answer is not JSON');
  }
  if (typeof sha !== 'string' || !COMMIT.test(sha)) throw new Error('the revision answer names no commit');
  return sha;
}

export interface PinOptions {
  host: string;
  cache: ModelCache;
  signal?: AbortSignal;
  fetchImpl?: typeof fetch;
}

/**
 * `revision` when it is a commit; else the commit the host served for it the first time (cached),
 * or the branch itself when the host has no revision API (a plain mirror) or cannot answer now.
 */
export async function pinRevision(repo: string, revision: string, options: PinOptions): Promise<string> {
  if (isCommit(revision)) return revision;
  try {
    const { bytes } = await fetchModelFile(revisionApiUrl(options.host, repo, revision), {
      cache: options.cache,
      validate: (b) => void commitOf(b),
      stallMs: 15_000,
      ...(options.signal ? { signal: options.signal } : {}),
      ...(options.fetchImpl ? { fetchImpl: options.fetchImpl } : {}),
    });
    return commitOf(bytes);
  } catch (error) {
    if (options.signal?.aborted) throw error;
    return revision;
  }
}
