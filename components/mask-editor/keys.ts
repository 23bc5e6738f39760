/**
 * The mask editor's keys, one map for the page overlay and the side panel's mask tools. Pure:
 * a key press in, the command it asks for out (the editor and its host carry it out).
 */
import { arrowDirection } from '@/utils/geometry/keyboard-pointer';

export type MaskTool = 'click' | 'box' | 'brush' | 'eraser';

export const MASK_TOOLS: readonly { id: MaskTool; label: string; key: string }[] = [
  { id: 'click', label: 'Click', key: 'C' },
  { id: 'box', label: 'Box', key: 'X' },
  { id: 'brush', label: 'Brush', key: 'B' },
  { id: 'eraser', label: 'Eraser', key: 'E' },
];

export type MaskCommand =
  /** Moves the keyboard's pointer (click tool). */
  | { kind: 'move'; direction: readonly [number, number]; big: boolean }
  /** Places a prompt point at the keyboard's pointer. */
  | { kind: 'point'; label: 0 | 1 }
  | { kind: 'tool'; tool: MaskTool }
  | { kind: 'brush-size'; delta: number }
  | { kind: 'undo' | 'redo' | 'invert' | 'grow' | 'shrink' | 'feather' | 'clear' | 'next-candidate' | 'done' };

export interface MaskKey {
  key: string;
  ctrlKey: boolean;
  metaKey: boolean;
  shiftKey: boolean;
  altKey: boolean;
}

const SINGLE: Readonly<Record<string, MaskCommand>> = {
  tab: { kind: 'next-candidate' },
  ...Object.fromEntries(MASK_TOOLS.map((t) => [t.key.toLowerCase(), { kind: 'tool', tool: t.id }])),
  '[': { kind: 'brush-size', delta: -4 },
  ']': { kind: 'brush-size', delta: 4 },
  i: { kind: 'invert' },
  '+': { kind: 'grow' },
  '=': { kind: 'grow' },
  '-': { kind: 'shrink' },
  f: { kind: 'feather' },
  delete: { kind: 'clear' },
  backspace: { kind: 'clear' },
  enter: { kind: 'done' },
};

/**
 * Where the key was pressed: on the image (`surface`), on a toolbar control (`control`: Space,
 * Enter, Tab and arrows do what they do on any control) or in a text field (`text`: typing there,
 * e.g. the autopilot's "what is wrong", is text, never a tool shortcut).
 */
export type KeyFocus = 'surface' | 'control' | 'text';

/** The command a key press asks for. `tool`: the tool in hand (arrows and Space act with the click tool only). */
export function maskCommand(event: MaskKey, tool: MaskTool, focus: KeyFocus = 'surface'): MaskCommand | undefined {
  if (focus === 'text') return undefined;
  const mod = event.ctrlKey || event.metaKey;
  const key = event.key.toLowerCase();
  const direction = arrowDirection(event.key);
  if (focus === 'control' && (direction || key === ' ' || key === 'enter' || key === 'tab')) return undefined;
  if (direction) return !mod && tool === 'click' ? { kind: 'move', direction, big: event.shiftKey } : undefined;
  if (key === ' ') return !mod && tool === 'click' ? { kind: 'point', label: event.shiftKey || event.altKey ? 0 : 1 } : undefined;
  if (mod) {
    if (key === 'z') return { kind: event.shiftKey ? 'redo' : 'undo' };
    return key === 'y' ? { kind: 'redo' } : undefined;
  }
  return SINGLE[key];
}
