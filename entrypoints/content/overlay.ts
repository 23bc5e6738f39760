/**
 * The in-page overlay: a closed shadow root pinned over the chosen image, isolated from the
 * page's CSS and scripts. Esc closes it. (Segmentation tools mount here.)
 */

const HOST_TAG = 'inpaint-biases-overlay';
let current: { host: HTMLElement; stop: AbortController } | undefined;

/** The page's <img> showing `srcUrl` (by current or declared source). */
export function findImage(srcUrl: string | undefined): HTMLImageElement | undefined {
  if (!srcUrl) return undefined;
  for (const img of document.querySelectorAll('img')) {
    if (img.currentSrc === srcUrl || img.src === srcUrl) return img;
  }
  return undefined;
}

export function closeOverlay(): void {
  current?.stop.abort();
  current?.host.remove();
  current = undefined;
}

export function openOverlay(srcUrl: string | undefined): { opened: boolean; reason?: string } {
  const image = findImage(srcUrl);
  if (!image) return { opened: false, reason: 'The image could not be found on the page' };
  closeOverlay();
  const stop = new AbortController();
  const host = document.createElement(HOST_TAG);
  const root = host.attachShadow({ mode: 'closed' });
  root.innerHTML = `<style>
    :host { all: initial; position: fixed; z-index: 2147483647; pointer-events: none; }
    .frame { position: absolute; inset: 0; outline: 3px solid #7c4dff; outline-offset: -3px; border-radius: 2px; }
    .label { position: absolute; left: 0; top: -26px; font: 12px/1.6 system-ui, sans-serif; background: #7c4dff; color: #fff;
      padding: 2px 8px; border-radius: 4px 4px 0 0; white-space: nowrap; }
  </style><div class="frame" part="frame"></div><div class="label">Inpaint Biases · Esc to close</div>`;
  const place = () => {
    const box = image.getBoundingClientRect();
    Object.assign(host.style, { left: `${box.left}px`, top: `${box.top}px`, width: `${box.width}px`, height: `${box.height}px` });
  };
  place();
  document.documentElement.append(host);
  const options = { signal: stop.signal, passive: true, capture: true };
  window.addEventListener('scroll', place, options);
  window.addEventListener('resize', place, options);
  window.addEventListener('keydown', (event) => event.key === 'Escape' && closeOverlay(), { signal: stop.signal });
  current = { host, stop };
  return { opened: true };
}
