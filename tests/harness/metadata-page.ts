/**
 * `/metadata.html` on the test site: the river scene as a generator page shows it, once per way a
 * prompt can reach the editor (issue #16): in the file (an A1111 PNG, with junk alt text the file
 * must win over), in a figure caption, in a Gradio-style info block, in the chat message above,
 * and nowhere (junk alt text only: it must not become the prompt).
 */
import { a1111Infotext, pngWithChunks, textChunk } from './metadata-files.ts';
import { encodePng } from './png.ts';
import { renderScene, SCENES } from './scenes.ts';

export const A1111_PROMPT = 'a blue river through green meadows, masterpiece';
export const A1111_NEGATIVE = 'blurry, lowres';
const A1111_SETTINGS = 'Steps: 24, Sampler: DPM++ 2M, Schedule type: Karras, CFG scale: 6.5, Seed: 3141592653, Size: 512x512, Model hash: 6ce0161689, Model: dreamshaper_8, Version: v1.10.1';

export const METADATA = {
  a1111: { selector: '#img-a1111', path: '/img/meta/a1111.png', alt: 'Generated image 1' },
  caption: { selector: '#img-caption', path: '/img/meta/caption.png', caption: 'A lighthouse on a cliff at dusk' },
  info: { selector: '#img-info', path: '/img/meta/info.png', prompt: 'a koi pond in autumn' },
  chat: { selector: '#img-chat', path: '/img/meta/chat.png', message: 'Draw a castle on a hill at sunset' },
  junk: { selector: '#img-junk', path: '/img/meta/junk.png', alt: 'Generated image 3' },
} as const;

export function metadataHtml(): string {
  const { a1111, caption, info, chat, junk } = METADATA;
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Generated with prompts</title><link rel="stylesheet" href="/gallery.css"></head>
<body><h1>Generated with prompts</h1><main class="grid">
<div class="card"><img id="img-a1111" src="${a1111.path}" alt="${a1111.alt}"></div>
<figure><img id="img-caption" src="${caption.path}" alt="Generated image 2"><figcaption>${caption.caption}</figcaption></figure>
<div class="gradio-gallery"><div class="preview"><img id="img-info" src="${info.path}" alt="Generated image 5"></div>
  <div id="html_info_txt2img"><p>${info.prompt}<br>Negative prompt: text, watermark<br>Steps: 30, Sampler: Euler a, CFG scale: 7, Seed: 77, Size: 512x512, Model: dreamshaper_8</p></div></div>
<div class="chat"><div data-message-author-role="user">${chat.message}</div>
  <div data-message-author-role="assistant"><p>Here it is.</p><img id="img-chat" src="${chat.path}" alt="Generated image 4"></div></div>
<div class="card"><img id="img-junk" src="${junk.path}" alt="${junk.alt}"></div>
</main>
<script src="/inputs.js"></script>
</body></html>
`;
}

let files: Map<string, Buffer> | undefined;
/** The images of `/metadata.html`: the river scene, with A1111's parameters chunk in one of them. */
export function metadataImage(pathname: string): Buffer | undefined {
  if (!files) {
    const river = renderScene(SCENES.river);
    const plain = encodePng(river);
    files = new Map(Object.values(METADATA).map(({ path }) => [path, plain]));
    files.set(METADATA.a1111.path, pngWithChunks(river, [textChunk('parameters', a1111Infotext(A1111_PROMPT, A1111_NEGATIVE, A1111_SETTINGS))]));
  }
  return files.get(pathname);
}
