import { describe, expect, it } from 'vitest';
import { UndoHistory } from './undo';

describe('UndoHistory', () => {
  it('undoes and redoes in order', () => {
    const h = new UndoHistory('a');
    h.push('b');
    h.push('c');
    expect(h.undo()).toBe(true);
    expect(h.present).toBe('b');
    expect(h.undo()).toBe(true);
    expect(h.present).toBe('a');
    expect(h.undo()).toBe(false);
    expect(h.present).toBe('a');
    expect(h.redo()).toBe(true);
    expect(h.redo()).toBe(true);
    expect(h.present).toBe('c');
    expect(h.redo()).toBe(false);
  });

  it('drops the redo steps when something new is done after an undo', () => {
    const h = new UndoHistory(1);
    h.push(2);
    h.undo();
    expect(h.canRedo).toBe(true);
    h.push(3);
    expect(h.canRedo).toBe(false);
    h.undo();
    expect(h.present).toBe(1);
  });

  it('keeps at most `limit` steps to undo, dropping the oldest', () => {
    const h = new UndoHistory(0, 3);
    for (let i = 1; i <= 5; i++) h.push(i);
    let undone = 0;
    while (h.undo()) undone++;
    expect(undone).toBe(3);
    expect(h.present).toBe(2);
  });

  it('reset forgets both directions', () => {
    const h = new UndoHistory('a');
    h.push('b');
    h.undo();
    h.reset('z');
    expect([h.present, h.canUndo, h.canRedo]).toEqual(['z', false, false]);
  });
});
