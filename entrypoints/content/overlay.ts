/**
 * The in-page overlay: an extension-origin frame inside a closed shadow root, pinned over the
 * chosen image. The frame runs the editor tools (its CSP allows WebAssembly even on pages whose
 * CSP forbids it, and the page's scripts and CSS cannot reach into it). This script only places
 * the frame, hands it the image's pixels through a private MessagePort, and keeps it in place.
 */
import { browser } from 'wxt/browser';
import { send } from '@/utils/messaging';
import type { OverlayView, ToFrame } from '@/utils/overlay-port';
import { pageContext } from './page-context'; // original prompt (issue #16)
import { readPixels } from './pixels';
import type { Target } from './targets';

/** Height of the frame's toolbar strip above the image, in CSS px. */
const TOOLBAR_HEIGHT = 44;
const HOST_TAG = 'inpaint-biases-overlay';

let current: { host: HTMLElement; stop: AbortController; port?: MessagePort } | undefined;

/** Lets the input event that asked to close (Escape in the frame) finish before the frame goes. */
const REMOVE_DELAY_MS = 100;

function closeOverlay(): void {
  if (!current) return;
  const { host, stop, port } = current;
  current = undefined;
  stop.abort();
  port?.close();
  // Give the keyboard back to the page, hide at once, and detach a moment later: tearing down an
  // out-of-process frame while its key event is in flight leaves the event unacknowledged
  // (Chromium then stalls further input to the tab).
  if (document.activeElement === host) host.blur();
  host.style.visibility = 'hidden';
  host.style.pointerEvents = 'none';
  setTimeout(() => host.remove(), REMOVE_DELAY_MS);
}

function px(style: CSSStyleDeclaration, property: string): number {
  return Number.parseFloat(style.getPropertyValue(property)) || 0;
}

/** The target's content box (viewport CSS px) and how its image is fitted into it. */
function viewOf(target: Target): { left: number; top: number; view: OverlayView } {
  const element = target.element;
  const box = element.getBoundingClientRect();
  const style = getComputedStyle(element);
  // Replaced elements draw into the content box; backgrounds are positioned in the padding box.
  const inset = (side: string) => px(style, `border-${side}-width`) + (target.kind === 'background' ? 0 : px(style, `padding-${side}`));
  const left = box.left + inset('left');
  const top = box.top + inset('top');
  const width = box.right - inset('right') - left;
  const height = box.bottom - inset('bottom') - top;
  const fit =
    target.kind === 'background'
      ? { kind: 'background' as const, size: style.backgroundSize, position: style.backgroundPosition }
      : { kind: 'object' as const, fit: style.objectFit, position: style.objectPosition };
  return { left, top, view: { width, height, fit } };
}

export async function openOverlay(target: Target): Promise<{ opened: boolean; reason?: string }> {
  closeOverlay();
  const stop = new AbortController();
  const nonce = crypto.randomUUID();
  const pixels = readPixels(target); // in parallel with the frame's load
  await send('overlay.register', { nonce });

  const host = document.createElement(HOST_TAG);
  const root = host.attachShadow({ mode: 'closed' });
  const frame = document.createElement('iframe');
  frame.src = `${browser.runtime.getURL('/overlay.html')}#${nonce}`;
  frame.title = 'Inpaint Biases editor';
  root.innerHTML = `<style>
    :host { all: initial; position: fixed; z-index: 2147483647; display: block; }
    iframe { all: initial; display: block; width: 100%; height: 100%; border: 0; color-scheme: normal; }
  </style>`;
  root.append(frame);
  current = { host, stop };

  const place = () => {
    const { left, top, view } = viewOf(target);
    Object.assign(host.style, { left: `${left}px`, top: `${top - TOOLBAR_HEIGHT}px`, width: `${view.width}px`, height: `${view.height + TOOLBAR_HEIGHT}px` });
    return view;
  };
  place();
  document.documentElement.append(host);
  await new Promise((resolve) => frame.addEventListener('load', resolve, { once: true }));

  const channel = new MessageChannel();
  frame.contentWindow?.postMessage({ nonce }, new URL(frame.src).origin, [channel.port2]);
  const port = channel.port1;
  current.port = port;
  port.onmessage = (event: MessageEvent<{ type?: string }>) => {
    if (event.data?.type === 'close') closeOverlay();
  };

  // The keyboard goes to the editor (arrows, Space, shortcuts), as it does to any dialog opened.
  frame.focus();
  const post = (message: ToFrame) => port.postMessage(message);
  try {
    post({ type: 'image', source: await pixels, view: place(), toolbarHeight: TOOLBAR_HEIGHT, page: { url: location.href, srcUrl: target.kind === 'canvas' ? undefined : target.url, alt: target.element.getAttribute('alt') ?? target.element.getAttribute('aria-label') ?? undefined, context: pageContext(target.element) } });
  } catch (error) {
    post({ type: 'error', message: error instanceof Error ? error.message : String(error) });
  }

  // Keep the frame pinned over the image through scroll, resize, zoom and layout changes.
  let queued = false;
  const follow = () => {
    if (queued) return;
    queued = true;
    requestAnimationFrame(() => {
      queued = false;
      if (current?.host === host) post({ type: 'view', view: place() });
    });
  };
  const options = { signal: stop.signal, passive: true, capture: true };
  window.addEventListener('scroll', follow, options);
  window.addEventListener('resize', follow, options);
  const observer = new ResizeObserver(follow);
  observer.observe(target.element);
  stop.signal.addEventListener('abort', () => observer.disconnect());
  window.addEventListener('keydown', (event) => event.key === 'Escape' && closeOverlay(), { signal: stop.signal });
  return { opened: true };
}
