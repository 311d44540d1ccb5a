/**
 * The local job queue: workers in this process take jobs from the SQLite store, run them with a
 * lease kept alive by heartbeats, retry with backoff, fall back to CPU when a device fails, and
 * report progress as events. A job left `running` by a process that died is put back in the queue
 * on the next start (or by any live worker once its lease expires), so nothing is lost; the store's
 * atomic claim means nothing runs twice at once; the export's temp-file-and-rename means no
 * partial output is ever visible.
 */
import { randomBytes } from 'node:crypto';
import { EventEmitter } from 'node:events';
import os from 'node:os';
import { toClearcutError, type ClearcutError } from '../common/errors.js';
import type { ProgressEvent } from '../common/progress.js';
import type { ExportSummary } from '../pipeline/export-request.js';
import type { JobEvents, JobRecord, JobSpec } from './job.js';
import { decideAfterFailure, DEFAULT_RETRY, type RetryPolicy } from './retry-policy.js';
import type { RetryOptions, SqliteJobStore } from './sqlite-store.js';

export interface JobRunContext {
  signal: AbortSignal;
  onProgress: (e: ProgressEvent) => void;
  onWarning: (message: string) => void;
}

export interface JobRunResult {
  summary?: ExportSummary;
  /** The output was already complete (a crash after its rename, before the job was marked done). */
  adopted?: boolean;
}

/** Runs one job; throws a ClearcutError (or anything) on failure. */
export type JobRunner = (job: JobRecord, ctx: JobRunContext) => Promise<JobRunResult>;

export interface JobOutcome {
  result?: JobRunResult;
  error?: ClearcutError;
  warnings: string[];
}

/** Writes the per-job report for a job in a final state; returns its path. */
export type JobReportWriter = (job: JobRecord, outcome: JobOutcome) => Promise<string | undefined>;

/** What the watch folder, the CLI and the app need from a queue, local or distributed. */
export interface JobSubmitter extends EventEmitter<JobEvents> {
  submit(spec: JobSpec): Promise<{ job: JobRecord; created: boolean }>;
  get(id: string): Promise<JobRecord | undefined>;
  /** True when a job other than `exceptId` that may still write it already names this output. */
  outputClaimed(output: string, exceptId?: string): Promise<boolean>;
}

export interface LocalQueueOptions {
  /** Jobs run at once in this process (default 1). */
  concurrency?: number;
  /** How long a claim lasts without a heartbeat (default 30 s); heartbeats come every third of it, at most 2 s apart. */
  leaseMs?: number;
  /** How often to look for due jobs (default 500 ms). */
  pollMs?: number;
  retry?: Partial<RetryPolicy>;
  writeReport?: JobReportWriter;
  /** Smallest interval between progress events per job (default 500 ms). */
  progressIntervalMs?: number;
  /**
   * The lane this queue runs (JobSpec.lane): it claims only that lane's jobs, and is idle when that
   * lane has nothing queued or running. Unset: the default lane (watch folders, `clearcut jobs`).
   */
  lane?: string;
}

/** Owners ("host:pid:nonce") of queues alive in this process. */
const liveOwners = new Set<string>();

/** Is the process holding a lease still there? Other hosts are trusted until their lease expires. */
export function ownerAlive(owner: string): boolean {
  const [host, pidText] = owner.split(':');
  if (host !== os.hostname()) return true;
  const pid = Number(pidText);
  if (pid === process.pid) return liveOwners.has(owner);
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

type StopReason = 'shutdown' | 'cancelled' | 'lost-lease';

interface RunningJob {
  controller: AbortController;
  reason?: StopReason;
  done: Promise<void>;
}

export class LocalJobQueue extends EventEmitter<JobEvents> implements JobSubmitter {
  readonly owner = `${os.hostname()}:${process.pid}:${randomBytes(3).toString('hex')}`;
  private readonly running = new Map<string, RunningJob>();
  private readonly concurrency: number;
  private readonly leaseMs: number;
  private readonly pollMs: number;
  private readonly policy: RetryPolicy;
  private timer?: NodeJS.Timeout;
  private started = false;
  private stopping = false;
  private lastRecover = 0;

  constructor(
    readonly store: SqliteJobStore,
    private readonly runner: JobRunner,
    private readonly opts: LocalQueueOptions = {},
  ) {
    super();
    this.concurrency = Math.max(1, opts.concurrency ?? 1);
    this.leaseMs = opts.leaseMs ?? 30_000;
    this.pollMs = opts.pollMs ?? 500;
    this.policy = { ...DEFAULT_RETRY, ...opts.retry };
  }

  /** Add a job (no-op for a job id already known). Starts it soon when the queue runs. */
  async submit(spec: JobSpec): Promise<{ job: JobRecord; created: boolean }> {
    const res = this.store.add({ ...spec, lane: spec.lane ?? this.opts.lane }, { maxAttempts: this.policy.maxAttempts });
    if (res.created) this.emit('queued', res.job);
    if (this.started) setImmediate(() => this.fill());
    return res;
  }

  async get(id: string): Promise<JobRecord | undefined> {
    return this.store.get(id);
  }

  async outputClaimed(output: string, exceptId?: string): Promise<boolean> {
    return this.store.outputClaimed(output, exceptId);
  }

  /** Recover orphaned jobs and start taking work. */
  start(): void {
    if (this.started) return;
    this.started = true;
    liveOwners.add(this.owner);
    this.recover();
    this.timer = setInterval(() => this.tick(), this.pollMs);
    this.fill();
  }

  /**
   * Stop taking work. Running jobs are aborted and put back in the queue (not counted as a try),
   * unless `wait` is set: then they are allowed to finish.
   */
  async stop(opts: { wait?: boolean } = {}): Promise<void> {
    this.stopping = true;
    if (this.timer) clearInterval(this.timer);
    if (!opts.wait) for (const r of this.running.values()) this.abort(r, 'shutdown');
    await Promise.all([...this.running.values()].map((r) => r.done));
    liveOwners.delete(this.owner);
    this.started = false;
  }

  /**
   * Queue a failed or cancelled job again (a done one too with `done`), as `clearcut jobs retry`
   * does, and emit `queued` for it. Undefined when the job is not in such a state.
   */
  retry(id: string, opts: RetryOptions = {}): JobRecord | undefined {
    const job = this.store.retry(id, opts);
    if (!job) return undefined;
    this.emit('queued', job);
    if (this.started) setImmediate(() => this.fill());
    return job;
  }

  /** Cancel a job here or anywhere (a worker elsewhere sees it at its next heartbeat). */
  cancel(id: string): JobRecord | undefined {
    const job = this.store.cancel(id);
    const r = this.running.get(id);
    if (r) this.abort(r, 'cancelled');
    else if (job) this.emit('cancelled', job);
    return job;
  }

  get activeCount(): number {
    return this.running.size;
  }

  /** Resolves when the store has nothing queued or running. */
  whenIdle(): Promise<void> {
    return new Promise((resolve) => {
      const check = (): void => {
        if (this.isIdle()) {
          this.off('idle', check);
          resolve();
        }
      };
      this.on('idle', check);
      check();
    });
  }

  private isIdle(): boolean {
    const c = this.store.counts({ lane: this.opts.lane ?? null });
    return this.running.size === 0 && c.queued === 0 && c.running === 0;
  }

  private recover(): void {
    this.lastRecover = Date.now();
    for (const job of this.store.recoverOrphans(ownerAlive)) {
      this.emit('recovered', job);
      if (job.state === 'failed') this.emit('failed', job);
    }
  }

  private tick(): void {
    if (Date.now() - this.lastRecover > this.leaseMs / 2) this.recover();
    this.fill();
    if (this.isIdle()) this.emit('idle');
  }

  private fill(): void {
    while (this.started && !this.stopping && this.running.size < this.concurrency) {
      const job = this.store.claim(this.owner, this.leaseMs, undefined, this.opts.lane);
      if (!job) break;
      const controller = new AbortController();
      const entry: RunningJob = { controller, done: Promise.resolve() };
      this.running.set(job.id, entry);
      entry.done = this.runOne(job, entry).finally(() => {
        this.running.delete(job.id);
        setImmediate(() => {
          if (!this.started) return; // stopped meanwhile (its store may be closed already)
          this.fill();
          if (this.isIdle()) this.emit('idle');
        });
      });
    }
  }

  private abort(r: RunningJob, reason: StopReason): void {
    r.reason ??= reason;
    r.controller.abort();
  }

  private async runOne(job: JobRecord, entry: RunningJob): Promise<void> {
    const warnings: string[] = [];
    let last: ProgressEvent | undefined;
    let lastEmit = 0;
    const interval = this.opts.progressIntervalMs ?? 500;
    const heartbeat = setInterval(() => {
      const ok = this.store.heartbeat(job.id, this.owner, this.leaseMs, last && { fraction: last.fraction, eta: last.eta });
      if (!ok) this.abort(entry, this.store.get(job.id)?.state === 'cancelled' ? 'cancelled' : 'lost-lease');
    }, Math.max(50, Math.min(2000, Math.floor(this.leaseMs / 3)))); // often enough that a cancel from another process lands within ~2 s
    this.emit('started', job);
    try {
      const result = await this.runner(job, {
        signal: entry.controller.signal,
        onProgress: (e) => {
          last = e;
          const t = Date.now();
          if (t - lastEmit >= interval || e.fraction >= 1) {
            lastEmit = t;
            this.emit('progress', { ...job, progress: e.fraction, eta: e.eta }, e);
          }
        },
        onWarning: (m) => {
          warnings.push(m);
          this.emit('warning', job, m);
        },
      });
      if (entry.reason) throw toClearcutError(new Error('aborted'));
      const done = this.store.finish(job.id, this.owner, 'done', { outcome: result.adopted ? 'adopted' : 'done' });
      if (done) this.emit('done', await this.withReport(done, { result, warnings }));
    } catch (e) {
      this.afterFailure(job, entry, toClearcutError(e), warnings);
      const final = this.store.get(job.id);
      if (final?.state === 'failed' && !entry.reason) this.emit('failed', await this.withReport(final, { error: toClearcutError(e), warnings }));
    } finally {
      clearInterval(heartbeat);
    }
  }

  private afterFailure(job: JobRecord, entry: RunningJob, err: ClearcutError, _warnings: string[]): void {
    if (entry.reason === 'shutdown') {
      this.store.finish(job.id, this.owner, 'queued', { outcome: 'requeued', message: 'The queue was stopped; the job runs again on the next start.', attemptsDelta: -1 });
      return;
    }
    if (entry.reason === 'cancelled') {
      const j = this.store.get(job.id);
      if (j) this.emit('cancelled', j);
      return;
    }
    if (entry.reason === 'lost-lease') return;
    const decision = decideAfterFailure(err.code, err.message, job.device, job.attempts, this.policy);
    if (decision.action === 'fail') {
      this.store.finish(job.id, this.owner, 'failed', { outcome: 'failed', code: err.code, message: err.message });
    } else if (decision.action === 'fallback-cpu') {
      const j = this.store.finish(job.id, this.owner, 'queued', { outcome: 'retry', code: err.code, message: `${err.message} (trying again on the CPU)`, device: 'cpu', attemptsDelta: -1 });
      if (j) this.emit('retry', j, { code: err.code, message: err.message }, 0);
    } else {
      const j = this.store.finish(job.id, this.owner, 'queued', { outcome: 'retry', code: err.code, message: err.message, runAfter: Date.now() + decision.delayMs });
      if (j) this.emit('retry', j, { code: err.code, message: err.message }, decision.delayMs);
    }
  }

  private async withReport(job: JobRecord, outcome: JobOutcome): Promise<JobRecord> {
    if (!this.opts.writeReport) return job;
    try {
      const reportPath = await this.opts.writeReport(job, outcome);
      if (!reportPath) return job;
      this.store.setReportPath(job.id, reportPath);
      return { ...job, reportPath };
    } catch (e) {
      this.emit('warning', job, `Could not write the job report: ${(e as Error).message}`);
      return job;
    }
  }
}
