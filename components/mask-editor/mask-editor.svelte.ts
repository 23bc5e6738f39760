/**
 * One mask editor for the page overlay and the side panel: SAM's prompt points and box, the
 * brush and eraser, whole-mask operations (grow, shrink, feather, invert, clear), undo/redo of
 * every change, the keyboard's pointer, hover previews where the decoder is fast enough, and the
 * click timing the bench reads. SAM's image embedding comes from the host (`attach`); decodes run
 * in the offscreen document. The layers and the history are pure (utils/mask/layers, undo).
 */
import { flushSync } from 'svelte';
import { hintOffscreen, send, sendToOffscreen } from '@/utils/messaging';
import { movePointer, pointerStart, type PointerPosition } from '@/utils/geometry/keyboard-pointer';
import { decodeMaskRle } from '@/utils/mask/rle';
import { dilate, erode, feather, invert } from '@/utils/mask/morphology';
import { strokeLine } from '@/utils/mask/brush';
import { bakedLayers, combineLayers, emptyLayers, PAINT_ADD, PAINT_ERASE, type MaskLayers, type PromptBox, type PromptPoint } from '@/utils/mask/layers';
import { UndoHistory } from '@/utils/mask/undo';
import { boxCentre, clipMaskToBox } from '@/utils/autopilot/box-prompt';
import { maskCommand, type KeyFocus, type MaskCommand, type MaskKey, type MaskTool } from './keys';

/**
 * A hover preview runs the decoder as the pointer rests. It is offered only when one decode
 * (click to mask) takes at most this long here, so previews keep up with the pointer.
 */
export const HOVER_BUDGET_MS = 60;
/** The pointer must rest this long before a preview decode starts: a move-and-click pays nothing. */
const HOVER_REST_MS = 40;
const HISTORY_LIMIT = 40;
/**
 * While the pointer moves over the mask, the inference host hears so at most this often: a running
 * job waits at its step boundaries (its lease, worker-host.ts, outlasts two hints), so a click's
 * decode does not share the machine with a step in flight.
 */
const HOLD_HINT_EVERY_MS = 100;

export interface ClickTiming {
  totalMs: number;
  modelMs: number;
  oursMs: number;
  /** Click to the next painted frame: what the user waits, display refresh included. */
  frameMs: number;
}

export class MaskEditor {
  width = $state(0);
  height = $state(0);
  /** The tools may be used (the host says when: after SAM's encode, or at once for the brush). */
  ready = $state(false);
  busy = $state(false);
  error = $state<string | undefined>();
  tool = $state<MaskTool>('click');
  /** Screen px. */
  brushSize = $state(24);
  /** The keyboard's pointer (natural px): arrows move it, Space adds a point there. */
  cursor = $state<PointerPosition | undefined>();
  /** Predicted IoU of SAM's candidates and which one is shown. */
  scores = $state<number[]>([]);
  chosen = $state(0);
  lastClick = $state<ClickTiming | undefined>();
  /** Bumps on every mask change so views redraw. */
  version = $state(0);
  /** What a click at the resting pointer would select (not an edit; never in history). */
  hoverMask = $state<Uint8Array | undefined>();
  /** Pixels the preview selects. */
  hoverArea = $state(0);
  hoverVersion = $state(0);
  /** Whether the decoder proved fast enough for hover previews on this device (`measureHover`). */
  hoverEnabled = $state(false);
  /** The warm decode time that decided `hoverEnabled`. */
  hoverProbeMs = $state<number | undefined>();

  /** SAM's embedding of the image (hosts read it for their own decodes, e.g. the autopilot's). */
  protected embedding: string | undefined;
  private history = new UndoHistory<MaskLayers>(emptyLayers(0), HISTORY_LIMIT);
  private decodeSeq = 0;
  private hoverPending: PromptPoint | undefined;
  private hoverTimer: ReturnType<typeof setTimeout> | undefined;
  /** The preview on screen: a click at its point, on the same mask, needs no decode of its own. */
  private hoverShown: { point: PromptPoint; version: number; scores: number[]; chosen: number } | undefined;
  private hoverRunning = false;
  private lastHoldHint = -Infinity;
  private combinedCache: { state: MaskLayers; mask: Uint8Array } | undefined;

  private get state(): MaskLayers {
    return this.history.present;
  }
  get points(): readonly PromptPoint[] {
    return this.state.points;
  }
  get canUndo(): boolean {
    return this.version >= 0 && this.history.canUndo;
  }
  get canRedo(): boolean {
    return this.version >= 0 && this.history.canRedo;
  }
  /** Whether clicks can select (SAM's embedding is there). */
  get canClick(): boolean {
    return this.embedding !== undefined;
  }

  /** A new image: empty layers (or `start`, a 0..255 mask), nothing to undo, no embedding yet. */
  reset(width: number, height: number, start?: Uint8Array): void {
    this.decodeSeq++;
    this.width = width;
    this.height = height;
    this.embedding = undefined;
    this.hoverEnabled = false;
    this.clearHover();
    this.cursor = undefined;
    this.scores = [];
    this.history.reset(emptyLayers(width * height, start));
    this.version++;
  }

  /** The mask as edited so far (layers, points, SAM's candidates), for a host that must rebuild the editor. */
  snapshot(): { layers: MaskLayers; scores: number[]; chosen: number } {
    return { layers: this.state, scores: [...this.scores], chosen: this.chosen };
  }

  /** Picks up a `snapshot` of the same image: the same mask and points, nothing to undo. */
  restore(width: number, height: number, { layers, scores, chosen }: { layers: MaskLayers; scores: number[]; chosen: number }): void {
    this.reset(width, height);
    this.history.reset(layers);
    this.scores = scores;
    this.chosen = chosen;
    this.version++;
  }

  /** SAM's embedding of the image: clicks select from now on (`undefined` detaches it). */
  attach(embedding: string | undefined): void {
    this.embedding = embedding;
  }

  /** The mask as the user sees it, 0..255. Computed once per edit. */
  combined(): Uint8Array {
    const cached = this.combinedCache;
    if (cached?.state === this.state) return cached.mask;
    const mask = combineLayers(this.state);
    this.combinedCache = { state: this.state, mask };
    return mask;
  }

  /** Marked pixels. */
  markedArea(): number {
    const mask = this.combined();
    let area = 0;
    for (let i = 0; i < mask.length; i++) if (mask[i]) area++;
    return area;
  }

  private clearHover(): void {
    this.hoverMask = undefined;
    this.hoverShown = undefined;
    this.hoverArea = 0;
    this.hoverPending = undefined;
    this.hoverVersion++;
  }

  private commit(next: MaskLayers): void {
    this.clearHover();
    this.history.push(next);
    this.version++;
  }

  undo(): void {
    if (!this.history.undo()) return;
    this.decodeSeq++; // a decode in flight belongs to the state we left
    this.version++;
  }

  redo(): void {
    if (!this.history.redo()) return;
    this.decodeSeq++;
    this.version++;
  }

  /** Adds a prompt point and re-runs the decoder with all points. */
  async addPoint(point: PromptPoint, startedAt = performance.now()): Promise<void> {
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

  async addBox(box: PromptBox, startedAt = performance.now()): Promise<void> {
    await this.decode({ ...this.state, points: [...this.state.points, boxCentre(box)], box, candidate: undefined }, startedAt);
  }

  /** Shows SAM's next candidate mask for the same points. */
  async nextCandidate(): Promise<void> {
    if (this.scores.length < 2 || this.state.points.length === 0) return;
    await this.decode({ ...this.state, candidate: (this.chosen + 1) % this.scores.length }, performance.now());
  }

  private async decode(next: MaskLayers, startedAt: number): Promise<void> {
    if (next.points.length === 0) return;
    if (!this.embedding) {
      this.error = 'Clicking needs the segmentation model: use the brush.';
      return;
    }
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
      if (seq !== this.decodeSeq) return;
      this.error = error instanceof Error ? error.message : String(error);
      this.busy = false;
    }
  }

  /**
   * Two decodes at the image centre decide whether hover previews can keep up: the second one
   * counts, since a session's first run is slow (warm-up) whatever the device.
   */
  async measureHover(): Promise<void> {
    const embedding = this.embedding;
    if (!embedding) return;
    try {
      // A software WebGPU adapter takes hundreds of ms per decode: not worth probing (and the
      // probe would queue ahead of the user's first click).
      const info = await send('runtime.info', {});
      if (info.backend === 'webgpu' && info.softwareAdapter) return;
      const decode = async () => {
        const started = performance.now();
        await sendToOffscreen('sam.decode', { embedding, points: [{ x: this.width / 2, y: this.height / 2, label: 1 }] });
        return performance.now() - started;
      };
      await decode();
      this.hoverProbeMs = await decode();
      this.hoverEnabled = this.hoverProbeMs <= HOVER_BUDGET_MS;
    } catch {
      this.hoverEnabled = false;
    }
  }

  /** The pointer is over the mask with a tool that decodes: a click may come (throttled hint to the inference host). */
  pointerOver(): void {
    if (!this.ready || !this.embedding || (this.tool !== 'click' && this.tool !== 'box')) return;
    const now = performance.now();
    if (now - this.lastHoldHint < HOLD_HINT_EVERY_MS) return;
    this.lastHoldHint = now;
    hintOffscreen('interaction.hold', {});
  }

  /**
   * Previews what a click at `point` would select, with the points already placed; `undefined`
   * (the pointer left) hides it. At most one preview decode runs at a time; a newer pointer
   * position replaces a waiting one.
   */
  preview(point: { x: number; y: number } | undefined): void {
    if (!point) {
      this.clearHover();
      return;
    }
    this.hoverPending = { ...point, label: 1 };
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

  /** Paints (or erases) a stroke segment in natural px; `begin` starts a new undo step. */
  stroke(from: { x: number; y: number }, to: { x: number; y: number }, radius: number, begin: boolean): void {
    if (begin) this.commit({ ...this.state, paint: new Uint8Array(this.state.paint), painted: true });
    strokeLine({ width: this.width, height: this.height, data: this.state.paint }, from, to, radius, this.tool === 'eraser' ? PAINT_ERASE : PAINT_ADD);
    this.combinedCache = undefined; // the paint layer changed in place
    this.version++;
  }

  /** Applies a whole-mask operation: the result becomes the new base; points and strokes reset. */
  private bake(op: (mask: Uint8Array) => Uint8Array): void {
    this.commit(bakedLayers(op(this.combined())));
  }

  /** `mask` (0..255, natural size) becomes the mask, one undo step: e.g. an accepted proposal. */
  setMask(mask: Uint8Array): void {
    this.commit(bakedLayers(mask));
  }

  /** Nothing marked, one undo step: empty layers (clicks after it combine nothing). */
  clear = () => this.commit(emptyLayers(this.width * this.height));
  invert = () => this.bake((m) => invert({ width: this.width, height: this.height, data: m }).data);
  grow = (px = 4) => this.bake((m) => dilate({ width: this.width, height: this.height, data: m }, px).data);
  shrink = (px = 4) => this.bake((m) => erode({ width: this.width, height: this.height, data: m }, px).data);
  soften = (px = 4) => this.bake((m) => feather({ width: this.width, height: this.height, data: m }, px).data);

  /** Carries out a key's command (keys.ts); `done` is the host's. Returns whether it acted. */
  apply(command: MaskCommand): boolean {
    switch (command.kind) {
      case 'move':
        if (!this.ready) return false;
        this.cursor = movePointer(this.cursor, command.direction, command.big, this.width, this.height);
        this.preview(this.cursor); // previews like a hover
        this.pointerOver();
        return true;
      case 'point':
        if (!this.ready) return false;
        this.cursor ??= pointerStart(this.width, this.height);
        void this.addPoint({ ...this.cursor, label: command.label });
        return true;
      case 'tool': this.tool = command.tool; return true;
      case 'brush-size': this.brushSize = Math.min(200, Math.max(2, this.brushSize + command.delta)); return true;
      case 'undo': this.undo(); return true;
      case 'redo': this.redo(); return true;
      case 'invert': this.invert(); return true;
      case 'grow': this.grow(); return true;
      case 'shrink': this.shrink(); return true;
      case 'feather': this.soften(); return true;
      case 'clear': this.clear(); return true;
      case 'next-candidate':
        // With one mask there is nothing to cycle: Tab moves the focus as anywhere else.
        if (this.scores.length < 2) return false;
        void this.nextCandidate();
        return true;
      case 'done': return false;
    }
  }

  /**
   * A key press on the editor (text fields and toolbar controls keep their keys: `keyFocus`);
   * `ondone`: what Enter does for the host. Returns whether it acted (the caller then prevents
   * the key's default).
   */
  key(event: MaskKey & { target: EventTarget | null }, ondone?: () => void): boolean {
    const command = maskCommand(event, this.tool, keyFocus(event.target));
    if (!command) return false;
    if (command.kind !== 'done') return this.apply(command);
    if (!ondone) return false;
    ondone();
    return true;
  }
}

/** Where a key was pressed, for the key map (keys.ts). */
function keyFocus(target: EventTarget | null): KeyFocus {
  if (target instanceof HTMLTextAreaElement || (target instanceof HTMLElement && target.isContentEditable)) return 'text';
  if (target instanceof HTMLInputElement) return ['range', 'checkbox', 'radio', 'button', 'submit', 'color'].includes(target.type) ? 'control' : 'text';
  return target instanceof HTMLButtonElement || target instanceof HTMLSelectElement ? 'control' : 'surface';
}
