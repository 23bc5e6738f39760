import { describe, expect, it } from 'vitest';
import { isExtensionPage, isOverlayFrame, serve, useRuntimeLink, type RuntimeLink } from './messaging';

// Node gives non-special schemes (chrome-extension:) the origin "null": a special one stands in.
const ORIGIN = 'https://ourid.extension.test';
type Listener = Parameters<RuntimeLink['onMessage']['addListener']>[0];
const listeners: Listener[] = [];
useRuntimeLink({
  sendMessage: () => Promise.resolve(undefined),
  onMessage: { addListener: (l) => void listeners.push(l), removeListener: (l) => void listeners.splice(listeners.indexOf(l), 1) },
  self: () => ({ id: 'ourid', url: `${ORIGIN}/background.js` }),
  extensionOrigin: () => ORIGIN,
});

const background = { id: 'ourid', url: `${ORIGIN}/background.js` };
const sidePanel = { id: 'ourid', url: `${ORIGIN}/sidepanel.html` };
const panelInTab = { id: 'ourid', url: `${ORIGIN}/sidepanel.html`, tab: { id: 9 } as never };
const overlayFrame = { id: 'ourid', url: `${ORIGIN}/overlay.html#n`, tab: { id: 4 } as never };
const contentScript = { id: 'ourid', url: 'https://site.example/page', tab: { id: 4 } as never };
const otherExtension = { id: 'evil', url: 'chrome-extension://evil/background.js' };

describe('who may talk to whom', () => {
  it('an extension page is one of ours, in a tab or not: not a content script, not an overlay frame, not another extension', () => {
    expect(isExtensionPage(background)).toBe(true);
    expect(isExtensionPage(sidePanel)).toBe(true);
    expect(isExtensionPage(panelInTab)).toBe(true);
    expect(isExtensionPage(overlayFrame)).toBe(false);
    expect(isExtensionPage(contentScript)).toBe(false);
    expect(isExtensionPage(otherExtension)).toBe(false);
    expect(isOverlayFrame(overlayFrame)).toBe(true);
  });

  it('a content script serves only extension pages: an overlay frame or another content script gets "refused" and the handler never runs', async () => {
    let ran = 0;
    const stop = serve('content', { 'content.replace-image': () => ((ran += 1), { replaced: true }) as never }, { accept: (_t, sender) => isExtensionPage(sender) });
    const ask = (sender: object) =>
      new Promise((resolve) => {
        const answer: unknown = listeners.at(-1)!({ to: 'content', type: 'content.replace-image', payload: { pageUrl: 'https://site.example/page', blobUrl: 'blob:chrome-extension://ourid/abc-1' } }, sender as never, resolve);
        if (answer instanceof Promise) void answer.then(resolve);
      });
    expect(await ask(overlayFrame)).toMatchObject({ ok: false, error: { code: 'refused' } });
    expect(await ask(contentScript)).toMatchObject({ ok: false, error: { code: 'refused' } });
    expect(ran).toBe(0);
    expect(await ask(background)).toMatchObject({ ok: true });
    expect(ran).toBe(1);
    stop();
  });
});
