/**
 * `clearcut worker --redis redis://host:6379`: run jobs that `clearcut watch --redis` (on this or
 * another machine) put in the queue. Inputs and outputs must be at the same paths on every machine.
 */
import type { Command } from 'commander';
import { UsageError } from '../../core/common/errors.js';
import { createExportRunner, createReportWriter } from '../../core/jobs/export-job.js';
import type { JobRecord } from '../../core/jobs/job.js';
import type { Reporter } from '../progress-view.js';
import { positiveInt } from './watch.js';

type Run = (fn: (reporter: Reporter, signal: AbortSignal) => Promise<void>) => Promise<void>;

interface WorkerFlags {
  redis?: string;
  concurrency: string;
  lockMs: string;
  retries: string;
  json?: boolean;
}

export function registerWorker(program: Command, run: Run): void {
  program
    .command('worker')
    .description('Run jobs from a shared Redis queue (fed by `clearcut watch --redis`)')
    .option('--redis <url>', 'the Redis holding the queue, e.g. redis://127.0.0.1:6379')
    .option('--concurrency <n>', 'jobs at once', '1')
    .option('--lock-ms <ms>', "how long a job's lock lasts without renewal; a dead worker's job is taken over after it", '30000')
    .option('--retries <n>', 'extra tries for a job that failed for a passing reason', '2')
    .option('--json', 'print events as JSON lines')
    .action(async (flags: WorkerFlags) => {
      await run(async (reporter, signal) => {
        if (!flags.redis) throw new UsageError('Missing --redis: say which Redis holds the queue (redis://host:6379).');
        const { RedisWorker } = await import('../../core/jobs/redis-queue.js');
        const worker = new RedisWorker(
          { url: flags.redis, concurrency: positiveInt('concurrency', flags.concurrency), lockMs: positiveInt('lock-ms', flags.lockMs, 1000), retry: { maxAttempts: positiveInt('retries', flags.retries, 0) + 1 }, writeReport: createReportWriter() },
          createExportRunner(),
        );
        const say = (event: string, j: JobRecord, extra: Record<string, unknown> = {}): void =>
          flags.json ? reporter.result('worker', { event, job: j.id, file: j.input, output: j.output, pid: process.pid, ...extra }) : reporter.info(`${event.padEnd(8)} ${j.input}${extra.message ? `: ${String(extra.message)}` : ''}`);
        worker.on('started', (j) => say('started', j));
        worker.on('done', (j) => say('done', j, { report: j.reportPath }));
        worker.on('failed', (j) => say('failed', j, { code: j.errorCode, message: j.errorMessage }));
        worker.on('retry', (j, e) => say('retry', j, { code: e.code, message: e.message }));
        worker.on('progress', (j, e) => flags.json && reporter.result('worker', { event: 'progress', job: j.id, pid: process.pid, stage: e.stage, fraction: e.fraction, eta: e.eta }));
        await worker.start();
        if (flags.json) reporter.result('worker', { event: 'ready', pid: process.pid });
        else reporter.info(`worker ${process.pid} ready on ${flags.redis}`);
        await new Promise((r) => signal.addEventListener('abort', r, { once: true }));
        await worker.stop();
      });
    });
}
