import { describe, expect, it } from 'vitest';
import { noticeFor } from './editor-notice';

describe('noticeFor', () => {
  it('names the site of a cross-origin frame the extension cannot reach, and what to do', () => {
    const text = noticeFor({ kind: 'unreachable', pageUrl: 'https://gen.example/gallery', frameUrl: 'https://other.site:8443/embed?id=1', frameId: 3 });
    expect(text).toMatch(/frame from other\.site:8443 that the extension cannot reach/);
    expect(text).toMatch(/open the frame's page in its own tab/);
  });

  it('offers to allow the site of a cross-origin frame where the user may', () => {
    const access = { pattern: 'https://other.site/*', host: 'other.site:8443' };
    const text = noticeFor({ kind: 'unreachable', pageUrl: 'https://gen.example/gallery', frameUrl: 'https://other.site:8443/embed?id=1', frameId: 3, access });
    expect(text).toMatch(/frame from other\.site:8443, a site the extension may not read yet: allow it below/);
  });

  it("says a browser page is off limits, without its query", () => {
    expect(noticeFor({ kind: 'unreachable', pageUrl: 'chrome://settings/?q=x', frameId: 0 })).toMatch(/cannot open on this page \(chrome:\/\/settings\/\)/);
  });

  it('asks for a reload where a web page itself could not be reached', () => {
    expect(noticeFor({ kind: 'unreachable', pageUrl: 'https://gen.example/a' })).toMatch(/cannot reach gen\.example: reload/);
  });

  it("passes the content script's reason on, with what to do", () => {
    const text = noticeFor({ kind: 'refused', reason: 'The image could not be found on the page' });
    expect(text).toMatch(/^The image could not be found on the page\. Right-click the image itself/);
  });

  it('keeps a reason that already says why or what to do as it is', () => {
    expect(noticeFor({ kind: 'refused', reason: 'This page blocked the overlay: mark the region in the side panel instead' })).toBe('This page blocked the overlay: mark the region in the side panel instead.');
  });

  it('tells the user to reload when the page never answered', () => {
    expect(noticeFor({ kind: 'no-answer' })).toMatch(/did not answer: reload/);
  });
});
