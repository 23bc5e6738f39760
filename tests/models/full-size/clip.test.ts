/**
 * The full-size CLIP stand-ins are what `npm run bench -- --models=full-size` times: they must have
 * the real files' size (so the real parameter count and FLOPs), the real inputs and outputs, and
 * a q8 graph that computes what the fp32 one does (so it is not cheaper by being wrong).
 */
import * as ort from 'onnxruntime-web';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { registry } from '../../../models/registry.ts';
import { buildClipTokenizer } from '../clip.ts';
import { buildClipTextFullSize, buildClipVisionFullSize, CLIP_FULL_SIZE } from './clip.ts';
import { wasmSessions } from './wasm-sessions.ts';

const { create, releaseAll } = wasmSessions();

function cosine(a: Float32Array, b: Float32Array): number {
  let dot = 0;
  let na = 0;
  let nb = 0;
  for (let i = 0; i < a.length; i++) {
    dot += a[i]! * b[i]!;
    na += a[i]! ** 2;
    nb += b[i]! ** 2;
  }
  return dot / Math.sqrt(na * nb);
}

const EOS = 49407n;
const BOS = 49406n;
/** Two prompts of 77 ids: BOS, words, EOS, EOS padding. */
function ids(rows: readonly (readonly bigint[])[]): ort.Tensor {
  const data = new BigInt64Array(rows.length * 77).fill(EOS);
  rows.forEach((words, r) => data.set([BOS, ...words], r * 77));
  return new ort.Tensor('int64', data, [rows.length, 77]);
}

// Building and running 90–350 MB models takes seconds, more when other test files share the cores.
describe('full-size CLIP stand-ins', { timeout: 60_000 }, () => {
  const built: Record<string, Uint8Array> = {};
  beforeAll(() => {
    built.visionFp32 = buildClipVisionFullSize('fp32');
    built.visionQ8 = buildClipVisionFullSize('q8');
    built.textQ8 = buildClipTextFullSize('q8');
  }, 60_000);
  afterAll(releaseAll);

  it('have a tokenizer of CLIP\'s real size: 49,408 tokens, 48,894 merges, BOS 49406, EOS 49407 the highest id', () => {
    const tokenizer = buildClipTokenizer(CLIP_FULL_SIZE.text.vocab);
    expect(tokenizer.vocab.size).toBe(49_408);
    expect((tokenizer.tokenizerJson.model as { merges: string[] }).merges).toHaveLength(48_894);
    expect([tokenizer.bosId, tokenizer.eosId]).toEqual([49_406, 49_407]);
    // The test words keep their single tokens (new merges rank after theirs).
    const tiny = buildClipTokenizer();
    for (const word of ['chocolate</w>', 'river</w>', 'green</w>']) expect(tokenizer.vocab.get(word)).toBe(tiny.vocab.get(word));
  });

  it('are the size of the real files (fp32 within 0.5 %, q8 within 2 % of the Hub figures)', () => {
    const { vision, text } = registry.clip.files;
    expect(Math.abs(built.visionFp32!.length / vision.bytes.fp32 - 1)).toBeLessThan(0.005);
    expect(Math.abs(buildClipTextFullSize('fp32').length / text.bytes.fp32 - 1)).toBeLessThan(0.005);
    expect(Math.abs(built.visionQ8!.length / vision.bytes.q8 - 1)).toBeLessThan(0.02);
    expect(Math.abs(built.textQ8!.length / text.bytes.q8 - 1)).toBeLessThan(0.02);
  });

  it('vision: pixel_values [2,3,224,224] → image_embeds [2,512]; q8 computes what fp32 does', async () => {
    const pixels = new Float32Array(2 * 3 * 224 * 224).map((_, i) => Math.sin(i / 97) * 1.5);
    const feed = { pixel_values: new ort.Tensor('float32', pixels, [2, 3, 224, 224]) };
    const q8 = (await (await create(built.visionQ8!)).run(feed)).image_embeds!;
    const fp32 = (await (await create(built.visionFp32!)).run(feed)).image_embeds!;
    expect(q8.dims).toEqual([2, 512]);
    const a = q8.data as Float32Array;
    const b = fp32.data as Float32Array;
    expect(a.every(Number.isFinite)).toBe(true);
    expect(cosine(a.subarray(0, 512), b.subarray(0, 512))).toBeGreaterThan(0.95);
  });

  it('text: input_ids only, pooled at the first EOS (causal: later tokens do not matter, earlier ones do)', async () => {
    const session = await create(built.textQ8!);
    expect(session.inputNames).toEqual(['input_ids']);
    // One prompt per run: q8's activation quantization is per tensor, so batch rows nudge each other.
    const run = async (words: bigint[]) => (await session.run({ input_ids: ids([words]) })).text_embeds!;
    const base = await run([320n, 657n, EOS]);
    expect(base.dims).toEqual([1, 512]);
    const embeds = base.data as Float32Array;
    expect(embeds.every(Number.isFinite)).toBe(true);
    const afterEos = (await run([320n, 657n, EOS, 999n, 1000n])).data as Float32Array;
    // Equal up to q8 noise (the activation scale sees every token): ≈ 0.9997 measured.
    expect(cosine(afterEos, embeds)).toBeGreaterThan(0.999);
    const beforeEos = (await run([320n, 658n, EOS])).data as Float32Array;
    expect(cosine(beforeEos, embeds)).toBeLessThan(0.99); // ≈ 0.93 measured
  });
});
