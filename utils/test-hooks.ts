/**
 * Test-only runtime flags and hooks: none in the product. The e2e build swaps this module for
 * tests/harness/e2e-test-hooks.ts (wxt.config.ts), where one test file turns a flag on.
 */
import type { Browser } from 'wxt/browser';

export interface TestRuntimeFlags {
  /** Act as if the adapter had shader-f16 (SwiftShader has none): fp16 files first on WebGPU (tests/e2e/precision.e2e.ts), diffusion on WebGPU (tests/e2e/diffusion.e2e.ts). */
  fp16First?: true;
}

/** The background's "Fix this image…" handler, as `contextMenus.onClicked` calls it. */
export type MenuHandler = (click: { srcUrl?: string; frameId?: number; frameUrl?: string; pageUrl?: string; targetElementId?: number }, tab: Browser.tabs.Tab | undefined) => Promise<void>;

/** The product exposes nothing: the e2e build lets a test call the menu handler (a test cannot click the browser's menu). */
export function exposeMenuHandler(_handler: MenuHandler): void {}

export async function testRuntimeFlags(): Promise<TestRuntimeFlags> {
  return {};
}
