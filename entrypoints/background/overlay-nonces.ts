/**
 * Secrets linking an overlay frame to the content script that opened it. The frame's page is
 * web-accessible, so any site could embed it: a frame is trusted with a tab only while it holds a
 * nonce our content script registered for that tab, which it claimed once and presents with every
 * request. An unclaimed nonce lasts a minute; a claimed one expires after half an hour unused.
 * Expired nonces are pruned on every call. The table can be saved and restored (`snapshot`), so
 * it outlives the service worker, which Chrome stops after 30 s idle while an overlay may sit open
 * far longer. Pure (the clock is a parameter).
 */
export const UNCLAIMED_MS = 60_000;
export const IDLE_MS = 30 * 60_000;

interface Entry {
  tabId: number;
  claimed: boolean;
  expires: number;
}

/** The table as plain data, for storage. */
export type NonceSnapshot = Record<string, Entry>;

function isEntry(value: unknown): value is Entry {
  const e = value as Partial<Entry> | null;
  return typeof e === 'object' && e !== null && Number.isInteger(e.tabId) && typeof e.claimed === 'boolean' && Number.isFinite(e.expires);
}

export class OverlayNonces {
  private readonly entries = new Map<string, Entry>();

  /** `saved`: a snapshot taken before (anything malformed in it is dropped). */
  constructor(
    private readonly now: () => number = Date.now,
    saved: unknown = {},
  ) {
    if (typeof saved !== 'object' || saved === null) return;
    for (const [nonce, entry] of Object.entries(saved)) if (isEntry(entry)) this.entries.set(nonce, { ...entry });
    this.prune();
  }

  snapshot(): NonceSnapshot {
    return Object.fromEntries([...this.entries].map(([nonce, entry]) => [nonce, { ...entry }]));
  }

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
