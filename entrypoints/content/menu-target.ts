/**
 * The image under the context menu. The menu hands the background only the image's URL, which the
 * DOM may no longer have (the page swapped it) or may have twice (the same file in a gallery and
 * a lightbox). Firefox names the element (`menus.getTargetElement`); on Chromium this script
 * records what was under the pointer at each `contextmenu` while it is in the page (from the
 * first activation on; before that, the URL is all there is).
 */
import { browser } from 'wxt/browser';
import { findTargetByUrl, targetAt, type Target } from './targets';

/** A menu older than this is not the one the click came from. */
const MENU_FRESH_MS = 60_000;

let last: { target: Target; at: number } | undefined;

export function watchContextMenu(): void {
  window.addEventListener(
    'contextmenu',
    (event) => {
      const target = targetAt(event.clientX, event.clientY);
      last = target ? { target, at: performance.now() } : undefined;
    },
    { capture: true, passive: true },
  );
}

/** Firefox's element for the menu's `targetElementId` (content scripts only; undefined elsewhere). */
function firefoxTarget(targetElementId: number | undefined): Element | undefined {
  const menus = (browser as unknown as { menus?: { getTargetElement?: (id: number) => Element | null } }).menus;
  if (targetElementId === undefined || !menus?.getTargetElement) return undefined;
  return menus.getTargetElement(targetElementId) ?? undefined;
}

/** The image the menu was opened on: the element under it where known, else the first with the URL. */
export function menuTarget(srcUrl: string, targetElementId?: number): Target | undefined {
  const named = firefoxTarget(targetElementId);
  if (named) {
    const box = named.getBoundingClientRect();
    const target = targetAt(box.left + box.width / 2, box.top + box.height / 2);
    if (target?.element === named) return target;
  }
  const recent = last && performance.now() - last.at < MENU_FRESH_MS && last.target.element.isConnected ? last.target : undefined;
  if (recent && 'url' in recent && recent.url === srcUrl) return recent; // the same file twice: the one under the menu
  return findTargetByUrl(srcUrl) ?? recent; // a URL the DOM no longer has: the element under the menu
}
