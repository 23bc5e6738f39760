/** What the container readers extract from a file before anyone interprets it. */
export interface ExifText {
  /** 0x9286, decoded from its ASCII/UNICODE/JIS prefix. */
  userComment?: string;
  /** 0x010E */
  imageDescription?: string;
  /** 0x010F (ComfyUI's JPEG/WebP writers put "prompt:{…}" here). */
  make?: string;
  /** 0x0131 */
  software?: string;
}

export interface RawMetadata {
  format: 'png' | 'jpeg' | 'webp';
  /** PNG text chunks (tEXt, zTXt, iTXt) by keyword; the first of a repeated keyword wins. */
  text: Record<string, string>;
  exif?: ExifText;
  /** An XMP packet, as text. */
  xmp?: string;
  /** The C2PA manifest store (JUMBF box), when the file carries one. */
  c2pa?: Uint8Array;
  /** Parts that could not be read (a damaged chunk, a truncated segment), for the user. */
  problems: string[];
}
