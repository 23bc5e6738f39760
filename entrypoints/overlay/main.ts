/**
 * The overlay frame's entry: it trusts only the MessagePort handed over with the nonce in its own
 * URL fragment, and only after the background confirms our content script registered that nonce.
 */
import { mount } from 'svelte';
import { send, signRequestsWith } from '@/utils/messaging';
import App from './App.svelte';

const nonce = location.hash.slice(1);
const target = document.getElementById('app');

window.addEventListener('message', async function handshake(event: MessageEvent<unknown>) {
  const data = event.data;
  const port = event.ports[0];
  if (!port || typeof data !== 'object' || data === null || !('nonce' in data) || data.nonce !== nonce) return;
  window.removeEventListener('message', handshake);
  try {
    await send('overlay.claim', { nonce });
    signRequestsWith(nonce); // every later request carries it, and each receiver checks it
  } catch {
    port.close();
    return; // embedded by someone else: stay blank
  }
  if (target) mount(App, { target, props: { port } });
});
