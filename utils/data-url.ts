/** A Blob as a `data:` URL: how pixels cross `runtime.sendMessage`, which carries JSON only. */
export function blobToDataUrl(blob: Blob): Promise<string> {
  return new Promise((resolve, reject) => {
    const reader = new FileReader();
    reader.onload = () => resolve(String(reader.result));
    reader.onerror = () => reject(reader.error ?? new Error('Could not read the image'));
    reader.readAsDataURL(blob);
  });
}

/**
 * A base64 `data:` URL as a Blob of its type, decoded here: a content script's fetch() of a
 * `data:` URL may be refused by the page's CSP.
 */
export function dataUrlToBlob(dataUrl: string): Blob {
  const match = /^data:([\w.+/-]+);base64,/.exec(dataUrl);
  if (!match) throw new Error('Not a base64 data: URL');
  const binary = atob(dataUrl.slice(match[0].length));
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return new Blob([bytes], { type: match[1] });
}
