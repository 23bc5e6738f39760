/**
 * The product ships no test probes. The e2e build swaps this file for
 * tests/harness/probe-messages.ts (wxt.config.ts), whose messages let tests drive one model at a
 * time; tests/build/production-build.test.ts checks that none of them reaches the product.
 */
import type { MessageSpec, ProbeSchemas } from './protocol';

export function probeMessages(_schemas: ProbeSchemas): Record<never, MessageSpec> {
  return {};
}
