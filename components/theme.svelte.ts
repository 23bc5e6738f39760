/**
 * Light/dark theme of the extension's pages: the system's choice unless the user overrides it.
 * Kept in the extension origin's localStorage (synchronous, so a page paints in the right theme
 * at once; shared by the side panel and the options page). Not a secret, not synced.
 */
export type ThemeChoice = 'system' | 'light' | 'dark';
const KEY = 'inpaint-biases:theme';
const ORDER: readonly ThemeChoice[] = ['system', 'light', 'dark'];

function read(): ThemeChoice {
  try {
    const stored = localStorage.getItem(KEY);
    return stored === 'light' || stored === 'dark' ? stored : 'system';
  } catch {
    return 'system';
  }
}

export class ThemeState {
  choice = $state<ThemeChoice>(read());

  constructor() {
    this.apply();
  }

  set(choice: ThemeChoice): void {
    this.choice = choice;
    try {
      if (choice === 'system') localStorage.removeItem(KEY);
      else localStorage.setItem(KEY, choice);
    } catch {
      // storage unavailable: the choice lasts for this page
    }
    this.apply();
  }

  cycle(): void {
    this.set(ORDER[(ORDER.indexOf(this.choice) + 1) % ORDER.length]!);
  }

  private apply(): void {
    if (this.choice === 'system') delete document.documentElement.dataset.theme;
    else document.documentElement.dataset.theme = this.choice;
  }
}
