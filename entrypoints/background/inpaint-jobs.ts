/**
 * Jobs the offscreen document was running when Chrome closed it. The queue lives in that document,
 * so closing it loses the jobs with it; the background follows `job.progress` events, and when it
 * finds the document gone before forwarding the next request, it reports the unfinished jobs as
 * failed (an event for open panels, and in every later `jobs.list`) instead of losing them silently.
 * What it knows lives in `storage.session`, because Chrome also stops this worker when idle
 * (a remote edit can run for minutes without an event).
 */
import { browser, type Browser } from 'wxt/browser';
import { storage } from 'wxt/utils/storage';
import * as v from 'valibot';
import { emit } from '@/utils/messaging';
import { EventEnvelope, JobView, type Reply } from '@/utils/protocol';

const LOST_MESSAGE = 'The browser closed the inference document while this job was running, so it stopped; nothing was saved. Start it again.';
const MAX_LOST = 20;

export interface JobTracker {
  /** Call before forwarding a request to the offscreen document. */
  beforeForward(): Promise<void>;
  /** Adds the lost jobs to a `jobs.list` reply. */
  withLostJobs(reply: Reply): Promise<Reply>;
  stop(): void;
}

async function offscreenDocumentExists(): Promise<boolean> {
  const contexts = await browser.runtime.getContexts({
    contextTypes: ['OFFSCREEN_DOCUMENT' as Browser.runtime.ContextType],
    documentUrls: [browser.runtime.getURL('/offscreen.html')],
  });
  return contexts.length > 0;
}

const Tracked = v.object({ unfinished: v.record(v.string(), JobView), lost: v.array(JobView) });
type Tracked = v.InferOutput<typeof Tracked>;
const trackedJobs = storage.defineItem<Tracked>('session:inpaintTrackedJobs', { fallback: { unfinished: {}, lost: [] } });

export function trackInpaintJobs(): JobTracker {
  const offscreenUrl = browser.runtime.getURL('/offscreen.html');
  /** The last state seen per job since this worker started. */
  const seen = new Map<string, JobView['state']>();
  // Only this module writes the item: after one read, memory mirrors it (no storage read per request).
  let loaded: Promise<Tracked> | undefined;
  const tracked = (): Promise<Tracked> => {
    loaded ??= trackedJobs.getValue().then((value) => {
      const parsed = v.safeParse(Tracked, value);
      return parsed.success ? parsed.output : { unfinished: {}, lost: [] };
    });
    return loaded;
  };
  // Changes apply in order, so concurrent events never overwrite each other's.
  let queue: Promise<unknown> = Promise.resolve();
  const change = <T>(update: (current: Tracked) => T): Promise<T> => {
    const next = queue.then(async () => {
      const current = await tracked();
      const result = update(current);
      await trackedJobs.setValue(current);
      return result;
    });
    queue = next.catch(() => undefined);
    return next;
  };

  const listener = (raw: unknown, sender: Browser.runtime.MessageSender) => {
    if (sender.url?.split('#')[0] !== offscreenUrl) return undefined;
    const envelope = v.safeParse(EventEnvelope, raw);
    if (!envelope.success || envelope.output.event !== 'job.progress') return undefined;
    const job = v.safeParse(JobView, envelope.output.payload);
    if (!job.success) return undefined;
    const view = job.output;
    // Only state changes matter here; progress within a state is not worth a storage write.
    if (seen.get(view.jobId) === view.state) return undefined;
    seen.set(view.jobId, view.state);
    void change((current) => {
      if (view.state === 'queued' || view.state === 'running') current.unfinished[view.jobId] = view;
      else delete current.unfinished[view.jobId];
    });
    return undefined;
  };
  browser.runtime.onMessage.addListener(listener);

  return {
    async beforeForward() {
      await queue;
      if (Object.keys((await tracked()).unfinished).length === 0 || (await offscreenDocumentExists())) return;
      const failed = await change((current) => {
        const jobs = Object.values(current.unfinished).map((job): JobView => ({ ...job, state: 'failed', position: 0, error: { code: 'document-closed', message: LOST_MESSAGE } }));
        current.unfinished = {};
        current.lost = [...jobs, ...current.lost].slice(0, MAX_LOST);
        return jobs;
      });
      for (const job of failed) emit('job.progress', job);
    },
    async withLostJobs(reply) {
      const { lost } = await tracked();
      if (!reply.ok || lost.length === 0) return reply;
      const parsed = v.safeParse(v.object({ jobs: v.array(JobView) }), reply.value);
      if (!parsed.success) return reply;
      const known = new Set(parsed.output.jobs.map((j) => j.jobId));
      return { ok: true, value: { jobs: [...parsed.output.jobs, ...lost.filter((j) => !known.has(j.jobId))] } };
    },
    stop: () => browser.runtime.onMessage.removeListener(listener),
  };
}
