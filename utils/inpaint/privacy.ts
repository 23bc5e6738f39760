/** Where pixels may go when the user chose "never send pixels off this machine", pure. */

/** True only for loopback hosts (this machine): 127.0.0.0/8, localhost, ::1. A LAN host is another machine. */
export function isOnThisMachine(baseUrl: string): boolean {
  let hostname: string;
  try {
    hostname = new URL(baseUrl).hostname;
  } catch {
    return false;
  }
  if (hostname === 'localhost' || hostname.endsWith('.localhost') || hostname === '[::1]') return true;
  return /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(hostname);
}

/**
 * The one rule every path that sends image data applies (image edits, img2img, the LLM's crop,
 * anything later): with "never send pixels off this machine" on, only a server on this computer
 * may receive pixels.
 */
export function mayReceivePixels(baseUrl: string, switchOn: boolean): boolean {
  return !switchOn || isOnThisMachine(baseUrl);
}
