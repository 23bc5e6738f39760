/**
 * Picker mode (toolbar button, shortcut): highlights the pickable image under the pointer; a
 * click picks it, Esc leaves. Page clicks are swallowed while picking so links don't fire.
 */
import { targetAt, unreachableAt, type Target } from './targets';

/** The picked image, or why none was (Esc, or one out of the extension's reach). */
export function pickImage(): Promise<{ target?: Target; reason?: string }> {
  return new Promise((resolve) => {
    const stop = new AbortController();
    const highlight = document.createElement('inpaint-biases-picker');
    const root = highlight.attachShadow({ mode: 'closed' });
    root.innerHTML = `<style>:host { all: initial; position: fixed; z-index: 2147483646; pointer-events: none; display: none;
      outline: 3px dashed #7c4dff; outline-offset: -3px; background: rgb(124 77 255 / 0.12); }</style>`;
    document.documentElement.append(highlight);
    let hovered: Target | undefined;
    const finish = (picked: { target?: Target; reason?: string }) => {
      stop.abort();
      highlight.remove();
      resolve(picked);
    };
    const options = { signal: stop.signal, capture: true };
    window.addEventListener(
      'pointermove',
      (event) => {
        hovered = targetAt(event.clientX, event.clientY);
        const box = hovered?.element.getBoundingClientRect();
        highlight.style.display = box ? 'block' : 'none';
        if (box) Object.assign(highlight.style, { left: `${box.left}px`, top: `${box.top}px`, width: `${box.width}px`, height: `${box.height}px` });
      },
      options,
    );
    window.addEventListener(
      'click',
      (event) => {
        event.preventDefault();
        event.stopPropagation();
        const target = targetAt(event.clientX, event.clientY) ?? hovered;
        finish(target ? { target } : { reason: unreachableAt(event.clientX, event.clientY) });
      },
      options,
    );
    window.addEventListener('keydown', (event) => event.key === 'Escape' && finish({}), options);
  });
}
