/**
 * Minimal PNG codec for tests (node:zlib + CRC32, no dependency). `encodePng` writes 8-bit RGBA,
 * non-interlaced. `decodePng` reads what tests meet: 8-bit grey / grey+alpha / RGB / RGBA,
 * non-interlaced (Chromium screenshots, our own files), all five row filters; returns RGBA.
 */
import { deflateSync, inflateSync } from 'node:zlib';
import { crc32 } from '../../utils/metadata/bytes.ts';

export interface RgbaImage {
  width: number;
  height: number;
  /** RGBA, row-major, 4 bytes per pixel. */
  data: Uint8ClampedArray | Uint8Array;
}

const SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

// The product's PNG reader checks chunk CRCs with the same function the fixtures are written with.
export { crc32 };

export function pngChunk(type: string, payload: Buffer): Buffer {
  const out = Buffer.alloc(12 + payload.length);
  out.writeUInt32BE(payload.length, 0);
  out.write(type, 4, 'ascii');
  payload.copy(out, 8);
  out.writeUInt32BE(crc32(out.subarray(4, 8 + payload.length)), 8 + payload.length);
  return out;
}

function checkImage({ width, height, data }: RgbaImage): void {
  if (!Number.isInteger(width) || !Number.isInteger(height) || width <= 0 || height <= 0) {
    throw new Error(`encodePng: bad size ${width}x${height}`);
  }
  if (data.length !== width * height * 4) throw new Error(`encodePng: expected ${width * height * 4} bytes, got ${data.length}`);
}

function header(width: number, height: number): Buffer {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr[8] = 8; // bit depth
  ihdr[9] = 6; // colour type RGBA
  // compression, filter, interlace: 0
  return pngChunk('IHDR', ihdr);
}

/** Deflated scanlines (filter: none) of one image: an IDAT's or fdAT's payload. */
function compressedRows({ width, height, data }: RgbaImage): Buffer {
  const stride = width * 4;
  const raw = Buffer.alloc((stride + 1) * height);
  const src = Buffer.from(data.buffer, data.byteOffset, data.byteLength);
  for (let y = 0; y < height; y++) {
    raw[y * (stride + 1)] = 0; // filter: none
    src.copy(raw, y * (stride + 1) + 1, y * stride, (y + 1) * stride);
  }
  return deflateSync(raw, { level: 6 });
}

export function encodePng(image: RgbaImage): Buffer {
  checkImage(image);
  return Buffer.concat([SIGNATURE, header(image.width, image.height), pngChunk('IDAT', compressedRows(image)), pngChunk('IEND', Buffer.alloc(0))]);
}

/**
 * An animated PNG (APNG) of same-sized frames, looping, `delayMs` each. The first frame is also
 * the default image, so a reader that ignores animation sees frame 0.
 */
export function encodeApng(frames: readonly RgbaImage[], delayMs = 500): Buffer {
  const [first] = frames;
  if (!first || frames.length < 2) throw new Error('encodeApng: needs at least two frames');
  frames.forEach(checkImage);
  let sequence = 0;
  const control = (): Buffer => {
    const fctl = Buffer.alloc(26);
    fctl.writeUInt32BE(sequence++, 0);
    fctl.writeUInt32BE(first.width, 4);
    fctl.writeUInt32BE(first.height, 8);
    // x/y offsets 0; delay = delayMs / 1000; dispose op 0, blend op 0 (source)
    fctl.writeUInt16BE(delayMs, 20);
    fctl.writeUInt16BE(1000, 22);
    return pngChunk('fcTL', fctl);
  };
  const actl = Buffer.alloc(8);
  actl.writeUInt32BE(frames.length, 0); // num_plays 0: loop forever
  const parts = [SIGNATURE, header(first.width, first.height), pngChunk('acTL', actl), control(), pngChunk('IDAT', compressedRows(first))];
  for (const frame of frames.slice(1)) {
    parts.push(control());
    const rows = compressedRows(frame);
    const fdat = Buffer.alloc(4 + rows.length);
    fdat.writeUInt32BE(sequence++, 0);
    rows.copy(fdat, 4);
    parts.push(pngChunk('fdAT', fdat));
  }
  parts.push(pngChunk('IEND', Buffer.alloc(0)));
  return Buffer.concat(parts);
}

function paeth(a: number, b: number, c: number): number {
  const p = a + b - c;
  const pa = Math.abs(p - a);
  const pb = Math.abs(p - b);
  const pc = Math.abs(p - c);
  return pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
}

export function decodePng(png: Uint8Array): { width: number; height: number; data: Uint8ClampedArray } {
  const buf = Buffer.from(png.buffer, png.byteOffset, png.byteLength);
  if (!buf.subarray(0, 8).equals(SIGNATURE)) throw new Error('decodePng: not a PNG');
  let offset = 8;
  let width = 0;
  let height = 0;
  let colourType = -1;
  const idat: Buffer[] = [];
  while (offset < buf.length) {
    const length = buf.readUInt32BE(offset);
    const type = buf.toString('ascii', offset + 4, offset + 8);
    const payload = buf.subarray(offset + 8, offset + 8 + length);
    if (type === 'IHDR') {
      width = payload.readUInt32BE(0);
      height = payload.readUInt32BE(4);
      const depth = payload[8];
      colourType = payload[9]!;
      if (depth !== 8 || payload[12] !== 0 || ![0, 2, 4, 6].includes(colourType)) {
        throw new Error(`decodePng: unsupported depth ${depth} / colour type ${colourType} / interlace ${payload[12]}`);
      }
    } else if (type === 'IDAT') idat.push(payload);
    else if (type === 'IEND') break;
    offset += 12 + length;
  }
  const channels = { 0: 1, 2: 3, 4: 2, 6: 4 }[colourType as 0 | 2 | 4 | 6];
  const raw = inflateSync(Buffer.concat(idat));
  const stride = width * channels;
  const pixels = new Uint8Array(stride * height);
  for (let y = 0; y < height; y++) {
    const filter = raw[y * (stride + 1)];
    const line = raw.subarray(y * (stride + 1) + 1, (y + 1) * (stride + 1));
    const row = y * stride;
    for (let x = 0; x < stride; x++) {
      const a = x >= channels ? pixels[row + x - channels]! : 0;
      const b = y > 0 ? pixels[row - stride + x]! : 0;
      const c = x >= channels && y > 0 ? pixels[row - stride + x - channels]! : 0;
      const v = line[x]!;
      let out: number;
      switch (filter) {
        case 0: out = v; break;
        case 1: out = v + a; break;
        case 2: out = v + b; break;
        case 3: out = v + ((a + b) >> 1); break;
        case 4: out = v + paeth(a, b, c); break;
        default: throw new Error(`decodePng: bad filter ${filter} on row ${y}`);
      }
      pixels[row + x] = out & 0xff;
    }
  }
  const data = new Uint8ClampedArray(width * height * 4);
  for (let i = 0; i < width * height; i++) {
    const s = i * channels;
    const d = i * 4;
    if (channels === 4) data.set(pixels.subarray(s, s + 4), d);
    else if (channels === 3) {
      data.set(pixels.subarray(s, s + 3), d);
      data[d + 3] = 255;
    } else {
      const g = pixels[s]!;
      data[d] = g;
      data[d + 1] = g;
      data[d + 2] = g;
      data[d + 3] = channels === 2 ? pixels[s + 1]! : 255;
    }
  }
  return { width, height, data };
}
