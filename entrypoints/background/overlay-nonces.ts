/**
 * Secrets linking an overlay frame to the content script that opened it. The frame's page is
 * web-accessible, so any site could embed it: a frame is trusted with a tab only while it holds a
 * nonce our content script registered for that tab, which it claimed once and presents with every
 * request. An unclaimed nonce lasts a minute; a claimed one expires after half an hour unused.
 * Expired nonces are pruned on every call. Pure (the clock is a parameter).
 */
export const UNCLAIMED_MS = 60_000;
export const IDLE_MS = 30 * 60_000;

interface Entry {
  tabId: number;
  claimed: boolean;
  expires: number;
}

export class OverlayNonces {
  private readonly entries = new Map<string, Entry>();

  constructor(private readonly now: () => number = Date.now) {}

  get size(): number {
    return this.entries.size;
  }

  register(nonce: string, tabId: number): void {
    this.prune();
    this.entries.set(nonce, { tabId, claimed: false, expires: this.now() + UNCLAIMED_MS });
  }

  /** Claims a registered nonce for the frame's tab, once; throws for anything else. */
  claim(nonce: string, tabId: number | undefined): number {
    this.prune();
    const entry = this.entries.get(nonce);
    if (!entry || entry.claimed || entry.tabId !== tabId) throw new Error('This overlay was not opened by Inpaint Biases');
    entry.claimed = true;
    entry.expires = this.now() + IDLE_MS;
    return entry.tabId;
  }

  /** Whether a frame in `tabId` presenting `nonce` is one we opened; each valid use extends its life. */
  check(nonce: string | undefined, tabId: number | undefined): boolean {
    this.prune();
    const entry = nonce === undefined ? undefined : this.entries.get(nonce);
    if (!entry || !entry.claimed || entry.tabId !== tabId) return false;
    entry.expires = this.now() + IDLE_MS;
    return true;
  }

  private prune(): void {
    const now = this.now();
    for (const [nonce, entry] of this.entries) if (entry.expires <= now) this.entries.delete(nonce);
  }
}
