/**
 * The inference worker's interaction gate: the page (worker-host.ts) says when a click's SAM
 * decode is in flight (worker-link.ts sets it), and a running diffusion job takes its turn from it
 * between steps (jobs.ts). One per worker.
 */
import { InteractionGate } from '@/utils/scheduling/interaction-gate';

/**
 * The longest a job step waits for a click: a hover or a click's decode takes tens of ms, so a
 * wait this long means a stream of them; the job then runs a step before it waits again.
 */
export const INTERACTION_MAX_WAIT_MS = 250;

export const interaction = new InteractionGate(INTERACTION_MAX_WAIT_MS);
