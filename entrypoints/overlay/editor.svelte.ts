/**
 * The overlay editor's state: the image, SAM's prompt points and selection, brush strokes, the
 * combined mask, and undo/redo of every mask edit. Inference happens in the offscreen document
 * (through the background); this class only keeps state and timing.
 */
import { flushSync } from 'svelte';
import { send, sendToOffscreen } from '@/utils/messaging';
import type { RequestOf, RuntimeInfo } from '@/utils/protocol';
import type { ImageSource } from '@/utils/session-store';
import { decodeMaskRle, encodeMaskRle } from '@/utils/mask/rle';
import { dilate, erode, feather, invert } from '@/utils/mask/morphology';
import { strokeLine } from '@/utils/mask/brush';
import { boxCentre, clipMaskToBox } from '@/utils/autopilot/box-prompt';
import { phraseSource } from '@/utils/autopilot/phrase-status';
import { proposeMask, type Proposal } from '@/utils/autopilot/propose';

export type Tool = 'click' | 'box' | 'brush' | 'eraser';
export interface Point {
  x: number;
  y: number;
  label: 0 | 1;
}

/** Brush layer values: what a stroke did to a pixel. */
const PAINT_ADD = 1;
const PAINT_ERASE = 2;
const HISTORY_LIMIT = 40;
/**
 * A hover preview runs the decoder as the pointer rests. It is offered only when one decode
 * (click to mask) takes at most this long here, so previews keep up with the pointer.
 */
export const HOVER_BUDGET_MS = 60;
/** The pointer must rest this long before a preview decode starts: a move-and-click pays nothing. */
const HOVER_REST_MS = 40;

/** One undoable state. Arrays are never mutated once in history (copy on write). */
interface Snapshot {
  base: Uint8Array;
  sam: Uint8Array;
  paint: Uint8Array;
  /** Whether `paint` / `base` may hold anything (saves a full-mask pass per click when not). */
  painted?: boolean;
  baked?: boolean;
  points: Point[];
  box?: { x0: number; y0: number; x1: number; y1: number };
  candidate?: number;
}

export interface ClickTiming {
  totalMs: number;
  modelMs: number;
  oursMs: number;
  /** Click to the next painted frame: what the user waits, display refresh included. */
  frameMs: number;
}

export class OverlayEditor {
  sessionId = $state<string | undefined>();
  width = $state(0);
  height = $state(0);
  status = $state('Reading the image…');
  error = $state<string | undefined>();
  note = $state<string | undefined>();
  runtime = $state<RuntimeInfo | undefined>();
  ready = $state(false);
  busy = $state(false);
  tool = $state<Tool>('click');
  brushSize = $state(24);
  /** Predicted IoU of SAM's candidates and which one is shown. */
  scores = $state<number[]>([]);
  chosen = $state(0);
  lastClick = $state<ClickTiming | undefined>();
  /** Bumps on every mask change so the view redraws. */
  version = $state(0);
  /** What a click at the resting pointer would select (not an edit; never in history). */
  hoverMask = $state<Uint8Array | undefined>();
  /** Pixels the preview selects. */
  hoverArea = $state(0);
  hoverVersion = $state(0);
  /** Whether the decoder proved fast enough for hover previews on this device. */
  hoverEnabled = $state(false);
  /** The warm decode time that decided `hoverEnabled`. */
  hoverProbeMs = $state<number | undefined>();
  private hoverPending: Point | undefined;
  private hoverTimer: ReturnType<typeof setTimeout> | undefined;
  /** The preview on screen: a click at its point, on the same mask, needs no decode of its own. */
  private hoverShown: { point: Point; version: number; scores: number[]; chosen: number } | undefined;
  private hoverRunning = false;

  /** The autopilot's proposal on screen, if any. */
  proposal = $state<Proposal | undefined>();

  private embedding: string | undefined;
  private imageKey: string | undefined;
  private state: Snapshot = { base: new Uint8Array(0), sam: new Uint8Array(0), paint: new Uint8Array(0), points: [] };
  private undoStack: Snapshot[] = [];
  private redoStack: Snapshot[] = [];
  private decodeSeq = 0;

  get points(): readonly Point[] {
    return this.state.points;
  }
  get canUndo(): boolean {
    return this.version >= 0 && this.undoStack.length > 0;
  }
  get canRedo(): boolean {
    return this.version >= 0 && this.redoStack.length > 0;
  }

  /** Stores the image, opens a session and computes SAM's image embedding (once per image). */
  async start(image: { key: string; width: number; height: number }, source: ImageSource): Promise<void> {
    this.width = image.width;
    this.height = image.height;
    this.imageKey = image.key;
    const empty = () => new Uint8Array(image.width * image.height);
    this.state = { base: empty(), sam: empty(), paint: empty(), points: [] };
    this.note = source.note;
    this.sessionId = (await send('session.create', { image: image.key, width: image.width, height: image.height, source })).sessionId;
    this.status = 'Starting the segmentation model…';
    send('runtime.info', {}).then((info) => (this.runtime = info), () => undefined);
    const encoded = await send('sam.encode', { image: image.key });
    this.embedding = encoded.embedding;
    this.ready = true;
    void this.measureHover();
    this.status = 'Click the wrong region. Alt-click or right-click to exclude.';
  }

  private combinedCache: { state: Snapshot; version: number; mask: Uint8Array } | undefined;

  /** The mask as the user sees it: (baked ∪ SAM ∪ brush) minus eraser, 0..255. Computed once per edit. */
  combined(): Uint8Array {
    const cached = this.combinedCache;
    if (cached && cached.state === this.state && cached.version === this.version) return cached.mask;
    const { base, sam, paint, painted, baked } = this.state;
    // The common case, clicks only: the SAM selection is the mask.
    if (!painted && !baked) return sam;
    const out = new Uint8Array(base.length);
    for (let i = 0; i < out.length; i++) {
      const p = paint[i];
      out[i] = p === PAINT_ERASE ? 0 : p === PAINT_ADD ? 255 : Math.max(base[i]!, sam[i]!);
    }
    this.combinedCache = { state: this.state, version: this.version, mask: out };
    return out;
  }

  private commit(next: Snapshot): void {
    this.hoverMask = undefined;
    this.hoverShown = undefined;
    this.hoverArea = 0;
    this.hoverPending = undefined;
    this.undoStack.push(this.state);
    if (this.undoStack.length > HISTORY_LIMIT) this.undoStack.shift();
    this.redoStack = [];
    this.state = next;
    this.version++;
  }

  undo(): void {
    const previous = this.undoStack.pop();
    if (!previous) return;
    this.redoStack.push(this.state);
    this.state = previous;
    this.decodeSeq++; // a decode in flight belongs to the state we left
    this.version++;
  }

  redo(): void {
    const next = this.redoStack.pop();
    if (!next) return;
    this.undoStack.push(this.state);
    this.state = next;
    this.decodeSeq++;
    this.version++;
  }

  /** Adds a prompt point and re-runs the decoder with all points. */
  async addPoint(point: Point, startedAt = performance.now()): Promise<void> {
    const shown = this.hoverShown;
    if (point.label === 1 && shown && this.hoverMask && shown.version === this.version && Math.hypot(shown.point.x - point.x, shown.point.y - point.y) < 1) {
      // The user clicks where the preview was computed: that preview is this click's mask.
      this.scores = shown.scores;
      this.chosen = shown.chosen;
      this.commit({ ...this.state, points: [...this.state.points, shown.point], candidate: shown.chosen, sam: this.hoverMask });
      flushSync();
      const totalMs = performance.now() - startedAt;
      requestAnimationFrame(() => (this.lastClick = { totalMs, modelMs: 0, oursMs: totalMs, frameMs: performance.now() - startedAt }));
      return;
    }
    this.hoverPending = undefined; // a preview must not delay the click's own decode
    clearTimeout(this.hoverTimer);
    await this.decode({ ...this.state, points: [...this.state.points, point], candidate: undefined }, startedAt);
  }

  /** A box prompt: the Hub's SlimSAM decoder takes no box input, so the box's centre is the
   * click and the result is clipped to the box. */
  async addBox(box: { x0: number; y0: number; x1: number; y1: number }, startedAt = performance.now()): Promise<void> {
    await this.decode({ ...this.state, points: [...this.state.points, boxCentre(box)], box, candidate: undefined }, startedAt);
  }

  /** Shows SAM's next candidate mask for the same points. */
  async nextCandidate(): Promise<void> {
    if (this.scores.length < 2 || this.state.points.length === 0) return;
    await this.decode({ ...this.state, candidate: (this.chosen + 1) % this.scores.length }, performance.now());
  }

  private async decode(next: Snapshot, startedAt: number): Promise<void> {
    if (!this.embedding || next.points.length === 0) return;
    const seq = ++this.decodeSeq;
    this.busy = true;
    try {
      const result = await sendToOffscreen('sam.decode', { embedding: this.embedding, points: next.points, select: next.candidate });
      if (seq !== this.decodeSeq) return;
      const data = decodeMaskRle(result.rle, this.width * this.height);
      if (next.box) clipMaskToBox(data, this.width, next.box);
      this.scores = result.scores;
      this.chosen = result.chosen;
      this.commit({ ...next, sam: data, candidate: result.chosen });
      this.busy = false;
      // Our share: from the click until the new mask is drawn (the view's effects run now), less
      // the model's own run. The wait for the display's next frame is reported apart.
      flushSync();
      const totalMs = performance.now() - startedAt;
      requestAnimationFrame(() => {
        this.lastClick = { totalMs, modelMs: result.modelMs, oursMs: totalMs - result.modelMs, frameMs: performance.now() - startedAt };
      });
    } catch (error) {
      this.error = error instanceof Error ? error.message : String(error);
      if (seq === this.decodeSeq) this.busy = false;
    }
  }

  /**
   * Two decodes at the image centre decide whether hover previews can keep up: the second one
   * counts, since a session's first run is slow (warm-up) whatever the device.
   */
  private async measureHover(): Promise<void> {
    if (!this.embedding) return;
    try {
      // A software WebGPU adapter takes hundreds of ms per decode: not worth probing (and the
      // probe would queue ahead of the user's first click).
      const info = this.runtime ?? (await send('runtime.info', {}));
      if (info.backend === 'webgpu' && info.softwareAdapter) return;
      const decode = async () => {
        const started = performance.now();
        await sendToOffscreen('sam.decode', { embedding: this.embedding!, points: [{ x: this.width / 2, y: this.height / 2, label: 1 }] });
        return performance.now() - started;
      };
      await decode();
      this.hoverProbeMs = await decode();
      this.hoverEnabled = this.hoverProbeMs <= HOVER_BUDGET_MS;
    } catch {
      this.hoverEnabled = false;
    }
  }

  /**
   * Previews what a click at `point` would select, with the points already placed; `undefined`
   * (the pointer left) hides it. At most one preview decode runs at a time; a newer pointer
   * position replaces a waiting one.
   */
  preview(point: { x: number; y: number } | undefined): void {
    this.hoverPending = point && { ...point, label: 1 };
    if (!point) {
      this.hoverMask = undefined;
      this.hoverShown = undefined;
      this.hoverArea = 0;
      this.hoverVersion++;
      return;
    }
    clearTimeout(this.hoverTimer);
    if (!this.hoverEnabled || !this.embedding || this.busy) return;
    this.hoverTimer = setTimeout(() => {
      if (!this.hoverRunning && !this.busy) void this.runPreviews();
    }, HOVER_REST_MS);
  }

  private async runPreviews(): Promise<void> {
    this.hoverRunning = true;
    try {
      while (this.hoverPending && this.embedding) {
        const point = this.hoverPending;
        const version = this.version;
        const result = await sendToOffscreen('sam.decode', { embedding: this.embedding, points: [...this.state.points, point] });
        // Shown only if the pointer is still there (or moved on) and the mask did not change meanwhile.
        if (!this.hoverPending || version !== this.version || this.busy) continue;
        if (this.hoverPending === point) this.hoverPending = undefined;
        const data = decodeMaskRle(result.rle, this.width * this.height);
        let area = 0;
        for (let i = 0; i < data.length; i++) if (data[i]) area++;
        this.hoverMask = data;
        this.hoverShown = { point, version, scores: result.scores, chosen: result.chosen };
        this.hoverArea = area;
        this.hoverVersion++;
      }
    } catch {
      this.hoverEnabled = false; // previews are a nicety: never an error for the user
    } finally {
      this.hoverRunning = false;
    }
  }

  /** Paints (or erases) a stroke segment; `begin` starts a new undo step. */
  stroke(from: { x: number; y: number }, to: { x: number; y: number }, radius: number, begin: boolean): void {
    if (begin) this.commit({ ...this.state, paint: new Uint8Array(this.state.paint), painted: true });
    strokeLine({ width: this.width, height: this.height, data: this.state.paint }, from, to, radius, this.tool === 'eraser' ? PAINT_ERASE : PAINT_ADD);
    this.version++;
  }

  /** Applies a whole-mask operation: the result becomes the new base; points and strokes reset. */
  private bake(op: (mask: Uint8Array) => Uint8Array): void {
    const size = this.width * this.height;
    this.commit({ base: op(this.combined()), sam: new Uint8Array(size), paint: new Uint8Array(size), points: [], baked: true });
  }

  clear = () => this.bake((m) => new Uint8Array(m.length));
  invert = () => this.bake((m) => invert({ width: this.width, height: this.height, data: m }).data);
  grow = (px = 4) => this.bake((m) => dilate({ width: this.width, height: this.height, data: m }, px).data);
  shrink = (px = 4) => this.bake((m) => erode({ width: this.width, height: this.height, data: m }, px).data);
  soften = (px = 4) => this.bake((m) => feather({ width: this.width, height: this.height, data: m }, px).data);

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
    const size = this.width * this.height;
    this.commit({ base: proposal.mask, sam: new Uint8Array(size), paint: new Uint8Array(size), points: [], baked: true });
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
