import { browser } from 'wxt/browser';
import { serve } from '@/utils/messaging';
import { CONTENT_SCRIPT_MESSAGES, messages } from '@/utils/protocol';
import { devicePreference, modelHost, modelIdleSeconds } from '@/utils/settings';
import { createContextMenu, FIX_IMAGE_MENU_ID, openEditor } from './editor';
import { askInferenceHere } from './inference-host';
import { askOffscreen } from './offscreen-lifecycle';
import { serveInpaintSettings } from './inpaint'; // inpainting (issue #5)
import { trackInpaintJobs } from './inpaint-jobs';
import { serveRefinement } from './refine';
import { restrictStorageToTrustedContexts } from './api-keys'; // LLM refinement (issue #4)
import { claimNonce, registerNonce } from './overlay-nonces';
import { captureTabRegion, fetchPageImage } from './page-images';
import { openSession, putImageFromDataUrl, saveSessionMask } from './sessions';

/** Extension pages (side panel, options, offscreen) have our origin; content scripts the page's. */
function isExtensionPage(sender: Browser.runtime.MessageSender): boolean {
  return sender.id === browser.runtime.id && typeof sender.url === 'string' && sender.url.startsWith(browser.runtime.getURL('/'));
}

export default defineBackground(() => {
  browser.runtime.onInstalled.addListener(createContextMenu);

  browser.contextMenus.onClicked.addListener((info, tab) => {
    if (info.menuItemId === FIX_IMAGE_MENU_ID) void openEditor(tab, info.srcUrl, info.frameId);
  });
  browser.action.onClicked.addListener((tab) => void openEditor(tab));
  browser.commands.onCommand.addListener((command, tab) => {
    if (command === 'pick-image') void openEditor(tab);
  });

  // ---- LLM refinement (issue #4): keys stay out of content scripts' reach; llm.*/refine.* for extension pages only ----
  void restrictStorageToTrustedContexts();
  serveRefinement(isExtensionPage);
  // ---- end LLM refinement ----

  // ---- Inpainting (issue #5): settings for pages and the offscreen document; jobs lost with a closed document ----
  serveInpaintSettings(isExtensionPage);
  const inpaintJobs = trackInpaintJobs();
  // ---- end inpainting ----

  serve(
    'background',
    {
      'overlay.register': ({ nonce }, sender) => {
        if (sender.tab?.id === undefined) throw new Error('overlay.register: needs a tab');
        registerNonce(nonce, sender.tab.id);
        return { registered: true as const };
      },
      'overlay.claim': ({ nonce }, sender) => ({ tabId: claimNonce(nonce, sender.tab?.id) }),
      'image.fetch': ({ url }) => fetchPageImage(url),
      'image.put': ({ dataUrl }) => putImageFromDataUrl(dataUrl),
      'session.create': (request) => openSession(request),
      'session.save-mask': (request) => saveSessionMask(request),
      'tab.capture': (region, sender) => captureTabRegion(sender.tab, region),
      'settings.runtime': async () => ({
        modelHost: await modelHost.getValue(),
        device: await devicePreference.getValue(),
        idleSeconds: await modelIdleSeconds.getValue(),
      }),
    },
    {
      accept: (type, sender) => isExtensionPage(sender) || (CONTENT_SCRIPT_MESSAGES.has(type) && sender.tab !== undefined),
      route: (type, payload, sender) => {
        if (messages[type].to !== 'offscreen') return undefined;
        // Inference is for extension pages only: a content script (or the page behind it) may not drive it.
        if (!isExtensionPage(sender)) {
          return Promise.resolve({ ok: false, error: { code: 'refused', message: `${type}: not allowed from this sender` } });
        }
        // Firefox: inference runs in this event page, which stays awake while jobs run (no document to lose).
        if (import.meta.env.FIREFOX) return askInferenceHere(type, payload);
        return inpaintJobs
          .beforeForward()
          .then(() => askOffscreen(type, payload))
          .then((reply) => (type === 'jobs.list' ? inpaintJobs.withLostJobs(reply) : reply));
      },
    },
  );
});
