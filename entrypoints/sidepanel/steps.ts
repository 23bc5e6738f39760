/**
 * The editor's steps in order, which of them the panel shows, which are done and which one the
 * user is on, as pure code over a few facts about the open session (so it is unit-tested).
 */

export const STEP_IDS = ['image', 'mask', 'prompt', 'inpaint', 'compare', 'export'] as const;
export type StepId = (typeof STEP_IDS)[number];

const LABELS: Record<StepId, string> = { image: 'Image', mask: 'Mask', prompt: 'Prompt', inpaint: 'Inpaint', compare: 'Compare', export: 'Export' };

export interface StepFacts {
  hasSession: boolean;
  /** The panel's mask tools are open. */
  painting: boolean;
  /** An inpainting job is queued or running. */
  running: boolean;
  candidates: number;
  /** Marked pixels of the session's mask. */
  maskArea: number;
  /** Accepted edits up to the current one. */
  edits: number;
  regionPrompt: string;
}

export interface Step {
  id: StepId;
  /** The section's element id: the step list links to it. */
  anchor: `step-${StepId}`;
  label: string;
  /** Its section is on the page (the image step shows an empty state without a session; the prompt can be written before any image). */
  shown: boolean;
  done: boolean;
}

export function panelSteps(facts: StepFacts): { steps: Step[]; current: number } {
  const { hasSession, candidates, maskArea, edits } = facts;
  const hasPrompt = facts.regionPrompt.trim().length > 0;
  const done: Record<StepId, boolean> = {
    image: hasSession,
    mask: maskArea > 0 || edits > 0,
    prompt: hasPrompt,
    inpaint: candidates > 0 || edits > 0,
    compare: edits > 0,
    export: false,
  };
  const shown: Record<StepId, boolean> = {
    image: true,
    mask: hasSession,
    prompt: true,
    inpaint: hasSession,
    compare: hasSession && candidates > 0,
    export: hasSession,
  };
  const steps = STEP_IDS.map((id) => ({ id, anchor: `step-${id}` as const, label: LABELS[id], shown: shown[id], done: done[id] }));
  return { steps, current: STEP_IDS.indexOf(currentStep(facts)) };
}

/** The step the user is on: what they are doing now, else the first thing left to do. */
export function currentStep({ hasSession, painting, running, candidates, maskArea, edits, regionPrompt }: StepFacts): StepId {
  if (!hasSession) return 'image';
  if (painting) return 'mask';
  if (running) return 'inpaint';
  if (candidates > 0) return 'compare';
  if (maskArea === 0) return edits > 0 ? 'export' : 'mask';
  if (!regionPrompt.trim()) return 'prompt';
  return 'inpaint';
}
