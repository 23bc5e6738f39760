/**
 * Earlier sessions: the list (most recently edited first), deleting one with its blobs, and the
 * storage they use, kept within the retention policy (oldest pruned, never the open session).
 */
import { DEFAULT_RETENTION } from '@/utils/session-retention';
import { deleteSession, listSessions, pruneStore, sessionFootprints, type EditSession } from '@/utils/session-store';

export class SessionsState {
  list = $state<EditSession[]>([]);
  /** Bytes of blobs per session id. */
  bytes = $state<Record<string, number>>({});
  /** What the browser reports for the extension's origin (all storage, models' cache included). */
  estimate = $state<{ usage: number; quota: number } | undefined>();
  error = $state<string | undefined>();

  readonly total = $derived(Object.values(this.bytes).reduce((sum, b) => sum + b, 0));

  async refresh(): Promise<void> {
    try {
      const [list, footprints] = await Promise.all([listSessions(), sessionFootprints()]);
      this.list = list;
      this.bytes = Object.fromEntries(footprints.map((f) => [f.id, f.bytes]));
      const estimate = await navigator.storage?.estimate?.();
      if (estimate?.usage !== undefined && estimate.quota !== undefined) this.estimate = { usage: estimate.usage, quota: estimate.quota };
    } catch (error) {
      this.error = error instanceof Error ? error.message : String(error);
    }
  }

  async remove(id: string): Promise<void> {
    try {
      await deleteSession(id);
    } catch (error) {
      this.error = error instanceof Error ? error.message : String(error);
    }
    await this.refresh();
  }

  /** Applies the retention bound, sparing the open session. */
  async prune(openId: string | undefined): Promise<void> {
    try {
      await pruneStore(DEFAULT_RETENTION, openId ? [openId] : []);
    } catch (error) {
      this.error = error instanceof Error ? error.message : String(error);
    }
    await this.refresh();
  }
}
