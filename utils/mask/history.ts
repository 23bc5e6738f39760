/**
 * Undo/redo for mask edits, within a memory budget. Each step stores the XOR of the masks before
 * and after it, run-length coded: an edit touches a small part of a 1024² mask, so its XOR is long
 * zero runs (and, for 0/255 masks, 255 runs) and codes to a few hundred bytes. XOR is its own
 * inverse, so one diff both undoes and redoes its step. Pure; no DOM.
 *
 * Diff format: a tag byte, then
 * - tag 0 (runs): repeated [value byte, run length as unsigned LEB128], covering every pixel;
 * - tag 1 (raw): the XOR bytes themselves, used when runs would be longer (noisy soft edits).
 */
import type { Mask } from '../image/types';

const RUNS = 0;
const RAW = 1;

/** The XOR of `before` and `after` (same length), coded as above. */
export function xorDiff(before: Uint8Array, after: Uint8Array, scratch?: Uint8Array): Uint8Array {
  const n = before.length;
  if (after.length !== n) throw new Error('xorDiff: lengths differ');
  // Runs never need more than n + 1 bytes: past that, raw is smaller.
  // n + 1 plus room for the run that crosses that line (value byte + up to 5 LEB128 bytes).
  const out = scratch && scratch.length >= n + 8 ? scratch : new Uint8Array(n + 8);
  out[0] = RUNS;
  let pos = 1;
  let i = 0;
  while (i < n) {
    const value = before[i]! ^ after[i]!;
    let j = i + 1;
    while (j < n && (before[j]! ^ after[j]!) === value) j++;
    out[pos++] = value;
    let count = j - i;
    while (count >= 0x80) {
      out[pos++] = (count & 0x7f) | 0x80;
      count >>>= 7;
    }
    out[pos++] = count;
    i = j;
    if (pos > n + 1) {
      const raw = new Uint8Array(n + 1);
      raw[0] = RAW;
      for (let k = 0; k < n; k++) raw[k + 1] = before[k]! ^ after[k]!;
      return raw;
    }
  }
  return out.slice(0, pos);
}

/** XORs a diff from `xorDiff` into `state`, in place: turns before into after, and after into before. */
export function applyDiff(state: Uint8Array, diff: Uint8Array): void {
  if (diff[0] === RAW) {
    if (diff.length !== state.length + 1) throw new Error('applyDiff: raw diff of the wrong length');
    for (let k = 0; k < state.length; k++) state[k] = state[k]! ^ diff[k + 1]!;
    return;
  }
  let pos = 1;
  let i = 0;
  while (pos < diff.length) {
    const value = diff[pos++]!;
    let count = 0;
    let shift = 0;
    let byte: number;
    do {
      byte = diff[pos++]!;
      count += (byte & 0x7f) * 2 ** shift;
      shift += 7;
    } while (byte & 0x80);
    if (value !== 0) for (let k = i; k < i + count; k++) state[k] = state[k]! ^ value;
    i += count;
  }
  if (i !== state.length) throw new Error('applyDiff: diff does not cover the mask');
}

export interface MaskHistoryOptions {
  /** Most undo steps kept (default 50). */
  maxSteps?: number;
  /** Most bytes of diffs kept, undo and redo together (default 16 MiB). The newest step is always kept. */
  maxBytes?: number;
}

/**
 * The edit history of one mask (fixed size). Masks are copied in and out: callers edit their own
 * working copy and `push` it when an edit ends (pointerup, a SAM click, a morphology button).
 */
export class MaskHistory {
  readonly width: number;
  readonly height: number;
  readonly #maxSteps: number;
  readonly #maxBytes: number;
  #state: Uint8Array;
  #undo: Uint8Array[] = [];
  #redo: Uint8Array[] = [];
  #bytes = 0;
  #scratch: Uint8Array;

  constructor(initial: Mask, options: MaskHistoryOptions = {}) {
    this.width = initial.width;
    this.height = initial.height;
    this.#maxSteps = Math.max(1, options.maxSteps ?? 50);
    this.#maxBytes = options.maxBytes ?? 16 * 1024 * 1024;
    this.#state = this.#checked(initial).data.slice();
    this.#scratch = new Uint8Array(this.#state.length + 8);
  }

  /** A copy of the mask as of the latest push / undo / redo. */
  get current(): Mask {
    return { width: this.width, height: this.height, data: this.#state.slice() };
  }

  get canUndo(): boolean {
    return this.#undo.length > 0;
  }

  get canRedo(): boolean {
    return this.#redo.length > 0;
  }

  get undoDepth(): number {
    return this.#undo.length;
  }

  get redoDepth(): number {
    return this.#redo.length;
  }

  /** Bytes held by stored diffs (the current mask itself not counted). */
  get byteLength(): number {
    return this.#bytes;
  }

  /** Records `mask` as the new state. Drops the redo steps. False (and no step) when nothing changed. */
  push(mask: Mask): boolean {
    const diff = xorDiff(this.#state, this.#checked(mask).data, this.#scratch);
    if (isNoChange(diff)) return false;
    this.#state.set(mask.data);
    for (const step of this.#redo) this.#bytes -= step.length;
    this.#redo = [];
    this.#undo.push(diff);
    this.#bytes += diff.length;
    while (this.#undo.length > this.#maxSteps || (this.#bytes > this.#maxBytes && this.#undo.length > 1)) {
      const oldest = this.#undo.shift();
      if (oldest) this.#bytes -= oldest.length;
    }
    return true;
  }

  /** Steps back; the mask it returns to (a copy), or undefined when there is nothing to undo. */
  undo(): Mask | undefined {
    const diff = this.#undo.pop();
    if (!diff) return undefined;
    applyDiff(this.#state, diff);
    this.#redo.push(diff);
    return this.current;
  }

  /** Steps forward again; the mask (a copy), or undefined when there is nothing to redo. */
  redo(): Mask | undefined {
    const diff = this.#redo.pop();
    if (!diff) return undefined;
    applyDiff(this.#state, diff);
    this.#undo.push(diff);
    return this.current;
  }

  /** Forgets every step and starts again from `mask`. */
  reset(mask: Mask): void {
    this.#state.set(this.#checked(mask).data);
    this.#undo = [];
    this.#redo = [];
    this.#bytes = 0;
  }

  #checked(mask: Mask): Mask {
    if (mask.width !== this.width || mask.height !== this.height || mask.data.length !== this.width * this.height) {
      throw new Error(`MaskHistory: mask is ${mask.width}×${mask.height}, history is ${this.width}×${this.height}`);
    }
    return mask;
  }
}

/** Whether a diff is all zeros: no runs (an empty mask), or a single run of value 0. */
function isNoChange(diff: Uint8Array): boolean {
  if (diff[0] !== RUNS) return false;
  if (diff.length === 1) return true;
  if (diff[1] !== 0) return false;
  let pos = 2; // the run length's LEB128 bytes: all but the last have the high bit set
  while (pos < diff.length && diff[pos]! & 0x80) pos++;
  return pos === diff.length - 1;
}
