/**
 * The page's Referer on the extension's own image fetch. Image CDNs often answer 403 to a request
 * without their site's Referer, and `fetch` may not set a cross-origin one. A declarativeNetRequest
 * session rule sets it for this one request only: this URL exactly, GET, from no tab (the
 * background) and initiated by this extension; it is removed as soon as the fetch settles.
 */
import { browser, type Browser } from 'wxt/browser';

/** Ids of our rules; session rules live until the browser closes, so each is removed after use. */
let nextRuleId = 1;

const escapeRegex = (text: string) => text.replace(/[\\^$.*+?()[\]{}|]/g, '\\$&');

/** Runs `run` (the fetch of `url`) with `Referer: referrer` set on that request only. */
export async function withReferer<T>(url: string, referrer: string | undefined, run: () => Promise<T>): Promise<T> {
  const rules = browser.declarativeNetRequest;
  if (!referrer || !rules?.updateSessionRules) return run();
  const id = nextRuleId++;
  const rule: Browser.declarativeNetRequest.Rule = {
    id,
    priority: 1,
    action: {
      type: 'modifyHeaders' as Browser.declarativeNetRequest.RuleActionType,
      requestHeaders: [{ header: 'Referer', operation: 'set' as Browser.declarativeNetRequest.HeaderOperation, value: referrer }],
    },
    condition: {
      regexFilter: `^${escapeRegex(url)}$`,
      tabIds: [-1],
      initiatorDomains: [new URL(browser.runtime.getURL('/')).hostname],
      requestMethods: ['get' as Browser.declarativeNetRequest.RequestMethod],
      resourceTypes: ['xmlhttprequest' as Browser.declarativeNetRequest.ResourceType],
    },
  };
  try {
    await rules.updateSessionRules({ addRules: [rule] });
  } catch {
    return run(); // a URL too long for a rule: fetched without the Referer
  }
  try {
    return await run();
  } finally {
    await rules.updateSessionRules({ removeRuleIds: [id] }).catch(() => undefined);
  }
}
