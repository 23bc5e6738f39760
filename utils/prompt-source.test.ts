import { describe, expect, it } from 'vitest';
import type { ImageMetadata } from './metadata/types';
import { choosePrompt } from './prompt-source';

const A1111: ImageMetadata = {
  read: true,
  format: 'png',
  problems: [],
  generation: { generator: 'Automatic1111', where: "the PNG's parameters chunk", prompt: 'a red fox in the snow', negativePrompt: 'blurry', params: { seed: 5, steps: 20 } },
};
const EMPTY: ImageMetadata = { read: true, format: 'png', problems: [] };

describe('choosePrompt', () => {
  it('takes the file’s prompt over anything the page says, naming the chunk and generator', () => {
    expect(choosePrompt({ metadata: A1111, context: [{ source: 'figcaption', text: 'my caption' }], alt: 'an alt' })).toEqual({
      text: 'a red fox in the snow',
      from: "the PNG's parameters chunk (Automatic1111)",
      negativePrompt: 'blurry',
      params: { seed: 5, steps: 20 },
    });
  });

  it('falls back to the page caption when the file carries nothing, then to alt text', () => {
    expect(choosePrompt({ metadata: EMPTY, context: [{ source: 'chat-message', text: 'draw me a boat' }, { source: 'figcaption', text: ' A lighthouse\n at dusk ' }], alt: 'a lighthouse' })).toEqual({
      text: 'A lighthouse at dusk',
      from: 'the page caption',
    });
    expect(choosePrompt({ metadata: { read: false, reason: 'screen capture' }, alt: 'a paper boat' })).toEqual({ text: 'a paper boat', from: 'the alt text' });
  });

  it('never chooses junk alt text such as "Generated image 3"; a later source or nothing at all instead', () => {
    expect(choosePrompt({ alt: 'Generated image 3' })).toBeUndefined();
    expect(choosePrompt({ alt: 'Generated image 3', context: [{ source: 'title', text: 'IMG_2041.png' }, { source: 'chat-message', text: 'Make a castle on a hill' }] })).toEqual({
      text: 'Make a castle on a hill',
      from: 'the chat message above the image',
    });
  });

  it('reads A1111 infotext printed in an info block under a gallery, with its settings', () => {
    const info = 'a cat astronaut\nNegative prompt: lowres\nSteps: 30, Sampler: Euler a, CFG scale: 7, Seed: 77, Size: 512x512, Model: dreamshaper_8';
    expect(choosePrompt({ context: [{ source: 'info-block', text: info }] })).toMatchObject({
      text: 'a cat astronaut',
      from: 'the info block next to the image',
      negativePrompt: 'lowres',
      params: { steps: 30, sampler: 'Euler a', cfgScale: 7, seed: 77, width: 512, height: 512, model: 'dreamshaper_8' },
    });
    expect(choosePrompt({ context: [{ source: 'info-block', text: 'Prompt: a koi pond in autumn' }] })).toEqual({ text: 'a koi pond in autumn', from: 'the info block next to the image' });
  });
});
