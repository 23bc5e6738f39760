/**
 * The side panel's autopilot: the thing the intent names, found by the text-prompted detector and
 * refined by SAM on the image being edited (utils/autopilot/propose.ts), held as a proposal until
 * the user accepts it, edits it with the panel's mask tools, or discards it.
 */
import { send, sendToOffscreen } from '@/utils/messaging';
import { putMask } from '@/utils/session-store';
import { phraseSource } from '@/utils/autopilot/phrase-status';
import { proposeMask, type Proposal } from '@/utils/autopilot/propose';

export class Autopilot {
  busy = $state(false);
  error = $state<string | undefined>();
  status = $state<string | undefined>();
  proposal = $state<(Proposal & { width: number; height: number }) | undefined>();
  private seq = 0;

  async propose(image: string, width: number, height: number, intent: string, originalPrompt: string): Promise<void> {
    const seq = ++this.seq;
    this.proposal = undefined;
    this.error = undefined;
    this.busy = true;
    this.status = 'Working out what to look for…';
    try {
      const choice = await send('autopilot.phrase', { intent, originalPrompt });
      if (seq !== this.seq) return;
      const phrase = choice.phrase;
      if (!phrase) {
        this.status = undefined;
        this.error = 'Say what is wrong and name the thing, e.g. “the river should be chocolate”.';
        return;
      }
      const source = phraseSource(choice);
      this.status = `Looking for “${phrase}” (${source})…`;
      const { embedding } = await sendToOffscreen('sam.encode', { image });
      const proposal = await proposeMask(
        { detect: (r) => sendToOffscreen('autopilot.detect', r), decode: (r) => sendToOffscreen('sam.decode', r) },
        { image, embedding, width, height, phrase },
      );
      if (seq !== this.seq) return;
      this.proposal = proposal && { ...proposal, width, height };
      this.status = proposal
        ? `Found “${phrase}” (${Math.round(proposal.score * 100)} %; ${source}): accept it, edit it, or discard it.`
        : `Nothing here looks like “${phrase}” (${source}): mark it yourself, or name it differently.`;
    } catch (error) {
      if (seq === this.seq) this.error = error instanceof Error ? error.message : String(error);
    } finally {
      if (seq === this.seq) this.busy = false;
    }
  }

  /** Stores the proposal as a mask; returns its key (the editor makes it the session's mask). */
  async accept(): Promise<string | undefined> {
    const proposal = this.proposal;
    if (!proposal) return undefined;
    const key = await putMask(proposal.mask, proposal.width, proposal.height);
    this.discard();
    return key;
  }

  discard(): void {
    this.seq++;
    this.proposal = undefined;
    this.status = undefined;
    this.busy = false;
  }
}
