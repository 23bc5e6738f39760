/**
 * The overlay's host element, out of the page's reach: every property that places or shows it is
 * an inline `!important` declaration (the page's own `!important` rules lose to it, `all: unset`
 * included), and it is shown in the top layer as a manual popover, above any z-index, any
 * full-page layer and any `overflow: hidden` or transformed ancestor.
 */
import type { Box } from '@/utils/geometry/overlay-layout';

const FIXED: Readonly<Record<string, string>> = {
  all: 'initial',
  display: 'block',
  position: 'fixed',
  'z-index': '2147483647',
  margin: '0',
  padding: '0',
  border: '0',
  inset: 'auto',
  'max-width': 'none',
  'max-height': 'none',
  'min-width': '0',
  'min-height': '0',
  overflow: 'visible',
  background: 'transparent',
  opacity: '1',
  visibility: 'visible',
  transform: 'none',
  filter: 'none',
  'clip-path': 'none',
  'pointer-events': 'auto',
  'box-sizing': 'border-box',
  'color-scheme': 'normal',
};

/** Places the host at `box` (viewport CSS px), its style inline and important throughout. */
export function pinHost(host: HTMLElement, box: Box): void {
  const style = host.style;
  if (style.getPropertyPriority('position') !== 'important') {
    for (const [property, value] of Object.entries(FIXED)) style.setProperty(property, value, 'important');
  }
  style.setProperty('left', `${box.left}px`, 'important');
  style.setProperty('top', `${box.top}px`, 'important');
  style.setProperty('width', `${box.width}px`, 'important');
  style.setProperty('height', `${box.height}px`, 'important');
}

/** Moves the (attached) host into the top layer; browsers without popovers keep the z-index. */
export function showInTopLayer(host: HTMLElement): void {
  if (!('showPopover' in host)) return;
  host.popover = 'manual';
  try {
    host.showPopover();
  } catch {
    // Not connected or already shown: the fixed position and z-index still hold.
  }
}
