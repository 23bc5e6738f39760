/**
 * The product serves no test probes. The e2e build swaps this file for
 * tests/harness/inference-probes.ts (wxt.config.ts), which serves the probe messages
 * (tests/harness/probe-messages.ts) from the inference worker with these models.
 */
import type { Browser } from 'wxt/browser';
import type { Inference } from './inference';

export type ProbeAccept = (type: unknown, sender: Browser.runtime.MessageSender) => boolean;

export function serveProbes(_inference: Inference, _accept: ProbeAccept): void {}
