/**
 * Who may drive inference: our extension pages, and an overlay frame only with the nonce it
 * claimed for its tab (any site can embed overlay.html). Checked by the page that owns the
 * inference workers, where the sender's tab is known; the workers see only what it accepted.
 */
import type { Browser } from 'wxt/browser';
import { extensionPath, send } from '@/utils/messaging';
import { OVERLAY_MESSAGES, type MessageType } from '@/utils/protocol';

/** Overlay nonces the background confirmed lately (until when): a click's decode does not ask again. */
const verifiedNonces = new Map<string, number>();
const VERIFIED_MS = 10_000;
/** In the last part of that window a use asks again beside the request, so a steady user never waits on the background. */
const REFRESH_MS = 4_000;
const renewing = new Set<string>();

async function verify(key: string, nonce: string, tabId: number): Promise<boolean> {
  const { valid } = await send('overlay.verify', { nonce, tabId });
  if (valid) verifiedNonces.set(key, Date.now() + VERIFIED_MS);
  else verifiedNonces.delete(key);
  return valid;
}

async function overlayVerified(type: MessageType, nonce: string | undefined, tabId: number | undefined): Promise<boolean> {
  if (!OVERLAY_MESSAGES.has(type) || nonce === undefined || tabId === undefined) return false;
  const key = `${tabId}:${nonce}`;
  const until = verifiedNonces.get(key) ?? 0;
  const now = Date.now();
  if (until <= now) return verify(key, nonce, tabId);
  // Still trusted (never beyond VERIFIED_MS after the background last said so); renew it early.
  if (until - now < REFRESH_MS && !renewing.has(key)) {
    renewing.add(key);
    void verify(key, nonce, tabId)
      .catch(() => verifiedNonces.delete(key))
      .finally(() => renewing.delete(key));
  }
  return true;
}

export function fromExtensionOrClaimedOverlay(type: MessageType, sender: Browser.runtime.MessageSender, nonce: string | undefined): boolean | Promise<boolean> {
  const path = extensionPath(sender);
  if (path === undefined) return false;
  return path === '/overlay.html' ? overlayVerified(type, nonce, sender.tab?.id) : true;
}
