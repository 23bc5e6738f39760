/**
 * The e2e build's stand-in for utils/test-hooks.ts (swapped in by wxt.config.ts when
 * INPAINT_E2E=1): flags a test sets in storage.local under E2E_FLAGS_KEY. Only
 * tests/e2e/precision.e2e.ts sets one; every other test runs as the product does.
 */
import { browser } from 'wxt/browser';
import type { TestRuntimeFlags } from '../../utils/test-hooks';

export const E2E_FLAGS_KEY = 'e2e.flags';

export async function testRuntimeFlags(): Promise<TestRuntimeFlags> {
  const stored: unknown = (await browser.storage.local.get(E2E_FLAGS_KEY))[E2E_FLAGS_KEY];
  return typeof stored === 'object' && stored !== null && 'fp16First' in stored && stored.fp16First === true ? { fp16First: true } : {};
}
