/**
 * The app's jobs (exports and transcriptions started in `clearcut serve` or the desktop app) on
 * the persistent queue of core/jobs: the same SQLite store, job ids, states, retries, reports and
 * cancel as watch folders and `clearcut jobs`, so they show up in `clearcut jobs list` and an export
 * still queued or running when the engine stops runs when it starts again. They live in the 'app'
 * lane (only a queue of that lane runs them): their edited captions and overwrite choice are in the
 * job's meta, and only the app's runner turns them into the export. Queue events become the
 * JobEventData a UI gets.
 */
import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { toClearcutError, type ClearcutError } from '../common/errors.js';
import type { ProgressEvent } from '../common/progress.js';
import { createExportRunner, createReportWriter, type JobExportRequest } from '../jobs/export-job.js';
import { contentFingerprint, jobId } from '../jobs/fingerprint.js';
import { numberedName } from '../jobs/output-naming.js';
import { isFinal, type JobRecord, type JobSpec } from '../jobs/job.js';
import { LocalJobQueue, ownerAlive, type JobRunner, type JobRunResult } from '../jobs/job-queue.js';
import type { RetryPolicy } from '../jobs/retry-policy.js';
import { SqliteJobStore } from '../jobs/sqlite-store.js';
import type { runExport } from '../pipeline/run-export.js';
import { PresetSchema, type Preset } from '../presets/presets.js';
import { createEditedCaptionStage } from './edited-captions-stage.js';
import { InputError } from './schemas.js';
import type { CueData, ExportJob, JobEventData, JobKind } from './types.js';

export const APP_LANE = 'app';

/** What an app job carries besides its preset (JobRecord.meta). */
type AppMeta = {
  app: JobKind;
  /** Replace an existing output (the app's setting); not part of the id. */
  overwrite?: boolean;
  /** Captions the user edited, written instead of recognising speech again. */
  cues?: CueData[];
  /** The engine that asked for a transcription ("host:pid:nonce"): its transcript is read there. */
  session?: string;
};

const appMeta = (job: JobRecord): Partial<AppMeta> => job.meta as Partial<AppMeta>;
const kindOf = (job: JobRecord): JobKind => (appMeta(job).app === 'transcribe' ? 'transcribe' : 'export');

/** The app's stage and encoder settings as a preset (the name does not count in the job id). */
export function presetForExport(job: ExportJob): Preset {
  return PresetSchema.parse({
    name: 'app',
    description: 'Settings chosen in the app',
    stages: { stabilize: job.stabilize, stabilizeCamera: job.stabilizeCamera, denoiseVideo: job.denoiseVideo, denoiseVideoKeepGrain: job.denoiseVideoKeepGrain, denoiseAudio: job.denoiseAudio, captions: job.captions, loudnorm: job.loudnorm },
    encoder: { codec: job.codec, crf: job.crf, speed: job.speed },
  });
}

const TRANSCRIBE_PRESET = PresetSchema.parse({ name: 'app-transcribe', description: 'Speech to captions for the app', stages: { captions: [] } });

/** The app's additions to a job's export: the edited-captions stage and the overwrite choice. */
export function prepareAppExport(job: JobRecord, req: JobExportRequest): JobExportRequest {
  const m = appMeta(job);
  const out: JobExportRequest = { ...req, overwrite: m.overwrite === true };
  if (m.cues && req.captions?.length) return { ...out, captions: undefined, extraStages: [createEditedCaptionStage(m.cues, req.captions)] };
  return out;
}

export interface AppJobsOptions {
  /** The job database: a file (default $CLEARCUT_JOBS_DB or the user data folder) or an open store. */
  db?: string | SqliteJobStore;
  /** Reports and transcripts (default: an `app` folder next to the database). */
  dataDir?: string;
  /** Replace runExport (tests). */
  exportFn?: typeof runExport;
  retry?: Partial<RetryPolicy>;
  pollMs?: number;
  /** How often jobs of this engine that another process runs or cancels are looked at (default 1000 ms). */
  followMs?: number;
  /** Called with a finished export's files (output and sidecars), before its `done` event. */
  onFiles?: (files: string[]) => void;
}

export class AppJobs {
  readonly store: SqliteJobStore;
  readonly queue: LocalJobQueue;
  readonly dataDir: string;
  private readonly ownsStore: boolean;
  private readonly listeners = new Set<(e: JobEventData) => void>();
  private readonly results = new Map<string, JobRunResult>();
  private readonly errors = new Map<string, ClearcutError>();
  /** Jobs this engine started (or started again) whose end the UI has not been told yet. */
  private readonly pending = new Set<string>();
  /** Jobs running in this process right now (their events come from the queue). */
  private readonly local = new Set<string>();
  private followTimer?: NodeJS.Timeout;

  constructor(private readonly opts: AppJobsOptions = {}) {
    this.ownsStore = !(opts.db instanceof SqliteJobStore);
    this.store = opts.db instanceof SqliteJobStore ? opts.db : new SqliteJobStore(opts.db);
    this.dataDir = opts.dataDir ?? path.join(this.store.file === ':memory:' ? process.cwd() : path.dirname(this.store.file), 'app');
    const exportRunner = createExportRunner({ exportFn: opts.exportFn, prepare: prepareAppExport });
    const runner: JobRunner = async (job, ctx) => {
      this.local.add(job.id);
      try {
        if (kindOf(job) === 'transcribe') await mkdir(path.dirname(job.output), { recursive: true });
        const r = await exportRunner(job, ctx);
        this.results.set(job.id, r);
        return r;
      } catch (e) {
        this.errors.set(job.id, toClearcutError(e));
        throw e;
      }
    };
    this.queue = new LocalJobQueue(this.store, runner, {
      lane: APP_LANE,
      concurrency: 1, // exports saturate the CPU
      progressIntervalMs: 200,
      pollMs: opts.pollMs,
      retry: opts.retry,
      writeReport: createReportWriter({ dir: path.join(this.dataDir, 'reports') }),
    });
    this.wireQueue();
  }

  /** Put back what a dead engine left running, drop transcriptions nobody waits for, and start. */
  start(): void {
    this.store.recoverOrphans(ownerAlive);
    for (const job of this.store.list({ state: 'queued', lane: APP_LANE })) {
      const session = appMeta(job).session;
      if (kindOf(job) === 'transcribe' && session && !ownerAlive(session)) this.store.cancel(job.id);
    }
    this.queue.start();
    this.followTimer = setInterval(() => this.follow(), this.opts.followMs ?? 1000);
    this.followTimer.unref();
  }

  /**
   * Stop: this engine's transcriptions are cancelled (their transcript would be read by nobody);
   * running exports go back to the queue and run at the next start.
   */
  async stop(): Promise<void> {
    if (this.followTimer) clearInterval(this.followTimer);
    for (const id of this.pending) {
      const job = this.store.get(id);
      if (job && kindOf(job) === 'transcribe') this.queue.cancel(id);
    }
    await this.queue.stop();
    this.listeners.clear();
    if (this.ownsStore) this.store.close();
  }

  onEvent(listener: (e: JobEventData) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Send an event that is not the queue's (a preview's progress) to the same listeners. */
  publish(e: JobEventData): void {
    for (const l of this.listeners) l(e);
  }

  private emit(e: JobEventData): void {
    if (e.type === 'done' || e.type === 'failed' || e.type === 'cancelled') {
      this.pending.delete(e.jobId);
      this.local.delete(e.jobId);
    }
    for (const l of this.listeners) l(e);
  }

  /**
   * Queue an export; the same clip, settings, output and edited captions are one job. With
   * `keepBoth`, an output name that a file or another job already has becomes name-2.ext,
   * name-3.ext, ... (as watch folders name theirs) instead of failing the job. Returns the job
   * and the output it writes; with `keepBoth`, the very same export already done and on disk is
   * that job again (`alreadyDone`), not an error and not a copy.
   */
  async submitExport(input: string, output: string, req: ExportJob): Promise<{ jobId: string; output: string; alreadyDone?: boolean }> {
    const edited = req.cues && req.captions?.length ? req.cues : undefined;
    const meta: AppMeta = { app: 'export', overwrite: req.overwrite === true, ...(edited ? { cues: edited } : {}) };
    const fingerprint = await contentFingerprint(input);
    const preset = presetForExport(req);
    // The device is not part of the id: the same clip and settings on another device are the same job.
    const specFor = (out: string): JobSpec => ({ fingerprint, input, output: out, preset, device: req.device, lane: APP_LANE, variant: { app: 'export', output: out, cues: edited }, meta });
    let spec = specFor(output);
    let id = jobId(fingerprint, preset, spec.variant);
    let known = this.store.get(id);
    if (known?.state === 'done' && existsSync(known.output) && !req.overwrite) {
      if (req.keepBoth) return { jobId: id, output: known.output, alreadyDone: true };
      throw new InputError(`${path.basename(known.output)} was already exported with these settings (job ${id}). To export it again, change a setting or turn on "Replace existing outputs".`);
    }
    if (req.keepBoth && !req.overwrite && !known) {
      for (let n = 2; existsSync(spec.output) || (await this.queue.outputClaimed(spec.output, id)); n++) {
        if (n > 999) throw new InputError(`${path.basename(output)} and 998 numbered copies of it already exist; choose another name.`);
        spec = specFor(numberedName(output, n));
        id = jobId(fingerprint, preset, spec.variant);
      }
      known = this.store.get(id);
    }
    return { jobId: await this.submit(spec, known), output: spec.output };
  }

  /** Queue a transcription into a transcript file of the data folder; read it with transcriptFile. */
  async submitTranscribe(input: string): Promise<string> {
    const fingerprint = await contentFingerprint(input);
    // Each request is its own job: the transcript is a step of an editing session, read once.
    const variant = { app: 'transcribe', request: randomUUID() };
    const id = jobId(fingerprint, TRANSCRIBE_PRESET, variant);
    const output = path.join(this.dataDir, 'transcripts', `${id}.json`);
    const meta: AppMeta = { app: 'transcribe', session: this.queue.owner };
    return this.submit({ fingerprint, input, output, preset: TRANSCRIBE_PRESET, lane: APP_LANE, variant, meta }, undefined);
  }

  private async submit(spec: JobSpec, known: JobRecord | undefined): Promise<string> {
    const id = jobId(spec.fingerprint, spec.preset, spec.variant);
    this.pending.add(id);
    if (!known) {
      await this.queue.submit(spec);
      return id;
    }
    // A failed, cancelled or (re-exported) done job is queued again under its id; a queued or running one goes on.
    if (isFinal(known.state)) this.queue.retry(id, { done: true, meta: spec.meta, device: spec.device });
    return id;
  }

  /** The transcript of a finished transcription of the app. */
  transcriptFile(id: string): string {
    const job = this.store.get(id);
    if (!job || job.lane !== APP_LANE || kindOf(job) !== 'transcribe') throw new InputError('No such transcription.');
    if (job.state !== 'done') throw new InputError(`The transcription is ${job.state}.`);
    return job.output;
  }

  /** Cancel one of the app's jobs; other jobs and unknown or finished ones are left alone. */
  cancel(id: string): void {
    const job = this.store.get(id);
    if (job?.lane === APP_LANE && !isFinal(job.state)) this.queue.cancel(id);
  }

  /** `queued` events for the app's exports still waiting or running (a UI that connects late learns them). */
  activeJobs(): JobEventData[] {
    return this.store
      .list({ lane: APP_LANE })
      .filter((j) => (j.state === 'queued' || j.state === 'running') && kindOf(j) === 'export')
      .map((j) => this.queuedEvent(j));
  }

  private queuedEvent(job: JobRecord): JobEventData {
    return { type: 'queued', jobId: job.id, kind: kindOf(job), input: job.input, output: job.output };
  }

  private finalEvent(job: JobRecord): JobEventData | undefined {
    if (job.state === 'done') {
      const s = this.results.get(job.id)?.summary;
      this.results.delete(job.id);
      const last = job.history.at(-1);
      const wall = s?.wallSeconds ?? (last?.endedAt ? (Date.parse(last.endedAt) - Date.parse(last.startedAt)) / 1000 : 0);
      const files = [s?.output ?? job.output, ...(s?.sidecars ?? [])];
      if (kindOf(job) === 'export') this.opts.onFiles?.(files);
      // Notes: what stages chose by themselves (stabilization's camera mode), shown with the job.
      return { type: 'done', jobId: job.id, output: s?.output ?? job.output, sidecars: s?.sidecars, wallSeconds: Math.round(wall * 1000) / 1000, notes: s?.notes?.length ? s.notes : undefined };
    }
    if (job.state === 'failed') {
      const err = this.errors.get(job.id);
      this.errors.delete(job.id);
      return { type: 'failed', jobId: job.id, code: job.errorCode ?? err?.code ?? 'FAILED', message: job.errorMessage ?? err?.message ?? 'The job failed.', file: err?.file };
    }
    if (job.state === 'cancelled') return { type: 'cancelled', jobId: job.id };
    return undefined;
  }

  private wireQueue(): void {
    const q = this.queue;
    q.on('queued', (job) => this.emit(this.queuedEvent(job)));
    q.on('progress', (job, e: ProgressEvent) => this.emit({ type: 'progress', jobId: job.id, stage: e.stage, done: e.done, total: e.total, fps: e.fps, eta: e.eta, fraction: e.fraction }));
    q.on('warning', (job, message) => this.emit({ type: 'warning', jobId: job.id, message }));
    q.on('retry', (job, err, delayMs) =>
      this.emit({ type: 'warning', jobId: job.id, message: delayMs > 0 ? `${err.message} Trying again in ${Math.max(1, Math.round(delayMs / 1000))} s.` : `${err.message} Trying again on the CPU.` }),
    );
    const end = (job: JobRecord): void => {
      const e = this.finalEvent(job);
      if (e) this.emit(e);
    };
    q.on('done', end);
    q.on('failed', end);
    q.on('cancelled', end);
  }

  /**
   * This engine's jobs that end elsewhere (another process ran them, or `clearcut jobs cancel`
   * cancelled one still queued) get their final event here.
   */
  private follow(): void {
    for (const id of this.pending) {
      if (this.local.has(id)) continue;
      const job = this.store.get(id);
      if (!job) {
        this.pending.delete(id);
        continue;
      }
      if (!isFinal(job.state)) continue;
      const e = this.finalEvent(job);
      if (e) this.emit(e);
    }
  }
}
