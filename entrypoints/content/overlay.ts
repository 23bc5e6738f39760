/**
 * The in-page overlay: an extension-origin frame inside a closed shadow root, shown in the top
 * layer (a manual popover) over the chosen image. The frame runs the editor tools (its CSP allows
 * WebAssembly even on pages whose CSP forbids it, and the page's scripts and CSS cannot reach
 * into it). This script only places the frame, hands it the image's pixels through a private
 * MessagePort, keeps it in place, and keeps the editor's state so that a frame the page removes
 * comes back as it was (or, if the page keeps removing it, the side panel says so).
 */
import * as v from 'valibot';
import { browser } from 'wxt/browser';
import { withDeadline } from '@/utils/deadline';
import { overlayLayout, type OverlayLayout } from '@/utils/geometry/overlay-layout';
import { send } from '@/utils/messaging';
import { FromFrame, type FrameLayout, type OverlaySnapshot, type OverlayView, type ToFrame } from '@/utils/overlay-port';
import { OVERLAY_BLOCKED } from '@/utils/editor-notice';
import { RemovalPolicy } from '@/utils/overlay-removals';
import { pinHost, showInTopLayer } from './overlay-host';
import { pageContext } from './page-context'; // original prompt (issue #16)
import { readPixels, SiteNotAllowed, type PixelSource } from './pixels';
import type { Target } from './targets';

const HOST_TAG = 'inpaint-biases-overlay';
/** The band's height until the frame has measured it (one row of tools, one of status). */
const BAND_ESTIMATE = 64;
/** How long the frame may take to load, and the background to answer, before we give up. */
const LOAD_DEADLINE_MS = 15_000;
const MESSAGE_DEADLINE_MS = 10_000;

/** One open overlay: the image, its pixels (read once), and the editor's state across the frames the page removed. */
interface Overlay {
  target: Target;
  pixels: Promise<PixelSource>;
  stop: AbortController;
  removals: RemovalPolicy;
  /** The frame now shown, and its port once it loaded. */
  host?: HTMLElement;
  port?: MessagePort;
  /** The editor's last state, handed to a frame that replaces a removed one. */
  state?: OverlaySnapshot;
  /** The screen is being captured: the frame stays hidden meanwhile. */
  capturing?: boolean;
}

let current: Overlay | undefined;

/** Lets the input event that asked to close (Escape in the frame) finish before the frame goes. */
const REMOVE_DELAY_MS = 100;

function closeOverlay(): void {
  if (!current) return;
  const { host, stop, port } = current;
  current = undefined;
  stop.abort();
  port?.close();
  if (!host) return;
  // Give the keyboard back to the page, hide at once, and detach a moment later: tearing down an
  // out-of-process frame while its key event is in flight leaves the event unacknowledged
  // (Chromium then stalls further input to the tab).
  if (document.activeElement === host) host.blur();
  host.style.setProperty('visibility', 'hidden', 'important');
  host.style.setProperty('pointer-events', 'none', 'important');
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
  // Replaced elements draw into the content box; backgrounds are positioned in the padding box
  // (a ::before/::after background is taken to cover its element, as overlays of that kind do).
  const inset = (side: string) => (target.kind === 'svg' || target.kind === 'svg-image' ? 0 : px(style, `border-${side}-width`) + (target.kind === 'background' ? 0 : px(style, `padding-${side}`)));
  const left = box.left + inset('left');
  const top = box.top + inset('top');
  const width = box.right - inset('right') - left;
  const height = box.bottom - inset('bottom') - top;
  if (target.kind === 'canvas' && target.drawn) {
    // Only the drawn part of the canvas is edited: the surface covers that part of its box.
    const [sx, sy] = [width / target.element.width, height / target.element.height];
    const { x, y, width: w, height: h } = target.drawn;
    return { left: left + x * sx, top: top + y * sy, view: { width: w * sx, height: h * sy, fit: { kind: 'object', fit: 'fill', position: '50% 50%' } } };
  }
  const fit = fitOf(target, style);
  return { left, top, view: { width, height, fit } };
}

/** How the target's image is fitted into its box (SVG: its preserveAspectRatio, meet by default). */
function fitOf(target: Target, style: CSSStyleDeclaration): OverlayView['fit'] {
  if (target.kind === 'background') {
    const drawn = target.pseudo ? getComputedStyle(target.element, target.pseudo) : style;
    return { kind: 'background', size: drawn.backgroundSize, position: drawn.backgroundPosition };
  }
  if (target.kind === 'svg' || target.kind === 'svg-image') {
    const none = target.element.getAttribute('preserveAspectRatio')?.trim() === 'none';
    return { kind: 'object', fit: none ? 'fill' : 'contain', position: '50% 50%' };
  }
  return { kind: 'object', fit: style.objectFit, position: style.objectPosition };
}

function viewport(): { width: number; height: number } {
  const root = document.documentElement;
  return { width: root.clientWidth || window.innerWidth, height: root.clientHeight || window.innerHeight };
}

/** Where the frame goes now, and the view (surface size and fit) it draws the mask in. */
function measure(target: Target, bandHeight: number): { layout: OverlayLayout; view: OverlayView } {
  const { left, top, view } = viewOf(target);
  const layout = overlayLayout({ left, top, width: view.width, height: view.height }, viewport(), bandHeight);
  // A magnified surface shows the whole image, fitted into the thumbnail's (scaled) box.
  const shown: OverlayView = layout.magnified ? { width: layout.surface.width, height: layout.surface.height, fit: { kind: 'object', fit: 'contain', position: '50% 50%' } } : view;
  return { layout, view: shown };
}

function forFrame({ surface, band, bandSide, magnified }: OverlayLayout): FrameLayout {
  return { surface, band, bandSide, magnified };
}

/** The same element as a target again, with the source it shows now. */
function retarget(target: Target): Target {
  return target.kind === 'img' ? { ...target, url: target.element.currentSrc || target.element.src } : target;
}

/** Resolves once `host` is no longer in the document. */
function removal(host: HTMLElement, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const observer = new MutationObserver(() => {
      if (!host.isConnected) resolve();
    });
    observer.observe(document, { childList: true, subtree: true });
    signal.addEventListener('abort', () => observer.disconnect());
  });
}

/** Resolves once the page has painted twice (what it shows now is on screen), or after a moment in a tab that does not paint. */
function painted(): Promise<void> {
  return new Promise((resolve) => {
    setTimeout(resolve, PAINT_WAIT_MS);
    requestAnimationFrame(() => requestAnimationFrame(() => resolve()));
  });
}
const PAINT_WAIT_MS = 250;

/** A screen capture shows the page, not our overlay over the image: hide it until the capture is taken. */
function hideWhileCapturing(overlay: Pick<Overlay, 'host' | 'capturing' | 'stop'>): () => Promise<() => void> {
  const show = (visible: boolean) => overlay.host?.style.setProperty('visibility', visible ? 'visible' : 'hidden', 'important');
  return async () => {
    overlay.capturing = true;
    show(false);
    await painted();
    return () => {
      overlay.capturing = false;
      if (!overlay.stop.signal.aborted) show(true); // a closed overlay stays hidden
    };
  };
}

export async function openOverlay(target: Target): Promise<{ opened: boolean; reason?: string }> {
  closeOverlay();
  const base: Omit<Overlay, 'pixels'> = { target, stop: new AbortController(), removals: new RemovalPolicy() };
  // Read in parallel with the frame's load (the same object: the frame it shows later hides for a capture).
  const overlay: Overlay = Object.assign(base, { pixels: readPixels(target, hideWhileCapturing(base)) });
  overlay.pixels.catch(() => undefined); // not unhandled when the frame never loads (awaited below otherwise)
  current = overlay;
  return mount(overlay, 0);
}

/** The page removed the overlay's frame: put it back with the editor's state, or tell the side panel the page blocks it. */
function onRemoved(overlay: Overlay, attempt: number): Promise<{ opened: boolean; reason?: string }> {
  if (overlay.removals.removed(performance.now()) === 'reattach') return mount(overlay, attempt + 1);
  closeOverlay();
  return Promise.resolve({ opened: false, reason: OVERLAY_BLOCKED });
}

/** Once the overlay was open, a failure has no reply to ride on: the background shows it in the side panel. */
function reportLater(overlay: Overlay, result: { opened: boolean; reason?: string }): void {
  if (result.opened) return;
  void send('overlay.blocked', { reason: result.reason ?? 'The editor frame did not load', sessionId: overlay.state?.sessionId }).catch(() => undefined);
}

/** Shows a frame over the target; `attempt` > 0: the page removed the previous one. */
async function mount(overlay: Overlay, attempt: number): Promise<{ opened: boolean; reason?: string }> {
  const { target } = overlay;
  const nonce = crypto.randomUUID();
  await withDeadline(send('overlay.register', { nonce }), MESSAGE_DEADLINE_MS, 'The extension did not answer: reload the page and try again');
  if (current !== overlay) return { opened: false, reason: 'Closed while opening' };

  // This frame's listeners end with it (removed by the page) or with the overlay (closed).
  const gone = new AbortController();
  const signal = AbortSignal.any([overlay.stop.signal, gone.signal]);
  const host = document.createElement(HOST_TAG);
  const root = host.attachShadow({ mode: 'closed' });
  const frame = document.createElement('iframe');
  frame.src = `${browser.runtime.getURL('/overlay.html')}#${nonce}`;
  frame.title = 'Inpaint Biases editor';
  root.innerHTML = `<style>
    iframe { all: initial !important; display: block !important; width: 100% !important; height: 100% !important; border: 0 !important; color-scheme: normal !important; }
  </style>`;
  root.append(frame);
  overlay.host = host;
  overlay.port = undefined;

  let bandHeight = BAND_ESTIMATE;
  const place = () => {
    const placed = measure(target, bandHeight);
    pinHost(host, placed.layout.frame);
    return placed;
  };
  place();
  if (overlay.capturing) host.style.setProperty('visibility', 'hidden', 'important');
  // Retried where pages that clear the root's foreign children do not look (fixed and top layer: not clipped there).
  (attempt > 0 && document.body ? document.body : document.documentElement).append(host);
  showInTopLayer(host);

  const removed = removal(host, signal).then(() => {
    gone.abort();
    return 'removed' as const;
  });
  const loaded = new Promise<'loaded'>((resolve) => frame.addEventListener('load', () => resolve('loaded'), { once: true }));
  const first = await withDeadline(Promise.race([loaded, removed]), LOAD_DEADLINE_MS, 'The editor frame did not load').catch(() => 'late' as const);
  if (current !== overlay || overlay.host !== host) return { opened: false, reason: 'Closed while opening' };
  if (first === 'removed') return onRemoved(overlay, attempt);
  if (first === 'late') {
    closeOverlay();
    return { opened: false, reason: 'The editor frame did not load' };
  }
  // Removed later: put back with the editor's state, or reported (the open request has had its answer).
  void removed.then(() => {
    if (current === overlay && overlay.host === host) void onRemoved(overlay, attempt).then((result) => reportLater(overlay, result));
  });

  const channel = new MessageChannel();
  // Chromium loads the frame at its per-session URL (use_dynamic_url) but the document has the
  // extension's fixed origin, which getURL('/') gives: only that origin may receive the port.
  frame.contentWindow?.postMessage({ nonce }, new URL(browser.runtime.getURL('/')).origin, [channel.port2]);
  const port = channel.port1;
  overlay.port = port;
  signal.addEventListener('abort', () => port.close());
  const post = (message: ToFrame) => port.postMessage(message);
  const follow = () => {
    if (signal.aborted) return;
    const { layout, view } = place();
    post({ type: 'view', view, layout: forFrame(layout) });
  };
  port.onmessage = (event: MessageEvent<unknown>) => {
    const parsed = v.safeParse(FromFrame, event.data);
    if (!parsed.success || signal.aborted) return;
    const message = parsed.output;
    if (message.type === 'close') closeOverlay();
    else if (message.type === 'reload') void openOverlay(retarget(target));
    else if (message.type === 'state') overlay.state = message.state;
    else if (Math.abs(message.height - bandHeight) > 0.5) {
      bandHeight = message.height;
      follow();
    }
  };

  // The keyboard goes to the editor (arrows, Space, shortcuts), as it does to any dialog opened.
  frame.focus();
  try {
    const { layout, view } = place();
    const source = await withDeadline(overlay.pixels, LOAD_DEADLINE_MS, 'Reading the image took too long');
    post({ type: 'image', source, view, layout: forFrame(layout), page: { url: location.href, srcUrl: 'url' in target ? target.url : undefined, alt: target.element.getAttribute('alt') ?? target.element.getAttribute('aria-label') ?? undefined, context: pageContext(target.element) }, resume: overlay.state });
  } catch (error) {
    post({ type: 'error', message: error instanceof Error ? error.message : String(error), access: error instanceof SiteNotAllowed ? error.access : undefined });
  }

  // Keep the frame pinned over the image through scroll, resize, zoom and layout changes.
  let queued = false;
  const followNextFrame = () => {
    if (queued) return;
    queued = true;
    requestAnimationFrame(() => {
      queued = false;
      follow();
    });
  };
  const options = { signal, passive: true, capture: true };
  window.addEventListener('scroll', followNextFrame, options);
  window.addEventListener('resize', followNextFrame, options);
  const observer = new ResizeObserver(followNextFrame);
  observer.observe(target.element);
  signal.addEventListener('abort', () => observer.disconnect());
  window.addEventListener('keydown', (event) => event.key === 'Escape' && closeOverlay(), { signal });
  // Follow the page: a placeholder replaced by the final image is offered for reloading, never kept silently.
  if (target.kind === 'img') {
    const img = target.element;
    img.addEventListener('load', () => {
      if (img.currentSrc && img.currentSrc !== target.url) post({ type: 'changed', width: img.naturalWidth, height: img.naturalHeight });
    }, { signal });
  }
  return { opened: true };
}
