/**
 * PNG text metadata: tEXt (Latin-1), zTXt (deflated Latin-1), iTXt (UTF-8, maybe deflated, XMP
 * under "XML:com.adobe.xmp"), eXIf, and the C2PA manifest chunk caBX. A chunk whose CRC does not
 * match is skipped and reported; a truncated file keeps what was read before the cut.
 */
import { ascii, crc32, latin1, Truncated, u32, utf8, type Inflate } from './bytes';
import { readTiff } from './exif';
import type { RawMetadata } from './raw';

const SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
/** Text longer than this is not a prompt (and would only cost memory). */
const MAX_TEXT_BYTES = 1 << 20;

export function isPng(bytes: Uint8Array): boolean {
  return SIGNATURE.every((b, i) => bytes[i] === b);
}

async function textOf(type: string, data: Uint8Array, inflate: Inflate): Promise<[string, string] | undefined> {
  const keywordEnd = data.indexOf(0);
  if (keywordEnd < 1) return undefined;
  const keyword = latin1(data.subarray(0, keywordEnd));
  if (type === 'tEXt') return [keyword, latin1(data.subarray(keywordEnd + 1))];
  if (type === 'zTXt') return [keyword, latin1(await inflate(data.subarray(keywordEnd + 2)))];
  // iTXt: keyword\0 flag method language\0 translated\0 text
  const compressed = data[keywordEnd + 1] === 1;
  const languageEnd = data.indexOf(0, keywordEnd + 3);
  const translatedEnd = languageEnd < 0 ? -1 : data.indexOf(0, languageEnd + 1);
  if (translatedEnd < 0) throw new Error('malformed');
  const body = data.subarray(translatedEnd + 1);
  return [keyword, utf8(compressed ? await inflate(body) : body)];
}

export async function readPng(bytes: Uint8Array, inflate: Inflate): Promise<RawMetadata> {
  const found: RawMetadata = { format: 'png', text: {}, problems: [] };
  let at = 8;
  try {
    while (at < bytes.length) {
      const length = u32(bytes, at);
      const type = ascii(bytes, at + 4, at + 8);
      if (at + 12 + length > bytes.length) throw new Truncated(`${type} chunk`);
      const data = bytes.subarray(at + 8, at + 8 + length);
      const isText = type === 'tEXt' || type === 'zTXt' || type === 'iTXt';
      if (isText || type === 'eXIf' || type === 'caBX') {
        if (crc32(bytes.subarray(at + 4, at + 8 + length)) !== u32(bytes, at + 8 + length)) {
          found.problems.push(`a damaged ${type} chunk was skipped`);
        } else if (isText && length <= MAX_TEXT_BYTES) {
          try {
            const entry = await textOf(type, data, inflate);
            if (entry?.[0] === 'XML:com.adobe.xmp') found.xmp ??= entry[1];
            else if (entry && !(entry[0] in found.text)) found.text[entry[0]] = entry[1];
          } catch {
            found.problems.push(`an unreadable ${type} chunk was skipped`);
          }
        } else if (type === 'eXIf') {
          found.exif = readTiff(data, found.problems);
        } else if (type === 'caBX') {
          found.c2pa = data;
        }
      }
      if (type === 'IEND') break;
      at += 12 + length;
    }
  } catch (error) {
    if (!(error instanceof Truncated)) throw error;
    found.problems.push(error.message);
  }
  return found;
}
