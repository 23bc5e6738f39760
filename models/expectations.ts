/**
 * Whether downloads are held to the registry's exact byte sizes and hashes: always, in the
 * product. The e2e build swaps this module for tests/harness/e2e-expectations.ts (wxt.config.ts),
 * because its local hub serves tiny test models under the real paths; checksums the host sends
 * and config validation still apply there.
 */
export const ENFORCE_REGISTRY_SIZES = true;
