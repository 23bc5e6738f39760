/**
 * The inpainting job queue of the offscreen document: first in, first out, one job at a time,
 * each cancellable (its AbortSignal reaches the fetch or SDK call, so a cancelled remote request
 * closes its connection), with `job.progress` events per stage and `job.done` with the result.
 * A job given a `sessionId` appends its result to that session, so a closed panel loses nothing.
 * Within a stage, progress events and live previews go out a few times a second (each event is
 * broadcast to every extension page, on the thread the overlay's clicks need); `jobs.list` is exact.
 */
import { emit, send } from '@/utils/messaging';
import { pasteThroughMask } from '@/utils/inpaint/crop';
import { mayReceivePixels } from '@/utils/inpaint/privacy';
import { rankByScore, scoreDelta } from '@/utils/inpaint/scores';
import { hostOf } from '@/utils/llm/config';
import type { RGBAImage } from '@/utils/image/types';
import { feather } from '@/utils/mask/morphology';
import { latestWins, type LatestWins } from '@/utils/scheduling/latest-wins';
import type { InpaintCandidate, InpaintRequest, InpaintResult, JobView, ResponseOf, ScorePair } from '@/utils/protocol';
import { modifySession } from '@/utils/session-store';
import { DIFFUSION_VARIANTS } from '@/models/sd/variants';
import { a1111Backend } from './backends/a1111';
import { diffusionBackend } from './backends/diffusion';
import { localBackend } from './backends/local';
import { openAiBackend } from './backends/openai';
import { InpaintError, type FillBackend } from './backends/types';
import type { Inference } from './inference';
import { blobToBase64, encodePng, loadImage, loadMask, storeImage } from './pixels';
import { createScorer } from './scoring';

/** Feather of the paste-back edge when the request names none (px, outside the mask). */
export const DEFAULT_FEATHER = 4;
/** Finished jobs kept for `jobs.list`. */
const KEEP_FINISHED = 20;
/** "Before" scores kept: trying several backends on one image and mask scores it once. */
const KEEP_BEFORE_SCORES = 16;
/**
 * Within a stage, at most one `job.progress` event and one preview encode per this long (the last
 * always goes out): a diffusion step on small models takes ~15 ms, and every event (with the
 * preview's data URL) is broadcast to every extension page while the user may be clicking.
 */
export const PROGRESS_INTERVAL_MS = 200;

type JobState = JobView['state'];
type JobStage = JobView['stage'];

interface Job {
  view: JobView;
  request: InpaintRequest;
  controller: AbortController;
  /** `job.progress` events within a stage, rate-limited. */
  events: LatestWins<JobView>;
  /** Pictures of the work in progress, rate-limited before they are encoded. */
  previews: LatestWins<RGBAImage>;
  /** A preview is being encoded. */
  previewing?: boolean;
}

export interface JobQueueOptions {
  /** Awaited between a job's model steps: interactive work goes first (the worker's interaction gate). */
  turn?(): Promise<void>;
}

/** Where each stage starts and ends on the job's 0..1 progress. */
const STAGES: Record<JobStage, [number, number]> = {
  waiting: [0, 0],
  'loading-model': [0, 0.1],
  'scoring-before': [0.1, 0.2],
  inpainting: [0.2, 0.75],
  'scoring-after': [0.75, 0.95],
  saving: [0.95, 1],
};

export class JobQueue {
  private jobs: Job[] = [];
  private running = false;
  /** Stored images and masks never change under their key, so their scores for the same prompts do not either. */
  private beforeScores = new Map<string, ScorePair>();

  constructor(
    private readonly inference: Inference,
    private readonly options: JobQueueOptions = {},
  ) {}

  start(request: InpaintRequest): { jobId: string; position: number } {
    const jobId = crypto.randomUUID();
    const position = this.jobs.filter((j) => j.view.state === 'queued' || j.view.state === 'running').length;
    const view: JobView = {
      jobId,
      ...(request.sessionId ? { sessionId: request.sessionId } : {}),
      backend: request.backend,
      state: 'queued',
      stage: 'waiting',
      progress: 0,
      position,
    };
    const job: Job = {
      view,
      request,
      controller: new AbortController(),
      events: latestWins(PROGRESS_INTERVAL_MS, (latest) => emit('job.progress', latest)),
      previews: latestWins(PROGRESS_INTERVAL_MS, (picture) => this.encodePreview(job, picture)),
    };
    this.jobs.push(job);
    job.events.push(view);
    void this.pump();
    return { jobId, position };
  }

  cancel(jobId: string): boolean {
    const job = this.jobs.find((j) => j.view.jobId === jobId);
    if (!job || (job.view.state !== 'queued' && job.view.state !== 'running')) return false;
    job.controller.abort();
    // A running job notices through its signal; a queued one never starts.
    if (job.view.state === 'queued') this.finish(job, 'cancelled', { message: 'Cancelled.' });
    return true;
  }

  list(): JobView[] {
    return this.jobs.map((j) => j.view);
  }

  private async pump(): Promise<void> {
    if (this.running) return;
    this.running = true;
    try {
      for (let job = this.next(); job; job = this.next()) await this.run(job);
    } finally {
      this.running = false;
    }
  }

  private next(): Job | undefined {
    return this.jobs.find((j) => j.view.state === 'queued');
  }

  /** Changes the view; a new state, stage or place in the queue goes out at once, progress within a stage at the limiter's pace. */
  private update(job: Job, change: Partial<JobView>): void {
    const before = job.view;
    job.view = { ...before, ...change };
    job.events.push(job.view);
    if (job.view.state !== before.state || job.view.stage !== before.stage || job.view.position !== before.position) job.events.flush();
  }

  private stage(job: Job, stage: JobStage, within = 0, message?: string): void {
    const [from, to] = STAGES[stage];
    this.update(job, { stage, progress: from + (to - from) * Math.min(1, Math.max(0, within)), ...(message ? { message } : {}) });
  }

  /** Shows a picture of the work in progress (rate-limited; later pictures win). */
  private preview(job: Job, picture: RGBAImage): void {
    job.previews.push(picture);
  }

  /** One encode at a time: a picture that comes while one encodes is dropped (a later one follows). */
  private encodePreview(job: Job, picture: RGBAImage): void {
    if (job.previewing) return;
    job.previewing = true;
    void encodePng(picture)
      .then(blobToBase64)
      .then((base64) => {
        if (job.view.state === 'running') this.update(job, { preview: `data:image/png;base64,${base64}` });
      })
      .catch(() => undefined)
      .finally(() => (job.previewing = false));
  }

  private finish(job: Job, state: JobState, outcome: { message?: string; error?: { code: string; message: string } }): void {
    job.previews.cancel();
    delete job.view.preview; // a preview belongs to the running job only
    this.update(job, { state, position: 0, ...(state === 'done' ? { progress: 1 } : {}), ...outcome });
    // Jobs behind it move up.
    let ahead = 0;
    for (const other of this.jobs) {
      if (other.view.state === 'queued' && other.view.position !== ahead) this.update(other, { position: ahead });
      if (other.view.state === 'queued' || other.view.state === 'running') ahead++;
    }
    const finished = this.jobs.filter((j) => j.view.state !== 'queued' && j.view.state !== 'running');
    for (const old of finished.slice(0, Math.max(0, finished.length - KEEP_FINISHED))) this.jobs.splice(this.jobs.indexOf(old), 1);
  }

  private async run(job: Job): Promise<void> {
    const release = this.inference.hold(); // no idle release of the models mid-job
    this.update(job, { state: 'running', position: 0 });
    try {
      const { result, unsaved } = await this.work(job);
      const made = `${result.candidates.length} candidate${result.candidates.length === 1 ? '' : 's'} from ${result.model}`;
      this.finish(job, 'done', { message: unsaved ? `${made}, ${unsaved}` : made });
      emit('job.done', { jobId: job.view.jobId, ...(job.request.sessionId ? { sessionId: job.request.sessionId } : {}), result });
    } catch (error) {
      if (job.controller.signal.aborted) this.finish(job, 'cancelled', { message: 'Cancelled.' });
      else {
        const code = error instanceof InpaintError ? error.code : 'failed';
        this.finish(job, 'failed', { error: { code, message: error instanceof Error ? error.message : String(error) } });
      }
    } finally {
      release();
    }
  }

  /** Runs the job; `unsaved` says why the result could not be added to its session (it was deleted meanwhile). */
  private async work(job: Job): Promise<{ result: InpaintResult; unsaved?: string }> {
    const { request } = job;
    const { signal } = job.controller;
    const checkCancelled = () => {
      if (signal.aborted) throw new InpaintError('cancelled', 'Cancelled.');
    };
    const started = performance.now();
    this.stage(job, 'loading-model');
    const [settings, image] = await Promise.all([send('settings.inpaint', {}), loadImage(request.image), this.inference.model('clip')]);
    const backend = this.backendFor(request, settings);
    const mask = await loadMask(request.mask, image.width, image.height);
    checkCancelled();

    this.stage(job, 'scoring-before');
    const fullPrompt = request.fullPrompt?.trim() || request.prompt;
    const scoreStart = performance.now();
    const scorer = await createScorer((work) => this.inference.run('clip', work), fullPrompt, { mask, regionPrompt: request.prompt });
    const before = await this.scoreBefore(JSON.stringify([request.image, request.mask, fullPrompt, request.prompt]), () => scorer.score(image));
    let scoreMs = performance.now() - scoreStart;
    checkCancelled();

    this.stage(job, 'inpainting');
    const inpaintStart = performance.now();
    const n = request.backend === 'local' ? 1 : request.n;
    const filled = await backend(
      { image, mask, prompt: request.prompt, ...(request.negativePrompt ? { negativePrompt: request.negativePrompt } : {}), ...(request.sampling ? { sampling: request.sampling } : {}), n },
      {
        signal,
        onProgress: (fraction, message) => this.stage(job, 'inpainting', fraction, message),
        onPreview: (picture) => this.preview(job, picture),
        ...(this.options.turn ? { turn: this.options.turn } : {}),
      },
    );
    checkCancelled();
    // Pixels past the feather are the original's, bit for bit, whatever the backend did there.
    const alpha = feather(mask, request.feather ?? DEFAULT_FEATHER, 'outside');
    const pasted = filled.outputs.map((output) => ({ ...output, image: pasteThroughMask(image, output.image, filled.rect, alpha) }));
    const inpaintMs = performance.now() - inpaintStart;

    const scored: { image: RGBAImage; seed?: number; scores: ScorePair }[] = [];
    const afterStart = performance.now();
    for (const [i, candidate] of pasted.entries()) {
      this.stage(job, 'scoring-after', i / pasted.length);
      scored.push({ ...candidate, scores: await scorer.score(candidate.image) });
      checkCancelled();
    }
    scoreMs += performance.now() - afterStart;

    this.stage(job, 'saving');
    const candidates: InpaintCandidate[] = [];
    for (const candidate of rankByScore(scored)) {
      candidates.push({
        image: await storeImage(candidate.image),
        scores: candidate.scores,
        delta: scoreDelta(before, candidate.scores),
        ...(candidate.seed !== undefined ? { seed: candidate.seed } : {}),
      });
    }
    const result: InpaintResult = {
      jobId: job.view.jobId,
      backend: request.backend,
      model: filled.model,
      prompt: request.prompt,
      fullPrompt,
      image: request.image,
      mask: request.mask,
      before,
      candidates,
      createdAt: Date.now(),
      ms: {
        total: performance.now() - started,
        inpaint: inpaintMs,
        score: scoreMs,
        ...(filled.modelMs !== undefined ? { inpaintModel: filled.modelMs } : {}),
        scoreModel: scorer.modelMs,
      },
     ...(filled.diffusion ? { diffusion: filled.diffusion } : {}),
    };
    if (request.sessionId) {
      try {
        await modifySession(request.sessionId, (session) => ({ ...session, results: [...(session.results ?? []), result] }));
      } catch (error) {
        // The session was deleted meanwhile: the candidates are stored and job.done still carries them.
        return { result, unsaved: `not saved to its session: ${error instanceof Error ? error.message : String(error)}` };
      }
    }
    return { result };
  }

  private async scoreBefore(key: string, score: () => Promise<ScorePair>): Promise<ScorePair> {
    const known = this.beforeScores.get(key);
    if (known) return known;
    const scores = await score();
    this.beforeScores.set(key, scores);
    for (const oldest of this.beforeScores.keys()) {
      if (this.beforeScores.size <= KEEP_BEFORE_SCORES) break;
      this.beforeScores.delete(oldest);
    }
    return scores;
  }

  /** The backend the request names, with the user's settings; refuses remote servers off this machine when pixels must stay. */
  private backendFor(request: InpaintRequest, settings: ResponseOf<'settings.inpaint'>): FillBackend {
    if (request.backend === 'local') {
      return localBackend(settings.localModel, { migan: (work) => this.inference.run('migan', work), lama: (work) => this.inference.run('lama', work) });
    }
    if (request.backend === 'diffusion') {
      const params = request.diffusion ?? { ...settings.diffusion, seed: crypto.getRandomValues(new Uint32Array(1))[0]! };
      const name = DIFFUSION_VARIANTS[params.model].registry;
      const deviceMemoryGb = (navigator as Navigator & { deviceMemory?: number }).deviceMemory;
      return diffusionBackend(params, () => this.inference.model(name), { ...(deviceMemoryGb !== undefined ? { deviceMemoryGb } : {}), discard: () => this.inference.discard(name) });
    }
    const baseUrl = request.backend === 'openai' ? settings.openai.baseUrl : settings.a1111.baseUrl;
    if (!baseUrl) throw new InpaintError('not-configured', `No ${request.backend === 'openai' ? 'OpenAI' : 'A1111'} server is set: enter one in the options.`);
    if (!mayReceivePixels(baseUrl, settings.neverSendPixels)) {
      throw new InpaintError(
        'refused',
        `Refused: "Never send pixels off this machine" is on, and ${hostOf(baseUrl)} is another machine. Use local fill, a server on this computer, or switch the setting off in the options.`,
      );
    }
    return request.backend === 'openai' ? openAiBackend(settings.openai) : a1111Backend(settings.a1111);
  }
}
