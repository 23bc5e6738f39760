import { browser } from 'wxt/browser';
import { serve } from '@/utils/messaging';
import { messages } from '@/utils/protocol';
import { devicePreference, modelHost, modelIdleSeconds } from '@/utils/settings';
import { createContextMenu, FIX_IMAGE_MENU_ID, openEditor } from './editor';
import { askOffscreen } from './offscreen-lifecycle';

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

  serve(
    'background',
    {
      'settings.runtime': async () => ({
        modelHost: await modelHost.getValue(),
        device: await devicePreference.getValue(),
        idleSeconds: await modelIdleSeconds.getValue(),
      }),
    },
    {
      accept: (_type, sender) => isExtensionPage(sender),
      route: (type, payload, sender) => {
        if (messages[type].to !== 'offscreen') return undefined;
        // Inference is for extension pages only: a content script (or the page behind it) may not drive it.
        if (!isExtensionPage(sender)) {
          return Promise.resolve({ ok: false, error: { code: 'refused', message: `${type}: not allowed from this sender` } });
        }
        return askOffscreen(type, payload);
      },
    },
  );
});
