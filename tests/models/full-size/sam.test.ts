/**
 * The full-size SlimSAM encoder stand-in is what `npm run bench -- --models=full-size` times for
 * `sam.encode`: it must be the real architecture's size, declare the registry's inputs and
 * outputs, and still carry the test semantics the tiny decoder reads (so clicks give masks).
 * Sizes are checked from the architecture's arithmetic and one build (under a second), and the
 * graph is run at a narrow, shallow shape: running the full-size one takes 10–30 s here.
 */
import * as ort from 'onnxruntime-web';
import { afterAll, describe, expect, it } from 'vitest';
import { registry } from '../../../models/registry.ts';
import { buildSamVisionEncoder, SAM_SEMANTIC_CHANNELS } from '../sam.ts';
import { buildSamVisionEncoderFullSize, SAM_FULL_SIZE, SAM_FULL_SIZE_TOLERANCE, samEncoderBytesEstimate, samEncoderParameters } from './sam.ts';
import { wasmSessions } from './wasm-sessions.ts';

const { create, releaseAll } = wasmSessions();

/** How many of a's values differ from b's (deep equality on millions of values is slow). */
function mismatches(a: Float32Array, b: Float32Array): number {
  let n = 0;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) n++;
  return n;
}

describe('full-size SlimSAM encoder stand-in', { timeout: 30_000 }, () => {
  afterAll(releaseAll);

  it('has SlimSAM-77\'s parameter count and the Hub files\' sizes within the stated tolerance', () => {
    // 168 wide, MLP 696 (config.json), SamVisionConfig defaults for the rest.
    expect(samEncoderParameters()).toBe(5_658_968);
    const hub = registry.sam.files.encoder.bytes;
    for (const dtype of ['fp32', 'q8'] as const) {
      const deviation = samEncoderBytesEstimate(dtype) / hub[dtype]! - 1;
      expect(deviation, dtype).toBeLessThan(0);
      expect(Math.abs(deviation), dtype).toBeLessThan(SAM_FULL_SIZE_TOLERANCE[dtype]);
    }
  });

  it('builds the file the estimate describes', () => {
    // The estimate counts weights and index tables; the rest (shapes, the semantics' constants) is small.
    expect(Math.abs(buildSamVisionEncoderFullSize('q8').length / samEncoderBytesEstimate('q8') - 1)).toBeLessThan(0.02);
  });

  it('runs (windowed and global attention, neck) with the registry\'s inputs and outputs, the test semantics in the first 68 channels', async () => {
    // Narrow and shallow so it runs in a second; the 1024² input, 16² patches, 14² windows and the 256-channel neck are the real ones.
    const small = { ...SAM_FULL_SIZE, width: 12, heads: 1, mlp: 16, layers: 2, globalLayers: [1] };
    const pixels = new Float32Array(3 * 1024 * 1024);
    // Left half a colour, right half another, bottom quarter padding (zeros, as the processor pads).
    for (let c = 0; c < 3; c++) for (let y = 0; y < 768; y++) for (let x = 0; x < 1024; x++) pixels[c * 1024 * 1024 + y * 1024 + x] = x < 512 ? 1.5 - c : -0.5 + c * 0.7;
    const feed = { pixel_values: new ort.Tensor('float32', pixels, [1, 3, 1024, 1024]) };
    const session = await create(buildSamVisionEncoderFullSize('q8', small));
    expect(session.inputNames).toEqual(['pixel_values']);
    expect(session.outputNames).toEqual(['image_embeddings', 'image_positional_embeddings']);
    const full = await session.run(feed);
    const tiny = await (await create(buildSamVisionEncoder())).run(feed);
    const embeddings = full.image_embeddings!;
    expect(embeddings.dims).toEqual([1, 256, 64, 64]);
    const data = embeddings.data as Float32Array;
    const plane = 64 * 64;
    const semantic = SAM_SEMANTIC_CHANNELS * plane;
    expect(mismatches(data.subarray(0, semantic), tiny.image_embeddings!.data as Float32Array)).toBe(0);
    expect(mismatches(full.image_positional_embeddings!.data as Float32Array, tiny.image_positional_embeddings!.data as Float32Array)).toBe(0);
    // The rest is the neck's output: finite, LayerNorm'd over channels (so it varies), not the tiny model's zeros.
    const neck = data.subarray(semantic);
    expect(neck.every(Number.isFinite)).toBe(true);
    let sq = 0;
    for (const v of neck) sq += v * v;
    expect(sq / neck.length).toBeGreaterThan(0.1);
  });
});
