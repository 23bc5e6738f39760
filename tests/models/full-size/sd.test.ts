/**
 * The SD 1.5 stand-ins must have the real components' parameter counts (so their files have the
 * real sizes and their graphs the real FLOPs) and the diffusers export's inputs and outputs. The
 * counts come from a counting sink (no gigabytes generated); a UNet of the same structure at a
 * reduced width runs, to prove the graph is well-formed (skips, timestep embedding, cross-attention).
 */
import * as ort from 'onnxruntime-web';
import { afterAll, describe, expect, it } from 'vitest';
import { buildSdTextEncoder, buildSdUnet, buildSdVaeDecoder, buildSdVaeEncoder, countingWeights, SD15_ARCH, SD15_PARAMS } from './sd.ts';
import type { UnetArch } from './sd.ts';

ort.env.wasm.numThreads = 1;

const sessions: ort.InferenceSession[] = [];
async function create(bytes: Uint8Array): Promise<ort.InferenceSession> {
  const session = await ort.InferenceSession.create(bytes, { executionProviders: ['wasm'] });
  sessions.push(session);
  return session;
}

function counted(build: (sink: ReturnType<typeof countingWeights>) => Uint8Array): number {
  const sink = countingWeights();
  build(sink);
  return sink.count;
}

/** SD 1.5's UNet structure at 1/10 of its widths (heads and groups as the real one). */
const SMALL_UNET: UnetArch = { ...SD15_ARCH.unet, channels: [32, 64, 128, 128], timeEmbed: 128, context: 64 };

describe('full-size SD 1.5 inpainting stand-ins', { timeout: 120_000 }, () => {
  afterAll(async () => {
    await Promise.all(sessions.map((s) => s.release()));
  });

  it("have the real components' parameter counts", () => {
    expect(counted(buildSdTextEncoder)).toBe(SD15_PARAMS.textEncoder);
    expect(counted(buildSdUnet)).toBe(SD15_PARAMS.unet);
    // AutoencoderKL's 83,653,863 split as the ONNX export splits it: encoder + quant_conv, post_quant_conv + decoder.
    const encoder = counted(buildSdVaeEncoder);
    const decoder = counted(buildSdVaeDecoder);
    expect(encoder + decoder).toBe(SD15_PARAMS.vae);
    expect(encoder).toBe(34_163_592 + 8 * 8 + 8);
    expect(decoder).toBe(49_490_179 + 4 * 4 + 4);
  });

  it('the UNet keeps the inpainting layout: sample [B,9,h,w], timestep int64 [1], encoder_hidden_states [B,77,768] → out_sample [B,4,h,w]', async () => {
    const session = await create(buildSdUnet(undefined, SMALL_UNET));
    expect(session.inputNames).toEqual(['sample', 'timestep', 'encoder_hidden_states']);
    expect(session.outputNames).toEqual(['out_sample']);
    const run = async (t: bigint, contextValue: number) => {
      const feeds = {
        sample: new ort.Tensor('float32', new Float32Array(2 * 9 * 16 * 16).map((_, i) => Math.sin(i)), [2, 9, 16, 16]),
        timestep: new ort.Tensor('int64', BigInt64Array.of(t), [1]),
        encoder_hidden_states: new ort.Tensor('float32', new Float32Array(2 * 77 * 64).fill(contextValue), [2, 77, 64]),
      };
      return (await session.run(feeds)).out_sample!;
    };
    const out = await run(500n, 0.1);
    expect(out.dims).toEqual([2, 4, 16, 16]);
    const values = out.data as Float32Array;
    expect(values.every(Number.isFinite)).toBe(true);
    // The timestep and the text condition both reach the output (the embedding and cross-attention are wired in).
    const otherTime = (await run(20n, 0.1)).data as Float32Array;
    const otherText = (await run(500n, -0.3)).data as Float32Array;
    expect(values.some((v, i) => Math.abs(v - otherTime[i]!) > 1e-4)).toBe(true);
    expect(values.some((v, i) => Math.abs(v - otherText[i]!) > 1e-4)).toBe(true);
  });

  it('the VAE maps 64² pixels to 8² latents and back, and the text encoder gives [1,77,768] (causal)', async () => {
    const encoder = await create(buildSdVaeEncoder());
    const latents = (await encoder.run({ sample: new ort.Tensor('float32', new Float32Array(3 * 64 * 64).fill(0.2), [1, 3, 64, 64]) })).latent_sample!;
    expect(latents.dims).toEqual([1, 4, 8, 8]);
    const decoder = await create(buildSdVaeDecoder());
    const pixels = (await decoder.run({ latent_sample: latents })).sample!;
    expect(pixels.dims).toEqual([1, 3, 64, 64]);
    expect((pixels.data as Float32Array).every(Number.isFinite)).toBe(true);

    const text = await create(buildSdTextEncoder());
    const ids = (last: bigint) => new ort.Tensor('int64', BigInt64Array.from({ length: 77 }, (_, i) => (i === 0 ? 49406n : i === 76 ? last : 49407n)), [1, 77]);
    const a = (await text.run({ input_ids: ids(49407n) })).last_hidden_state!;
    const b = (await text.run({ input_ids: ids(320n) })).last_hidden_state!;
    expect(a.dims).toEqual([1, 77, 768]);
    // Changing the last token changes only the last position.
    const da = a.data as Float32Array;
    const db = b.data as Float32Array;
    expect(da.subarray(0, 76 * 768)).toEqual(db.subarray(0, 76 * 768));
    expect(da.subarray(76 * 768).some((v, i) => v !== db[76 * 768 + i])).toBe(true);
  });
});
