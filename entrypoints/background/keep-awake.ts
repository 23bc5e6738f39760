/**
 * Firefox suspends an idle background event page (pref `extensions.background.idle.timeout`:
 * 30 s by default, 0.1 s at least), dropping whatever it holds in memory. Each call the event page
 * makes to an API implemented in Firefox's parent process resets that timer (ExtensionParent,
 * reset reason "parentapicall"), so while inference work runs here a cheap one is made every
 * second. Nothing else is kept alive: once the work settles, the page may suspend as usual.
 */
import { browser } from 'wxt/browser';

const PERIOD_MS = 1000;
let holds = 0;
let timer: ReturnType<typeof setInterval> | undefined;

export async function keepAwakeWhile<T>(work: Promise<T>): Promise<T> {
  if (holds++ === 0) timer = setInterval(() => void browser.runtime.getPlatformInfo(), PERIOD_MS);
  try {
    return await work;
  } finally {
    if (--holds === 0) clearInterval(timer);
  }
}
