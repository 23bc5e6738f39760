/**
 * The side panel's state in one place: the open session's editor, the mask tools, earlier
 * sessions, the runtime, the theme, and what the shell shows (help, sessions list, export status);
 * with the actions the step components and the keyboard shortcuts share. Handed to components
 * through a typed context (`usePanel`).
 */
import { createContext, tick } from 'svelte';
import { ThemeState } from '@/components/theme.svelte';
import { onEvent } from '@/utils/messaging';
import { exportFileName } from '@/utils/export/file-name';
import { Autopilot } from './autopilot.svelte';
import { EditorState } from './editor.svelte';
import { copyToClipboard, download, replaceInPage } from './export';
import { MaskPainter } from './mask-painter.svelte';
import { RuntimeState } from './runtime.svelte';
import { SessionsState } from './sessions.svelte';
import type { Action } from './shortcuts';
import { panelSteps } from './steps';

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

export class Panel {
  readonly runtime = new RuntimeState();
  readonly editor = new EditorState();
  readonly sessions = new SessionsState();
  readonly painter = new MaskPainter();
  readonly autopilot = new Autopilot();
  readonly theme = new ThemeState();

  helpOpen = $state(false);
  sessionsOpen = $state(false);
  /** The compare slider's position (%), kept across candidates. */
  split = $state(50);
  exportStatus = $state<{ kind: 'ok' | 'error'; text: string } | undefined>();
  busyExport = $state<'copy' | 'replace' | undefined>();

  readonly session = $derived(this.editor.session);
  /** Object URL of the image being edited. */
  readonly workingUrl = $derived(this.editor.workingKey ? this.editor.urls[this.editor.workingKey] : undefined);
  readonly selected = $derived(this.editor.selectedCandidate);
  readonly selectedUrl = $derived(this.selected ? this.editor.urls[this.selected.candidate.image] : undefined);
  readonly fileName = $derived(this.session ? exportFileName(this.session.source) : 'image-fixed.png');
  readonly steps = $derived(
    panelSteps({
      hasSession: !!this.session,
      painting: this.painter.active,
      running: this.editor.running,
      candidates: this.editor.candidates.length,
      maskArea: this.editor.maskArea,
      edits: this.editor.edits,
      regionPrompt: this.editor.prompts.region,
    }),
  );

  start(signal: AbortSignal): void {
    this.runtime.start(signal);
    this.editor.start(signal);
    const offOpened = onEvent('session.opened', ({ sessionId }) => {
      this.painter.stop();
      this.autopilot.discard();
      void this.editor.open(sessionId).then(() => this.sessions.refresh());
    });
    const offDone = onEvent('job.done', ({ sessionId }) => {
      if (sessionId === this.editor.session?.id) void this.sessions.prune(sessionId);
    });
    signal.addEventListener('abort', () => {
      offOpened();
      offDone();
    });
    // Reopening the panel (or the browser) picks up where the user left off.
    void this.sessions.refresh().then(async () => {
      const latest = this.sessions.list[0];
      if (latest && !this.editor.session) await this.editor.open(latest.id);
      await this.sessions.prune(this.editor.session?.id);
    });
  }

  openSession(id: string): void {
    this.painter.stop();
    this.autopilot.discard();
    void this.editor.open(id);
  }

  async deleteSession(id: string): Promise<void> {
    if (id === this.session?.id) {
      this.painter.stop();
      this.editor.close();
    }
    await this.sessions.remove(id);
  }

  /** Opens the mask tools on the image being edited, from the mask there is. */
  async markHere(): Promise<void> {
    const { session, workingKey } = this.editor;
    if (!session || !workingKey) return;
    await this.editor.url(workingKey);
    await this.painter.begin(workingKey, session.width, session.height, this.editor.mask);
    await tick();
    document.getElementById('step-mask')?.scrollIntoView({ block: 'start' });
  }

  /** The autopilot's proposal, accepted: the session's mask. */
  async useProposal(key: string): Promise<void> {
    try {
      await this.editor.saveMask(key);
    } catch (error) {
      this.autopilot.error = messageOf(error);
    }
  }

  /** The autopilot's proposal, to be edited with the panel's mask tools. */
  async editProposal(mask: Uint8Array): Promise<void> {
    const { session, workingKey } = this.editor;
    if (!session || !workingKey) return;
    await this.editor.url(workingKey);
    await this.painter.begin(workingKey, session.width, session.height, mask);
  }

  async useMask(): Promise<void> {
    try {
      await this.editor.saveMask(await this.painter.save());
      this.painter.stop();
      await tick();
      document.getElementById('refine-region')?.focus();
    } catch (error) {
      this.painter.error = messageOf(error);
    }
  }

  async accept(): Promise<void> {
    await this.editor.accept();
    await this.sessions.prune(this.editor.session?.id);
    this.exportStatus = undefined;
  }

  /** The corrected image (the last accepted edit); a shortcut pressed before any tells the user why nothing happens. */
  private async resultBlob(): Promise<Blob | undefined> {
    if (this.editor.workingKey && this.editor.edits > 0) return this.editor.blob(this.editor.workingKey);
    this.exportStatus = { kind: 'error', text: 'Nothing to export yet: accept a candidate first.' };
    return undefined;
  }

  async download(): Promise<void> {
    const blob = await this.resultBlob();
    if (!blob) return;
    download(blob, this.fileName);
    this.exportStatus = { kind: 'ok', text: `Saved as ${this.fileName}.` };
  }

  async copy(): Promise<void> {
    const blob = await this.resultBlob();
    if (!blob) return;
    this.busyExport = 'copy';
    try {
      await copyToClipboard(blob);
      this.exportStatus = { kind: 'ok', text: 'Copied to the clipboard as PNG.' };
    } catch (error) {
      this.exportStatus = { kind: 'error', text: messageOf(error) };
    }
    this.busyExport = undefined;
  }

  async replace(): Promise<void> {
    const blob = await this.resultBlob();
    const session = this.session;
    if (!blob || !session) return;
    this.busyExport = 'replace';
    try {
      const what = await replaceInPage(session.source, blob);
      this.exportStatus = { kind: 'ok', text: `Replaced ${what} in the page (until it reloads).` };
    } catch (error) {
      this.exportStatus = { kind: 'error', text: messageOf(error) };
    }
    this.busyExport = undefined;
  }

  private selectBy(offset: number): void {
    const list = this.editor.candidates;
    if (!list.length) return;
    const index = list.findIndex((c) => c.candidate.image === this.selected?.candidate.image);
    this.editor.selected = list[(index + offset + list.length) % list.length]!.candidate.image;
  }

  private focus(id: string): void {
    const element = document.getElementById(id);
    element?.scrollIntoView({ block: 'center' });
    element?.focus();
  }

  /** What a keyboard shortcut does (shortcuts.ts maps keys to actions). */
  run(action: Action): void {
    const { editor, painter } = this;
    switch (action) {
      case 'help': this.helpOpen = !this.helpOpen; break;
      case 'mark': void this.markHere(); break;
      case 'prompt': this.focus('refine-region'); break;
      case 'inpaint': void editor.inpaint(); break;
      case 'cancel': if (editor.running) void editor.cancel(); else if (painter.active) painter.stop(); break;
      case 'select-next': this.selectBy(1); break;
      case 'select-previous': this.selectBy(-1); break;
      case 'compare': this.focus('compare-slider'); break;
      case 'accept': void this.accept(); break;
      case 'undo': void editor.undo(); break;
      case 'redo': void editor.redo(); break;
      case 'download': void this.download(); break;
      case 'copy': void this.copy(); break;
      case 'replace': void this.replace(); break;
      case 'sessions': this.sessionsOpen = !this.sessionsOpen; if (this.sessionsOpen) void tick().then(() => this.focus('sessions-title')); break;
      case 'theme': this.theme.cycle(); break;
    }
  }
}

/** The panel's state for any component under App (App provides it). */
export const [usePanel, providePanel] = createContext<Panel>();
