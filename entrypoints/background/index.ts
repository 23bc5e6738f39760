import { browser } from 'wxt/browser';
import { extensionPath, isExtensionPage, isOverlayFrame, serve } from '@/utils/messaging';
import { CONTENT_SCRIPT_MESSAGES, messages, OVERLAY_MESSAGES, type MessageType } from '@/utils/protocol';
import { devicePreference, modelHost, modelIdleSeconds } from '@/utils/settings';
import { createContextMenu, FIX_IMAGE_MENU_ID, noteOverlayFailure, onFixImageMenu, openEditor, reopenWhereAllowed } from './editor';
import { askInferenceHere } from './inference-host';
import { askOffscreen } from './offscreen-lifecycle';
import { serveInpaintSettings } from './inpaint'; // inpainting (issue #5)
import { trackInpaintJobs } from './inpaint-jobs';
import { serveRefinement } from './refine';
import { findTargetPhrase } from './target-phrase';
import { restrictStorageToTrustedContexts } from './api-keys'; // LLM refinement (issue #4)
import { OverlayNonces, type NonceSnapshot } from './overlay-nonces';
import { captureTabRegion, downscaleStoredImage, fetchPageImage } from './page-images';
import { openSession, previewImage, putImageFromDataUrl, saveSessionMask } from './sessions';
import { exposeMenuHandler, testRuntimeFlags } from '@/utils/test-hooks';


function isContentScript(sender: Browser.runtime.MessageSender): boolean {
  return sender.id === browser.runtime.id && sender.tab !== undefined && extensionPath(sender) === undefined;
}

// The nonce table lives in storage.session (trusted contexts only) as well as here: Chrome stops
// this worker after 30 s idle, and an overlay that sits open longer must still be trusted.
const savedNonces = storage.defineItem<NonceSnapshot>('session:overlayNonces', { fallback: {} });
const nonceTable = savedNonces.getValue().then(
  (saved) => new OverlayNonces(Date.now, saved),
  () => new OverlayNonces(),
);

/** Runs `use` on the nonce table and saves it (every use may register, claim, extend or prune). */
async function withNonces<T>(use: (table: OverlayNonces) => T): Promise<T> {
  const table = await nonceTable;
  try {
    return use(table);
  } finally {
    await savedNonces.setValue(table.snapshot());
  }
}

/** An overlay frame may ask its few things, and only with the nonce it claimed for its tab. */
async function overlayMayAsk(type: MessageType, sender: Browser.runtime.MessageSender, nonce: string | undefined): Promise<boolean> {
  if (!isOverlayFrame(sender) || !OVERLAY_MESSAGES.has(type)) return false;
  return type === 'overlay.claim' || withNonces((table) => table.check(nonce, sender.tab?.id));
}

export default defineBackground(() => {
  browser.runtime.onInstalled.addListener(createContextMenu);

  browser.contextMenus.onClicked.addListener((info, tab) => {
    // Firefox names the element under the menu; Chromium gives only the URL (the content script matches it).
    const targetElementId = (info as { targetElementId?: number }).targetElementId;
    if (info.menuItemId === FIX_IMAGE_MENU_ID) void onFixImageMenu({ srcUrl: info.srcUrl, frameId: info.frameId, frameUrl: info.frameUrl, pageUrl: info.pageUrl, targetElementId }, tab);
  });
  exposeMenuHandler(onFixImageMenu);
  // A site the user just allowed (the side panel asked, or the browser's site-access settings): open where it was missing.
  browser.permissions.onAdded.addListener(() => void reopenWhereAllowed());
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
        const tabId = sender.tab.id;
        return withNonces((table) => table.register(nonce, tabId)).then(() => ({ registered: true as const }));
      },
      'overlay.blocked': ({ reason, sessionId }, sender) => noteOverlayFailure(sender.tab?.id, reason, sessionId),
      'overlay.claim': ({ nonce }, sender) => withNonces((table) => ({ tabId: table.claim(nonce, sender.tab?.id) })),
      'overlay.verify': ({ nonce, tabId }) => withNonces((table) => ({ valid: table.check(nonce, tabId) })),
      'image.fetch': ({ url, referrer }) => fetchPageImage(url, referrer),
      'image.put': ({ dataUrl }) => putImageFromDataUrl(dataUrl),
      'image.preview': (request) => previewImage(request),
      'image.downscale': (request) => downscaleStoredImage(request),
      'session.create': (request) => openSession(request),
      'session.save-mask': (request) => saveSessionMask(request),
      'tab.capture': (region, sender) => captureTabRegion(sender.tab, region),
      'autopilot.phrase': (request) => findTargetPhrase(request),
      'settings.runtime': async () => ({
        modelHost: await modelHost.getValue(),
        device: await devicePreference.getValue(),
        idleSeconds: await modelIdleSeconds.getValue(),
        ...(await testRuntimeFlags()),
      }),
    },
    {
      accept: async (type, sender, nonce) => {
        // Only the inference host asks about nonces (Firefox: this event page itself).
        if (type === 'overlay.verify') return extensionPath(sender) === '/offscreen.html' || sender.url === location.href;
        return isExtensionPage(sender) || (CONTENT_SCRIPT_MESSAGES.has(type) && isContentScript(sender)) || (await overlayMayAsk(type, sender, nonce));
      },
      route: (type, payload, sender, nonce) => {
        if (messages[type].to !== 'offscreen') return undefined;
        return (async () => {
          // Inference is for extension pages and our overlay frames only: a content script (or the page behind it) may not drive it.
          if (!isExtensionPage(sender) && !(await overlayMayAsk(type, sender, nonce))) {
            return { ok: false as const, error: { code: 'refused', message: `${type}: not allowed from this sender` } };
          }
          // Firefox: inference runs in this event page, which stays awake while jobs run (no document to lose).
          if (import.meta.env.FIREFOX) return askInferenceHere(type, payload);
          const reply = await inpaintJobs.beforeForward().then(() => askOffscreen(type, payload));
          return type === 'jobs.list' ? inpaintJobs.withLostJobs(reply) : reply;
        })();
      },
    },
  );
});
