import { configureOrt } from './runtime';
import type { Browser } from 'wxt/browser';
import { isFromThisExtension, serve } from '@/utils/messaging';
import { clipScores } from '@/models/clip/runner';
import { miganFill } from '@/models/migan/runner';
import { samDecode, samEncode } from '@/models/sam/runner';
import { encodeMaskRle } from '@/utils/mask/rle';
import { Inference } from './inference';
import { JobQueue } from './jobs';
import { LocalLlmHost } from './local-llm';
import { TextDetectorHost } from './text-detector';
import { createScorer } from './scoring';
import { loadImage, loadMask, storeImage } from './pixels';

configureOrt();
const inference = new Inference();
const jobs = new JobQueue(inference);
const localLlm = new LocalLlmHost(() => inference.runtimeInfo());
const detector = new TextDetectorHost(() => inference.runtimeInfo());

/**
 * Only extension contexts may drive inference. Content scripts can address any extension page
 * with runtime.sendMessage, so the background's check alone would not be enough. (These handlers
 * run in the inference worker, which gets each request's sender from its page, checked there too.)
 */
const fromExtension = (_type: unknown, sender: Browser.runtime.MessageSender) => isFromThisExtension(sender);

serve('offscreen-doc', {
  'offscreen.ping': () => ({ ready: true as const }),
  'runtime.info': () => inference.runtimeInfo(),
  'models.load': async ({ model }) => {
    const start = performance.now();
    const loaded = await inference.model(model);
    return { model, backend: loaded.backend, files: loaded.files, ms: performance.now() - start };
  },
  'models.release': async () => ({ released: (await inference.release()) + ((await localLlm.release()) ? 1 : 0) + ((await detector.release()) ? 1 : 0) }),
  'sam.encode': async ({ image }) => {
    const start = performance.now();
    const [model, pixels] = await Promise.all([inference.model('sam'), loadImage(image)]);
    const { embedding, modelMs } = await samEncode(model, pixels);
    return { embedding: inference.storeEmbedding(embedding), width: pixels.width, height: pixels.height, modelMs, totalMs: performance.now() - start };
  },
  'sam.decode': async ({ embedding, points, select }) => {
    const start = performance.now();
    const model = await inference.model('sam');
    const stored = inference.embedding(embedding);
    const result = await samDecode(model, stored, points, select);
    return { rle: encodeMaskRle(result.mask.data), width: result.mask.width, height: result.mask.height, scores: result.scores, chosen: result.chosen, modelMs: result.modelMs, totalMs: performance.now() - start };
  },
  'clip.score': async ({ image, texts }) => {
    const start = performance.now();
    const [model, pixels] = await Promise.all([inference.model('clip'), loadImage(image)]);
    const result = await clipScores(model, pixels, texts);
    return { ...result, totalMs: performance.now() - start };
  },
  'fill.run': async ({ image, mask }) => {
    const start = performance.now();
    const [model, pixels] = await Promise.all([inference.model('migan'), loadImage(image)]);
    const result = await miganFill(model, pixels, await loadMask(mask, pixels.width, pixels.height));
    const key = await storeImage(result.image);
    return { result: key, width: pixels.width, height: pixels.height, modelMs: result.modelMs, totalMs: performance.now() - start };
  },
  // ---- Inpainting and scoring (issue #5) ----
  'inpaint.start': (request) => jobs.start(request),
  'inpaint.cancel': ({ jobId }) => ({ cancelled: jobs.cancel(jobId) }),
  'jobs.list': () => ({ jobs: jobs.list() }),
  'score.image': async ({ image, mask, fullPrompt, regionPrompt }) => {
    const start = performance.now();
    const release = inference.hold();
    try {
      const [model, pixels] = await Promise.all([inference.model('clip'), loadImage(image)]);
      const maskPixels = mask ? await loadMask(mask, pixels.width, pixels.height) : undefined;
      const scorer = await createScorer(model, fullPrompt, { ...(maskPixels ? { mask: maskPixels } : {}), ...(regionPrompt ? { regionPrompt } : {}) });
      const scores = await scorer.score(pixels);
      return { scores, modelMs: scorer.modelMs, totalMs: performance.now() - start };
    } finally {
      release();
    }
  },
  // ---- end inpainting ----
  'llm.local.generate': (request) => localLlm.generate(request),
  'llm.local.cancel': ({ requestId }) => ({ cancelled: localLlm.cancel(requestId) }),
  'autopilot.detect': (request) => detector.detect(request),
}, { accept: fromExtension });
