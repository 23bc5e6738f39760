/**
 * The overlay's editor: the shared mask editor (components/mask-editor) on the page image, plus
 * what only the overlay does: storing the image and opening a session, SAM's encode through the
 * background, status lines, the autopilot's proposal, and handing the mask to the side panel.
 */
import { send, sendToOffscreen } from '@/utils/messaging';
import type { RequestOf, RuntimeInfo } from '@/utils/protocol';
import type { ImageSource } from '@/utils/session-store';
import type { OverlaySnapshot } from '@/utils/overlay-port';
import { encodeMaskRle } from '@/utils/mask/rle';
import { phraseSource } from '@/utils/autopilot/phrase-status';
import { proposeMask, type Proposal } from '@/utils/autopilot/propose';
import { MaskEditor } from '@/components/mask-editor/mask-editor.svelte';

export class OverlayEditor extends MaskEditor {
  sessionId = $state<string | undefined>();
  status = $state('Reading the image…');
  note = $state<string | undefined>();
  runtime = $state<RuntimeInfo | undefined>();
  /** The autopilot's proposal on screen, if any: shown like a hover preview, not the mask until accepted. */
  proposal = $state<Proposal | undefined>();

  private imageKey: string | undefined;

  /** Stores the image, opens a session and computes SAM's image embedding (once per image). */
  async start(image: { key: string; width: number; height: number }, source: ImageSource): Promise<void> {
    this.reset(image.width, image.height);
    this.imageKey = image.key;
    this.proposal = undefined;
    this.note = source.note;
    this.sessionId = (await send('session.create', { image: image.key, width: image.width, height: image.height, source })).sessionId;
    this.status = 'Starting the segmentation model…';
    send('runtime.info', {}).then((info) => (this.runtime = info), () => undefined);
    const encoded = await send('sam.encode', { image: image.key });
    this.attach(encoded.embedding);
    this.ready = true;
    void this.measureHover();
    this.status = 'Click the wrong region. Alt-click or right-click to exclude.';
  }

  /** What a frame that replaces this one needs to carry on (once the image is stored, encoded and in a session). */
  saved(): OverlaySnapshot | undefined {
    if (!this.sessionId || !this.imageKey || !this.embedding) return undefined;
    return { sessionId: this.sessionId, image: { key: this.imageKey, width: this.width, height: this.height }, embedding: this.embedding, note: this.note, ...this.snapshot() };
  }

  /** Carries on from the state of a frame the page removed: the same session, embedding and mask. */
  resume(state: OverlaySnapshot): void {
    this.restore(state.image.width, state.image.height, state);
    this.imageKey = state.image.key;
    this.sessionId = state.sessionId;
    this.note = state.note;
    this.proposal = undefined;
    this.attach(state.embedding);
    this.ready = true;
    send('runtime.info', {}).then((info) => (this.runtime = info), () => undefined);
    void this.measureHover();
    this.status = 'The page removed the editor; it is back, with your mask.';
  }

  /**
   * Autopilot: the thing the intent names ("the river should be chocolate" → "the river") is found
   * by the text-prompted detector, and its best box, refined by SAM as a box prompt, becomes the
   * proposal. Nothing changes the mask until the user accepts or edits it.
   */
  async propose(intent: string): Promise<void> {
    if (!this.embedding || !this.imageKey) return;
    this.error = undefined;
    this.proposal = undefined;
    this.busy = true;
    this.status = 'Working out what to look for…';
    try {
      // The overlay knows no original prompt (the side panel does): the LLM works from the intent alone.
      const choice = await send('autopilot.phrase', { intent, originalPrompt: '' });
      const phrase = choice.phrase;
      if (!phrase) {
        this.status = '';
        this.error = 'Say what is wrong and name the thing, e.g. “the river should be chocolate”.';
        return;
      }
      const source = phraseSource(choice);
      this.status = `Looking for “${phrase}” (${source})…`;
      const deps = { detect: (r: RequestOf<'autopilot.detect'>) => sendToOffscreen('autopilot.detect', r), decode: (r: RequestOf<'sam.decode'>) => sendToOffscreen('sam.decode', r) };
      const proposal = await proposeMask(deps, { image: this.imageKey, embedding: this.embedding, width: this.width, height: this.height, phrase });
      if (!proposal) {
        this.status = `Nothing here looks like “${phrase}” (${source}): mark it with the tools, or name it differently.`;
        return;
      }
      this.proposal = proposal;
      this.status = `Found “${phrase}” (${Math.round(proposal.score * 100)} %; ${source}): accept it, edit it, or discard it.`;
    } catch (error) {
      this.error = error instanceof Error ? error.message : String(error);
    } finally {
      this.busy = false;
    }
  }

  /** The proposal becomes the mask (one undo step), to be refined with the tools. */
  editProposal(): void {
    const proposal = this.proposal;
    if (!proposal) return;
    this.proposal = undefined;
    this.setMask(proposal.mask);
    this.status = 'Refine the proposal with the tools, then Continue.';
  }

  /** The proposal becomes the mask and goes to the session, as Continue does. */
  async acceptProposal(): Promise<string | undefined> {
    if (!this.proposal) return undefined;
    this.editProposal();
    const mask = await this.handOff();
    this.status = 'The proposal is the mask, sent to the editor. Refine it here and Continue again, or go on in the side panel.';
    return mask;
  }

  discardProposal(): void {
    this.proposal = undefined;
    this.status = 'Click the wrong region. Alt-click or right-click to exclude.';
  }

  /** Saves the mask into the session and tells the editor (side panel) to show it. */
  async handOff(): Promise<string> {
    if (!this.sessionId) throw new Error('No image yet');
    const rle = encodeMaskRle(this.combined());
    return (await send('session.save-mask', { sessionId: this.sessionId, width: this.width, height: this.height, rle })).mask;
  }
}
