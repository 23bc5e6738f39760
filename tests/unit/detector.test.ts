/**
 * The autopilot's detector in Node: transformers.js's zero-shot-object-detection pipeline on our
 * ONNX Runtime and cache, against the tiny OWL-ViT served by the local hub, then SAM refining the
 * best box, as the product does. The test detector's box follows the colour the text names.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadTextDetector, type TextDetector } from '../../models/detector/text-detector';
import { loadModel } from '../../models/hub';
import { memoryCache } from '../../models/loader';
import { samDecode, samEncode } from '../../models/sam/runner';
import { boxCentre, clipMaskToBox } from '../../utils/autopilot/box-prompt';
import { hubCommit } from '../harness/hub';
import { serveTestModels } from '../harness/test-model-hub';
import { iou, renderScene, SCENES, shapeMask } from '../harness/scenes';
import { OWLVIT_REPO } from '../models/semantics';

const models = serveTestModels();

/** The shape's bounding box in pixels (x1, y1 exclusive). */
function maskBox(mask: Uint8Array, width: number) {
  let [x0, y0, x1, y1] = [Infinity, Infinity, -Infinity, -Infinity];
  for (let i = 0; i < mask.length; i++) {
    if (!mask[i]) continue;
    const x = i % width;
    const y = Math.floor(i / width);
    [x0, y0, x1, y1] = [Math.min(x0, x), Math.min(y0, y), Math.max(x1, x + 1), Math.max(y1, y + 1)];
  }
  return { x0, y0, x1, y1 };
}

describe('text-prompted detector (transformers.js OWL-ViT on our ONNX Runtime)', { timeout: 60_000 }, () => {
  let detector: TextDetector;
  const cache = memoryCache();
  beforeAll(async () => {
    detector = await loadTextDetector({ host: models.hub.url, backend: 'wasm', shaderF16: false, cache });
  });
  afterAll(() => detector?.release());

  it('loads the q8 file on WASM through our cache, every file from the commit main pointed at on the first load: a second load makes no request', async () => {
    expect(detector.dtype).toBe('q8');
    // The registry follows `main` for this repo (no public commit to pin): the load pinned it.
    const files = cache.urls().filter((u) => u.includes('/resolve/'));
    expect(files).toContain(`${models.hub.url}/${OWLVIT_REPO}/resolve/${hubCommit(OWLVIT_REPO, 'main')}/onnx/model_quantized.onnx`);
    expect(files.filter((u) => !u.includes(`/resolve/${hubCommit(OWLVIT_REPO, 'main')}/`))).toEqual([]);
    const again = await loadTextDetector({ host: models.hub.url, backend: 'wasm', shaderF16: false, cache });
    await again.release();
    expect(models.hub.requests).toEqual([]);
  });

  it('finds the river by "the blue river" and by "the river", and nothing for a thing the image lacks', async () => {
    const scene = SCENES.river;
    const image = renderScene(scene);
    const river = maskBox(shapeMask(scene, 'river'), scene.width);
    for (const phrase of ['the blue river', 'the river']) {
      const { detections } = await detector.detect(image, phrase);
      expect(detections.length, phrase).toBeGreaterThan(0);
      const best = detections[0]!;
      expect(best.label).toBe(phrase);
      expect(best.score).toBeGreaterThan(0.9);
      // Patch-sized margins (512 / 16 = 32 px), never cutting the river.
      expect(best.box.x0).toBeLessThanOrEqual(river.x0);
      expect(best.box.x1).toBeGreaterThanOrEqual(river.x1);
      expect(best.box.y0).toBeLessThanOrEqual(river.y0);
      expect(best.box.y1).toBeGreaterThanOrEqual(river.y1);
      expect(river.y0 - best.box.y0).toBeLessThan(40);
      expect(best.box.y1 - river.y1).toBeLessThan(40);
    }
    expect((await detector.detect(image, 'the red apple')).detections).toEqual([]);
  });

  it('follows the colour named: "the yellow box" is the yellow rectangle, "the green ball" the disc', async () => {
    const scene = SCENES.shapes;
    const image = renderScene(scene);
    for (const [phrase, id] of [['the yellow box', 'yellow-rect'], ['the green ball', 'green-disc']] as const) {
      const best = (await detector.detect(image, phrase)).detections[0];
      const truth = maskBox(shapeMask(scene, id), scene.width);
      expect(best, phrase).toBeDefined();
      expect(Math.abs(best!.box.x0 - truth.x0), phrase).toBeLessThan(80);
      expect(Math.abs(best!.box.x1 - truth.x1), phrase).toBeLessThan(80);
      expect(Math.abs(best!.box.y0 - truth.y0), phrase).toBeLessThan(80);
      expect(Math.abs(best!.box.y1 - truth.y1), phrase).toBeLessThan(80);
    }
  });

  it('the best box, refined by SAM, is the river (IoU ≥ 0.9)', async () => {
    const scene = SCENES.river;
    const image = renderScene(scene);
    const box = (await detector.detect(image, 'the river')).detections[0]!.box;
    const sam = await loadModel('sam', { host: models.hub.url, backend: 'wasm', shaderF16: false, cache: memoryCache(), registrySizes: false });
    const { embedding } = await samEncode(sam, image);
    const { mask } = await samDecode(sam, embedding, [boxCentre(box)]);
    clipMaskToBox(mask.data, mask.width, box);
    expect(iou(mask.data, shapeMask(scene, 'river'))).toBeGreaterThanOrEqual(0.9);
  });
});
