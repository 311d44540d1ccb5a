/**
 * A watch folder: every clip that lands in `input` (subfolders included) becomes a job once it has
 * finished copying, with its output in the same place under `output`. Files already there at start
 * (including those added while the watcher was down) are handled like new ones; the job id (content
 * + preset) makes sure a file already processed, renamed or added twice is not processed again.
 * Optionally the original goes to a done/ or failed/ folder when its job ends.
 */
import { existsSync, readFileSync, type Stats } from 'node:fs';
import { mkdir, readdir, rename } from 'node:fs/promises';
import path from 'node:path';
import { watch, type FSWatcher } from 'chokidar';
import type { ProgressEvent } from '../common/progress.js';
import { sweepStalePartials } from '../pipeline/output-target.js';
import type { Device } from '../models/session.js';
import type { Preset } from '../presets/presets.js';
import { contentFingerprint, jobId } from '../jobs/fingerprint.js';
import type { JobRecord } from '../jobs/job.js';
import type { JobSubmitter } from '../jobs/job-queue.js';
import { applyNamingTemplate, firstFreeName, namingPattern, numberedName, outputExtension } from '../jobs/output-naming.js';
import { skipReason } from './skip-rules.js';
import { StabilityTracker } from './stability.js';
import type { WatchLog } from './watch-log.js';

export interface FingerprintCache {
  cachedFingerprint(file: string, size: number, mtimeMs: number): string | undefined;
  rememberFingerprint(file: string, size: number, mtimeMs: number, fingerprint: string): void;
}

export interface WatchFolderOptions {
  input: string;
  output: string;
  preset: Preset;
  queue: JobSubmitter;
  log: WatchLog;
  device?: Device;
  /** Where originals go when their job is done / failed (mirroring the tree); left in place if unset. */
  doneDir?: string;
  failedDir?: string;
  /** Where workers write per-job reports (carried in each job, for workers on other machines). */
  reportsDir?: string;
  /** Folders inside `input` to leave alone besides output/done/failed (e.g. the reports folder). */
  ignoreDirs?: string[];
  /** Stability check interval (default 1000 ms) and unchanged checks needed (default 2). */
  stableIntervalMs?: number;
  stableChecks?: number;
  /** Poll the file system instead of native events (network shares). */
  usePolling?: boolean;
  fingerprintCache?: FingerprintCache;
  /** Smallest interval between progress lines per job in the log (default 2000 ms). */
  progressLogMs?: number;
}

const inside = (dir: string, p: string): boolean => {
  const rel = path.relative(dir, p);
  return rel === '' || (!rel.startsWith('..') && !path.isAbsolute(rel));
};

/**
 * What a job's stages chose by themselves (its report's `notes`, export-job.ts), for the log's
 * done line: the report is the one place every queue backend leaves them.
 */
function reportNotes(reportPath: string | undefined): string[] {
  if (!reportPath) return [];
  try {
    const notes = (JSON.parse(readFileSync(reportPath, 'utf8')) as { notes?: unknown }).notes;
    return Array.isArray(notes) ? notes.filter((n): n is string => typeof n === 'string') : [];
  } catch {
    return [];
  }
}

export class WatchFolder {
  readonly input: string;
  readonly output: string;
  private readonly excluded: string[];
  private readonly outputPattern: RegExp;
  private readonly tracker: StabilityTracker;
  private watcher?: FSWatcher;
  private readonly inFlight = new Set<string>();
  private readonly lastProgressLog = new Map<string, number>();
  private initialScanDone = false;
  private readonly settledWaiters: Array<() => void> = [];
  private readonly detach: Array<() => void> = [];

  constructor(private readonly opts: WatchFolderOptions) {
    this.input = path.resolve(opts.input);
    this.output = path.resolve(opts.output);
    this.excluded = [this.output, opts.doneDir, opts.failedDir, opts.reportsDir, ...(opts.ignoreDirs ?? [])].filter((d): d is string => !!d).map((d) => path.resolve(d)).filter((d) => inside(this.input, d) && d !== this.input);
    this.outputPattern = namingPattern(opts.preset.naming);
    this.tracker = new StabilityTracker({
      intervalMs: opts.stableIntervalMs,
      checks: opts.stableChecks,
      onReady: (file, st) => void this.fileReady(file, st),
      onGone: (file) => this.log({ event: 'skip', reason: 'gone', file, message: 'removed before it finished copying' }),
      onEmpty: (file) => this.log({ event: 'skip', reason: 'empty', file, message: 'empty file (will be picked up if it changes)' }),
    });
  }

  private log(entry: Parameters<WatchLog['write']>[0]): void {
    this.opts.log.write(entry);
    this.maybeSettled();
  }

  /** Sweep partial outputs of dead runs, subscribe to the queue, and start watching. */
  async start(): Promise<void> {
    if (this.output === this.input) throw new Error('The output folder must differ from the watched folder.');
    await mkdir(this.output, { recursive: true });
    const swept = await sweepTree(this.output);
    if (swept.length) this.log({ event: 'swept', message: `removed ${swept.length} partial file(s) left by a killed run`, files: swept });
    this.subscribe();
    this.log({ event: 'watching', file: this.input, output: this.output, preset: this.opts.preset.name });
    this.watcher = watch(this.input, {
      ignoreInitial: false,
      persistent: true,
      usePolling: this.opts.usePolling,
      interval: this.opts.stableIntervalMs,
      ignored: (p, stats) => this.excluded.some((d) => inside(d, path.resolve(p))) || (!!stats?.isDirectory() && path.basename(p).startsWith('.') && path.resolve(p) !== this.input),
    });
    this.watcher.on('add', (p) => this.seen(p));
    this.watcher.on('change', (p) => this.seen(p));
    this.watcher.on('error', (e) => this.log({ event: 'error', level: 'error', message: (e as Error).message }));
    await new Promise<void>((resolve) => this.watcher!.once('ready', () => resolve()));
    this.initialScanDone = true;
    this.log({ event: 'scanned', message: 'initial scan complete' });
  }

  async stop(): Promise<void> {
    this.tracker.stop();
    await this.watcher?.close();
    for (const d of this.detach.splice(0)) d();
  }

  /** Resolves once the initial scan is done and no file is waiting to settle or being queued. */
  whenSettled(): Promise<void> {
    return new Promise((resolve) => {
      this.settledWaiters.push(resolve);
      this.maybeSettled();
    });
  }

  private maybeSettled(): void {
    if (!this.initialScanDone || this.tracker.size || this.inFlight.size) return;
    for (const w of this.settledWaiters.splice(0)) w();
  }

  private seen(p: string): void {
    const file = path.resolve(p);
    const rel = path.relative(this.input, file);
    const skip = skipReason(rel, this.outputPattern);
    if (skip) return this.log({ event: 'skip', reason: skip.reason, file, message: skip.message });
    if (this.inFlight.has(file)) return;
    this.tracker.track(file);
  }

  private async fileReady(file: string, st: Stats): Promise<void> {
    this.inFlight.add(file);
    try {
      await this.enqueue(file, st);
    } catch (e) {
      this.log({ event: 'error', level: 'error', file, message: `Could not queue: ${(e as Error).message}` });
    } finally {
      this.inFlight.delete(file);
      this.maybeSettled();
    }
  }

  private async enqueue(file: string, st: Stats): Promise<void> {
    const { preset, queue, fingerprintCache: cache } = this.opts;
    let fingerprint = cache?.cachedFingerprint(file, st.size, st.mtimeMs);
    if (!fingerprint) {
      fingerprint = await contentFingerprint(file);
      cache?.rememberFingerprint(file, st.size, st.mtimeMs, fingerprint);
    }
    const id = jobId(fingerprint, preset);
    const existing = await queue.get(id);
    if (existing) return this.alreadyKnown(file, existing);
    const rel = path.relative(this.input, file);
    const relDir = path.dirname(rel) === '.' ? '' : path.dirname(rel);
    const name = applyNamingTemplate(preset.naming, file, outputExtension(file, preset));
    const base = path.join(this.output, relDir, name);
    let output = base;
    for (let n = 2; existsSync(output) || (await queue.outputClaimed(output, id)); n++) output = numberedName(base, n);
    if (output !== base) this.log({ event: 'renamed-output', file, output, message: `${path.basename(base)} is taken; writing ${path.basename(output)} (never overwriting)` });
    const { job, created } = await queue.submit({ fingerprint, input: file, output, preset, device: this.opts.device, meta: { watchRoot: this.input, relDir, relPath: rel, ...(this.opts.reportsDir ? { reportsDir: path.resolve(this.opts.reportsDir) } : {}) } });
    if (created) this.log({ event: 'queued', file, job: job.id, output });
    else await this.alreadyKnown(file, job);
  }

  /** The same content with the same preset is already a job (this file, or a copy under another name). */
  private async alreadyKnown(file: string, job: JobRecord): Promise<void> {
    if (job.input !== file) {
      return this.log({ event: 'skip', reason: 'duplicate', file, job: job.id, message: `same content as ${job.input} (job ${job.id}, ${job.state}); not processed twice` });
    }
    this.log({ event: 'skip', reason: `already-${job.state}`, file, job: job.id, message: `already ${job.state}${job.state === 'failed' ? `: ${job.errorMessage ?? ''}` : ''}` });
    // A crash between the end of a job and moving its original: finish the move now.
    if (job.state === 'done' || job.state === 'failed') await this.moveOriginal(job);
  }

  private subscribe(): void {
    const q = this.opts.queue;
    const mine = (job: JobRecord): boolean => job.meta.watchRoot === this.input;
    const on = <E extends 'started' | 'done' | 'failed' | 'retry' | 'recovered' | 'cancelled' | 'warning' | 'progress'>(event: E, fn: (...args: never[]) => void): void => {
      q.on(event, fn as never);
      this.detach.push(() => q.off(event, fn as never));
    };
    on('started', (job: JobRecord) => mine(job) && this.log({ event: 'started', file: job.input, job: job.id, attempt: job.attempts, device: job.device }));
    on('progress', (job: JobRecord, e: ProgressEvent) => {
      if (!mine(job)) return;
      const t = Date.now();
      const last = this.lastProgressLog.get(job.id) ?? 0;
      // Log at most every progressLogMs, plus the end of the job once (-1 marks it logged).
      if (last < 0 || (t - last < (this.opts.progressLogMs ?? 2000) && e.fraction < 1)) return;
      this.lastProgressLog.set(job.id, e.fraction >= 1 ? -1 : t);
      this.log({ event: 'progress', file: job.input, job: job.id, stage: e.stage, fraction: Math.round(e.fraction * 1000) / 1000, fps: Math.round(e.fps * 10) / 10, eta: e.eta === null ? null : Math.round(e.eta * 10) / 10 });
    });
    on('warning', (job: JobRecord, message: string) => mine(job) && this.log({ event: 'warning', level: 'warn', file: job.input, job: job.id, message }));
    on('retry', (job: JobRecord, err: { code: string; message: string }, delayMs: number) =>
      mine(job) && this.log({ event: 'retry', level: 'warn', file: job.input, job: job.id, code: err.code, message: err.message, delayMs, device: job.device }),
    );
    on('recovered', (job: JobRecord) => mine(job) && this.log({ event: 'recovered', level: 'warn', file: job.input, job: job.id, state: job.state, message: 'its previous run was interrupted; running it again' }));
    on('cancelled', (job: JobRecord) => mine(job) && this.log({ event: 'cancelled', file: job.input, job: job.id }));
    on('done', (job: JobRecord) => {
      if (!mine(job)) return;
      this.lastProgressLog.delete(job.id);
      const notes = reportNotes(job.reportPath);
      this.log({ event: 'done', file: job.input, job: job.id, output: job.output, report: job.reportPath, attempts: job.attempts, ...(notes.length ? { notes } : {}) });
      void this.moveOriginal(job);
    });
    on('failed', (job: JobRecord) => {
      if (!mine(job)) return;
      this.lastProgressLog.delete(job.id);
      this.log({ event: 'failed', level: 'error', file: job.input, job: job.id, code: job.errorCode, message: job.errorMessage, report: job.reportPath });
      void this.moveOriginal(job);
    });
  }

  private async moveOriginal(job: JobRecord): Promise<void> {
    const dir = job.state === 'done' ? this.opts.doneDir : job.state === 'failed' ? this.opts.failedDir : undefined;
    if (!dir || !existsSync(job.input) || !inside(this.input, job.input)) return;
    const base = path.join(path.resolve(dir), path.relative(this.input, job.input));
    const target = firstFreeName(base, existsSync);
    try {
      await mkdir(path.dirname(target), { recursive: true });
      await rename(job.input, target);
      this.log({ event: 'moved', file: job.input, job: job.id, to: target });
    } catch (e) {
      this.log({ event: 'error', level: 'error', file: job.input, job: job.id, message: `Could not move the original to ${target}: ${(e as Error).message}` });
    }
  }
}

/** Remove partial outputs of dead processes everywhere under `dir`. */
async function sweepTree(dir: string): Promise<string[]> {
  const removed = (await sweepStalePartials(dir)).map((n) => path.join(dir, n));
  const entries = await readdir(dir, { withFileTypes: true }).catch(() => []);
  for (const e of entries) if (e.isDirectory()) removed.push(...(await sweepTree(path.join(dir, e.name))));
  return removed;
}
