/**
 * How much the session store may keep, as pure policy: which sessions to prune (oldest first,
 * never the open one), which blobs a session owns, and which blobs no session refers to any more.
 */
import type { EditSession } from './session-store';

export interface RetentionPolicy {
  /** Most sessions kept. */
  maxSessions: number;
  /** Most bytes of blobs kept, summed over the sessions. */
  maxBytes: number;
}

/** 30 sessions or 500 MB: a few weeks of use, well under Chrome's per-origin quota. */
export const DEFAULT_RETENTION: RetentionPolicy = { maxSessions: 30, maxBytes: 500e6 };

export interface SessionFootprint {
  id: string;
  updatedAt: number;
  bytes: number;
}

/**
 * The sessions to delete so the rest fit the policy: the least recently edited go first; those
 * in `keep` (the open one) never go, even when they alone exceed the budget.
 */
export function sessionsToPrune(sessions: readonly SessionFootprint[], policy: RetentionPolicy, keep: ReadonlySet<string> = new Set()): string[] {
  let count = sessions.length;
  let bytes = sessions.reduce((sum, s) => sum + s.bytes, 0);
  const oldestFirst = sessions.filter((s) => !keep.has(s.id)).sort((a, b) => a.updatedAt - b.updatedAt);
  const pruned: string[] = [];
  for (const session of oldestFirst) {
    if (count <= policy.maxSessions && bytes <= policy.maxBytes) break;
    pruned.push(session.id);
    count--;
    bytes -= session.bytes;
  }
  return pruned;
}

/** Every blob key a session refers to: its image and mask, job inputs and candidates, accepted edits. */
export function sessionBlobKeys(session: EditSession): Set<string> {
  const keys = new Set<string>([session.image]);
  if (session.mask) keys.add(session.mask);
  for (const result of session.results ?? []) {
    keys.add(result.image);
    keys.add(result.mask);
    for (const candidate of result.candidates) keys.add(candidate.image);
  }
  for (const step of session.history?.steps ?? []) {
    keys.add(step.image);
    if (step.mask) keys.add(step.mask);
    if (step.pendingMask) keys.add(step.pendingMask);
  }
  return keys;
}

/**
 * Blobs no session refers to (a replaced mask, an image whose session was never created), older
 * than `graceMs` so that a job still writing its candidates keeps them.
 */
export function unreferencedBlobs(blobs: readonly { key: string; createdAt: number }[], referenced: ReadonlySet<string>, now: number, graceMs: number): string[] {
  return blobs.filter((b) => !referenced.has(b.key) && now - b.createdAt > graceMs).map((b) => b.key);
}
