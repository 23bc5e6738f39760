/**
 * Jobs the offscreen document was running when Chrome closed it. The queue lives in that document,
 * so closing it loses the jobs with it; the background follows `job.progress` events, and when it
 * finds the document gone before forwarding the next request, it reports the unfinished jobs as
 * failed (an event for open panels, and in every later `jobs.list`) instead of losing them silently.
 */
import { browser, type Browser } from 'wxt/browser';
import * as v from 'valibot';
import { emit } from '@/utils/messaging';
import { EventEnvelope, JobView, type Reply } from '@/utils/protocol';

const LOST_MESSAGE = 'The browser closed the inference document while this job was running, so it stopped; nothing was saved. Start it again.';
const MAX_LOST = 20;

export interface JobTracker {
  /** Call before forwarding a request to the offscreen document. */
  beforeForward(): Promise<void>;
  /** Adds the lost jobs to a `jobs.list` reply. */
  withLostJobs(reply: Reply): Reply;
  stop(): void;
}

async function offscreenDocumentExists(): Promise<boolean> {
  const contexts = await browser.runtime.getContexts({
    contextTypes: ['OFFSCREEN_DOCUMENT' as Browser.runtime.ContextType],
    documentUrls: [browser.runtime.getURL('/offscreen.html')],
  });
  return contexts.length > 0;
}

export function trackInpaintJobs(): JobTracker {
  const unfinished = new Map<string, JobView>();
  const lost: JobView[] = [];
  const offscreenUrl = browser.runtime.getURL('/offscreen.html');

  const listener = (raw: unknown, sender: Browser.runtime.MessageSender) => {
    if (sender.url?.split('#')[0] !== offscreenUrl) return undefined;
    const envelope = v.safeParse(EventEnvelope, raw);
    if (!envelope.success || envelope.output.event !== 'job.progress') return undefined;
    const job = v.safeParse(JobView, envelope.output.payload);
    if (!job.success) return undefined;
    if (job.output.state === 'queued' || job.output.state === 'running') unfinished.set(job.output.jobId, job.output);
    else unfinished.delete(job.output.jobId);
    return undefined;
  };
  browser.runtime.onMessage.addListener(listener);

  return {
    async beforeForward() {
      if (unfinished.size === 0 || (await offscreenDocumentExists())) return;
      for (const job of unfinished.values()) {
        const failed: JobView = { ...job, state: 'failed', position: 0, error: { code: 'document-closed', message: LOST_MESSAGE } };
        lost.unshift(failed);
        emit('job.progress', failed);
      }
      unfinished.clear();
      lost.splice(MAX_LOST);
    },
    withLostJobs(reply) {
      if (!reply.ok || lost.length === 0) return reply;
      const parsed = v.safeParse(v.object({ jobs: v.array(JobView) }), reply.value);
      if (!parsed.success) return reply;
      const known = new Set(parsed.output.jobs.map((j) => j.jobId));
      return { ok: true, value: { jobs: [...parsed.output.jobs, ...lost.filter((j) => !known.has(j.jobId))] } };
    },
    stop: () => browser.runtime.onMessage.removeListener(listener),
  };
}
