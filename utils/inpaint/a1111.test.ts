import { describe, expect, it } from 'vitest';
import { a1111Size, img2imgPayload, parseImg2ImgReply } from './a1111';

describe('A1111 img2img', () => {
  it('asks for "inpaint only masked" with the prompt, mask, denoise, batch and size', () => {
    const payload = img2imgPayload({ prompt: 'a brown river', negativePrompt: 'blue', image: 'IMG', mask: 'MASK', width: 512, height: 384, n: 3, denoise: 0.6 });
    expect(payload).toMatchObject({
      init_images: ['IMG'],
      mask: 'MASK',
      prompt: 'a brown river',
      negative_prompt: 'blue',
      inpainting_fill: 1,
      inpaint_full_res: true,
      inpaint_full_res_padding: 32,
      inpainting_mask_invert: 0,
      denoising_strength: 0.6,
      batch_size: 3,
      n_iter: 1,
      width: 512,
      height: 384,
      mask_blur: 4,
      seed: -1,
    });
  });
  it('samples as the image was made when its metadata says how: seed, steps, CFG, sampler, scheduler', () => {
    const payload = img2imgPayload({ prompt: 'p', image: 'I', mask: 'M', width: 512, height: 512, n: 1, denoise: 0.75, seed: 3141592653, steps: 24, cfgScale: 6.5, sampler: 'DPM++ 2M', scheduler: 'Karras' });
    expect(payload).toMatchObject({ seed: 3141592653, steps: 24, cfg_scale: 6.5, sampler_name: 'DPM++ 2M', scheduler: 'Karras' });
    expect(img2imgPayload({ prompt: 'p', image: 'I', mask: 'M', width: 512, height: 512, n: 1, denoise: 0.75 })).not.toHaveProperty('steps');
  });
  it('rounds sizes to multiples of 8 and caps the longer side', () => {
    expect(a1111Size(500, 333)).toEqual({ width: 504, height: 336 });
    expect(a1111Size(2048, 1024)).toEqual({ width: 1024, height: 512 });
  });
  it('takes the first n images (extensions append masks) and their seeds', () => {
    const reply = { images: ['data:image/png;base64,AAA', 'BBB', 'MASK'], info: JSON.stringify({ all_seeds: [7, 8] }) };
    expect(parseImg2ImgReply(reply, 2)).toEqual({ images: ['AAA', 'BBB'], seeds: [7, 8] });
    expect(parseImg2ImgReply({ images: ['AAA'], info: 'not json' }, 1)).toEqual({ images: ['AAA'], seeds: [undefined] });
  });
  it('says clearly when the server is not A1111', () => {
    expect(() => parseImg2ImgReply({ detail: 'Not Found' }, 1)).toThrow(/not with img2img images/);
    expect(() => parseImg2ImgReply({ images: [] }, 1)).toThrow(/no images/);
  });
});
