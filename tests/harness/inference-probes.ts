/**
 * The e2e build's probe handlers (swapped in for entrypoints/offscreen/probes.ts by
 * wxt.config.ts): each runs one model through the product's own runner, in the inference worker,
 * for the probe messages of tests/harness/probe-messages.ts.
 */
import type * as v from 'valibot';
import { clipScores, miganFill } from './model-calls';
import { serve } from '@/utils/messaging';
import type { Inference } from '@/entrypoints/offscreen/inference';
import { loadImage, loadMask, storeImage } from '@/entrypoints/offscreen/pixels';
import type { ProbeAccept } from '@/entrypoints/offscreen/probes';
import { createScorer } from '@/entrypoints/offscreen/scoring';
import type { probeMessages } from './probe-messages';

type Probes = ReturnType<typeof probeMessages>;
type ProbeHandlers = {
  [K in keyof Probes]: (request: v.InferOutput<Probes[K]['request']>) => Promise<v.InferOutput<Probes[K]['response']>>;
};

export function serveProbes(inference: Inference, accept: ProbeAccept): void {
  const handlers: ProbeHandlers = {
    'clip.score': async ({ image, texts }) => {
      const start = performance.now();
      const [pixels] = await Promise.all([loadImage(image), inference.model('clip')]);
      const result = await inference.run('clip', (model) => clipScores(model, pixels, texts));
      return { ...result, totalMs: performance.now() - start };
    },
    'fill.run': async ({ image, mask }) => {
      const start = performance.now();
      const [pixels] = await Promise.all([loadImage(image), inference.model('migan')]);
      const maskPixels = await loadMask(mask, pixels.width, pixels.height);
      const result = await inference.run('migan', (model) => miganFill(model, pixels, maskPixels));
      const key = await storeImage(result.image);
      return { result: key, width: pixels.width, height: pixels.height, modelMs: result.modelMs, totalMs: performance.now() - start };
    },
    'score.image': async ({ image, mask, fullPrompt, regionPrompt }) => {
      const start = performance.now();
      const release = inference.hold();
      try {
        const [pixels] = await Promise.all([loadImage(image), inference.model('clip')]);
        const maskPixels = mask ? await loadMask(mask, pixels.width, pixels.height) : undefined;
        const scorer = await createScorer((work) => inference.run('clip', work), fullPrompt, { ...(maskPixels ? { mask: maskPixels } : {}), ...(regionPrompt ? { regionPrompt } : {}) });
        const scores = await scorer.score(pixels);
        return { scores, modelMs: scorer.modelMs, totalMs: performance.now() - start };
      } finally {
        release();
      }
    },
  };
  // The product's types list no probes (its stand-in table is empty); the e2e build's protocol
  // table has them, and serve validates each request against it before a handler sees it.
  serve('offscreen-doc', handlers as never, { accept });
}
