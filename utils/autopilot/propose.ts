/**
 * The autopilot's proposal, as the overlay and the side panel make it: the text-prompted
 * detector's best box for the phrase, refined by SAM as a box prompt (its centre, the mask clipped
 * to the box). The caller passes its way to reach the inference workers (sendToOffscreen).
 */
import type { RequestOf, ResponseOf } from '../protocol';
import { decodeMaskRle } from '../mask/rle';
import { boxCentre, clipMaskToBox } from './box-prompt';
import type { PixelBox } from '../../models/detector/boxes';

export interface Proposal {
  phrase: string;
  /** The detector's score for the box (0..1). */
  score: number;
  box: PixelBox;
  /** 0/255 per pixel, natural size. */
  mask: Uint8Array;
  /** From the request to the mask: detection plus SAM's decode. */
  ms: number;
}

export interface ProposeDeps {
  detect(request: RequestOf<'autopilot.detect'>): Promise<ResponseOf<'autopilot.detect'>>;
  decode(request: RequestOf<'sam.decode'>): Promise<ResponseOf<'sam.decode'>>;
}

/** The proposal for `phrase` on a stored image whose SAM embedding is `embedding`; undefined when nothing scores. */
export async function proposeMask(deps: ProposeDeps, input: { image: string; embedding: string; width: number; height: number; phrase: string }): Promise<Proposal | undefined> {
  const start = performance.now();
  const { detections } = await deps.detect({ image: input.image, phrase: input.phrase });
  const best = detections[0];
  if (!best) return undefined;
  const box = { x0: best.x0, y0: best.y0, x1: best.x1, y1: best.y1 };
  const result = await deps.decode({ embedding: input.embedding, points: [boxCentre(box)] });
  const mask = decodeMaskRle(result.rle, input.width * input.height);
  clipMaskToBox(mask, input.width, box);
  return { phrase: input.phrase, score: best.score, box, mask, ms: performance.now() - start };
}
