/**
 * The e2e build's stand-in for models/expectations.ts (swapped in by wxt.config.ts when
 * INPAINT_E2E=1): the local hub serves tiny test models, whose sizes are not the registry's.
 * Downloads are still checked against the hub's SHA-256 ETag and configs are still validated.
 */
export const ENFORCE_REGISTRY_SIZES = false;
