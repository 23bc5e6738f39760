/**
 * The background's notice for the tab the panel is beside (the active tab of the last focused
 * window): why "Fix this image…" did not open there. Follows tab switches and new notices.
 */
import * as v from 'valibot';
import { browser } from 'wxt/browser';
import { EDITOR_NOTICE_PREFIX, EditorNoticeSchema, editorNoticeKey, type EditorNotice } from '@/utils/editor-notice';

export class TabNotice {
  notice = $state<EditorNotice | undefined>();
  #key: string | undefined;

  start(signal: AbortSignal): void {
    const refresh = () => void this.#load();
    const onStorage = (changes: Record<string, unknown>, area: string) => {
      // Any tab's notice: which tab is active may have changed without an event reaching this page.
      if (area === 'session' && Object.keys(changes).some((key) => key.startsWith(EDITOR_NOTICE_PREFIX))) refresh();
    };
    browser.tabs.onActivated.addListener(refresh);
    browser.windows?.onFocusChanged?.addListener(refresh);
    browser.storage.onChanged.addListener(onStorage);
    signal.addEventListener('abort', () => {
      browser.tabs.onActivated.removeListener(refresh);
      browser.windows?.onFocusChanged?.removeListener(refresh);
      browser.storage.onChanged.removeListener(onStorage);
    });
    refresh();
  }

  async dismiss(): Promise<void> {
    this.notice = undefined;
    if (this.#key) await browser.storage.session.remove(this.#key);
  }

  async #load(): Promise<void> {
    const [tab] = await browser.tabs.query({ active: true, lastFocusedWindow: true });
    // The panel opened as a tab of its own (sidepanel.html) stays beside the page it was on.
    if (tab?.url?.startsWith(browser.runtime.getURL('/sidepanel.html')) && this.#key) return;
    this.#key = tab?.id === undefined ? undefined : editorNoticeKey(tab.id);
    const stored: unknown = this.#key ? (await browser.storage.session.get(this.#key))[this.#key] : undefined;
    const parsed = v.safeParse(EditorNoticeSchema, stored);
    this.notice = parsed.success ? parsed.output : undefined;
  }
}
