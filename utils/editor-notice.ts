/**
 * Why "Fix this image…" (menu, toolbar button, shortcut) did not open the overlay, as a short notice
 * the side panel shows for that tab: the background has no other way to tell the user. Kept in
 * `storage.session` under one key per tab; every reader validates it.
 */
import * as v from 'valibot';
import { SiteAccess } from './protocol';

const Url = v.pipe(v.string(), v.maxLength(8192));

/** What the menu (or button) gave when opening failed: enough to try the same open again. */
export const OpenRequest = v.object({
  srcUrl: v.optional(Url),
  frameId: v.optional(v.pipe(v.number(), v.integer(), v.minValue(0))),
  frameUrl: v.optional(Url),
  pageUrl: v.optional(Url),
  targetElementId: v.optional(v.pipe(v.number(), v.integer())),
});
export type OpenRequest = v.InferOutput<typeof OpenRequest>;

export const EditorNoticeSchema = v.object({
  /** What failed and what to do, in one or two sentences. */
  message: v.pipe(v.string(), v.minLength(1), v.maxLength(600)),
  /** Milliseconds since the epoch: a newer failure replaces an older one. */
  at: v.number(),
  /** The image is in a frame of a site the user may allow: the panel asks for it, then the open is tried again (`retry`). */
  access: v.optional(SiteAccess),
  retry: v.optional(OpenRequest),
});
export type EditorNotice = v.InferOutput<typeof EditorNoticeSchema>;

/** The page removes the overlay as soon as it appears (utils/overlay-removals.ts). */
export const OVERLAY_BLOCKED = 'This page blocked the overlay: mark the region in the side panel instead';

export const EDITOR_NOTICE_PREFIX = 'editor-notice.';
export const editorNoticeKey = (tabId: number): string => `${EDITOR_NOTICE_PREFIX}${tabId}`;

/** What went wrong, as the background saw it. */
export type OpenFailure =
  /**
   * `scripting.executeScript` refused the frame (no host access, a browser page, a PDF viewer);
   * `access`: the frame's site, which the user may allow (an optional host permission).
   */
  | { kind: 'unreachable'; pageUrl?: string; frameUrl?: string; frameId?: number; access?: SiteAccess }
  /** The content script answered `{ opened: false, reason }`. */
  | { kind: 'refused'; reason?: string }
  /** The content script never answered. */
  | { kind: 'no-answer' };

const hostOf = (url: string | undefined): string | undefined => {
  try {
    return url ? new URL(url).host || undefined : undefined;
  } catch {
    return undefined;
  }
};
const isWebPage = (url: string | undefined) => !!url && /^(https?|file):/.test(url);

export function noticeFor(failure: OpenFailure): string {
  switch (failure.kind) {
    case 'unreachable': {
      const inFrame = failure.frameId !== undefined && failure.frameId !== 0;
      const url = inFrame ? failure.frameUrl : failure.pageUrl;
      const host = hostOf(url);
      if (inFrame && failure.access && host)
        return `This image is inside a frame from ${host}, a site the extension may not read yet: allow it below to edit the image there, or open the frame's page in its own tab.`;
      if (inFrame && isWebPage(url) && host && host !== hostOf(failure.pageUrl))
        return `This image is inside a frame from ${host} that the extension cannot reach: open the frame's page in its own tab, or right-click the image there.`;
      if (url && !isWebPage(url))
        return `The extension cannot open on this page (${url.split(/[?#]/)[0]}): the browser keeps extensions out of its own pages and viewers. Save the image and open its page in a normal tab.`;
      return `The extension cannot reach ${host ?? 'this page'}: reload the page and use "Fix this image…" on the image again.`;
    }
    case 'refused': {
      const reason = failure.reason ?? 'The editor did not open';
      // The content script's reasons read "what: why or what to do" where it knows more: kept as they are.
      if (reason.includes(':')) return reason.replace(/\.?$/, '.');
      return `${reason.replace(/\.?$/, '.')} Right-click the image itself and choose "Fix this image…", or use the toolbar button and click the image.`;
    }
    case 'no-answer':
      return 'The page did not answer: reload it and try "Fix this image…" again.';
  }
}
