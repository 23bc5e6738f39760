/**
 * Marking a region in the side panel, on the image being edited: SAM clicks (include, Alt/right
 * click excludes), a brush and an eraser, undo, clear. Used for every region after an accepted
 * edit and for reopened sessions, whose page may be gone: the panel owns the edited pixels, while
 * the page still shows the original image (see README, "Marking another region").
 */
import { sendToOffscreen } from '@/utils/messaging';
import { decodeMaskRle } from '@/utils/mask/rle';
import { strokeLine } from '@/utils/mask/brush';
import { putMask } from '@/utils/session-store';

export type PaintTool = 'click' | 'brush' | 'eraser';
interface Point { x: number; y: number; label: 0 | 1 }
interface Snapshot { sam: Uint8Array; paint: Uint8Array; points: Point[] }

const ADD = 1;
const ERASE = 2;
const UNDO_LIMIT = 30;

export class MaskPainter {
  active = $state(false);
  ready = $state(false);
  busy = $state(false);
  error = $state<string | undefined>();
  tool = $state<PaintTool>('click');
  brushSize = $state(24);
  width = $state(0);
  height = $state(0);
  /** Bumps on every change so the view redraws. */
  version = $state(0);

  private embedding: string | undefined;
  private state: Snapshot = { sam: new Uint8Array(0), paint: new Uint8Array(0), points: [] };
  private undoStack: Snapshot[] = [];
  private seq = 0;

  get canUndo(): boolean {
    return this.version >= 0 && this.undoStack.length > 0;
  }

  /** Starts on `image` (a stored key), from the mask there is, if any. */
  async begin(image: string, width: number, height: number, start?: Uint8Array): Promise<void> {
    const seq = ++this.seq;
    this.active = true;
    this.ready = false;
    this.error = undefined;
    this.width = width;
    this.height = height;
    const paint = new Uint8Array(width * height);
    if (start) for (let i = 0; i < paint.length; i++) if (start[i]! > 127) paint[i] = ADD;
    this.state = { sam: new Uint8Array(width * height), paint, points: [] };
    this.undoStack = [];
    this.version++;
    try {
      const encoded = await sendToOffscreen('sam.encode', { image });
      if (seq !== this.seq) return;
      this.embedding = encoded.embedding;
      this.ready = true;
    } catch (error) {
      if (seq === this.seq) this.error = `The segmentation model did not start (${error instanceof Error ? error.message : String(error)}); the brush still works.`;
      this.ready = true;
    }
  }

  stop(): void {
    this.seq++;
    this.active = false;
    this.embedding = undefined;
  }

  /** The mask as drawn: SAM's selection, plus brush, minus eraser (0/255). */
  combined(): Uint8Array {
    const { sam, paint } = this.state;
    const out = new Uint8Array(sam.length);
    for (let i = 0; i < out.length; i++) out[i] = paint[i] === ERASE ? 0 : paint[i] === ADD || sam[i]! > 0 ? 255 : 0;
    return out;
  }

  private push(): void {
    this.undoStack.push(this.state);
    if (this.undoStack.length > UNDO_LIMIT) this.undoStack.shift();
  }

  undo(): void {
    const previous = this.undoStack.pop();
    if (!previous) return;
    this.state = previous;
    this.seq++; // a decode in flight belongs to the state we left
    this.version++;
  }

  clear(): void {
    this.push();
    this.state = { sam: new Uint8Array(this.state.sam.length), paint: new Uint8Array(this.state.paint.length), points: [] };
    this.version++;
  }

  async click(x: number, y: number, label: 0 | 1): Promise<void> {
    if (!this.embedding) {
      this.error = 'Clicking needs the segmentation model: use the brush.';
      return;
    }
    const seq = ++this.seq;
    const points = [...this.state.points, { x, y, label }];
    this.busy = true;
    try {
      const result = await sendToOffscreen('sam.decode', { embedding: this.embedding, points });
      if (seq !== this.seq) return;
      this.push();
      this.state = { ...this.state, sam: decodeMaskRle(result.rle, this.width * this.height), points };
      this.version++;
    } catch (error) {
      if (seq === this.seq) this.error = error instanceof Error ? error.message : String(error);
    } finally {
      if (seq === this.seq) this.busy = false;
    }
  }

  /** Paints (or erases) one segment; `begin` starts a new undo step. Natural px. */
  stroke(from: { x: number; y: number }, to: { x: number; y: number }, radius: number, begin: boolean): void {
    if (begin) {
      this.push();
      this.state = { ...this.state, paint: new Uint8Array(this.state.paint) };
    }
    strokeLine({ width: this.width, height: this.height, data: this.state.paint }, from, to, radius, this.tool === 'eraser' ? ERASE : ADD);
    this.version++;
  }

  /** Stores the mask; returns its key (the editor makes it the session's mask). */
  async save(): Promise<string> {
    return putMask(this.combined(), this.width, this.height);
  }
}
