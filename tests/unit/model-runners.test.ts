/**
 * The product's loading code and model runners, in Node, against the generated test models
 * served over real HTTP by the local hub: downloads, caching, faults, and the outcomes the
 * hand-set weights promise.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { clipTokenizer } from '../../models/clip/runner';
import { clipScores, miganFill } from '../harness/model-calls';
import { loadModel, type LoadedModel } from '../../models/hub';
import { DownloadError, fetchModelFile, memoryCache } from '../../models/loader';
import { lamaFill } from '../../models/lama/runner';
import { registry, resolveUrl } from '../../models/registry';
import { samDecode, samEncode } from '../../models/sam/runner';
import { serveTestModels } from '../harness/test-model-hub';
import { iou, renderScene, SCENES, shapeMask, shapePoint } from '../harness/scenes';
import { cropAroundMask, cropImage, cropMaskTo, pasteThroughMask, resizeImage } from '../../utils/inpaint/crop';
import { dilate, feather } from '../../utils/mask/morphology';
import { localBackend } from '../../entrypoints/offscreen/backends/local';

const models = serveTestModels();

// The hub serves tiny test models, not files of the registry's sizes: that check is tested on its own below.
const load = <N extends keyof typeof registry>(name: N, cache = memoryCache()) =>
  loadModel(name, { host: models.hub.url, backend: 'wasm', shaderF16: false, cache, registrySizes: false });

/** The hub's responses without their ETag (a host that sends no checksum). */
const withoutEtag: typeof fetch = async (input, init) => {
  const response = await fetch(input, init);
  return new Response(response.body, { status: response.status, headers: { 'content-length': response.headers.get('content-length') ?? '' } });
};
const cachedUrls = (cache: ReturnType<typeof memoryCache>, part: string) => cache.urls().filter((u) => u.includes(part));

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
    const requestsAfterFirst = models.hub.requests.length;
    expect(requestsAfterFirst).toBe(3);
    const second = await load('sam', cache);
    expect(second.files.every((f) => f.fromCache)).toBe(true);
    expect(models.hub.requests.length).toBe(requestsAfterFirst);
  });

  it('reports progress up to the full size', async () => {
    const seen: number[] = [];
    const url = resolveUrl(models.hub.url, registry.migan.repo, registry.migan.revision, 'migan_pipeline_v2.onnx');
    const { bytes } = await fetchModelFile(url, { cache: memoryCache(), onProgress: (p) => seen.push(p.loaded / p.total) });
    expect(bytes.length).toBeGreaterThan(0);
    expect(seen.at(-1)).toBe(1);
  });

  it('refuses a download cut short, says so, and caches nothing', async () => {
    models.hub.setFault({ kind: 'truncate', bytes: 100, match: 'vision_encoder' });
    const cache = memoryCache();
    await expect(load('sam', cache)).rejects.toThrow(/vision_encoder_quantized\.onnx/);
    await expect(load('sam', cache)).rejects.toBeInstanceOf(DownloadError);
    expect(cache.urls().some((u) => u.includes('vision_encoder'))).toBe(false);
  });

  it('refuses a short body the server called complete (its SHA-256 is not the ETag), caches nothing, and recovers on the next try', async () => {
    models.hub.setFault({ kind: 'wrong-size', match: 'migan_pipeline', times: 1 });
    const cache = memoryCache();
    await expect(load('migan', cache)).rejects.toThrow(/migan_pipeline_v2\.onnx is damaged: its SHA-256 is [0-9a-f]{64}, expected [0-9a-f]{64}/);
    expect(cache.urls()).toEqual([]);
    expect((await load('migan', cache)).files[0]!.fromCache).toBe(false);
  });

  it("holds weights to the registry's exact size before caching them", async () => {
    const cache = memoryCache();
    const loading = loadModel('sam', { host: models.hub.url, backend: 'wasm', shaderF16: false, cache });
    await expect(loading).rejects.toThrow(/vision_encoder_quantized\.onnx is damaged: it has \d+ bytes, the registry expects 8882165/);
    expect(cachedUrls(cache, '.onnx')).toEqual([]);
  });

  it('refuses a corrupt JSON config before caching it, even from a host that sends no checksum', async () => {
    const url = resolveUrl(models.hub.url, registry.sam.repo, registry.sam.revision, 'preprocessor_config.json');
    models.hub.setFault({ kind: 'corrupt', match: 'preprocessor_config', times: 1 });
    const cache = memoryCache();
    const validate = (bytes: Uint8Array) => void JSON.parse(new TextDecoder().decode(bytes));
    await expect(fetchModelFile(url, { cache, validate, fetchImpl: withoutEtag })).rejects.toThrow(/preprocessor_config\.json is damaged: .*JSON/);
    expect(cache.urls()).toEqual([]);
    models.hub.setFault({ kind: 'corrupt', match: 'preprocessor_config', times: 1 });
    await expect(load('sam', cache)).rejects.toThrow(/preprocessor_config\.json is damaged/);
    expect(cache.urls()).toEqual([]);
    expect((await load('sam', cache)).configs['preprocessor_config.json']).toMatchObject({ do_pad: true });
  });

  it('evicts a damaged config or weight file found in the cache and downloads it once more', async () => {
    const cache = memoryCache();
    await load('sam', cache);
    const config = resolveUrl(models.hub.url, registry.sam.repo, registry.sam.revision, 'preprocessor_config.json');
    const encoder = resolveUrl(models.hub.url, registry.sam.repo, registry.sam.revision, 'onnx/vision_encoder_quantized.onnx');
    await cache.put(config, new TextEncoder().encode('{"do_pad": tru'));
    await cache.put(encoder, new Uint8Array(4096).fill(7));
    models.hub.clearRequests();
    const again = await load('sam', cache);
    expect(again.configs['preprocessor_config.json']).toMatchObject({ do_pad: true });
    expect(models.hub.requests.map((r) => r.path.slice(r.path.lastIndexOf('/') + 1))).toEqual(['preprocessor_config.json', 'vision_encoder_quantized.onnx']);
    const third = await load('sam', cache);
    expect(third.files.every((f) => f.fromCache)).toBe(true);
  });

  it('turns an HTTP error into a clear message', async () => {
    models.hub.setFault({ kind: 'status', status: 503 });
    await expect(load('clip')).rejects.toThrow(/answered 503.*preprocessor_config\.json/);
  });

  it('gives up on a host that sends nothing, with a clear message, but not on one that is slow and steady', async () => {
    const url = resolveUrl(models.hub.url, registry.migan.repo, registry.migan.revision, 'migan_pipeline_v2.onnx');
    models.hub.setFault({ kind: 'hang', match: 'migan_pipeline' });
    const cache = memoryCache();
    await expect(fetchModelFile(url, { cache, stallMs: 1000 })).rejects.toThrow(/sent nothing for 1 s while downloading migan_pipeline_v2\.onnx/);
    expect(cache.urls()).toEqual([]);
    models.hub.clearFaults();
    // ~7 KB at 4 KB/s: two seconds in all, yet a byte every 50 ms, so no stall.
    models.hub.setFault({ kind: 'slow', bytesPerSecond: 4096, match: 'migan_pipeline' });
    const { bytes } = await fetchModelFile(url, { cache, stallMs: 1000 });
    expect(bytes.length).toBeGreaterThan(4096);
  });

  it('names a missing file', async () => {
    await expect(loadModel('migan', { host: `${models.hub.url}/nowhere`, backend: 'wasm', shaderF16: false, cache: memoryCache() })).rejects.toThrow(/404/);
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

  it('CLIP: the tokenizer is built once per loaded model (the real one takes ~75 ms to build)', () => {
    expect(clipTokenizer(clip)).toBe(clipTokenizer(clip));
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

  it('MI-GAN in a job: generates past our mask (its hole is grown), so the feather blends fill into the surroundings; past the feather every pixel is exact', async () => {
    // Grey, a blue square to replace, and a red 3 px outline just outside it: the outline must
    // blend towards the fill (not stay red, as when the fill was cut at our mask's edge).
    const size = 200;
    const image = { width: size, height: size, data: new Uint8ClampedArray(size * size * 4) };
    const mask = { width: size, height: size, data: new Uint8Array(size * size) };
    for (let y = 0; y < size; y++) {
      for (let x = 0; x < size; x++) {
        const p = y * size + x;
        const inHole = x >= 80 && x < 120 && y >= 80 && y < 120;
        const inRing = !inHole && x >= 77 && x < 123 && y >= 77 && y < 123;
        image.data.set(inHole ? [0, 0, 255, 255] : inRing ? [255, 0, 0, 255] : [128, 128, 128, 255], 4 * p);
        if (inHole) mask.data[p] = 255;
      }
    }
    const fill = localBackend('migan', { migan: (work) => work(migan), lama: (work) => work(lama) });
    const output = await fill({ image, mask, prompt: '', n: 1 }, { signal: new AbortController().signal, onProgress: () => undefined });
    const result = pasteThroughMask(image, output.outputs[0]!.image, output.rect, feather(mask, 4, 'outside'));
    const beyond = dilate(mask, 5).data;
    let ring = 0;
    let ringStillRed = 0;
    let changedBeyond = 0;
    for (let p = 0; p < size * size; p++) {
      const px = [0, 1, 2].map((c) => result.data[4 * p + c]!);
      const original = [0, 1, 2].map((c) => image.data[4 * p + c]!);
      if (!beyond[p]) {
        if (px.some((v, c) => v !== original[c])) changedBeyond++;
      } else if (!mask.data[p] && original[0] === 255) {
        ring++;
        if (px[0] === 255 && px[1] === 0) ringStillRed++;
      }
    }
    expect(changedBeyond).toBe(0);
    expect(ring).toBeGreaterThan(400);
    expect(ringStillRed).toBe(0);
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

