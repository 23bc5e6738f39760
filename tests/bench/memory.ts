/**
 * Polls the offscreen document's heap through its own CDP session (Runtime.getHeapUsage), and
 * follows the document when Chrome closes and recreates it. Playwright lists no offscreen
 * document, so this attaches through the browser session (non-flattened), as the harness does.
 */
import type { BrowserContext } from 'playwright-core';

interface TargetInfo {
  targetId: string;
  type: string;
  url: string;
}

export interface HeapPeak {
  /** Peak V8 heap in use (Runtime.getHeapUsage `usedSize`, = performance.memory.usedJSHeapSize). */
  usedBytes: number;
  /** Peak V8 heap reserved (`totalSize`). */
  totalBytes: number;
  /** Peak ArrayBuffer backing stores (WASM memory, tensors), when Chromium reports them. */
  backingStorageBytes: number | undefined;
  samples: number;
  /** How many offscreen documents were seen (each close + recreate is a new one). */
  documents: number;
}

export interface HeapPoller {
  peak(): HeapPeak;
  /** One immediate sample (e.g. right after a stage). */
  sample(): Promise<void>;
  stop(): Promise<HeapPeak>;
}

export async function pollOffscreenHeap(context: BrowserContext, origin: string, intervalMs = 200): Promise<HeapPoller> {
  const browser = context.browser();
  if (!browser) throw new Error('no browser CDP session to poll the offscreen heap');
  const cdp = await browser.newBrowserCDPSession();
  const pending = new Map<string, (result: unknown) => void>();
  const seen = new Set<string>();
  let nextId = 1;
  let attached: { targetId: string; sessionId: string } | undefined;
  const peak: HeapPeak = { usedBytes: 0, totalBytes: 0, backingStorageBytes: undefined, samples: 0, documents: 0 };

  cdp.on('Target.receivedMessageFromTarget', ({ sessionId, message }) => {
    const msg = JSON.parse(message) as { id?: number; result?: unknown; error?: unknown };
    if (msg.id === undefined) return;
    const key = `${sessionId}:${msg.id}`;
    const resolve = pending.get(key);
    pending.delete(key);
    resolve?.(msg.error ? undefined : msg.result);
  });
  cdp.on('Target.detachedFromTarget', ({ sessionId }) => {
    if (attached?.sessionId === sessionId) attached = undefined;
  });

  const send = (sessionId: string, method: string) =>
    new Promise<unknown>((resolve) => {
      const id = nextId++;
      pending.set(`${sessionId}:${id}`, resolve);
      const timer = setTimeout(() => {
        // The document is busy (a model run blocks its main thread) or gone: answer later or never.
        if (pending.delete(`${sessionId}:${id}`)) resolve(undefined);
      }, 30_000);
      cdp.send('Target.sendMessageToTarget', { sessionId, message: JSON.stringify({ id, method }) }).catch(() => {
        clearTimeout(timer);
        pending.delete(`${sessionId}:${id}`);
        resolve(undefined);
      });
    });

  const ensureAttached = async (): Promise<string | undefined> => {
    const { targetInfos } = (await cdp.send('Target.getTargets')) as { targetInfos: TargetInfo[] };
    const target = targetInfos.find((t) => t.url.startsWith(`${origin}/offscreen.html`));
    if (!target) return undefined;
    if (attached?.targetId === target.targetId) return attached.sessionId;
    try {
      const { sessionId } = (await cdp.send('Target.attachToTarget', { targetId: target.targetId, flatten: false })) as { sessionId: string };
      attached = { targetId: target.targetId, sessionId };
      if (!seen.has(target.targetId)) {
        seen.add(target.targetId);
        peak.documents++;
      }
      return sessionId;
    } catch {
      return undefined; // closed while attaching
    }
  };

  let busy = false;
  const sample = async () => {
    if (busy) return;
    busy = true;
    try {
      const sessionId = await ensureAttached();
      if (!sessionId) return;
      const usage = (await send(sessionId, 'Runtime.getHeapUsage')) as
        | { usedSize: number; totalSize: number; backingStorageSize?: number }
        | undefined;
      if (!usage) return;
      peak.samples++;
      peak.usedBytes = Math.max(peak.usedBytes, usage.usedSize);
      peak.totalBytes = Math.max(peak.totalBytes, usage.totalSize);
      if (usage.backingStorageSize !== undefined) peak.backingStorageBytes = Math.max(peak.backingStorageBytes ?? 0, usage.backingStorageSize);
    } catch {
      // the browser is closing
    } finally {
      busy = false;
    }
  };
  const timer = setInterval(() => void sample(), intervalMs);

  return {
    peak: () => ({ ...peak }),
    sample,
    async stop() {
      clearInterval(timer);
      await sample();
      await cdp.detach().catch(() => {});
      return { ...peak };
    },
  };
}
