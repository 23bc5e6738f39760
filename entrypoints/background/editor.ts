/** Opening the editor on a tab: the side panel, plus the in-page overlay via the content script. */
import { browser, type Browser } from 'wxt/browser';
import * as v from 'valibot';
import { EDITOR_NOTICE_PREFIX, EditorNoticeSchema, editorNoticeKey, noticeFor, type EditorNotice, type OpenFailure, type OpenRequest } from '@/utils/editor-notice';
import type { SiteAccess } from '@/utils/protocol';
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
export type MenuClick = OpenRequest;

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
  await openAndNote(tabId, click, tab?.url);
  await opening;
}

/** Tries to open the overlay; a failure becomes the tab's notice (with what to retry where the user may allow a site), success clears it. */
async function openAndNote(tabId: number, click: MenuClick, tabUrl: string | undefined): Promise<boolean> {
  const failure = await tryOpenOverlay(tabId, click, tabUrl);
  const access = failure?.kind === 'unreachable' ? failure.access : undefined;
  const notice: EditorNotice | undefined = failure && { message: noticeFor(failure), at: Date.now(), access, retry: access ? click : undefined };
  await (notice ? browser.storage.session.set({ [editorNoticeKey(tabId)]: notice }) : browser.storage.session.remove(editorNoticeKey(tabId)));
  return !failure;
}

/**
 * The user allowed a site (the side panel asked for it, or the browser's site-access settings):
 * every tab whose last open failed on a frame of that site opens there again, from what its notice kept.
 */
export async function reopenWhereAllowed(): Promise<void> {
  const stored = await browser.storage.session.get(null);
  await Promise.all(
    Object.entries(stored).map(async ([key, value]) => {
      const tabId = Number(key.slice(EDITOR_NOTICE_PREFIX.length));
      const notice = v.safeParse(EditorNoticeSchema, value);
      if (!key.startsWith(EDITOR_NOTICE_PREFIX) || !Number.isInteger(tabId) || !notice.success) return;
      const { access, retry } = notice.output;
      if (!access || !retry || !(await browser.permissions.contains({ origins: [access.pattern] }).catch(() => false))) return;
      const tab = await browser.tabs.get(tabId).catch(() => undefined);
      if (tab) await openAndNote(tabId, retry, tab.url);
    }),
  );
}

/** The site of a web frame the extension may not read yet (the user may allow it: optional host permission). */
async function frameAccess(frameUrl: string | undefined): Promise<SiteAccess | undefined> {
  if (!frameUrl || !/^https?:/.test(frameUrl)) return undefined;
  const { protocol, hostname, host } = new URL(frameUrl);
  const access = { pattern: `${protocol}//${hostname}/*`, host };
  return (await browser.permissions.contains({ origins: [access.pattern] }).catch(() => true)) ? undefined : access;
}

/** The overlay failed after it opened (the page kept removing it): the side panel says so, on the overlay's session. */
export async function noteOverlayFailure(tabId: number | undefined, reason: string, sessionId: string | undefined): Promise<{ noted: true }> {
  if (tabId === undefined) throw new Error('overlay.blocked: needs a tab');
  const notice: EditorNotice = { message: noticeFor({ kind: 'refused', reason }), at: Date.now() };
  await browser.storage.session.set({ [editorNoticeKey(tabId)]: notice });
  if (sessionId && (await getSession(sessionId))) emit('session.opened', { sessionId });
  return { noted: true };
}

async function tryOpenOverlay(tabId: number, { srcUrl, frameId, frameUrl, pageUrl, targetElementId }: MenuClick, tabUrl: string | undefined): Promise<OpenFailure | undefined> {
  try {
    await injectContentScript(tabId, frameId);
  } catch {
    const access = frameId ? await frameAccess(frameUrl) : undefined;
    return { kind: 'unreachable', pageUrl: pageUrl ?? tabUrl, frameUrl, frameId, access };
  }
  try {
    const reply = await send('content.open-overlay', { srcUrl, targetElementId }, { tabId, frameId });
    return reply.opened ? undefined : { kind: 'refused', reason: reply.reason };
  } catch {
    return { kind: 'no-answer' };
  }
}
