import { describe, expect, it } from 'vitest';
import {
  a1111Infotext,
  c2paChunk,
  c2paManifest,
  exifTiff,
  iTxtChunk,
  jpegWith,
  pngWithChunks,
  solidImage,
  textChunk,
  userCommentUnicode,
  webpWith,
  zTxtChunk,
} from '../../tests/harness/metadata-files';
import { inflateZlib } from './bytes';
import { readImageMetadata, type ImageMetadata } from './index';

const IMAGE = solidImage(4, 4, [200, 40, 40]);
const INFOTEXT = a1111Infotext(
  'a red fox in the snow, (masterpiece:1.2)',
  'blurry, extra legs',
  'Steps: 28, Sampler: DPM++ 2M, Schedule type: Karras, CFG scale: 6.5, Seed: 1234567890, Size: 512x768, Model hash: 6ce0161689, Model: v1-5-pruned-emaonly, Lora hashes: "fox: 1a2b, snow: 3c4d", Version: v1.10.1',
);
const read = (bytes: Uint8Array) => readImageMetadata(bytes, inflateZlib);

function generation(result: ImageMetadata) {
  if (!result.read) throw new Error(`not read: ${result.reason}`);
  return result.generation;
}

describe('readImageMetadata', () => {
  it('reads A1111 infotext from a PNG parameters chunk: prompts, every setting, the generator', async () => {
    const found = generation(await read(pngWithChunks(IMAGE, [textChunk('parameters', INFOTEXT)])));
    expect(found).toEqual({
      generator: 'Automatic1111',
      where: "the PNG's parameters chunk",
      prompt: 'a red fox in the snow, (masterpiece:1.2)',
      negativePrompt: 'blurry, extra legs',
      params: { seed: 1234567890, steps: 28, cfgScale: 6.5, sampler: 'DPM++ 2M', scheduler: 'Karras', width: 512, height: 768, model: 'v1-5-pruned-emaonly' },
    });
  });

  it('reads the same infotext from zTXt and from compressed iTXt (UTF-8), and names Forge by its version', async () => {
    const forge = INFOTEXT.replace('v1.10.1', 'f2.0.1v1.10.1-previous-1-g4d6b2b4').replace('fox', 'renard — 狐');
    for (const chunk of [zTxtChunk('parameters', INFOTEXT), iTxtChunk('parameters', forge, true)]) {
      const found = generation(await read(pngWithChunks(IMAGE, [chunk])));
      expect(found?.params.seed).toBe(1234567890);
      expect(found?.prompt).toMatch(/^a red (fox|renard — 狐) in the snow/);
    }
    expect(generation(await read(pngWithChunks(IMAGE, [iTxtChunk('parameters', forge)])))?.generator).toBe('Forge');
  });

  it('reads A1111 infotext from a JPEG and a WebP EXIF UserComment (UTF-16 as piexif writes it)', async () => {
    const exif = exifTiff({ userComment: userCommentUnicode(INFOTEXT) });
    for (const [bytes, where] of [
      [jpegWith({ exif }), "the JPEG's EXIF UserComment"],
      [webpWith(exif), "the WebP's EXIF UserComment"],
    ] as const) {
      const found = generation(await read(bytes));
      expect(found?.where).toBe(where);
      expect(found?.prompt).toBe('a red fox in the snow, (masterpiece:1.2)');
      expect(found?.params).toMatchObject({ steps: 28, cfgScale: 6.5, width: 512, height: 768 });
    }
  });

  it('follows a ComfyUI graph from the sampler to its positive and negative text encoders', async () => {
    const graph = {
      '3': { class_type: 'KSampler', inputs: { seed: 42, steps: 20, cfg: 8, sampler_name: 'euler', scheduler: 'normal', denoise: 1, model: ['4', 0], positive: ['6', 0], negative: ['7', 0], latent_image: ['5', 0] } },
      '4': { class_type: 'CheckpointLoaderSimple', inputs: { ckpt_name: 'sd_xl_base_1.0.safetensors' } },
      '5': { class_type: 'EmptyLatentImage', inputs: { width: 1024, height: 1024, batch_size: 1 } },
      // The negative encoder comes first in the file: only the links say which is which.
      '7': { class_type: 'CLIPTextEncode', inputs: { text: 'text, watermark', clip: ['4', 1] } },
      '6': { class_type: 'CLIPTextEncode', inputs: { text: ['10', 0], clip: ['4', 1] } },
      '10': { class_type: 'PrimitiveString', inputs: { value: 'a lighthouse on a cliff at dusk' } },
    };
    const found = generation(await read(pngWithChunks(IMAGE, [textChunk('prompt', JSON.stringify(graph)), textChunk('workflow', '{"nodes":[]}')])));
    expect(found).toEqual({
      generator: 'ComfyUI',
      where: "the PNG's prompt chunk (ComfyUI graph)",
      prompt: 'a lighthouse on a cliff at dusk',
      negativePrompt: 'text, watermark',
      params: { seed: 42, steps: 20, cfgScale: 8, sampler: 'euler', scheduler: 'normal', width: 1024, height: 1024, model: 'sd_xl_base_1.0.safetensors' },
    });
  });

  it('reads InvokeAI and NovelAI chunks', async () => {
    const invoke = { positive_prompt: 'a cozy cabin', negative_prompt: 'people', seed: 7, steps: 30, cfg_scale: 7.5, scheduler: 'dpmpp_2m', width: 768, height: 512, model: { name: 'Juggernaut XL' } };
    expect(generation(await read(pngWithChunks(IMAGE, [textChunk('invokeai_metadata', JSON.stringify(invoke))])))).toEqual({
      generator: 'InvokeAI',
      where: "the PNG's invokeai_metadata chunk",
      prompt: 'a cozy cabin',
      negativePrompt: 'people',
      params: { seed: 7, steps: 30, cfgScale: 7.5, sampler: 'dpmpp_2m', width: 768, height: 512, model: 'Juggernaut XL' },
    });
    const comment = { prompt: '1girl, cherry blossoms', uc: 'lowres', steps: 28, scale: 5, seed: 99, sampler: 'k_euler_ancestral', width: 832, height: 1216 };
    const novel = generation(await read(pngWithChunks(IMAGE, [textChunk('Description', '1girl, cherry blossoms'), textChunk('Software', 'NovelAI'), textChunk('Comment', JSON.stringify(comment))])));
    expect(novel).toMatchObject({ generator: 'NovelAI', prompt: '1girl, cherry blossoms', negativePrompt: 'lowres', params: { seed: 99, steps: 28, cfgScale: 5 } });
  });

  it('reads an XMP description with its creator tool from a PNG iTXt and a JPEG APP1', async () => {
    const xmp = '<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF><rdf:Description xmp:CreatorTool="Firefly &amp; Co"><dc:description><rdf:Alt><rdf:li xml:lang="x-default">a paper boat on a puddle</rdf:li></rdf:Alt></dc:description></rdf:Description></rdf:RDF></x:xmpmeta>';
    for (const bytes of [pngWithChunks(IMAGE, [iTxtChunk('XML:com.adobe.xmp', xmp)]), jpegWith({ xmp })]) {
      expect(generation(await read(bytes))).toMatchObject({ generator: 'Firefly & Co', prompt: 'a paper boat on a puddle' });
    }
  });

  it('detects a C2PA manifest in PNG and JPEG and reads its claim generator, without validating it', async () => {
    const manifest = c2paManifest('ExampleAI Image Generator/2.1 c2pa-rs/0.31');
    for (const bytes of [pngWithChunks(IMAGE, [c2paChunk(manifest)]), jpegWith({ jumbf: manifest })]) {
      const result = await read(bytes);
      expect(result).toMatchObject({ read: true, c2pa: { claimGenerator: 'ExampleAI Image Generator/2.1 c2pa-rs/0.31' } });
      expect(generation(result)).toBeUndefined();
    }
  });

  it('says a file carries nothing, or is not a format it reads', async () => {
    expect(await read(pngWithChunks(IMAGE, []))).toEqual({ read: true, format: 'png', generation: undefined, c2pa: undefined, problems: [] });
    expect(await read(new TextEncoder().encode('GIF89a…'))).toMatchObject({ read: false, reason: expect.stringMatching(/not a PNG, JPEG or WebP/) });
  });

  it('skips a damaged chunk, keeps the good ones, and says so', async () => {
    const damaged = textChunk('parameters', INFOTEXT);
    damaged[20] = damaged[20]! ^ 0xff; // inside the text: the CRC no longer matches
    const result = await read(pngWithChunks(IMAGE, [damaged, textChunk('Description', 'a sailing ship in a storm')]));
    expect(result).toMatchObject({ read: true, problems: ['a damaged tEXt chunk was skipped'], generation: { prompt: 'a sailing ship in a storm' } });
  });

  it('reads what comes before a cut in a truncated file, and never throws on junk', async () => {
    const png = pngWithChunks(IMAGE, [textChunk('parameters', INFOTEXT)]);
    const cut = await read(png.subarray(0, png.length - 30));
    expect(cut).toMatchObject({ read: true, generation: { generator: 'Automatic1111' }, problems: [expect.stringMatching(/the file ends inside/)] });
    const inside = await read(png.subarray(0, 60));
    expect(inside).toMatchObject({ read: true, generation: undefined, problems: [expect.stringMatching(/the file ends inside its tEXt chunk/)] });
    const badZlib = Buffer.from(zTxtChunk('parameters', INFOTEXT));
    const broken = await read(pngWithChunks(IMAGE, [textChunk('x', 'y'), badZlib.subarray(0, 20)]));
    expect(broken.read).toBe(true);
    const jpeg = jpegWith({ exif: exifTiff({ userComment: userCommentUnicode(INFOTEXT) }) });
    expect(await read(jpeg.subarray(0, 40))).toMatchObject({ read: true, generation: undefined, problems: [expect.stringMatching(/ends inside/)] });
    for (let i = 0; i < 50; i++) {
      const noise = Uint8Array.from({ length: 200 }, (_, j) => (j * 7919 + i * 104729) & 0xff);
      noise.set(png.subarray(0, 8 + (i % 30)));
      await expect(read(noise)).resolves.toHaveProperty('read');
    }
  });
});
