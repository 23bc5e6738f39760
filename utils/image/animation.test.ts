import { describe, expect, it } from 'vitest';
import { encodeApng, encodePng, pngChunk } from '../../tests/harness/png';
import { isAnimated } from './animation';

const pixel = (r: number) => ({ width: 2, height: 2, data: new Uint8Array(16).fill(r) });

/** A GIF: 2×2, global colour table of 2, one image descriptor per frame, optionally the NETSCAPE loop. */
function gif(frames: number, { loop = false, localTable = false } = {}): Uint8Array {
  const bytes = [...'GIF89a'].map((c) => c.charCodeAt(0));
  bytes.push(2, 0, 2, 0, 0x80, 0, 0); // screen 2×2, global table of 2 colours
  bytes.push(0, 0, 0, 255, 255, 255);
  if (loop) bytes.push(0x21, 0xff, 11, ...[...'NETSCAPE2.0'].map((c) => c.charCodeAt(0)), 3, 1, 0, 0, 0);
  for (let i = 0; i < frames; i++) {
    bytes.push(0x21, 0xf9, 4, 0, 10, 0, 0, 0); // graphic control: delay
    bytes.push(0x2c, 0, 0, 0, 0, 2, 0, 2, 0, localTable ? 0x80 : 0);
    if (localTable) bytes.push(0, 0, 0, 255, 0, 0);
    bytes.push(2, 2, 0x44, 0x01, 0); // LZW code size, one sub-block, terminator
  }
  bytes.push(0x3b);
  return new Uint8Array(bytes);
}

function riff(chunks: [string, number[]][]): Uint8Array {
  const body: number[] = [...'WEBP'].map((c) => c.charCodeAt(0));
  for (const [type, data] of chunks) {
    body.push(...[...type].map((c) => c.charCodeAt(0)), data.length & 0xff, (data.length >> 8) & 0xff, 0, 0, ...data);
    if (data.length & 1) body.push(0);
  }
  return new Uint8Array([...'RIFF'].map((c) => c.charCodeAt(0)).concat([body.length & 0xff, (body.length >> 8) & 0xff, 0, 0], body));
}

describe('isAnimated', () => {
  it('tells an APNG from a PNG by its acTL chunk, whatever the file is labelled', () => {
    expect(isAnimated(encodeApng([pixel(0), pixel(255)]))).toBe(true);
    expect(isAnimated(encodePng(pixel(0)))).toBe(false);
  });

  it('reads an acTL only before the image data, and one announcing a single frame is a still', () => {
    const png = encodePng(pixel(0));
    const iend = png.length - 12;
    const actl = (frames: number) => pngChunk('acTL', Buffer.from([0, 0, 0, frames, 0, 0, 0, 0]));
    expect(isAnimated(Buffer.concat([png.subarray(0, iend), actl(2), png.subarray(iend)]))).toBe(false);
    expect(isAnimated(Buffer.concat([png.subarray(0, 33), actl(1), png.subarray(33)]))).toBe(false);
    expect(isAnimated(Buffer.concat([png.subarray(0, 33), actl(3), png.subarray(33)]))).toBe(true);
  });

  it('counts a GIF’s frames: two descriptors are animated, one is not even when it loops', () => {
    expect(isAnimated(gif(2))).toBe(true);
    expect(isAnimated(gif(3, { loop: true, localTable: true }))).toBe(true);
    expect(isAnimated(gif(1))).toBe(false);
    expect(isAnimated(gif(1, { loop: true }))).toBe(false);
  });

  it('reads a WebP’s animation flag or ANIM chunk', () => {
    expect(isAnimated(riff([['VP8X', [0x02, 0, 0, 0, 1, 0, 0, 1, 0, 0]], ['ANIM', [0, 0, 0, 0, 0, 0]]]))).toBe(true);
    expect(isAnimated(riff([['VP8X', [0x02, 0, 0, 0, 1, 0, 0, 1, 0, 0]]]))).toBe(true);
    expect(isAnimated(riff([['VP8X', [0x08, 0, 0, 0, 1, 0, 0, 1, 0, 0]], ['VP8L', [0x2f, 0, 0, 0, 0]]]))).toBe(false);
    expect(isAnimated(riff([['VP8L', [0x2f, 0, 0, 0, 0]]]))).toBe(false);
  });

  it('is false for other formats and for truncated or broken files, without throwing', () => {
    const apng = encodeApng([pixel(0), pixel(255)]);
    expect(isAnimated(new TextEncoder().encode('<svg xmlns="http://www.w3.org/2000/svg"/>'))).toBe(false);
    expect(isAnimated(new Uint8Array([0xff, 0xd8, 0xff, 0xe0]))).toBe(false);
    expect(isAnimated(new Uint8Array(0))).toBe(false);
    expect(isAnimated(apng.subarray(0, 40))).toBe(false);
    expect(isAnimated(gif(2).subarray(0, 30))).toBe(false);
    const junk = gif(2);
    junk[junk.length - 16] = 0x99; // the second image descriptor replaced by junk
    expect(isAnimated(junk)).toBe(false);
  });
});
