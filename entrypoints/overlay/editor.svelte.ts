/**
 * The overlay's editor: the shared mask editor (components/mask-editor) on the page image, plus
 * what only the overlay does: storing the image and opening a session, SAM's encode through the
 * background, status lines, and handing the mask to the side panel.
 */
import { send } from '@/utils/messaging';
import type { RuntimeInfo } from '@/utils/protocol';
import type { ImageSource } from '@/utils/session-store';
import { encodeMaskRle } from '@/utils/mask/rle';
import { MaskEditor } from '@/components/mask-editor/mask-editor.svelte';

export class OverlayEditor extends MaskEditor {
  sessionId = $state<string | undefined>();
  status = $state('Reading the image…');
  note = $state<string | undefined>();
  runtime = $state<RuntimeInfo | undefined>();

  /** Stores the image, opens a session and computes SAM's image embedding (once per image). */
  async start(image: { key: string; width: number; height: number }, source: ImageSource): Promise<void> {
    this.reset(image.width, image.height);
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

  /** Saves the mask into the session and tells the editor (side panel) to show it. */
  async handOff(): Promise<string> {
    if (!this.sessionId) throw new Error('No image yet');
    const rle = encodeMaskRle(this.combined());
    return (await send('session.save-mask', { sessionId: this.sessionId, width: this.width, height: this.height, rle })).mask;
  }
}
