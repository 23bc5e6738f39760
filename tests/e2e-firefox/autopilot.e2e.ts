/**
 * The autopilot in Firefox: the event page runs the text-prompted detector (transformers.js, the
 * tiny OWL-ViT) and SAM on the backend Firefox offers; in the sidebar, "the river should be
 * chocolate" proposes the river (IoU ≥ 0.9) and Accept makes it the session's mask.
 */
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { Page } from 'puppeteer-core';
import { fnv1a } from '../../utils/checksum';
import { encodeMaskRle } from '../../utils/mask/rle';
import { inPage, launchFirefox, type FirefoxHarness } from '../harness/firefox';
import { iou, SCENES, shapeMask } from '../harness/scenes';
import { readSession, readStored, step, storeImageFromUrl, type Chrome, type InPage, type Reply } from '../e2e/support';

const siteUrl = inject('siteUrl');
const scene = SCENES.river;

let fox: FirefoxHarness;
let panelPage: Page;
let panel: InPage;

beforeAll(async () => {
  fox = await launchFirefox();
  await fox.setSettings({ modelHost: inject('hubUrl') });
  panelPage = await fox.openExtensionPage('sidepanel.html');
  panel = inPage(panelPage);
});
afterAll(async () => {
  await fox?.close();
});

/** A request to the background from the sidebar tab (as the sidebar makes it). */
async function toBackground<T>(type: string, payload: unknown): Promise<T> {
  const reply = await panelPage.evaluate(
    ([t, p]) => (globalThis as unknown as { chrome: Chrome }).chrome.runtime.sendMessage({ to: 'background', type: t, payload: p }) as Promise<Reply<T>>,
    [type, payload] as const,
  );
  if (!reply.ok) throw new Error(`${type} failed: ${reply.error?.code}: ${reply.error?.message}`);
  return reply.value as T;
}

describe('Firefox: autopilot', () => {
  it('the sidebar proposes the river for "the river should be chocolate"; Accept makes it the session\'s mask', { timeout: 240_000 }, async () => {
    const image = await storeImageFromUrl(panel, `${siteUrl}/img/river.png`);
    const { sessionId } = await toBackground<{ sessionId: string }>('session.create', { image, width: scene.width, height: scene.height, source: { pageUrl: `${siteUrl}/gallery.html` } });
    // What the overlay's Continue does with nothing marked: the sidebar opens the session, to be marked there.
    await toBackground('session.save-mask', { sessionId, width: scene.width, height: scene.height, rle: encodeMaskRle(new Uint8Array(scene.width * scene.height)) });
    await panelPage.waitForSelector(`[data-testid="session"][data-session-id="${sessionId}"]`, { timeout: 30_000 });
    await panelPage.waitForSelector('[data-testid="panel-autopilot-intent"]');

    await panelPage.bringToFront();
    await panelPage.click('[data-testid="panel-autopilot-intent"]');
    await panelPage.keyboard.type('the river should be chocolate');
    await panelPage.keyboard.press('Enter');
    const proposal = await panelPage.waitForSelector('[data-testid="panel-autopilot-proposal"]', { timeout: 180_000 }).catch(async (error: unknown) => {
      const said = await panelPage.$eval('[data-testid="panel-autopilot"]', (el) => el.textContent).catch(() => '?');
      throw new Error(`no proposal; the sidebar says: ${said}`, { cause: error });
    });
    expect(await proposal!.evaluate((el) => el.getAttribute('data-phrase'))).toBe('the river');
    const checksum = await proposal!.evaluate((el) => el.getAttribute('data-checksum'));

    await panelPage.click('[data-testid="panel-autopilot-accept"]');
    await panelPage.waitForSelector(`[data-session-id="${sessionId}"] [data-testid="panel-mask"][data-checksum="${checksum}"]`, { timeout: 30_000 });
    const session = await step('read the session', () => readSession(panel, sessionId));
    const mask = await step('read the mask', () => readStored(panel, session.mask!));
    expect(fnv1a(mask.data)).toBe(checksum);
    expect(iou(mask.data, shapeMask(scene, 'river'))).toBeGreaterThanOrEqual(0.9);
  });
});
