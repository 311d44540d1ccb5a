/** `clearcut jobs [list|show|retry|cancel]`: the job queue from the command line. */
import type { Command } from 'commander';
import { UsageError } from '../../core/common/errors.js';
import { JOB_STATES, type JobRecord, type JobState } from '../../core/jobs/job.js';
import type { RedisJobQueue } from '../../core/jobs/redis-queue.js';
import { SqliteJobStore } from '../../core/jobs/sqlite-store.js';
import { formatDuration, type Reporter } from '../progress-view.js';

type Run = (fn: (reporter: Reporter, signal: AbortSignal) => Promise<void>) => Promise<void>;

interface JobsFlags {
  db?: string;
  state?: string;
  redis?: string;
}

/** The same commands on a Redis queue (list and retry; cancel is local only for now). */
async function withRedis<T>(url: string, fn: (q: RedisJobQueue) => Promise<T>): Promise<T> {
  const { RedisJobQueue } = await import('../../core/jobs/redis-queue.js');
  const q = new RedisJobQueue({ url });
  try {
    return await fn(q);
  } finally {
    await q.close();
  }
}

function pick(jobs: JobRecord[], id: string, where: string): JobRecord {
  const hits = jobs.filter((j) => j.id.startsWith(id));
  if (hits.length === 1) return hits[0];
  if (!hits.length) throw new UsageError(`No job with id ${id} in ${where}.`);
  throw new UsageError(`"${id}" matches ${hits.length} jobs; give more of the id.`);
}

/** A job by id or unique id prefix. */
export function findJob(store: SqliteJobStore, id: string): JobRecord {
  const hits = store.find(id);
  if (hits.length === 1) return hits[0];
  if (!hits.length) throw new UsageError(`No job with id ${id} in ${store.file}.`);
  throw new UsageError(`"${id}" matches ${hits.length} jobs; give more of the id.`);
}

export function jobLine(j: JobRecord): string {
  const progress = j.state === 'running' ? ` ${Math.floor((j.progress ?? 0) * 100)}% ETA ${formatDuration(j.eta ?? null)}` : '';
  const why = j.state === 'failed' || j.state === 'cancelled' ? `\n    ${j.errorCode ?? ''}: ${j.errorMessage ?? ''}` : '';
  return `${j.id}  ${j.state.padEnd(9)} try ${j.attempts}/${j.maxAttempts}${progress}  ${j.input} -> ${j.output}${why}`;
}

function withStore<T>(flags: JobsFlags, fn: (store: SqliteJobStore) => T): T {
  const store = new SqliteJobStore(flags.db);
  try {
    return fn(store);
  } finally {
    store.close();
  }
}

export function registerJobs(program: Command, run: Run): void {
  const cmd = program.command('jobs').description('List, show, retry and cancel jobs of the queue (watch folders and the app)');
  const db = (c: Command): Command =>
    c.option('--db <file>', 'job database (default $CLEARCUT_JOBS_DB or the user data folder)').option('--redis <url>', 'the jobs of a Redis queue instead (list, show, retry)').option('--json', 'print JSON lines');
  db(cmd.command('list', { isDefault: true }).description('List jobs, oldest first').option('--state <state>', `only jobs in this state: ${JOB_STATES.join(', ')}`)).action((flags: JobsFlags) =>
    run(async (reporter) => {
      if (flags.state && !JOB_STATES.includes(flags.state as JobState)) throw new UsageError(`--state takes ${JOB_STATES.join(', ')}, not "${flags.state}".`);
      if (flags.redis) {
        const jobs = (await withRedis(flags.redis, (q) => q.list())).filter((j) => !flags.state || j.state === flags.state);
        return reporter.result('jobs', { redis: flags.redis, jobs, text: jobs.length ? jobs.map(jobLine).join('\n') : `No jobs in ${flags.redis}.` });
      }
      withStore(flags, (store) => {
        const jobs = store.list({ state: flags.state as JobState | undefined });
        const counts = store.counts();
        const summary = Object.entries(counts).map(([k, v]) => `${v} ${k}`).join(', ');
        reporter.result('jobs', { db: store.file, counts, jobs, text: jobs.length ? `${jobs.map(jobLine).join('\n')}\n(${summary})` : `No jobs in ${store.file}.` });
      });
    }),
  );
  db(cmd.command('show').description('Everything about one job').argument('<id>', 'job id or a unique prefix')).action((id: string, flags: JobsFlags) =>
    run(async (reporter) => {
      if (flags.redis) {
        const job = pick(await withRedis(flags.redis, (q) => q.list()), id, flags.redis);
        return reporter.result('job', { job, text: JSON.stringify(job, null, 2) });
      }
      return withStore(flags, (store) => {
        const job = findJob(store, id);
        reporter.result('job', { job, text: JSON.stringify(job, null, 2) });
      });
    }),
  );
  db(cmd.command('retry').description('Queue a failed or cancelled job again').argument('<id>', 'job id or a unique prefix')).action((id: string, flags: JobsFlags) =>
    run(async (reporter) => {
      if (flags.redis) {
        const url = flags.redis;
        return withRedis(url, async (q) => {
          const job = pick(await q.list(), id, url);
          const again = await q.retry(job.id);
          if (!again) throw new UsageError(`Job ${job.id} is ${job.state}; only failed jobs can be retried.`);
          reporter.result('job', { job: again, text: `Queued again: ${jobLine(again)}` });
        });
      }
      return withStore(flags, (store) => {
        const job = findJob(store, id);
        const again = store.retry(job.id);
        if (!again) throw new UsageError(`Job ${job.id} is ${job.state}; only failed or cancelled jobs can be retried.`);
        reporter.result('job', { job: again, text: `Queued again: ${jobLine(again)}\nA running watcher or worker picks it up.` });
      });
    }),
  );
  db(cmd.command('cancel').description('Cancel a queued or running job (a running export stops and leaves no output)').argument('<id>', 'job id or a unique prefix')).action((id: string, flags: JobsFlags) =>
    run(async (reporter) => withStore(flags, (store) => {
      const job = findJob(store, id);
      const cancelled = store.cancel(job.id);
      if (!cancelled) throw new UsageError(`Job ${job.id} is ${job.state}; only queued or running jobs can be cancelled.`);
      reporter.result('job', { job: cancelled, text: `Cancelled: ${jobLine(cancelled)}` });
    })),
  );
}
