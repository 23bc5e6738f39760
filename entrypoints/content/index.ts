/**
 * The content script, injected into a tab only when the user acts (context menu, toolbar,
 * shortcut). It stays tiny: it finds the image, reads its pixels and pins the overlay frame over
 * it; the editor tools and all model code live in extension pages.
 */
import { isExtensionPage, serve } from '@/utils/messaging';
import { openOverlay } from './overlay';
import { pickImage } from './picker';
import { withDrawnRect } from './pixels';
import { menuTarget, watchContextMenu } from './menu-target';
import { rememberTarget, replaceImage } from './replace'; // editor (issue #6)

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
    watchContextMenu();
    serve('content', {
      'content.open-overlay': async ({ srcUrl, targetElementId }) => {
        const { target: found, reason } = srcUrl ? { target: menuTarget(srcUrl, targetElementId), reason: undefined } : await pickImage();
        if (!found) return { opened: false, reason: reason ?? (srcUrl ? 'The image could not be found on the page' : 'No image was picked') };
        const target = withDrawnRect(found);
        rememberTarget(target); // editor (issue #6): replace-in-page finds a canvas again by it
        return openOverlay(target);
      },
      'content.replace-image': (request) => replaceImage(request), // editor (issue #6)
    }, { accept: (_type, sender) => isExtensionPage(sender) });
  },
});
