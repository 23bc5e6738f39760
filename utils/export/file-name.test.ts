import { describe, expect, it } from 'vitest';
import { exportFileName } from './file-name';

describe('exportFileName', () => {
  it('uses the image file name with the suffix', () => {
    expect(exportFileName({ srcUrl: 'https://example.com/img/river.png', pageUrl: 'https://example.com/' })).toBe('river-fixed.png');
    expect(exportFileName({ srcUrl: 'https://cdn.example.com/a/b/photo.final.jpeg?w=512#x', pageUrl: 'https://x.org/' }, 'v2')).toBe('photo.final-v2.png');
  });

  it('decodes escapes and replaces characters file systems refuse', () => {
    expect(exportFileName({ srcUrl: 'https://e.com/My%20Chocolate%20River%3F.webp', pageUrl: 'https://e.com/' })).toBe('My-Chocolate-River-fixed.png');
    expect(exportFileName({ srcUrl: 'https://e.com/a%3Cb%3E%7Cc.png', pageUrl: 'https://e.com/' })).toBe('a-b-c-fixed.png');
  });

  it('falls back to the alt text, then the page host, then "image"', () => {
    expect(exportFileName({ srcUrl: 'data:image/png;base64,AAAA', pageUrl: 'https://gen.example/', alt: 'a blue river between green banks at noon, oil' })).toBe(
      'a-blue-river-between-green-banks-fixed.png',
    );
    expect(exportFileName({ srcUrl: 'blob:https://gen.example/1234', pageUrl: 'https://gen.example/feed' })).toBe('gen.example-fixed.png');
    expect(exportFileName({ pageUrl: 'https://gen.example/' , alt: '   ' })).toBe('gen.example-fixed.png');
    expect(exportFileName({ pageUrl: 'about:blank' })).toBe('image-fixed.png');
    expect(exportFileName({ srcUrl: 'https://e.com/', pageUrl: 'not a url' })).toBe('image-fixed.png');
  });

  it('keeps names short and never starts with a dot', () => {
    const long = exportFileName({ srcUrl: `https://e.com/${'x'.repeat(300)}.png`, pageUrl: 'https://e.com/' });
    expect(long.length).toBeLessThanOrEqual(80 + '-fixed.png'.length);
    expect(exportFileName({ srcUrl: 'https://e.com/..hidden.png', pageUrl: 'https://e.com/' })).toBe('hidden-fixed.png');
  });
});
