/**
 * One-time secrets linking an overlay frame to the content script that opened it. The frame's
 * page is web-accessible, so any site could embed it; only a frame presenting a nonce our content
 * script registered (and nobody claimed yet) is trusted with that tab.
 */
const NONCE_LIFETIME_MS = 60_000;
const nonces = new Map<string, { tabId: number; expires: number }>();

export function registerNonce(nonce: string, tabId: number): void {
  nonces.set(nonce, { tabId, expires: Date.now() + NONCE_LIFETIME_MS });
}

export function claimNonce(nonce: string, tabId: number | undefined): number {
  const entry = nonces.get(nonce);
  nonces.delete(nonce);
  if (!entry || entry.expires < Date.now() || entry.tabId !== tabId) throw new Error('This overlay was not opened by Inpaint Biases');
  return entry.tabId;
}
