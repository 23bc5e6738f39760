/** Opening the editor on a tab: the side panel, plus the in-page overlay via the content script. */
import { browser, type Browser } from 'wxt/browser';
import { send } from '@/utils/messaging';

export const FIX_IMAGE_MENU_ID = 'fix-image';

export function createContextMenu(): void {
  browser.contextMenus.create({ id: FIX_IMAGE_MENU_ID, title: 'Fix this image…', contexts: ['image'] }, () => {
    // Re-creating an existing item (extension reload) is harmless.
    void browser.runtime.lastError;
  });
}

/** Injects the content script (idempotent) so the tab answers protocol messages. */
export async function injectContentScript(tabId: number, frameId?: number): Promise<void> {
  await browser.scripting.executeScript({
    target: frameId === undefined ? { tabId } : { tabId, frameIds: [frameId] },
    files: ['/content-scripts/content.js'],
  });
}

export async function openEditor(tab: Browser.tabs.Tab | undefined, srcUrl?: string, frameId?: number, targetElementId?: number): Promise<void> {
  if (tab?.id === undefined) return;
  // sidePanel.open must run inside the user gesture: before any await.
  const opening = browser.sidePanel?.open?.({ tabId: tab.id }).catch(() => undefined);
  await injectContentScript(tab.id, frameId);
  await send('content.open-overlay', { srcUrl, targetElementId }, { tabId: tab.id, frameId });
  await opening;
}
