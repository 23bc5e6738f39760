/**
 * The content script, injected into a tab only when the user acts (context menu, toolbar,
 * shortcut). It stays tiny: it answers the protocol and mounts the overlay; no model code.
 */
import { serve } from '@/utils/messaging';
import { openOverlay } from './overlay';

declare global {
  interface Window {
    __inpaintBiasesContent?: boolean;
  }
}

export default defineContentScript({
  registration: 'runtime',
  main() {
    // executeScript runs this again on every activation: serve once per page.
    if (window.__inpaintBiasesContent) return;
    window.__inpaintBiasesContent = true;
    serve('content', {
      'content.ping': () => ({ ok: true as const, url: location.href }),
      'content.open-overlay': ({ srcUrl }) => openOverlay(srcUrl),
    });
  },
});
