/**
 * Autopilot on the page, as a user does it: open the overlay on the river, type what is wrong
 * ("the river should be chocolate"), press Enter; the text-prompted detector (the tiny OWL-ViT)
 * finds "the river", SAM refines its box, and the proposal is shown without touching the mask.
 * Discard leaves the mask as it was; Accept makes the proposal the session's mask. The side panel
 * offers the same on the session's image. With an LLM configured (the OpenAI stub), the LLM names
 * the thing when the rules cannot ("make it chocolate" on "a river in a valley" → "the river").
 */
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { Locator, Page } from 'playwright-core';
import { fnv1a } from '../../utils/checksum';
import { backendFromEnv, launchExtension, type ExtensionHarness } from '../harness/extension';
import { iou, SCENES, shapeMask } from '../harness/scenes';
import { answer, startOpenAiStub, type OpenAiStub } from '../servers/openai-stub';
import { openOverlay, overlayFrame, readSession, readStored, step } from './support';

const backend = backendFromEnv();
const siteUrl = inject('siteUrl');
const hubUrl = inject('hubUrl');
const scene = SCENES.river;

let ext: ExtensionHarness;
let stub: OpenAiStub;

beforeAll(async () => {
  stub = await startOpenAiStub();
  // The phrase question (its system prompt asks for "target") about a river prompt gets "the river"; anything else the default reply.
  stub.route('POST', '/v1/chat/completions', async (request, _req, res) => {
    const text = JSON.stringify(request.body);
    const asksTarget = text.includes('{\\"target\\"') && text.includes('a river in a valley');
    await answer(asksTarget ? { kind: 'reply', content: JSON.stringify({ target: 'the river' }) } : { kind: 'reply' }, request, res);
  });
  ext = await launchExtension({ backend });
  await ext.setSettings({ modelHost: hubUrl });
});
afterAll(async () => {
  await ext?.close();
  await stub?.close();
});

/** Types into a panel field as a user does: click it, select all, type. */
async function typeInto(panel: Page, testId: string, text: string): Promise<void> {
  const input = panel.locator(`[data-testid="${testId}"]`);
  await input.scrollIntoViewIfNeeded(); // page.mouse clicks only what is in view
  const box = (await input.boundingBox())!;
  await panel.mouse.click(box.x + 20, box.y + Math.min(box.height / 2, 12));
  await panel.keyboard.press('Control+A');
  await panel.keyboard.type(text);
}

/** Opens the river in the overlay and continues with nothing marked: the panel opens the session. */
async function sessionInPanel(test: string): Promise<{ panel: Page; sessionId: string }> {
  const panel = await ext.openExtensionPage('sidepanel.html');
  const page = await ext.openPage(`${siteUrl}/gallery.html?test=${test}`);
  await page.bringToFront();
  await page.waitForSelector('body[data-ready]');
  expect(await step('open the overlay', () => openOverlay(ext.serviceWorker, page, `${siteUrl}/img/river.png`))).toEqual({ ok: true, value: { opened: true } });
  const frame = await overlayFrame(page);
  const sessionId = (await frame.locator('canvas[data-testid="mask-canvas"]').getAttribute('data-session'))!;
  await frame.locator('[data-action="continue"]').click();
  await frame.waitForSelector('[data-action="continue"]:has-text("Sent")');
  await panel.bringToFront();
  await panel.waitForSelector(`[data-testid="session"][data-session-id="${sessionId}"]`, { timeout: 30_000 });
  await panel.waitForSelector('[data-testid="panel-autopilot"]');
  return { panel, sessionId };
}

/** The panel's proposal once it shows, or an error that says what the panel says instead. */
async function panelProposal(panel: Page): Promise<Locator> {
  const proposal = panel.locator('[data-testid="panel-autopilot-proposal"]');
  try {
    await proposal.waitFor({ timeout: 180_000 });
  } catch (error) {
    throw new Error(`no proposal; the panel says: ${await panel.locator('[data-testid="panel-autopilot"]').innerText()}`, { cause: error });
  }
  return proposal;
}

/** Accepts the panel's proposal; returns the session's mask once it is the proposal. */
async function acceptProposal(panel: Page, sessionId: string, checksum: string | null): Promise<Uint8Array> {
  await panel.locator('[data-testid="panel-autopilot-accept"]').click();
  await panel.waitForSelector(`[data-session-id="${sessionId}"] [data-testid="panel-mask"][data-checksum="${checksum}"]`, { state: 'attached', timeout: 30_000 });
  const session = await step('read the session', () => readSession(panel, sessionId));
  return (await step('read the mask', () => readStored(panel, session.mask!))).data;
}

describe(`autopilot (${backend})`, () => {
  // Software WebGPU under load is slow: one long deadline, no retries.
  it('"the river should be chocolate" proposes the river; Discard keeps the mask, Accept makes it the session\'s mask', { timeout: 240_000 }, async () => {
    const panel = await ext.openExtensionPage('sidepanel.html');
    const page = await ext.openPage(`${siteUrl}/gallery.html?test=autopilot`);
    await page.bringToFront();
    await page.waitForSelector('body[data-ready]');
    expect(await step('open the overlay', () => openOverlay(ext.serviceWorker, page, `${siteUrl}/img/river.png`))).toEqual({ ok: true, value: { opened: true } });
    const frame = await overlayFrame(page);
    const canvas = frame.locator('canvas[data-testid="mask-canvas"]');
    const version = await canvas.getAttribute('data-version');

    const find = async () => {
      const input = frame.locator('[data-testid="autopilot-intent"]');
      const box = (await input.boundingBox())!;
      await page.bringToFront(); // input events to a background tab are never acknowledged
      await page.mouse.click(box.x + 20, box.y + box.height / 2);
      await page.keyboard.press('Control+A');
      await page.keyboard.type('the river should be chocolate');
      await page.keyboard.press('Enter');
      const proposal = frame.locator('[data-testid="autopilot-proposal"]');
      try {
        await proposal.waitFor({ timeout: 180_000 });
      } catch (error) {
        throw new Error(`no proposal; the overlay says: ${await frame.locator('[data-testid="overlay-status"]').innerText()}`, { cause: error });
      }
      expect(await proposal.getAttribute('data-phrase')).toBe('the river');
      return proposal;
    };

    // Discard: the proposal goes, the mask never changed.
    let proposal = await find();
    expect(await canvas.getAttribute('data-version')).toBe(version);
    await frame.locator('[data-action="proposal-discard"]').click();
    await proposal.waitFor({ state: 'detached' });
    expect(await canvas.getAttribute('data-version')).toBe(version);

    // Accept: the proposal is the session's mask, and it is the river.
    proposal = await find();
    const checksum = await proposal.getAttribute('data-checksum');
    await frame.locator('[data-action="proposal-accept"]').click();
    await frame.waitForSelector('[data-action="continue"]:has-text("Sent")', { timeout: 30_000 });
    const sessionId = await canvas.getAttribute('data-session');
    const session = await step('read the session', () => readSession(panel, sessionId!));
    const mask = await step('read the mask', () => readStored(panel, session.mask!));
    expect(fnv1a(mask.data)).toBe(checksum);
    expect(iou(mask.data, shapeMask(scene, 'river'))).toBeGreaterThanOrEqual(0.9);
    await panel.waitForSelector(`[data-session-id="${sessionId}"] [data-testid="panel-mask"][data-checksum="${checksum}"]`, { state: 'attached', timeout: 30_000 });
    await ext.screenshot(page, `autopilot-${backend}`);
    expect(ext.consoleErrors).toEqual([]);
  });

  it('in the side panel: the same intent proposes the river; Edit opens the mask tools on it, Accept makes it the session\'s mask', { timeout: 240_000 }, async () => {
    // Continue with nothing marked: the panel opens the session, to be marked there.
    const { panel, sessionId } = await sessionInPanel('autopilot-panel');

    const find = async () => {
      await typeInto(panel, 'panel-autopilot-intent', 'the river should be chocolate');
      await panel.keyboard.press('Enter');
      const proposal = await panelProposal(panel);
      expect(await proposal.getAttribute('data-phrase')).toBe('the river');
      return proposal.getAttribute('data-checksum');
    };

    // Edit: the panel's mask tools open on the proposal (it is marked, ready to use or change).
    await find();
    await panel.locator('[data-testid="panel-autopilot-edit"]').click();
    await panel.waitForSelector('[data-testid="painter-canvas"]');
    await expect.poll(() => panel.locator('[data-testid="painter-done"]').isEnabled()).toBe(true);
    await panel.getByRole('button', { name: 'Cancel', exact: true }).click();
    await panel.waitForSelector('[data-testid="painter-canvas"]', { state: 'detached' });

    // Accept: the proposal is the session's mask, and it is the river.
    const checksum = await find();
    const mask = await acceptProposal(panel, sessionId, checksum);
    expect(fnv1a(mask)).toBe(checksum);
    expect(iou(mask, shapeMask(scene, 'river'))).toBeGreaterThanOrEqual(0.9);
    await ext.screenshot(panel, `autopilot-panel-${backend}`);
    expect(ext.consoleErrors).toEqual([]);
  });
  it('with an LLM configured, "make it chocolate" on "a river in a valley" proposes the river, named by the LLM from text only', { timeout: 240_000 }, async () => {
    stub.reset();
    await ext.setSettings({ llmProvider: 'openai-compatible', llmBaseUrl: stub.baseUrl, llmModel: 'stub-mini', llmApiKeys: {}, llmSendPixels: true, neverSendPixels: false, llmTimeoutSeconds: 20 });
    try {
      const { panel, sessionId } = await sessionInPanel('autopilot-llm');
      await typeInto(panel, 'refine-original', 'a river in a valley');
      await typeInto(panel, 'panel-autopilot-intent', 'make it chocolate');
      await panel.keyboard.press('Enter');
      const proposal = await panelProposal(panel);
      expect(await proposal.getAttribute('data-phrase')).toBe('the river');
      expect(await panel.locator('[data-testid="panel-autopilot"] [role="status"]').innerText()).toMatch(/Found “the river”.*the LLM chose it/);
      // One text-only question: the intent and the prompt went to the LLM, no pixels (although sending pixels is allowed for refinement).
      const asked = stub.requests.filter((r) => r.path === '/v1/chat/completions');
      expect(asked).toHaveLength(1);
      const body = JSON.stringify(asked[0]?.body);
      expect(body).toContain('make it chocolate');
      expect(body).not.toMatch(/image_url|base64/);

      const mask = await acceptProposal(panel, sessionId, await proposal.getAttribute('data-checksum'));
      expect(iou(mask, shapeMask(scene, 'river'))).toBeGreaterThanOrEqual(0.9);
      expect(ext.consoleErrors).toEqual([]);
    } finally {
      await ext.setSettings({ llmProvider: 'none' });
    }
  });
});
