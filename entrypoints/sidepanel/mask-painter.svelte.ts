/**
 * Marking a region in the side panel, on the image being edited, with the shared mask editor
 * (components/mask-editor). Used for every region after an accepted edit and for reopened
 * sessions, whose page may be gone: the panel owns the edited pixels, while the page still shows
 * the original image (see README, "Marking another region").
 */
import { MaskEditor } from '@/components/mask-editor/mask-editor.svelte';
import { sendToOffscreen } from '@/utils/messaging';
import { putMask } from '@/utils/session-store';

export class MaskPainter extends MaskEditor {
  active = $state(false);
  private seq = 0;

  /** Starts on `image` (a stored key), from the mask there is, if any. */
  async begin(image: string, width: number, height: number, start?: Uint8Array): Promise<void> {
    const seq = ++this.seq;
    this.active = true;
    this.ready = false;
    this.error = undefined;
    this.reset(width, height, start);
    try {
      const encoded = await sendToOffscreen('sam.encode', { image });
      if (seq !== this.seq) return;
      this.attach(encoded.embedding);
    } catch (error) {
      if (seq === this.seq) this.error = `The segmentation model did not start (${error instanceof Error ? error.message : String(error)}); the brush still works.`;
    }
    if (seq === this.seq) this.ready = true;
  }

  stop(): void {
    this.seq++;
    this.active = false;
    this.attach(undefined);
  }

  /** Stores the mask; returns its key (the editor makes it the session's mask). */
  async save(): Promise<string> {
    return putMask(this.combined(), this.width, this.height);
  }
}
