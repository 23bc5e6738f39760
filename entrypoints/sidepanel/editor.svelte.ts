/**
 * The editing loop's state for one session: the image being edited and its mask, the prompts,
 * the inpainting job and its candidates, accepted edits with undo/redo. Everything the user does
 * is written to the session store at once, so closing the panel or restarting the browser loses
 * nothing; job results are appended to the session by the offscreen jobs themselves.
 */
import { onEvent, send } from '@/utils/messaging';
import type { DiffusionParams, InpaintBackend, InpaintConfigView, InpaintResult, JobView, SamplingSettings } from '@/utils/protocol';
import { acceptStoredCandidate, canRedo, canUndo, editCount, redoEdit, roundCandidates, undoEdit, workingImage, type RankedCandidate } from '@/utils/edit-history';
import { getMask, getRecord, getSession, modifySession, type EditSession } from '@/utils/session-store';
import { hostOf } from '@/utils/llm/config';
import { diffusionWithImageSampling } from '@/utils/inpaint/image-sampling';
import { mayReceivePixels } from '@/utils/inpaint/privacy';
import { choosePrompt, type PromptChoice } from '@/utils/prompt-source';
import { maskedCrop } from './crop';

export interface Prompts {
  original: string;
  region: string;
  negative: string;
  intent: string;
  /** The LLM's other region prompts and its reasoning, kept so a reopened panel still offers them. */
  alternatives: string[];
  rationale: string;
}

function randomSeed(): number {
  return crypto.getRandomValues(new Uint32Array(1))[0]!;
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

export class EditorState {
  session = $state<EditSession | undefined>();
  /** Pixels of the image being edited (the last accepted edit, else the original). */
  image = $state<Blob | undefined>();
  mask = $state<Uint8Array | undefined>();
  /** The masked region as a JPEG data URL, for LLMs that see images (sent only when opted in). */
  crop = $state<string | undefined>();
  prompts = $state<Prompts>({ original: '', region: '', negative: '', intent: '', alternatives: [], rationale: '' });
  error = $state<string | undefined>();

  config = $state<InpaintConfigView | undefined>();
  backend = $state<InpaintBackend>('local');
  count = $state(1);
  /** The diffusion backend's parameters: the options' defaults and a random seed, changed here per job. */
  diffusion = $state<DiffusionParams>({ model: 'sd-inpaint', steps: 20, guidance: 7.5, strength: 1, seed: randomSeed() });
  job = $state<JobView | undefined>();
  jobError = $state<string | undefined>();

  /** The candidate shown in the compare view and offered for Accept (its image key). */
  selected = $state<string | undefined>();
  /** Object URLs of stored images by key (thumbnails, compare, export). */
  urls = $state<Record<string, string>>({});

  readonly candidates: RankedCandidate[] = $derived(this.session ? roundCandidates(this.session) : []);
  readonly selectedCandidate: RankedCandidate | undefined = $derived(this.candidates.find((c) => c.candidate.image === this.selected) ?? this.candidates[0]);
  readonly workingKey: string | undefined = $derived(this.session ? workingImage(this.session) : undefined);
  readonly canUndo = $derived(this.session ? canUndo(this.session) : false);
  readonly canRedo = $derived(this.session ? canRedo(this.session) : false);
  readonly edits = $derived(this.session ? editCount(this.session) : 0);
  readonly running = $derived(this.job !== undefined && (this.job.state === 'queued' || this.job.state === 'running'));
  /** Where the original prompt starts from: the file's metadata, else page text near the image (issue #16). */
  readonly promptChoice: PromptChoice | undefined = $derived(
    this.session ? choosePrompt({ metadata: this.session.metadata, context: this.session.source.context, alt: this.session.source.alt }) : undefined,
  );
  /** Whether A1111 and the local diffusion backend sample with the image's own seed, steps and CFG (A1111: and sampler), when its metadata states them. */
  useImageSampling = $state(true);
  readonly sampling: SamplingSettings | undefined = $derived.by(() => {
    const params = this.promptChoice?.params;
    if (!params) return undefined;
    const whole = (n: number | undefined, max: number) => (n !== undefined && Number.isInteger(n) && n >= 0 && n <= max ? n : undefined);
    const settings: SamplingSettings = {
      seed: whole(params.seed, Number.MAX_SAFE_INTEGER),
      steps: whole(params.steps, 500) || undefined,
      cfgScale: params.cfgScale !== undefined && params.cfgScale >= 0 && params.cfgScale <= 100 ? params.cfgScale : undefined,
      sampler: params.sampler?.slice(0, 100),
      scheduler: params.scheduler?.slice(0, 100),
    };
    return Object.values(settings).some((value) => value !== undefined) ? settings : undefined;
  });
  readonly maskArea = $derived(this.mask ? this.mask.reduce((n, m) => n + (m > 0 ? 1 : 0), 0) : 0);

  private openSeq = 0;
  /** Blobs read so far (not reactive: a cache). */
  private blobs: Record<string, Blob> = {};

  /** Loads a session (the latest request wins: a slow earlier load never overwrites a newer one). */
  async open(id: string): Promise<void> {
    const seq = ++this.openSeq;
    try {
      const session = await getSession(id);
      if (!session) throw new Error('This session was deleted');
      if (seq !== this.openSeq) return;
      const switching = session.id !== this.session?.id;
      await this.show(session, seq);
      if (seq !== this.openSeq) return;
      if (switching) {
        const choice = choosePrompt({ metadata: session.metadata, context: session.source.context, alt: session.source.alt });
        this.prompts = {
          original: session.prompt?.original ?? choice?.text ?? '',
          region: session.prompt?.region ?? '',
          negative: session.prompt?.negative ?? choice?.negativePrompt ?? '',
          intent: session.prompt?.intent ?? '',
          alternatives: session.prompt?.alternatives ?? [],
          rationale: session.prompt?.rationale ?? '',
        };
        this.selected = undefined;
        this.job = undefined;
        this.jobError = undefined;
        void this.resumeJob(session.id);
      }
      this.error = undefined;
    } catch (error) {
      if (seq === this.openSeq) this.error = messageOf(error);
    }
  }

  /** Shows a session as stored: its working image, mask and candidates. */
  private async show(session: EditSession, seq = this.openSeq): Promise<void> {
    const working = workingImage(session);
    const [image, mask] = await Promise.all([this.blob(working), session.mask ? getMask(session.mask) : undefined]);
    if (seq !== this.openSeq) return;
    const maskChanged = session.mask !== this.session?.mask || working !== this.workingKey;
    this.session = session;
    this.image = image;
    this.mask = mask?.data;
    if (maskChanged) {
      this.crop = undefined;
      // The crop is for the LLM step: made after the mask is on screen, never delaying it.
      if (mask) void maskedCrop(image, mask).then((crop) => seq === this.openSeq && (this.crop = crop), () => undefined);
    }
    for (const { candidate } of roundCandidates(session)) void this.url(candidate.image);
    void this.url(working);
  }

  /** Re-reads the open session (another context changed it: a job finished, the overlay sent a mask). */
  async reload(): Promise<void> {
    if (this.session) await this.open(this.session.id);
  }

  close(): void {
    this.openSeq++;
    this.session = undefined;
    this.image = undefined;
    this.mask = undefined;
    this.crop = undefined;
    this.job = undefined;
  }

  /** A stored image's Blob, read once per panel. */
  async blob(key: string): Promise<Blob> {
    const known = this.blobs[key];
    if (known) return known;
    const blob = (await getRecord(key)).blob;
    this.blobs[key] = blob;
    return blob;
  }

  /** An object URL for a stored image, made once and kept for the panel's life. */
  async url(key: string): Promise<string> {
    const known = this.urls[key];
    if (known) return known;
    const url = URL.createObjectURL(await this.blob(key));
    this.urls[key] ??= url;
    return this.urls[key]!;
  }

  start(signal: AbortSignal): void {
    const offProgress = onEvent('job.progress', (view) => {
      if (view.sessionId !== this.session?.id) return;
      if (this.job && this.job.jobId !== view.jobId && view.state !== 'queued' && view.state !== 'running') return;
      this.job = view;
      if (view.state === 'failed') this.jobError = view.error?.message ?? 'Inpainting failed';
    });
    const offDone = onEvent('job.done', ({ sessionId, result }) => {
      if (sessionId !== this.session?.id) return;
      void this.finished(result);
    });
    signal.addEventListener('abort', () => {
      offProgress();
      offDone();
    });
    send('inpaint.config.get', {}).then(
      (config) => {
        this.config = config;
        this.backend = config.backend;
        this.count = config.backend === 'local' ? 1 : config.n;
        this.diffusion = { ...config.diffusion, seed: this.diffusion.seed };
      },
      (error: unknown) => (this.jobError = `Could not read the inpainting settings: ${messageOf(error)}`),
    );
    // Back from the options page: its key, permissions and servers apply (the backend picked here stays).
    window.addEventListener('focus', () => void send('inpaint.config.get', {}).then((config) => (this.config = config), () => undefined), { signal });
  }

  /** A reopened panel picks up a job still running for this session. */
  private async resumeJob(sessionId: string): Promise<void> {
    try {
      const { jobs } = await send('jobs.list', {});
      const live = jobs.find((job) => job.sessionId === sessionId && (job.state === 'queued' || job.state === 'running'));
      if (live && this.session?.id === sessionId) this.job = live;
    } catch {
      // No inference document yet: nothing is running.
    }
  }

  private async finished(result: InpaintResult): Promise<void> {
    if (this.job?.jobId === result.jobId) this.job = { ...this.job, state: 'done', stage: 'saving', progress: 1 };
    await this.reload();
    // The job appends its result before announcing it; should the store lag, show it anyway.
    if (this.session && !this.session.results?.some((r) => r.jobId === result.jobId)) {
      this.session = { ...this.session, results: [...(this.session.results ?? []), result] };
    }
    this.selected = this.candidates[0]?.candidate.image;
    for (const { candidate } of this.candidates) void this.url(candidate.image);
  }

  /**
   * Every keystroke is written at once (one small transaction): a panel closed mid-word keeps it.
   * IndexedDB runs a store's readwrite transactions in order, so the last write wins.
   */
  setPrompts(change: Partial<Prompts>): void {
    this.prompts = { ...this.prompts, ...change };
    if (!this.session) return;
    const { original, region, negative, intent, alternatives, rationale } = this.prompts;
    void modifySession(this.session.id, (session) => ({ ...session, prompt: { original, region, negative, intent, alternatives: [...alternatives], rationale } })).catch((error: unknown) => (this.error = messageOf(error)));
  }

  /** Why Inpaint is not available, for the button's hint. */
  readonly inpaintBlocker = $derived.by(() => {
    if (!this.session) return 'Pick an image first.';
    if (!this.mask || this.maskArea === 0) return 'Mark the region to change first.';
    if (!this.prompts.region.trim()) return 'Write what the region should show (step 3).';
    if (this.running) return 'A job is running.';
    const config = this.config;
    if (this.backend === 'local' || this.backend === 'diffusion' || !config) return undefined;
    const server = this.backend === 'openai' ? config.openaiBaseUrl : config.a1111BaseUrl;
    if (this.backend === 'openai' && !config.hasOpenAiKey) return 'No OpenAI key is saved: add one in the options.';
    if (!config.permissions[this.backend]) return `The extension may not reach ${hostOf(server)} yet: save the server in the options to allow it.`;
    if (!mayReceivePixels(server, config.neverSendPixels)) return `"Never send pixels off this machine" is on, and ${hostOf(server)} is another machine.`;
    return undefined;
  });
  readonly canInpaint = $derived(this.inpaintBlocker === undefined);

  async inpaint(): Promise<void> {
    const session = this.session;
    if (!session?.mask || !this.canInpaint) return;
    this.jobError = undefined;
    const { original, region, negative } = this.prompts;
    try {
      const started = await send('inpaint.start', {
        sessionId: session.id,
        image: workingImage(session),
        mask: session.mask,
        backend: this.backend,
        prompt: region.trim(),
        fullPrompt: original.trim() || region.trim(),
        ...(negative.trim() ? { negativePrompt: negative.trim() } : {}),
        ...(this.backend === 'a1111' && this.useImageSampling && this.sampling ? { sampling: this.sampling } : {}),
        n: this.backend === 'local' ? 1 : this.count,
        ...(this.backend === 'diffusion' ? { diffusion: diffusionWithImageSampling({ ...this.diffusion }, this.useImageSampling ? this.sampling : undefined) } : {}),
      });
      this.job = { jobId: started.jobId, sessionId: session.id, backend: this.backend, state: 'queued', stage: 'waiting', progress: 0, position: started.position };
    } catch (error) {
      this.jobError = messageOf(error);
    }
  }

  async cancel(): Promise<void> {
    if (!this.job || !this.running) return;
    try {
      await send('inpaint.cancel', { jobId: this.job.jobId });
    } catch (error) {
      this.jobError = messageOf(error);
    }
  }

  private async change(modify: (session: EditSession) => EditSession): Promise<void> {
    if (!this.session) return;
    try {
      await this.show(await modifySession(this.session.id, modify));
    } catch (error) {
      this.error = messageOf(error);
    }
  }

  /** Accepts the selected candidate: the next region is fixed on top of it. */
  async accept(choice: RankedCandidate | undefined = this.selectedCandidate): Promise<void> {
    if (!choice) return;
    const key = choice.candidate.image;
    await this.change((session) => acceptStoredCandidate(session, key, Date.now()));
    this.selected = undefined;
    if (!this.running) this.job = undefined; // the finished job's line belongs to the last round
  }

  undo = () => this.change(undoEdit);
  redo = () => this.change(redoEdit);

  /** Stores a mask drawn in the panel as the session's mask. */
  async saveMask(key: string): Promise<void> {
    await this.change((session) => ({ ...session, mask: key }));
  }
}
