/**
 * The distributed backend: the same queue on BullMQ over Redis, for several machines that see the
 * same paths (a shared file system). `RedisJobQueue` feeds jobs and relays their events (the watch
 * folder uses it like the local queue); `RedisWorker` runs them. The guarantees carry over:
 * - one job per id: BullMQ ignores an add with an existing jobId;
 * - no loss: a worker that dies leaves its job's lock to expire, and BullMQ's stalled-job check
 *   in any live worker moves it back to waiting (up to `maxStalledCount` times);
 * - no partial output: the export writes through a temp file and a rename, and a retried job
 *   adopts an output that a dead worker had completed (export-job.ts).
 * Retries use BullMQ's attempts and exponential backoff; failures that no retry fixes are thrown
 * as UnrecoverableError, so they fail at once with their reason.
 */
import { EventEmitter } from 'node:events';
import { Queue, QueueEvents, UnrecoverableError, WaitingError, Worker, type Job } from 'bullmq';
import { Redis } from 'ioredis';
import { toClearcutError } from '../common/errors.js';
import type { ProgressEvent } from '../common/progress.js';
import type { Device } from '../models/session.js';
import { jobId } from './fingerprint.js';
import type { JobEvents, JobRecord, JobSpec, JobState } from './job.js';
import type { JobReportWriter, JobRunner, JobSubmitter } from './job-queue.js';
import { decideAfterFailure, DEFAULT_RETRY, type RetryPolicy } from './retry-policy.js';

export interface RedisQueueOptions {
  /** redis://[user:password@]host:port[/db] */
  url: string;
  /** Queue name (default "clearcut"). */
  name?: string;
  retry?: Partial<RetryPolicy>;
}

interface JobData extends JobSpec {
  device: Device;
  createdAt: string;
}

interface JobReturn {
  reportPath?: string;
  adopted?: boolean;
}

/** ioredis options from a redis:// URL (BullMQ needs maxRetriesPerRequest: null for workers). */
export function redisConnection(url: string): { host: string; port: number; username?: string; password?: string; db: number; maxRetriesPerRequest: null } {
  const u = new URL(url);
  if (u.protocol !== 'redis:') throw new Error(`Expected a redis:// URL, not ${url}`);
  return {
    host: u.hostname || '127.0.0.1',
    port: Number(u.port || 6379),
    username: u.username ? decodeURIComponent(u.username) : undefined,
    password: u.password ? decodeURIComponent(u.password) : undefined,
    db: Number(u.pathname.slice(1) || 0),
    maxRetriesPerRequest: null,
  };
}

const CODE = /^([A-Z_]+): ([\s\S]*)$/;

async function toRecord(job: Job<JobData, JobReturn>, known?: JobState): Promise<JobRecord> {
  const raw = known ?? (await job.getState());
  const failedCode = job.failedReason ? CODE.exec(job.failedReason)?.[1] : undefined;
  const state: JobState =
    raw === 'completed' || raw === 'done' ? 'done' : raw === 'failed' ? (failedCode === 'CANCELLED' ? 'cancelled' : 'failed') : raw === 'active' || raw === 'running' ? 'running' : 'queued';
  const started = job.attemptsStarted ?? job.attemptsMade;
  // A try that started but neither failed nor finished was interrupted (its worker died).
  const interrupted = Math.max(0, started - job.attemptsMade - (state === 'running' || state === 'done' ? 1 : 0));
  return {
    id: job.id!,
    fingerprint: job.data.fingerprint,
    input: job.data.input,
    output: job.data.output,
    preset: job.data.preset,
    device: job.data.device,
    state,
    attempts: started,
    maxAttempts: job.opts.attempts ?? 1,
    runAfter: 0,
    createdAt: job.data.createdAt,
    updatedAt: new Date(job.finishedOn ?? job.processedOn ?? job.timestamp).toISOString(),
    finishedAt: job.finishedOn ? new Date(job.finishedOn).toISOString() : undefined,
    progress: typeof job.progress === 'object' && job.progress && 'fraction' in job.progress ? Number((job.progress as { fraction: number }).fraction) : undefined,
    errorCode: state === 'failed' || state === 'cancelled' ? (failedCode ?? 'FAILED') : undefined,
    errorMessage: state === 'failed' || state === 'cancelled' ? (job.failedReason ? (CODE.exec(job.failedReason)?.[2] ?? job.failedReason) : undefined) : undefined,
    reportPath: job.returnvalue?.reportPath,
    history: Array.from({ length: interrupted }, (_, i) => ({ attempt: i + 1, owner: 'redis-worker', device: job.data.device, startedAt: job.data.createdAt, outcome: 'interrupted' as const })).concat(
      state === 'running' ? [{ attempt: started, owner: 'redis-worker', device: job.data.device, startedAt: new Date(job.processedOn ?? Date.now()).toISOString(), outcome: undefined as never }] : [],
    ),
    meta: job.data.meta ?? {},
  };
}

/** Feeds jobs into Redis and relays their events. */
export class RedisJobQueue extends EventEmitter<JobEvents> implements JobSubmitter {
  readonly queue: Queue<JobData, JobReturn>;
  private events?: QueueEvents;
  private readonly policy: RetryPolicy;
  private readonly outputsKey: string;
  private readonly client: Redis;

  constructor(private readonly opts: RedisQueueOptions) {
    super();
    this.client = new Redis(redisConnection(opts.url));
    const name = opts.name ?? 'clearcut';
    this.queue = new Queue<JobData, JobReturn>(name, { connection: redisConnection(opts.url) });
    this.policy = { ...DEFAULT_RETRY, ...opts.retry };
    this.outputsKey = `clearcut:${name}:outputs`;
  }

  async submit(spec: JobSpec): Promise<{ job: JobRecord; created: boolean }> {
    const id = jobId(spec.fingerprint, spec.preset, spec.variant);
    const existing = await this.queue.getJob(id);
    if (existing) return { job: await toRecord(existing), created: false };
    await this.client.hsetnx(this.outputsKey, spec.output, id);
    const data: JobData = { ...spec, device: spec.device ?? 'cpu', createdAt: new Date().toISOString() };
    const job = await this.queue.add('export', data, { jobId: id, attempts: this.policy.maxAttempts, backoff: { type: 'exponential', delay: this.policy.baseDelayMs }, removeOnComplete: false, removeOnFail: false });
    const record = await toRecord(job, 'queued');
    this.emit('queued', record);
    return { job: record, created: true };
  }

  async get(id: string): Promise<JobRecord | undefined> {
    const job = await this.queue.getJob(id);
    return job ? toRecord(job) : undefined;
  }

  async outputClaimed(output: string, exceptId?: string): Promise<boolean> {
    const owner = await this.client.hget(this.outputsKey, output);
    return !!owner && owner !== exceptId;
  }

  /** Relay the queue's events (from every worker) as JobEvents. */
  async listen(): Promise<void> {
    this.events = new QueueEvents(this.queue.name, { connection: redisConnection(this.opts.url) });
    const relay = async (id: string, fn: (job: JobRecord, bull: Job<JobData, JobReturn>) => void): Promise<void> => {
      const bull = await this.queue.getJob(id);
      if (bull) fn(await toRecord(bull), bull);
    };
    this.events.on('active', ({ jobId }) => void relay(jobId, (j) => this.emit('started', j)));
    this.events.on('progress', ({ jobId, data }) => void relay(jobId, (j) => typeof data === 'object' && this.emit('progress', j, data as unknown as ProgressEvent)));
    this.events.on('completed', ({ jobId }) => void relay(jobId, (j) => this.emit('done', j)));
    this.events.on('stalled', ({ jobId }) => void relay(jobId, (j) => this.emit('recovered', j)));
    this.events.on('failed', ({ jobId, failedReason }) =>
      void relay(jobId, (j) => {
        if (j.state === 'failed') this.emit('failed', j);
        else if (j.state === 'cancelled') this.emit('cancelled', j);
        else this.emit('retry', j, { code: CODE.exec(failedReason)?.[1] ?? 'FAILED', message: failedReason }, 0);
      }),
    );
    await this.events.waitUntilReady();
  }

  /** Every job the queue holds, oldest first. */
  async list(): Promise<JobRecord[]> {
    const jobs = await this.queue.getJobs(['wait', 'active', 'delayed', 'prioritized', 'completed', 'failed']);
    const records = await Promise.all(jobs.filter((j) => j?.id).map((j) => toRecord(j)));
    return records.sort((a, b) => a.createdAt.localeCompare(b.createdAt));
  }

  /** Queue a failed job again. */
  async retry(id: string): Promise<JobRecord | undefined> {
    const job = await this.queue.getJob(id);
    if (!job || (await job.getState()) !== 'failed') return undefined;
    await job.retry('failed');
    return toRecord(job);
  }

  /** Jobs not yet finished, across all workers. */
  async pending(): Promise<number> {
    const c = await this.queue.getJobCounts('wait', 'active', 'delayed', 'prioritized', 'waiting-children');
    return Object.values(c).reduce((a, b) => a + b, 0);
  }

  async whenIdle(pollMs = 500): Promise<void> {
    while ((await this.pending()) > 0) await new Promise((r) => setTimeout(r, pollMs));
  }

  async close(): Promise<void> {
    await this.events?.close();
    await this.queue.close();
    this.client.disconnect();
  }
}

export interface RedisWorkerOptions extends RedisQueueOptions {
  concurrency?: number;
  /** How long a job's lock lasts without renewal (default 30 s); a dead worker's job is taken over after it. */
  lockMs?: number;
  writeReport?: JobReportWriter;
}

/** Runs jobs from Redis in this process. */
export class RedisWorker extends EventEmitter<JobEvents> {
  private worker?: Worker<JobData, JobReturn>;
  private readonly policy: RetryPolicy;
  private stopping = false;

  constructor(
    private readonly opts: RedisWorkerOptions,
    private readonly runner: JobRunner,
  ) {
    super();
    this.policy = { ...DEFAULT_RETRY, ...opts.retry };
  }

  async start(): Promise<void> {
    const lockMs = this.opts.lockMs ?? 30_000;
    this.worker = new Worker<JobData, JobReturn>(this.opts.name ?? 'clearcut', (job, token, signal) => this.process(job, token, signal), {
      connection: redisConnection(this.opts.url),
      concurrency: this.opts.concurrency ?? 1,
      lockDuration: lockMs,
      stalledInterval: Math.max(1000, Math.floor(lockMs / 2)),
      maxStalledCount: 2,
    });
    await this.worker.waitUntilReady();
  }

  /** Stop: running exports are aborted and their jobs go straight back to waiting, no try spent. */
  async stop(): Promise<void> {
    this.stopping = true;
    this.worker?.cancelAllJobs('shutdown');
    await this.worker?.close();
  }

  private async process(job: Job<JobData, JobReturn>, token?: string, signal?: AbortSignal): Promise<JobReturn> {
    const record = await toRecord(job, 'running');
    const warnings: string[] = [];
    let lastProgress = 0;
    this.emit('started', record);
    try {
      const result = await this.runner(record, {
        signal: signal ?? new AbortController().signal,
        onProgress: (e) => {
          const t = Date.now();
          if (t - lastProgress < 500 && e.fraction < 1) return;
          lastProgress = t;
          void job.updateProgress(e as unknown as Record<string, unknown>);
          this.emit('progress', record, e);
        },
        onWarning: (m) => {
          warnings.push(m);
          this.emit('warning', record, m);
        },
      });
      const done: JobRecord = { ...record, state: 'done', finishedAt: new Date().toISOString() };
      const reportPath = await this.opts.writeReport?.(done, { result, warnings });
      this.emit('done', { ...done, reportPath });
      return { reportPath, adopted: result.adopted };
    } catch (e) {
      if (this.stopping) {
        await job.moveToWait(token);
        throw new WaitingError();
      }
      const err = toClearcutError(e);
      const decision = decideAfterFailure(err.code, err.message, record.device, job.attemptsMade + 1, this.policy);
      const reason = `${err.code}: ${err.message}`;
      if (decision.action === 'fail') {
        const failed: JobRecord = { ...record, state: 'failed', errorCode: err.code, errorMessage: err.message, finishedAt: new Date().toISOString() };
        await this.opts.writeReport?.(failed, { error: err, warnings }).catch(() => undefined);
        this.emit('failed', failed);
        throw new UnrecoverableError(reason);
      }
      if (decision.action === 'fallback-cpu') await job.updateData({ ...job.data, device: 'cpu' });
      this.emit('retry', record, { code: err.code, message: err.message }, decision.action === 'retry' ? decision.delayMs : 0);
      throw new Error(reason, { cause: e });
    }
  }
}
