/**
 * The e2e build's test probes (swapped in for utils/probe-messages.ts by wxt.config.ts): requests
 * that run one model on stored pixels, so e2e tests and the bench check a model's outcome and
 * time it without the whole job around it. The product never ships them
 * (tests/build/production-build.test.ts); tests/harness/inference-probes.ts serves them.
 */
import * as v from 'valibot';
import type { MessageSpec, ProbeSchemas } from '../../utils/protocol';

/** The probes' message types (the product ships none of them). */
export const PROBE_TYPES = ['clip.score', 'fill.run', 'score.image'] as const;

export function probeMessages({ BlobKey, ScorePair, Timing }: ProbeSchemas) {
  const finite = v.pipe(v.number(), v.finite());
  const count = v.pipe(v.number(), v.integer(), v.minValue(0));
  return {
    /** CLIP: the image against each text. */
    'clip.score': {
      to: 'offscreen',
      request: v.object({ image: BlobKey, texts: v.pipe(v.array(v.pipe(v.string(), v.maxLength(2000))), v.minLength(1), v.maxLength(16)) }),
      response: v.object({
        /** 100·max(cos, 0) per text (torchmetrics' CLIP score). */
        scores: v.array(finite),
        cosines: v.array(finite),
        ...Timing.entries,
      }),
    },
    /** MI-GAN on an image and mask; the result is stored. */
    'fill.run': {
      to: 'offscreen',
      request: v.object({ image: BlobKey, mask: BlobKey }),
      response: v.object({ result: BlobKey, width: count, height: count, ...Timing.entries }),
    },
    /** The job's scorer on one image: global (and, with a mask and region prompt, region) CLIP score. */
    'score.image': {
      to: 'offscreen',
      request: v.object({ image: BlobKey, mask: v.optional(BlobKey), fullPrompt: v.pipe(v.string(), v.maxLength(4000)), regionPrompt: v.optional(v.pipe(v.string(), v.maxLength(1000))) }),
      response: v.object({ scores: ScorePair, ...Timing.entries }),
    },
  } as const satisfies Record<(typeof PROBE_TYPES)[number], MessageSpec>;
}
