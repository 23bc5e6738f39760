/**
 * The product's loading code and model runners, in Node, against the generated test models
 * served over real HTTP by the local hub: downloads, caching, faults, and the outcomes the
 * hand-set weights promise.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import * as ort from 'onnxruntime-web';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { clipScores } from '../../models/clip/runner';
import { loadModel, type LoadedModel } from '../../models/hub';
import { DownloadError, fetchModelFile, memoryCache } from '../../models/loader';
import { lamaFill } from '../../models/lama/runner';
import { miganFill } from '../../models/migan/runner';
import { registry, resolveUrl } from '../../models/registry';
import { samDecode, samEncode } from '../../models/sam/runner';
import { startHub, type Hub } from '../harness/hub';
import { iou, renderScene, SCENES, shapeMask, shapePoint } from '../harness/scenes';
import { generateTestModels } from '../models/generate';
import { cropAroundMask, cropImage, cropMaskTo, pasteThroughMask, resizeImage } from '../../utils/inpaint/crop';
import { feather } from '../../utils/mask/morphology';

let root: string;
let hub: Hub;

beforeAll(async () => {
  ort.env.wasm.numThreads = 1;
  root = mkdtempSync(path.join(tmpdir(), 'inpaint-models-'));
  await generateTestModels(root);
  hub = await startHub({ root });
});
afterAll(async () => {
  await hub?.close();
  rmSync(root, { recursive: true, force: true });
});
beforeEach(() => {
  hub.clearFaults();
  hub.clearRequests();
});

const load = <N extends keyof typeof registry>(name: N, cache = memoryCache()) =>
  loadModel(name, { host: hub.url, backend: 'wasm', shaderF16: false, cache });

describe('model loading', () => {
  it('downloads every registry file once, then serves the second load from the cache with no request', async () => {
    const cache = memoryCache();
    const first = await load('sam', cache);
    expect(first.files.every((f) => !f.fromCache)).toBe(true);
    expect(first.files.map((f) => f.path)).toEqual([
      'preprocessor_config.json',
      'onnx/vision_encoder_quantized.onnx',
      'onnx/prompt_encoder_mask_decoder_quantized.onnx',
    ]);
    const requestsAfterFirst = hub.requests.length;
    expect(requestsAfterFirst).toBe(3);
    const second = await load('sam', cache);
    expect(second.files.every((f) => f.fromCache)).toBe(true);
    expect(hub.requests.length).toBe(requestsAfterFirst);
  });

  it('reports progress up to the full size', async () => {
    const seen: number[] = [];
    const url = resolveUrl(hub.url, registry.migan.repo, registry.migan.revision, 'migan_pipeline_v2.onnx');
    const { bytes } = await fetchModelFile(url, { cache: memoryCache(), onProgress: (p) => seen.push(p.loaded / p.total) });
    expect(bytes.length).toBeGreaterThan(0);
    expect(seen.at(-1)).toBe(1);
  });

  it('refuses a download cut short, says so, and caches nothing', async () => {
    hub.setFault({ kind: 'truncate', bytes: 100, match: 'vision_encoder' });
    const cache = memoryCache();
    await expect(load('sam', cache)).rejects.toThrow(/vision_encoder_quantized\.onnx/);
    await expect(load('sam', cache)).rejects.toBeInstanceOf(DownloadError);
    expect(cache.urls().some((u) => u.includes('vision_encoder'))).toBe(false);
  });

  it('drops a damaged file (short body the server called complete) from the cache, and recovers on the next try', async () => {
    hub.setFault({ kind: 'wrong-size', match: 'migan_pipeline', times: 1 });
    const cache = memoryCache();
    await expect(load('migan', cache)).rejects.toThrow(/migan_pipeline_v2\.onnx.*removed from the cache/);
    expect(cache.urls()).toEqual([]);
    expect((await load('migan', cache)).files[0]!.fromCache).toBe(false);
  });

  it('turns an HTTP error into a clear message', async () => {
    hub.setFault({ kind: 'status', status: 503 });
    await expect(load('clip')).rejects.toThrow(/answered 503.*preprocessor_config\.json/);
  });

  it('gives up on a host that sends nothing, with a clear message, but not on one that is slow and steady', async () => {
    const url = resolveUrl(hub.url, registry.migan.repo, registry.migan.revision, 'migan_pipeline_v2.onnx');
    hub.setFault({ kind: 'hang', match: 'migan_pipeline' });
    const cache = memoryCache();
    await expect(fetchModelFile(url, { cache, stallMs: 1000 })).rejects.toThrow(/sent nothing for 1 s while downloading migan_pipeline_v2\.onnx/);
    expect(cache.urls()).toEqual([]);
    hub.clearFaults();
    // ~7 KB at 4 KB/s: two seconds in all, yet a byte every 50 ms, so no stall.
    hub.setFault({ kind: 'slow', bytesPerSecond: 4096, match: 'migan_pipeline' });
    const { bytes } = await fetchModelFile(url, { cache, stallMs: 1000 });
    expect(bytes.length).toBeGreaterThan(4096);
  });

  it('names a missing file', async () => {
    await expect(loadModel('migan', { host: `${hub.url}/nowhere`, backend: 'wasm', shaderF16: false, cache: memoryCache() })).rejects.toThrow(/404/);
  });
});

describe('runners on the semantic test models', () => {
  let sam: LoadedModel<'sam'>;
  let clip: LoadedModel<'clip'>;
  let migan: LoadedModel<'migan'>;
  let lama: LoadedModel<'lama'>;
  beforeAll(async () => {
    [sam, clip, migan, lama] = await Promise.all([load('sam'), load('clip'), load('migan'), load('lama')]);
  });

  it('SAM: a click on a shape gives a mask of that colour; a negative click removes the other same-coloured shape', async () => {
    const scene = SCENES.shapes;
    const image = renderScene(scene);
    const { embedding } = await samEncode(sam, image);
    const click = shapePoint(scene, 'red-rect');
    const both = await samDecode(sam, embedding, [{ ...click, label: 1 }]);
    const second = shapeMask(scene, 'red-rect-2');
    const reds = shapeMask(scene, 'red-rect').map((v, i) => Math.max(v, second[i]!));
    expect(both.chosen).toBe(0);
    expect(iou(both.mask.data, reds)).toBeGreaterThanOrEqual(0.9);

    const other = shapePoint(scene, 'red-rect-2');
    const one = await samDecode(sam, embedding, [{ ...click, label: 1 }, { ...other, label: 0 }]);
    expect(iou(one.mask.data, shapeMask(scene, 'red-rect'))).toBeGreaterThanOrEqual(0.9);
  });

  it('SAM: maps coordinates right on non-square images', async () => {
    for (const scene of [SCENES.wide, SCENES.tall]) {
      const { embedding } = await samEncode(sam, renderScene(scene));
      const result = await samDecode(sam, embedding, [{ ...shapePoint(scene, 'green-disc'), label: 1 }]);
      expect(result.mask.width).toBe(scene.width);
      expect(iou(result.mask.data, shapeMask(scene, 'green-disc'))).toBeGreaterThanOrEqual(0.9);
    }
  });

  it('CLIP: scores the text that names the image’s colour highest', async () => {
    const river = renderScene(SCENES.river);
    const { scores } = await clipScores(clip, river, ['a green valley', 'a red valley']);
    expect(scores[0]!).toBeGreaterThan(scores[1]! + 10);
  });

  it('MI-GAN + composite: fills the masked river from its green banks and leaves every other pixel exact', async () => {
    const scene = SCENES.river;
    const image = renderScene(scene);
    const mask = { width: scene.width, height: scene.height, data: shapeMask(scene, 'river') };
    const { image: filled } = await miganFill(migan, image, mask);
    let changedOutside = 0;
    let greenInside = 0;
    let inside = 0;
    for (let p = 0; p < scene.width * scene.height; p++) {
      const px = [0, 1, 2, 3].map((c) => filled.data[4 * p + c]!);
      if (mask.data[p] === 0) {
        if (px.some((v, c) => v !== image.data[4 * p + c])) changedOutside++;
      } else {
        inside++;
        if (px[1]! > px[2]! + 40) greenInside++;
      }
    }
    expect(changedOutside).toBe(0);
    expect(greenInside / inside).toBeGreaterThan(0.95);
  });

  it('LaMa (512² crop, resized and pasted back): fills the river with the banks\' green, one flat colour, every unmasked pixel exact', async () => {
    const scene = SCENES.river;
    const image = renderScene(scene);
    const mask = { width: scene.width, height: scene.height, data: shapeMask(scene, 'river') };
    const rect = cropAroundMask(mask, { aspect: 1 })!;
    const { image: filled } = await lamaFill(lama, resizeImage(cropImage(image, rect), 512, 512), cropMaskTo(mask, rect, 512, 512));
    const result = pasteThroughMask(image, filled, rect, feather(mask, 0));
    let changedOutside = 0;
    const inside = new Set<string>();
    for (let p = 0; p < scene.width * scene.height; p++) {
      const px = [0, 1, 2].map((c) => result.data[4 * p + c]!);
      if (mask.data[p] === 0) {
        if (px.some((v, c) => v !== image.data[4 * p + c])) changedOutside++;
      } else inside.add(px.join(','));
    }
    expect(changedOutside).toBe(0);
    // The whole crop is green banks (0x20a040) and blue river: the mean of the kept pixels is the banks' green.
    expect([...inside]).toEqual(['32,160,64']);
  });
});

