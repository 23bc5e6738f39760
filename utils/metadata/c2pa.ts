/**
 * C2PA: the claim generator named in a manifest store (JUMBF boxes holding CBOR claims), read as a
 * plain string. Nothing here validates signatures: it only says a manifest is present and who
 * claims to have made it.
 */
import { indexOfBytes, u16, utf8 } from './bytes';

const encode = (text: string) => new TextEncoder().encode(text);
/** CBOR text-string keys as they sit in a claim: the header byte (0x60 + length) then the name. */
const CLAIM_GENERATOR = encode('\x6fclaim_generator');
const CLAIM_GENERATOR_INFO = encode('\x74claim_generator_info');
const NAME = encode('\x64name');
const MAX_NAME = 200;

/** A CBOR text string at `at`, or undefined when something else is there. */
function cborText(bytes: Uint8Array, at: number): string | undefined {
  const head = bytes[at];
  if (head === undefined || head >> 5 !== 3) return undefined;
  const short = head & 0x1f;
  const [length, start] = short < 24 ? [short, at + 1] : short === 24 ? [bytes[at + 1] ?? 0, at + 2] : short === 25 ? [u16(bytes, at + 1), at + 3] : [0, at];
  if (!length || length > MAX_NAME || start + length > bytes.length) return undefined;
  return utf8(bytes.subarray(start, start + length));
}

export function claimGenerator(manifest: Uint8Array): string | undefined {
  try {
    const plain = indexOfBytes(manifest, CLAIM_GENERATOR);
    if (plain >= 0) return cborText(manifest, plain + CLAIM_GENERATOR.length);
    const info = indexOfBytes(manifest, CLAIM_GENERATOR_INFO);
    if (info < 0) return undefined;
    const name = indexOfBytes(manifest, NAME, info);
    return name < 0 ? undefined : cborText(manifest, name + NAME.length);
  } catch {
    return undefined;
  }
}
