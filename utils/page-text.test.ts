import { describe, expect, it } from 'vitest';
import { PAGE_TEXT_MAX, usefulPageText } from './page-text';

describe('usefulPageText', () => {
  it('keeps descriptive text, whitespace collapsed', () => {
    expect(usefulPageText('  a castle\n at dusk ')).toBe('a castle at dusk');
    expect(usefulPageText('Image of a red fox in snow')).toBe('Image of a red fox in snow');
  });

  it('drops placeholders generator pages put in alt text, file names, URLs and bare numbers', () => {
    for (const junk of ['Generated image 3', 'generated image', 'Image 2 of 4', 'image', 'AI-generated image #12', 'Untitled', 'Download', 'Output 1', 'IMG_2041.png', 'ComfyUI_00042_.png', 'https://cdn.example/x.png', '1024 × 1024', '', '  ', null, undefined]) {
      expect(usefulPageText(junk), String(junk)).toBe('');
    }
  });

  it('caps length so a hostile page cannot push megabytes into the prompt', () => {
    expect(usefulPageText('fox '.repeat(5000))).toHaveLength(PAGE_TEXT_MAX);
  });
});
