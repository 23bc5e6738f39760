import { describe, expect, it } from 'vitest';
import { matchShortcut, SHORTCUTS } from './shortcuts';

const press = (key: string, extra: Partial<{ ctrlKey: boolean; metaKey: boolean; shiftKey: boolean; altKey: boolean }> = {}) => ({
  key, ctrlKey: false, metaKey: false, shiftKey: false, altKey: false, ...extra,
});

describe('matchShortcut', () => {
  it('maps single keys outside fields', () => {
    expect(matchShortcut(press('a'), false)).toBe('accept');
    expect(matchShortcut(press('D'), false)).toBe('download');
    expect(matchShortcut(press('?', { shiftKey: true }), false)).toBe('help');
  });

  it('leaves typing alone: single keys do nothing in text fields', () => {
    expect(matchShortcut(press('a'), true)).toBeUndefined();
    expect(matchShortcut(press('?', { shiftKey: true }), true)).toBeUndefined();
  });

  it('Ctrl/⌘+Enter inpaints even from the prompt field; Escape cancels anywhere', () => {
    expect(matchShortcut(press('Enter', { ctrlKey: true }), true)).toBe('inpaint');
    expect(matchShortcut(press('Enter', { metaKey: true }), false)).toBe('inpaint');
    expect(matchShortcut(press('Enter'), false)).toBeUndefined();
    expect(matchShortcut(press('Escape'), true)).toBe('cancel');
  });

  it('tells undo from redo by Shift, and ignores Alt and unknown combinations', () => {
    expect(matchShortcut(press('z', { ctrlKey: true }), false)).toBe('undo');
    expect(matchShortcut(press('Z', { ctrlKey: true, shiftKey: true }), false)).toBe('redo');
    expect(matchShortcut(press('z'), false)).toBeUndefined();
    expect(matchShortcut(press('a', { altKey: true }), false)).toBeUndefined();
    expect(matchShortcut(press('a', { shiftKey: true }), false)).toBeUndefined();
    expect(matchShortcut(press('d', { ctrlKey: true }), false)).toBeUndefined();
  });

  it('has one binding per key combination', () => {
    const combos = SHORTCUTS.map((s) => `${s.mod ? 'mod+' : ''}${s.shift ? 'shift+' : ''}${s.key}`);
    expect(new Set(combos).size).toBe(combos.length);
  });
});
