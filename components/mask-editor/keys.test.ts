import { describe, expect, it } from 'vitest';
import { maskCommand, type MaskKey } from './keys';

const press = (key: string, mods: Partial<MaskKey> = {}): MaskKey => ({ key, ctrlKey: false, metaKey: false, shiftKey: false, altKey: false, ...mods });

describe('mask editor keys', () => {
  it('picks tools by their letters', () => {
    expect(maskCommand(press('b'), 'click')).toEqual({ kind: 'tool', tool: 'brush' });
    expect(maskCommand(press('E', { shiftKey: true }), 'click')).toEqual({ kind: 'tool', tool: 'eraser' });
    expect(maskCommand(press('x'), 'brush')).toEqual({ kind: 'tool', tool: 'box' });
    expect(maskCommand(press('c'), 'brush')).toEqual({ kind: 'tool', tool: 'click' });
  });

  it('undoes with Ctrl/⌘+Z, redoes with Shift or Y', () => {
    expect(maskCommand(press('z', { ctrlKey: true }), 'click')).toEqual({ kind: 'undo' });
    expect(maskCommand(press('Z', { metaKey: true, shiftKey: true }), 'click')).toEqual({ kind: 'redo' });
    expect(maskCommand(press('y', { ctrlKey: true }), 'click')).toEqual({ kind: 'redo' });
    // Other Ctrl combinations belong to the browser.
    expect(maskCommand(press('b', { ctrlKey: true }), 'click')).toBeUndefined();
  });

  it('moves the keyboard pointer and places points with the click tool only', () => {
    expect(maskCommand(press('ArrowLeft'), 'click')).toEqual({ kind: 'move', direction: [-1, 0], big: false });
    expect(maskCommand(press('ArrowDown', { shiftKey: true }), 'click')).toEqual({ kind: 'move', direction: [0, 1], big: true });
    expect(maskCommand(press(' '), 'click')).toEqual({ kind: 'point', label: 1 });
    expect(maskCommand(press(' ', { shiftKey: true }), 'click')).toEqual({ kind: 'point', label: 0 });
    expect(maskCommand(press(' ', { altKey: true }), 'click')).toEqual({ kind: 'point', label: 0 });
    expect(maskCommand(press('ArrowLeft'), 'brush')).toBeUndefined();
    expect(maskCommand(press(' '), 'brush')).toBeUndefined();
  });

  it('leaves Space, Enter, Tab and arrows to a focused toolbar control', () => {
    for (const key of [' ', 'Enter', 'Tab', 'ArrowRight']) expect(maskCommand(press(key), 'click', 'control')).toBeUndefined();
    expect(maskCommand(press('i'), 'click', 'control')).toEqual({ kind: 'invert' });
  });

  it('leaves every key typed in a text field to the field', () => {
    for (const key of ['b', 'i', 'Delete', 'Backspace', ' ', 'Enter', 'Tab', 'ArrowLeft']) expect(maskCommand(press(key), 'click', 'text')).toBeUndefined();
    expect(maskCommand(press('z', { ctrlKey: true }), 'click', 'text')).toBeUndefined();
  });

  it('maps the whole-mask operations, brush size and hand-off', () => {
    expect(maskCommand(press('+'), 'click')).toEqual({ kind: 'grow' });
    expect(maskCommand(press('='), 'click')).toEqual({ kind: 'grow' });
    expect(maskCommand(press('-'), 'click')).toEqual({ kind: 'shrink' });
    expect(maskCommand(press('f'), 'click')).toEqual({ kind: 'feather' });
    expect(maskCommand(press('Delete'), 'click')).toEqual({ kind: 'clear' });
    expect(maskCommand(press('Backspace'), 'click')).toEqual({ kind: 'clear' });
    expect(maskCommand(press(']'), 'brush')).toEqual({ kind: 'brush-size', delta: 4 });
    expect(maskCommand(press('Enter'), 'click')).toEqual({ kind: 'done' });
    expect(maskCommand(press('Tab'), 'click')).toEqual({ kind: 'next-candidate' });
    expect(maskCommand(press('q'), 'click')).toBeUndefined();
    expect(maskCommand(press('Escape'), 'click')).toBeUndefined();
  });
});
