/**
 * The e2e build's stand-in for utils/test-hooks.ts (swapped in by wxt.config.ts when
 * INPAINT_E2E=1): flags a test sets in storage.local under E2E_FLAGS_KEY. Only
 * tests/e2e/precision.e2e.ts and tests/e2e/diffusion.e2e.ts (on WebGPU) set one; every other test runs as the product does. The menu handler
 * is reachable as `globalThis[E2E_MENU_CLICK]` in the background (tests/e2e/menu-notice.e2e.ts).
 */
import { browser } from 'wxt/browser';
import type { MenuHandler, TestRuntimeFlags } from '../../utils/test-hooks';

export const E2E_FLAGS_KEY = 'e2e.flags';

export async function testRuntimeFlags(): Promise<TestRuntimeFlags> {
  const stored: unknown = (await browser.storage.local.get(E2E_FLAGS_KEY))[E2E_FLAGS_KEY];
  return typeof stored === 'object' && stored !== null && 'fp16First' in stored && stored.fp16First === true ? { fp16First: true } : {};
}

export const E2E_MENU_CLICK = '__inpaintE2eMenuClick';

export function exposeMenuHandler(handler: MenuHandler): void {
  (globalThis as Record<string, unknown>)[E2E_MENU_CLICK] = handler;
}
