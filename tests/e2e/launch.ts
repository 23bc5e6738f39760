/** Vitest-only setup shared by e2e files (support.ts stays free of vitest: the bench imports it). */
import type { Page } from 'playwright-core';
import { inject } from 'vitest';
import { launchExtension, type Backend, type ExtensionHarness } from '../harness/extension';

/** The extension on `backend` with its models on the test hub, and its side panel: what most test files start from. */
export async function launchWithPanel(backend: Backend): Promise<{ ext: ExtensionHarness; panel: Page }> {
  const ext = await launchExtension({ backend });
  await ext.setSettings({ modelHost: inject('hubUrl') });
  return { ext, panel: await ext.openExtensionPage('sidepanel.html') };
}
