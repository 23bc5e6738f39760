/**
 * Firefox has no offscreen documents: the background event page (it has a DOM) starts the
 * offscreen document's inference worker itself, on first use, and routes inference requests to it
 * in-process. The page stays awake while a request runs and while inpainting jobs it started are
 * queued or running (the worker dies with a suspended page).
 */
import { forwardToOffscreen } from '@/utils/messaging';
import { unwrapReply, type MessageType, type Reply } from '@/utils/protocol';
import { keepAwakeWhile } from './keep-awake';

const JOB_POLL_MS = 1000;
let hosting: Promise<unknown> | undefined;

export function askInferenceHere(type: MessageType, payload: unknown): Promise<Reply> {
  return keepAwakeWhile(
    (async () => {
      hosting ??= import('../offscreen/worker-host').then(({ hostInferenceWorker }) => hostInferenceWorker());
      await hosting;
      const reply = await forwardToOffscreen(type, payload);
      // A job outlives the request that started it.
      // (If the queue cannot be read, holding on would not help it: let the page idle.)
      if (type === 'inpaint.start' && reply.ok) keepAwakeWhile(jobsSettled()).catch(() => undefined);
      return reply;
    })(),
  );
}

async function jobsSettled(): Promise<void> {
  for (;;) {
    await new Promise((resolve) => setTimeout(resolve, JOB_POLL_MS));
    const { jobs } = unwrapReply('jobs.list', await forwardToOffscreen('jobs.list', {}));
    if (!jobs.some((job) => job.state === 'queued' || job.state === 'running')) return;
  }
}
