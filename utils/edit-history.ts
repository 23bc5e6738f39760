/**
 * Accepted edits of a session, as pure functions over `EditSession`: which image is being edited,
 * accepting a candidate, undo and redo, and the candidates of the current round ranked for the
 * gallery. The side panel applies them inside `modifySession` (one transaction).
 */
import type { InpaintCandidate, InpaintResult, ScorePair } from './protocol';
import { rankByScore } from './inpaint/scores';
import type { EditSession } from './session-store';

type History = NonNullable<EditSession['history']>;

function historyOf(session: EditSession): History {
  return session.history ?? { steps: [{ image: session.image, acceptedAt: session.createdAt }], index: 0 };
}

/** The image the next mask and inpainting work on: the last accepted edit, else the original. */
export function workingImage(session: EditSession): string {
  const history = session.history;
  return history?.steps[history.index]?.image ?? session.image;
}

export function canUndo(session: EditSession): boolean {
  return (session.history?.index ?? 0) > 0;
}

export function canRedo(session: EditSession): boolean {
  const history = session.history;
  return !!history && history.index < history.steps.length - 1;
}

/** Number of accepted edits up to the current one. */
export function editCount(session: EditSession): number {
  return session.history?.index ?? 0;
}

/**
 * Accepts a candidate: it becomes the image being edited, edits undone before are dropped (as in
 * any editor), and the mask is cleared so the next region starts fresh on the new image.
 */
export function acceptCandidate(session: EditSession, accepted: { image: string; mask: string; prompt: string; scores: ScorePair }, now: number): EditSession {
  const history = historyOf(session);
  const steps = [...history.steps.slice(0, history.index + 1), { ...accepted, acceptedAt: now }];
  const { mask: _dropped, ...rest } = session;
  return { ...rest, history: { steps, index: steps.length - 1 } };
}

/**
 * Accepts the candidate whose image is `candidateImage`, read from the session itself (so what is
 * stored comes from the store, never from UI state). Throws when the session has no such candidate.
 */
export function acceptStoredCandidate(session: EditSession, candidateImage: string, now: number): EditSession {
  for (const result of session.results ?? []) {
    const candidate = result.candidates.find((c) => c.image === candidateImage);
    if (candidate) return acceptCandidate(session, { image: candidate.image, mask: result.mask, prompt: result.prompt, scores: candidate.scores }, now);
  }
  throw new Error('This candidate is no longer in the session');
}

/**
 * Steps back one accepted edit. The mask that made it comes back (so another candidate of that
 * round can be picked), and a mask drawn on top of the undone edit is kept for redo.
 */
export function undoEdit(session: EditSession): EditSession {
  const history = session.history;
  if (!history || history.index === 0) return session;
  const undone = history.steps[history.index]!;
  const { pendingMask: _old, ...undoneRest } = undone;
  const steps = history.steps.map((step, i) => (i === history.index ? { ...undoneRest, ...(session.mask ? { pendingMask: session.mask } : {}) } : step));
  const { mask: _current, ...rest } = session;
  return { ...rest, ...(undone.mask ? { mask: undone.mask } : {}), history: { steps, index: history.index - 1 } };
}

/** Re-applies the next accepted edit, with the mask the user had drawn on top of it, if any. */
export function redoEdit(session: EditSession): EditSession {
  const history = session.history;
  if (!history || history.index >= history.steps.length - 1) return session;
  const redone = history.steps[history.index + 1]!;
  const { mask: _current, ...rest } = session;
  return { ...rest, ...(redone.pendingMask ? { mask: redone.pendingMask } : {}), history: { ...history, index: history.index + 1 } };
}

export interface RankedCandidate {
  candidate: InpaintCandidate;
  result: InpaintResult;
}

/** Candidates made from the image being edited, best first (the engine's ranking; ties: the newer job first). */
export function roundCandidates(session: EditSession): RankedCandidate[] {
  const image = workingImage(session);
  const newestFirst = (session.results ?? []).filter((result) => result.image === image).sort((a, b) => b.createdAt - a.createdAt);
  const flat = newestFirst.flatMap((result) => result.candidates.map((candidate) => ({ candidate, result, scores: candidate.scores })));
  return rankByScore(flat).map(({ candidate, result }) => ({ candidate, result }));
}

/** Whether a score moved up, down, or (within display rounding) not at all. */
export function deltaTone(delta: number | undefined): 'up' | 'down' | 'same' {
  if (delta === undefined || Math.abs(delta) < 0.05) return 'same';
  return delta > 0 ? 'up' : 'down';
}

/** A signed score change with one decimal and a real minus sign: "+1.3", "−0.4", "±0.0". */
export function formatDelta(delta: number): string {
  if (Math.abs(delta) < 0.05) return '±0.0';
  return `${delta > 0 ? '+' : '−'}${Math.abs(delta).toFixed(1)}`;
}
