/**
 * The inference worker: the offscreen document's handlers (main.ts: ONNX Runtime, the job queue)
 * run here, off the renderer main thread that the offscreen document shares with the overlay frame
 * and the side panel, so a long model run never freezes their input.
 */
import { useRuntimeLink } from '@/utils/messaging';
import { announceReady, workerLink } from './worker-link';

useRuntimeLink(workerLink());
await import('./main');
announceReady();
