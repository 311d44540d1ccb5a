/**
 * `clearcut watch <in> --out <dir> --preset <name>`: process every clip that lands in a folder.
 * Runs until Ctrl-C (running jobs go back to the queue and resume on the next start), or with
 * --once until everything present has been processed.
 */
import path from 'node:path';
import type { Command } from 'commander';
import { UsageError } from '../../core/common/errors.js';
import { createExportRunner, createReportWriter } from '../../core/jobs/export-job.js';
import type { JobRecord } from '../../core/jobs/job.js';
import { LocalJobQueue, type JobSubmitter } from '../../core/jobs/job-queue.js';
import { SqliteJobStore } from '../../core/jobs/sqlite-store.js';
import { DEVICES, type Device } from '../../core/models/session.js';
import { loadPreset } from '../../core/presets/presets.js';
import { WatchFolder } from '../../core/watch/watch-folder.js';
import { WatchLog, type WatchLogEntry } from '../../core/watch/watch-log.js';
import type { Reporter } from '../progress-view.js';

type Run = (fn: (reporter: Reporter, signal: AbortSignal) => Promise<void>) => Promise<void>;

export interface WatchFlags {
  out?: string;
  preset: string;
  concurrency: string;
  doneDir?: string;
  failedDir?: string;
  reportsDir?: string;
  log?: string;
  db?: string;
  device?: string;
  stableMs: string;
  stableChecks: string;
  retries: string;
  poll?: boolean;
  once?: boolean;
  json?: boolean;
  redis?: string;
}

export function positiveInt(flag: string, value: string, min = 1): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < min) throw new UsageError(`--${flag} takes a whole number of at least ${min}, not "${value}".`);
  return n;
}

function logText(e: WatchLogEntry & { time: string }): string {
  const t = e.time.slice(11, 19);
  const file = e.file ? ` ${e.file}` : '';
  const extra =
    e.event === 'progress'
      ? ` ${e.stage} ${Math.floor(Number(e.fraction) * 100)}% ETA ${e.eta === null ? '--' : `${e.eta}s`}`
      : e.event === 'done'
        ? ` -> ${e.output}`
        : e.event === 'queued'
          ? ` -> ${e.output}`
          : '';
  const notes = Array.isArray(e.notes) ? e.notes.map((n) => `\n${' '.repeat(18)}note: ${String(n)}`).join('') : '';
  return `${t} ${e.event.padEnd(9)}${file}${extra}${e.message ? `: ${e.message}` : ''}${e.code ? ` [${e.code}]` : ''}${notes}`;
}

/** The parts a watch run needs, checked before anything starts. */
export function watchSetup(input: string, flags: WatchFlags) {
  if (!flags.out) throw new UsageError('Missing --out: say which folder receives the results.');
  if (flags.device && !DEVICES.includes(flags.device as Device)) throw new UsageError(`--device takes ${DEVICES.join(', ')}, not "${flags.device}".`);
  const out = path.resolve(flags.out);
  return {
    input: path.resolve(input),
    out,
    preset: loadPreset(flags.preset),
    concurrency: positiveInt('concurrency', flags.concurrency),
    stableMs: positiveInt('stable-ms', flags.stableMs, 10),
    stableChecks: positiveInt('stable-checks', flags.stableChecks),
    maxAttempts: positiveInt('retries', flags.retries, 0) + 1,
    reportsDir: path.resolve(flags.reportsDir ?? path.join(out, 'clearcut-reports')),
    logFile: path.resolve(flags.log ?? path.join(out, 'clearcut-watch.log')),
  };
}

interface Backend {
  queue: JobSubmitter;
  store?: SqliteJobStore;
  start(): Promise<void>;
  whenIdle(): Promise<void>;
  /** Stop, and hand back the jobs known (for the summary). */
  stop(): Promise<JobRecord[]>;
}

/** The local SQLite queue that runs jobs here, or a Redis queue that `clearcut worker`s run. */
async function openBackend(flags: WatchFlags, s: ReturnType<typeof watchSetup>): Promise<Backend> {
  if (flags.redis) {
    // BullMQ and its Redis client load only when a Redis queue is asked for (a quarter of a second of every start).
    const { RedisJobQueue } = await import('../../core/jobs/redis-queue.js');
    const queue = new RedisJobQueue({ url: flags.redis, retry: { maxAttempts: s.maxAttempts } });
    await queue.listen();
    const seen = new Map<string, JobRecord>();
    for (const e of ['queued', 'done', 'failed', 'cancelled'] as const) queue.on(e, (j: JobRecord) => void seen.set(j.id, j));
    return {
      queue,
      start: async () => {},
      whenIdle: () => queue.whenIdle(),
      stop: async () => {
        const jobs = (await Promise.all([...seen.keys()].map((id) => queue.get(id)))).filter((j): j is JobRecord => !!j);
        await queue.close();
        return jobs;
      },
    };
  }
  const store = new SqliteJobStore(flags.db);
  const queue = new LocalJobQueue(store, createExportRunner(), { concurrency: s.concurrency, retry: { maxAttempts: s.maxAttempts }, writeReport: createReportWriter() });
  return {
    queue,
    store,
    start: async () => queue.start(),
    whenIdle: () => queue.whenIdle(),
    stop: async () => {
      await queue.stop();
      const jobs = store.list();
      store.close();
      return jobs;
    },
  };
}

export function registerWatch(program: Command, run: Run): void {
  program
    .command('watch')
    .description('Process every clip that lands in a folder (subfolders mirrored), never twice, never overwriting')
    .argument('<in>', 'folder to watch')
    .option('--out <dir>', 'folder for the results (the input tree is mirrored)')
    .option('--preset <name>', 'built-in preset name or a preset .json file', 'default')
    .option('--concurrency <n>', 'jobs at once', '1')
    .option('--done-dir <dir>', 'move originals here when their job is done')
    .option('--failed-dir <dir>', 'move originals here when their job failed')
    .option('--reports-dir <dir>', 'per-job JSON reports (default <out>/clearcut-reports)')
    .option('--log <file>', 'JSON lines log (default <out>/clearcut-watch.log)')
    .option('--db <file>', 'job database (default $CLEARCUT_JOBS_DB or the user data folder)')
    .option('--device <device>', `inference device: ${DEVICES.join(', ')} (default cpu; falls back to cpu if it fails)`)
    .option('--stable-ms <ms>', 'interval of the "finished copying" checks', '1000')
    .option('--stable-checks <n>', 'unchanged size+mtime checks before a file is taken', '2')
    .option('--retries <n>', 'extra tries for a job that failed for a passing reason', '2')
    .option('--poll', 'poll the folder instead of file system events (network shares)')
    .option('--once', 'process what is there, then exit (exit 1 if any job failed)')
    .option('--redis <url>', 'feed a BullMQ queue on this Redis (redis://host:6379) for `clearcut worker`s instead of running jobs here')
    .option('--json', 'print the log as JSON lines')
    .action(async (input: string, flags: WatchFlags) => {
      await run(async (reporter, signal) => {
        const s = watchSetup(input, flags);
        const log = new WatchLog(s.logFile);
        log.onEntry((e) => (flags.json ? reporter.result('watch', e) : reporter.info(logText(e))));
        const backend = await openBackend(flags, s);
        const watcher = new WatchFolder({
          input: s.input,
          output: s.out,
          preset: s.preset,
          queue: backend.queue,
          log,
          device: flags.device as Device | undefined,
          doneDir: flags.doneDir,
          failedDir: flags.failedDir,
          reportsDir: s.reportsDir,
          stableIntervalMs: s.stableMs,
          stableChecks: s.stableChecks,
          usePolling: flags.poll,
          fingerprintCache: backend.store,
        });
        const queue = backend.queue;
        const finished: JobRecord[] = [];
        queue.on('done', (j) => finished.push(j));
        queue.on('failed', (j) => finished.push(j));
        try {
          await watcher.start();
          await backend.start();
          if (flags.once) {
            await Promise.race([(async () => {
              await watcher.whenSettled();
              await backend.whenIdle();
            })(), new Promise((r) => signal.addEventListener('abort', r, { once: true }))]);
          } else {
            await new Promise((r) => signal.addEventListener('abort', r, { once: true }));
          }
        } finally {
          await watcher.stop();
          const mine = (await backend.stop()).filter((j) => j.meta.watchRoot === s.input);
          const count = (st: string): number => mine.filter((j) => j.state === st).length;
          const counts = { done: count('done'), failed: count('failed'), queued: count('queued'), running: count('running'), cancelled: count('cancelled') };
          log.write({ event: 'stopped', message: signal.aborted ? 'stopped; unfinished jobs resume on the next start' : 'all files processed', ...counts });
          if (flags.once && !signal.aborted) {
            reporter.result('summary', { ...counts, thisRun: finished.length, log: s.logFile, text: `${counts.done} done, ${counts.failed} failed (log: ${s.logFile})` });
            if (counts.failed) process.exitCode = 1;
          }
        }
      });
    });
}
