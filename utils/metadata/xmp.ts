/** The few XMP properties that say what made an image and what it shows (regexes: XMP is small, flat RDF). */

function decodeEntities(text: string): string {
  return text.replace(/&(lt|gt|amp|quot|apos|#\d+|#x[\da-f]+);/gi, (entity, name: string) => {
    const named: Record<string, string> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" };
    if (name.startsWith('#x') || name.startsWith('#X')) return String.fromCodePoint(Number.parseInt(name.slice(2), 16));
    if (name.startsWith('#')) return String.fromCodePoint(Number.parseInt(name.slice(1), 10));
    return named[name.toLowerCase()] ?? entity;
  });
}

/** A property written as an attribute (`xmp:CreatorTool="…"`) or an element, alt-lang lists included. */
function property(xmp: string, name: string): string | undefined {
  const escaped = name.replace(':', '\\:');
  const attribute = new RegExp(`${escaped}="([^"]*)"`).exec(xmp);
  if (attribute?.[1]) return decodeEntities(attribute[1]).trim();
  const element = new RegExp(`<${escaped}(?:\\s[^>]*)?>([\\s\\S]*?)</${escaped}>`).exec(xmp);
  if (!element?.[1]) return undefined;
  const item = /<rdf:li[^>]*>([\s\S]*?)<\/rdf:li>/.exec(element[1]);
  const text = decodeEntities((item?.[1] ?? element[1]).replace(/<[^>]+>/g, '')).trim();
  return text || undefined;
}

export interface XmpFacts {
  description?: string;
  creatorTool?: string;
  /** IPTC's digital source type, e.g. ".../trainedAlgorithmicMedia" for generated images. */
  digitalSourceType?: string;
}

export function readXmp(xmp: string): XmpFacts {
  return {
    description: property(xmp, 'dc:description'),
    creatorTool: property(xmp, 'xmp:CreatorTool'),
    digitalSourceType: property(xmp, 'Iptc4xmpExt:DigitalSourceType'),
  };
}
