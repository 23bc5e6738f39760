import { describe, expect, it } from 'vitest';
import { dataUrlToBlob } from './data-url';

describe('dataUrlToBlob', () => {
  it('gives the exact bytes and type of a base64 data: URL', async () => {
    const svg = '<svg xmlns="http://www.w3.org/2000/svg" width="2" height="2">é</svg>';
    const bytes = new TextEncoder().encode(svg);
    const blob = dataUrlToBlob(`data:image/svg+xml;base64,${Buffer.from(bytes).toString('base64')}`);
    expect(blob.type).toBe('image/svg+xml');
    expect(new Uint8Array(await blob.arrayBuffer())).toEqual(bytes);
  });

  it('refuses what is not a base64 data: URL', () => {
    expect(() => dataUrlToBlob('data:image/svg+xml,<svg/>')).toThrow(/base64/);
    expect(() => dataUrlToBlob('https://example.com/a.svg')).toThrow(/base64/);
  });
});
