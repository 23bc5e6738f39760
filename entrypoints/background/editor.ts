/** Opening the editor on a tab: the side panel, plus the in-page overlay via the content script. */
import { browser, type Browser } from 'wxt/browser';
import { editorNoticeKey, noticeFor, type OpenFailure } from '@/utils/editor-notice';
import { emit, send } from '@/utils/messaging';
import { getSession } from '@/utils/session-store';

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

/** Where the menu was opened: what `contextMenus.onClicked` gives (Firefox adds the element). */
export interface MenuClick {
  srcUrl?: string;
  frameId?: number;
  frameUrl?: string;
  pageUrl?: string;
  targetElementId?: number;
}

/** "Fix this image…" in the context menu (the real listener and the e2e build's test hook call this). */
export function onFixImageMenu(click: MenuClick, tab: Browser.tabs.Tab | undefined): Promise<void> {
  return openEditor(tab, click);
}

/**
 * Opens the panel and the overlay. A failure (a frame it may not inject into, no image found or
 * picked, a page that never answers) becomes a notice for the tab, which the side panel shows;
 * a successful open clears the tab's last notice.
 */
export async function openEditor(tab: Browser.tabs.Tab | undefined, click: MenuClick = {}): Promise<void> {
  const tabId = tab?.id;
  if (tabId === undefined) return;
  // sidePanel.open must run inside the user gesture: before any await.
  const opening = browser.sidePanel?.open?.({ tabId }).catch(() => undefined);
  const failure = await tryOpenOverlay(tabId, click, tab?.url);
  await (failure ? browser.storage.session.set({ [editorNoticeKey(tabId)]: { message: noticeFor(failure), at: Date.now() } }) : browser.storage.session.remove(editorNoticeKey(tabId)));
  await opening;
}

/** The overlay failed after it opened (the page kept removing it): the side panel says so, on the overlay's session. */
export async function noteOverlayFailure(tabId: number | undefined, reason: string, sessionId: string | undefined): Promise<{ noted: true }> {
  if (tabId === undefined) throw new Error('overlay.blocked: needs a tab');
  await browser.storage.session.set({ [editorNoticeKey(tabId)]: { message: noticeFor({ kind: 'refused', reason }), at: Date.now() } });
  if (sessionId && (await getSession(sessionId))) emit('session.opened', { sessionId });
  return { noted: true };
}

async function tryOpenOverlay(tabId: number, { srcUrl, frameId, frameUrl, pageUrl, targetElementId }: MenuClick, tabUrl: string | undefined): Promise<OpenFailure | undefined> {
  try {
    await injectContentScript(tabId, frameId);
  } catch {
    return { kind: 'unreachable', pageUrl: pageUrl ?? tabUrl, frameUrl, frameId };
  }
  try {
    const reply = await send('content.open-overlay', { srcUrl, targetElementId }, { tabId, frameId });
    return reply.opened ? undefined : { kind: 'refused', reason: reply.reason };
  } catch {
    return { kind: 'no-answer' };
  }
}
