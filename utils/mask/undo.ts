/**
 * An undo/redo history of immutable states, bounded: the oldest step goes once there are more
 * than `limit`. A new state after an undo drops what could have been redone (as in any editor). Pure.
 */
export class UndoHistory<T> {
  private past: T[] = [];
  private future: T[] = [];

  constructor(
    public present: T,
    private readonly limit = 40,
  ) {}

  get canUndo(): boolean {
    return this.past.length > 0;
  }

  get canRedo(): boolean {
    return this.future.length > 0;
  }

  /** Makes `next` the present; the current one becomes undoable. */
  push(next: T): void {
    this.past.push(this.present);
    if (this.past.length > this.limit) this.past.shift();
    this.future = [];
    this.present = next;
  }

  /** Whether there was a step to undo. */
  undo(): boolean {
    const previous = this.past.pop();
    if (previous === undefined) return false;
    this.future.push(this.present);
    this.present = previous;
    return true;
  }

  redo(): boolean {
    const next = this.future.pop();
    if (next === undefined) return false;
    this.past.push(this.present);
    this.present = next;
    return true;
  }

  /** Starts over from `present` with nothing to undo or redo. */
  reset(present: T): void {
    this.past = [];
    this.future = [];
    this.present = present;
  }
}
