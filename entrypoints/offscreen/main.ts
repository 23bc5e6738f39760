import { configureOrt } from './runtime';
import type { Browser } from 'wxt/browser';
import { isFromThisExtension, serve } from '@/utils/messaging';
import { samDecode, samEncode } from '@/models/sam/runner';
import { encodeMaskRle } from '@/utils/mask/rle';
import { Inference } from './inference';
import { interaction } from './interaction';
import { JobQueue } from './jobs';
import { LocalLlmHost } from './local-llm';
import { loadImage } from './pixels';
import { serveProbes } from './probes';
import { TextDetectorHost } from './text-detector';

configureOrt();
const inference = new Inference();
// A job's diffusion steps wait while a click's decode runs in the SAM worker (interaction.ts).
const jobs = new JobQueue(inference, { turn: () => interaction.turn() });
const localLlm = new LocalLlmHost(() => inference.runtimeInfo());
const detector = new TextDetectorHost(() => inference.runtimeInfo());

/**
 * Only extension contexts may drive inference. Content scripts can address any extension page
 * with runtime.sendMessage, so the background's check alone would not be enough. (These handlers
 * run in the inference worker, which gets each request's sender from its page, checked there too.)
 */
const fromExtension = (_type: unknown, sender: Browser.runtime.MessageSender) => isFromThisExtension(sender);

serve('offscreen-doc', {
  'runtime.info': () => inference.runtimeInfo(),
  'models.load': async ({ model }) => {
    const start = performance.now();
    const loaded = await inference.model(model);
    return { model, backend: loaded.backend, files: loaded.files, ms: performance.now() - start };
  },
  'sam.encode': async ({ image }) => {
    const start = performance.now();
    const [pixels] = await Promise.all([loadImage(image), inference.model('sam')]);
    const { embedding, modelMs } = await inference.run('sam', (model) => samEncode(model, pixels));
    return { embedding: inference.storeEmbedding(embedding), width: pixels.width, height: pixels.height, modelMs, totalMs: performance.now() - start };
  },
  'sam.decode': async ({ embedding, points, select }) => {
    const start = performance.now();
    const stored = inference.embedding(embedding);
    const result = await inference.run('sam', (model) => samDecode(model, stored, points, select));
    return { rle: encodeMaskRle(result.mask.data), width: result.mask.width, height: result.mask.height, scores: result.scores, chosen: result.chosen, modelMs: result.modelMs, totalMs: performance.now() - start };
  },
  // ---- Inpainting and scoring (issue #5) ----
  'inpaint.start': (request) => jobs.start(request),
  'inpaint.cancel': ({ jobId }) => ({ cancelled: jobs.cancel(jobId) }),
  'jobs.list': () => ({ jobs: jobs.list() }),
  // ---- end inpainting ----
  'llm.local.generate': (request) => localLlm.generate(request),
  'llm.local.cancel': ({ requestId }) => ({ cancelled: localLlm.cancel(requestId) }),
  'autopilot.detect': (request) => detector.detect(request),
}, { accept: fromExtension });

serveProbes(inference, fromExtension);
