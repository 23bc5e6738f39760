/**
 * The offscreen document's lifecycle: created on demand (one per profile), recreated
 * transparently when Chrome has closed it, and awaited until its message listener answers.
 */
import { browser } from 'wxt/browser';
import { forwardToOffscreen } from '@/utils/messaging';
import type { MessageType, Reply } from '@/utils/protocol';

const OFFSCREEN_PATH = '/offscreen.html';
let creating: Promise<void> | undefined;

async function hasOffscreenDocument(): Promise<boolean> {
  const contexts = await browser.runtime.getContexts({
    contextTypes: ['OFFSCREEN_DOCUMENT' as Browser.runtime.ContextType],
    documentUrls: [browser.runtime.getURL(OFFSCREEN_PATH)],
  });
  return contexts.length > 0;
}

export async function ensureOffscreenDocument(): Promise<void> {
  if (await hasOffscreenDocument()) return;
  creating ??= browser.offscreen
    .createDocument({
      url: OFFSCREEN_PATH,
      reasons: ['WORKERS' as Browser.offscreen.Reason],
      justification: 'Runs the segmentation, inpainting and CLIP models (ONNX Runtime on WebGPU or WebAssembly).',
    })
    .finally(() => {
      creating = undefined;
    });
  await creating;
}

/** Forwards a request to the offscreen document, creating or recreating it as needed. */
export async function askOffscreen(type: MessageType, payload: unknown): Promise<Reply> {
  await ensureOffscreenDocument();
  let reply = await forwardToOffscreen(type, payload);
  // Just created or just closed by Chrome: its listener may not be up yet.
  for (let attempt = 0; !reply.ok && reply.error.code === 'no-receiver' && attempt < 20; attempt++) {
    await new Promise((resolve) => setTimeout(resolve, 50 * (attempt + 1)));
    await ensureOffscreenDocument();
    reply = await forwardToOffscreen(type, payload);
  }
  return reply;
}

export async function closeOffscreenDocument(): Promise<boolean> {
  if (!(await hasOffscreenDocument())) return false;
  await browser.offscreen.closeDocument();
  return true;
}
