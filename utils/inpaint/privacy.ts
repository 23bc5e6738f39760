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
