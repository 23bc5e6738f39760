/**
 * Writers of image files that carry generation metadata, byte-exact in each real format: PNG text
 * chunks (tEXt, zTXt, iTXt, caBX), JPEG APP1 EXIF / XMP and APP11 JUMBF, WebP RIFF EXIF. Used by the
 * metadata readers' unit tests and by the e2e test site.
 */
import { deflateSync } from 'node:zlib';
import { encodePng, pngChunk, type RgbaImage } from './png.ts';

const latin1 = (text: string) => Buffer.from(text, 'latin1');
/** Signature (8) + IHDR (25): text chunks go right after the header, as generators write them. */
const AFTER_IHDR = 33;

export const textChunk = (keyword: string, text: string) => pngChunk('tEXt', Buffer.concat([latin1(keyword), Buffer.from([0]), latin1(text)]));
export const zTxtChunk = (keyword: string, text: string) => pngChunk('zTXt', Buffer.concat([latin1(keyword), Buffer.from([0, 0]), deflateSync(latin1(text))]));
export function iTxtChunk(keyword: string, text: string, compressed = false): Buffer {
  const body = compressed ? deflateSync(Buffer.from(text, 'utf8')) : Buffer.from(text, 'utf8');
  return pngChunk('iTXt', Buffer.concat([latin1(keyword), Buffer.from([0, compressed ? 1 : 0, 0]), Buffer.from('en\0\0', 'latin1'), body]));
}
export const c2paChunk = (manifest: Buffer) => pngChunk('caBX', manifest);

/** A PNG of `image` with `chunks` inserted after its header. */
export function pngWithChunks(image: RgbaImage, chunks: Buffer[]): Buffer {
  const png = encodePng(image);
  return Buffer.concat([png.subarray(0, AFTER_IHDR), ...chunks, png.subarray(AFTER_IHDR)]);
}

export function solidImage(width: number, height: number, rgb: [number, number, number]): RgbaImage {
  const data = new Uint8Array(width * height * 4);
  for (let i = 0; i < data.length; i += 4) data.set([...rgb, 255], i);
  return { width, height, data };
}

/** An EXIF UserComment value as piexif (A1111) writes it: "UNICODE\0" then UTF-16 big-endian. */
export function userCommentUnicode(text: string): Buffer {
  const le = Buffer.from(text, 'utf16le');
  const be = Buffer.alloc(le.length);
  for (let i = 0; i < le.length; i += 2) [be[i], be[i + 1]] = [le[i + 1]!, le[i]!];
  return Buffer.concat([Buffer.from('UNICODE\0', 'latin1'), be]);
}

type TiffValue = { type: 2 | 7; bytes: Buffer };
const asciiValue = (text: string): TiffValue => ({ type: 2, bytes: Buffer.concat([Buffer.from(text, 'utf8'), Buffer.from([0])]) });

/** A little-endian TIFF block: IFD0 (ImageDescription, Make, Software) and an Exif IFD (UserComment). */
export function exifTiff(fields: { imageDescription?: string; make?: string; software?: string; userComment?: Buffer }): Buffer {
  const ifd0: [number, TiffValue][] = [];
  if (fields.imageDescription !== undefined) ifd0.push([0x010e, asciiValue(fields.imageDescription)]);
  if (fields.make !== undefined) ifd0.push([0x010f, asciiValue(fields.make)]);
  if (fields.software !== undefined) ifd0.push([0x0131, asciiValue(fields.software)]);
  const exifIfd: [number, TiffValue][] = fields.userComment ? [[0x9286, { type: 7, bytes: fields.userComment }]] : [];
  const ifdSize = (n: number) => 2 + n * 12 + 4;
  const ifd0At = 8;
  const exifAt = ifd0At + ifdSize(ifd0.length + (exifIfd.length ? 1 : 0));
  let dataAt = exifAt + (exifIfd.length ? ifdSize(exifIfd.length) : 0);
  const data: Buffer[] = [];
  const writeIfd = (entries: [number, TiffValue][], pointer?: number): Buffer => {
    const count = entries.length + (pointer === undefined ? 0 : 1);
    const out = Buffer.alloc(ifdSize(count));
    out.writeUInt16LE(count, 0);
    let at = 2;
    for (const [tag, value] of entries) {
      out.writeUInt16LE(tag, at);
      out.writeUInt16LE(value.type, at + 2);
      out.writeUInt32LE(value.bytes.length, at + 4);
      if (value.bytes.length <= 4) value.bytes.copy(out, at + 8);
      else {
        out.writeUInt32LE(dataAt, at + 8);
        data.push(value.bytes);
        dataAt += value.bytes.length;
      }
      at += 12;
    }
    if (pointer !== undefined) {
      out.writeUInt16LE(0x8769, at);
      out.writeUInt16LE(4, at + 2);
      out.writeUInt32LE(1, at + 4);
      out.writeUInt32LE(pointer, at + 8);
    }
    return out;
  };
  const header = Buffer.from([0x49, 0x49, 0x2a, 0x00, ifd0At, 0, 0, 0]);
  const first = writeIfd(ifd0, exifIfd.length ? exifAt : undefined);
  const second = exifIfd.length ? writeIfd(exifIfd) : Buffer.alloc(0);
  return Buffer.concat([header, first, second, ...data]);
}

function segment(marker: number, payload: Buffer): Buffer {
  const head = Buffer.from([0xff, marker, 0, 0]);
  head.writeUInt16BE(payload.length + 2, 2);
  return Buffer.concat([head, payload]);
}

/**
 * A JPEG's metadata part as cameras and generators write it: SOI, APP1 Exif, APP1 XMP, APP11 JUMBF,
 * then a start of scan and EOI (the readers stop at the scan, so no image data is needed).
 */
export function jpegWith(parts: { exif?: Buffer; xmp?: string; jumbf?: Buffer }): Buffer {
  const segments: Buffer[] = [Buffer.from([0xff, 0xd8])];
  if (parts.exif) segments.push(segment(0xe1, Buffer.concat([Buffer.from('Exif\0\0', 'latin1'), parts.exif])));
  if (parts.xmp) segments.push(segment(0xe1, Buffer.concat([Buffer.from('http://ns.adobe.com/xap/1.0/\0', 'latin1'), Buffer.from(parts.xmp, 'utf8')])));
  // APP11: "JP", box instance 1, packet sequence 1, then the JUMBF box.
  if (parts.jumbf) segments.push(segment(0xeb, Buffer.concat([Buffer.from([0x4a, 0x50, 0x00, 0x01, 0, 0, 0, 1]), parts.jumbf])));
  segments.push(segment(0xda, Buffer.from([1, 1, 0, 0, 0x3f, 0])), Buffer.from([0xff, 0xd9]));
  return Buffer.concat(segments);
}

function riffChunk(type: string, payload: Buffer): Buffer {
  const head = Buffer.alloc(8);
  head.write(type, 0, 'latin1');
  head.writeUInt32LE(payload.length, 4);
  return Buffer.concat([head, payload, Buffer.alloc(payload.length & 1)]);
}

/** An extended WebP (VP8X) with an EXIF chunk after a placeholder image chunk. */
export function webpWith(exif: Buffer): Buffer {
  const vp8x = Buffer.alloc(10);
  vp8x[0] = 0x08; // EXIF flag
  const body = Buffer.concat([Buffer.from('WEBP', 'latin1'), riffChunk('VP8X', vp8x), riffChunk('VP8L', Buffer.from([0x2f, 0, 0, 0, 0])), riffChunk('EXIF', exif)]);
  const head = Buffer.alloc(8);
  head.write('RIFF', 0, 'latin1');
  head.writeUInt32LE(body.length, 4);
  return Buffer.concat([head, body]);
}

/** A minimal C2PA manifest store: a JUMBF superbox whose claim is CBOR with a claim_generator text. */
export function c2paManifest(claimGenerator: string): Buffer {
  const name = Buffer.from(claimGenerator, 'utf8');
  const cbor = Buffer.concat([Buffer.from([0xa2, 0x6f]), Buffer.from('claim_generator', 'latin1'), Buffer.from([0x78, name.length]), name, Buffer.from([0x63]), Buffer.from('alg', 'latin1'), Buffer.from([0x66]), Buffer.from('sha256', 'latin1')]);
  const box = (type: string, payload: Buffer) => {
    const head = Buffer.alloc(8);
    head.writeUInt32BE(payload.length + 8, 0);
    head.write(type, 4, 'latin1');
    return Buffer.concat([head, payload]);
  };
  const description = box('jumd', Buffer.concat([Buffer.from('c2pa', 'latin1'), Buffer.alloc(12), Buffer.from([0x03]), Buffer.from('c2pa\0', 'latin1')]));
  return box('jumb', Buffer.concat([description, box('cbor', cbor)]));
}

/** A1111's infotext as it writes it into the "parameters" chunk. */
export function a1111Infotext(prompt: string, negative: string, settings: string): string {
  return `${prompt}\nNegative prompt: ${negative}\n${settings}`;
}
