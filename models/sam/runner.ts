/** SlimSAM sessions: the encoder once per image, the cheap decoder once per click. */
import * as ort from 'onnxruntime-web';
import type { Mask, RGBAImage } from '../../utils/image/types';
import { declaredFeeds, outputTensor, timedRun, type LoadedModel } from '../hub';
import { floatData } from '../tensors';
import { bestMaskIndex, samFrame, samMaskToNatural, samPixelValues, samPromptTensors, SAM_INPUT_SIZE, SAM_MASK_SIZE, type LabelledPoint, type SamFrame } from './processor';

export interface SamEmbedding {
  frame: SamFrame;
  imageEmbeddings: ort.Tensor;
  positionalEmbeddings: ort.Tensor;
}

export async function samEncode(model: LoadedModel<'sam'>, image: RGBAImage): Promise<{ embedding: SamEmbedding; modelMs: number }> {
  const frame = samFrame(image.width, image.height);
  const pixels = new ort.Tensor('float32', samPixelValues(image, frame), [1, 3, SAM_INPUT_SIZE, SAM_INPUT_SIZE]);
  const session = model.sessions.encoder;
  const { outputs, ms } = await timedRun(session, declaredFeeds(session, { pixel_values: pixels }));
  pixels.dispose();
  return {
    embedding: {
      frame,
      imageEmbeddings: outputTensor(outputs, 'image_embeddings'),
      positionalEmbeddings: outputTensor(outputs, 'image_positional_embeddings'),
    },
    modelMs: ms,
  };
}

export interface SamDecodeResult {
  mask: Mask;
  scores: number[];
  chosen: number;
  modelMs: number;
}

export async function samDecode(
  model: LoadedModel<'sam'>,
  embedding: SamEmbedding,
  points: readonly LabelledPoint[],
  select?: number,
): Promise<SamDecodeResult> {
  const { coords, labels } = samPromptTensors(points, embedding.frame);
  const n = points.length;
  const session = model.sessions.decoder;
  const feeds = declaredFeeds(session, {
    image_embeddings: embedding.imageEmbeddings,
    image_positional_embeddings: embedding.positionalEmbeddings,
    input_points: new ort.Tensor('float32', coords, [1, 1, n, 2]),
    input_labels: new ort.Tensor('int64', labels, [1, 1, n]),
  });
  const { outputs, ms } = await timedRun(session, feeds);
  const scores = Array.from(floatData(outputTensor(outputs, 'iou_scores')));
  const masks = outputTensor(outputs, 'pred_masks');
  const maskSize = masks.dims.at(-1) ?? SAM_MASK_SIZE;
  const chosen = select !== undefined && select < scores.length ? select : bestMaskIndex(scores);
  const mask = samMaskToNatural(floatData(masks), chosen, embedding.frame, maskSize);
  return { mask, scores, chosen, modelMs: ms };
}

export function disposeEmbedding(embedding: SamEmbedding): void {
  embedding.imageEmbeddings.dispose();
  embedding.positionalEmbeddings.dispose();
}
