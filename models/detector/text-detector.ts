/**
 * The autopilot's text-prompted detector: transformers.js's `zero-shot-object-detection` pipeline
 * with OWL-ViT (models/registry.ts TEXT_DETECTOR) on the extension's own ONNX Runtime and model
 * cache (models/transformers-env.ts). Browser-free: the offscreen document's general inference
 * worker (Firefox: the event page's) and Node tests share it.
 */
import type { RGBAImage } from '../../utils/image/types';
import type { Backend } from '../hub';
import type { FileProgress, ModelCache } from '../loader';
import { DETECTOR_DTYPE_SUFFIX, TEXT_DETECTOR, detectorDtype, resolveUrl } from '../registry';
import { pinRevision } from '../revision';
import { transformersFor } from '../transformers-env';
import { clampBox, type Detection } from './boxes';

export interface TextDetectorOptions {
  host: string;
  backend: Backend;
  shaderF16: boolean;
  cache: ModelCache;
  onProgress?: (progress: FileProgress) => void;
}

export interface TextDetection {
  /** Best first. */
  detections: Detection[];
  /** The pipeline's whole call (its pre/post-processing cannot be timed apart from the model). */
  ms: number;
}

export interface TextDetector {
  readonly backend: Backend;
  readonly dtype: string;
  /** Boxes (image pixels) whose score for `phrase` is above `threshold` (default 0.1, as transformers.js). */
  detect(image: RGBAImage, phrase: string, options?: { threshold?: number }): Promise<TextDetection>;
  release(): Promise<void>;
}

export async function loadTextDetector(options: TextDetectorOptions): Promise<TextDetector> {
  const { repo } = TEXT_DETECTOR;
  const revision = await pinRevision(repo, TEXT_DETECTOR.revision, { host: options.host, cache: options.cache });
  const lib = await transformersFor({ ...options, pin: { repo, revision: TEXT_DETECTOR.revision, commit: revision } });
  const dtype = detectorDtype(options.backend, options.shaderF16);
  const weights = resolveUrl(options.host, repo, revision, `onnx/model${DETECTOR_DTYPE_SUFFIX[dtype]}.onnx`);
  let detector: Awaited<ReturnType<typeof lib.pipeline<'zero-shot-object-detection'>>>;
  try {
    detector = await lib.pipeline('zero-shot-object-detection', repo, {
      revision,
      dtype,
      // 'auto' leaves the choice to session_options: with our runtime handed over, transformers.js lists no devices.
      device: 'auto',
      session_options: { executionProviders: [options.backend], logSeverityLevel: 3 },
    });
  } catch (error) {
    // A file ONNX Runtime cannot parse is damaged: never keep it.
    await options.cache.delete(weights);
    throw new Error(`${TEXT_DETECTOR.label} could not be loaded (${error instanceof Error ? error.message : String(error)}); its weights were removed from the cache, so the next try downloads them again`);
  }

  // One run at a time: two run() calls on one session must never overlap.
  let queue: Promise<unknown> = Promise.resolve();

  async function run(image: RGBAImage, phrase: string, threshold: number): Promise<TextDetection> {
    const start = performance.now();
    const raw = new lib.RawImage(image.data, image.width, image.height, 4);
    const found = await detector(raw, [phrase], { threshold });
    const detections: Detection[] = [];
    for (const { label, score, box } of found) {
      const clamped = clampBox(box, image.width, image.height);
      if (clamped) detections.push({ label, score, box: clamped });
    }
    detections.sort((a, b) => b.score - a.score);
    return { detections, ms: performance.now() - start };
  }

  return {
    backend: options.backend,
    dtype,
    detect(image, phrase, { threshold = 0.1 } = {}) {
      const next = queue.then(() => run(image, phrase, threshold));
      queue = next.catch(() => undefined);
      return next;
    },
    async release() {
      await queue.catch(() => undefined);
      await detector.dispose();
    },
  };
}
