/**
 * The side panel's keyboard shortcuts: one table (shown in the ? help and the README) and a pure
 * matcher. Single keys act only outside text fields; Ctrl/⌘ combinations act everywhere.
 */

export type Action =
  | 'help'
  | 'mark'
  | 'prompt'
  | 'inpaint'
  | 'cancel'
  | 'compare'
  | 'accept'
  | 'select-next'
  | 'select-previous'
  | 'undo'
  | 'redo'
  | 'download'
  | 'copy'
  | 'replace'
  | 'sessions'
  | 'theme';

export interface Shortcut {
  action: Action;
  /** As shown to the user. */
  keys: string;
  description: string;
  key: string;
  mod?: boolean;
  shift?: boolean;
  /** Also acts while typing in a field. */
  inFields?: boolean;
}

export const SHORTCUTS: readonly Shortcut[] = [
  { action: 'help', keys: '?', description: 'Show or hide this help', key: '?' },
  { action: 'mark', keys: 'M', description: 'Mark the region in the panel (another region after an accepted edit)', key: 'm' },
  { action: 'prompt', keys: 'P', description: 'Go to the region prompt', key: 'p' },
  { action: 'inpaint', keys: 'Ctrl+Enter', description: 'Inpaint the masked region', key: 'enter', mod: true, inFields: true },
  { action: 'cancel', keys: 'Esc', description: 'Cancel the running job, close this help', key: 'escape', inFields: true },
  { action: 'select-next', keys: 'J', description: 'Next candidate', key: 'j' },
  { action: 'select-previous', keys: 'K', description: 'Previous candidate', key: 'k' },
  { action: 'compare', keys: 'C', description: 'Go to the before/after slider (then ← → to move it)', key: 'c' },
  { action: 'accept', keys: 'A', description: 'Accept the selected candidate', key: 'a' },
  { action: 'undo', keys: 'Ctrl+Z', description: 'Undo the last accepted edit', key: 'z', mod: true },
  { action: 'redo', keys: 'Ctrl+Shift+Z', description: 'Redo an accepted edit', key: 'z', mod: true, shift: true },
  { action: 'download', keys: 'D', description: 'Download the result as PNG', key: 'd' },
  { action: 'copy', keys: 'Y', description: 'Copy the result to the clipboard', key: 'y' },
  { action: 'replace', keys: 'R', description: 'Replace the image in the page', key: 'r' },
  { action: 'sessions', keys: 'S', description: 'Show earlier sessions', key: 's' },
  { action: 'theme', keys: 'T', description: 'Switch theme (system, light, dark)', key: 't' },
];

export interface KeyLike {
  key: string;
  ctrlKey: boolean;
  metaKey: boolean;
  shiftKey: boolean;
  altKey: boolean;
}

/** The action a key press asks for, if any. `inField`: focus is in a text field. */
export function matchShortcut(event: KeyLike, inField: boolean): Action | undefined {
  if (event.altKey) return undefined;
  const mod = event.ctrlKey || event.metaKey;
  const key = event.key.toLowerCase();
  for (const shortcut of SHORTCUTS) {
    if (shortcut.key !== key || !!shortcut.mod !== mod) continue;
    // '?' needs Shift on most layouts: Shift is not part of its identity.
    if (shortcut.shift !== undefined && shortcut.shift !== event.shiftKey) continue;
    if (shortcut.shift === undefined && shortcut.key !== '?' && event.shiftKey) continue;
    if (inField && !shortcut.inFields) return undefined;
    return shortcut.action;
  }
  return undefined;
}
