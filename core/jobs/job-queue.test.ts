import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ClearcutError, MediaError } from '../common/errors.js';
import { PresetSchema } from '../presets/presets.js';
import { jobId } from './fingerprint.js';
import type { JobSpec } from './job.js';
import { LocalJobQueue, type JobRunner } from './job-queue.js';
import { backoffMs, decideAfterFailure } from './retry-policy.js';
import { SqliteJobStore } from './sqlite-store.js';

const preset = PresetSchema.parse({ name: 'default' });
const dirs: string[] = [];
function store(): SqliteJobStore {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'clearcut-jobs-'));
  dirs.push(dir);
  return new SqliteJobStore(path.join(dir, 'jobs.sqlite'));
}
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});
const spec = (n: number, extra: Partial<JobSpec> = {}): JobSpec => ({ fingerprint: `v1:${n}:abc`, input: `/in/${n}.mp4`, output: `/out/${n}_clean.mp4`, preset, ...extra });
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

describe('retry policy', () => {
  it('backs off exponentially and knows what no retry fixes', () => {
    expect([1, 2, 3].map((a) => backoffMs(a, { maxAttempts: 5, baseDelayMs: 100, maxDelayMs: 350 }))).toEqual([100, 200, 350]);
    expect(decideAfterFailure('CORRUPT_MEDIA', 'x', 'cpu', 1).action).toBe('fail');
    expect(decideAfterFailure('FFMPEG_FAILED', 'x', 'cpu', 1).action).toBe('retry');
    expect(decideAfterFailure('FFMPEG_FAILED', 'x', 'cpu', 3).action).toBe('fail');
    expect(decideAfterFailure('DEVICE_UNAVAILABLE', 'x', 'cuda', 1).action).toBe('fallback-cpu');
    expect(decideAfterFailure('FFMPEG_FAILED', 'CUDA error: out of memory', 'cuda', 3).action).toBe('fallback-cpu');
  });
});

describe('LocalJobQueue', () => {
  it('gives the same file and preset one id, and adds it once', async () => {
    const s = store();
    const q = new LocalJobQueue(s, async () => ({}));
    const a = await q.submit(spec(1));
    const b = await q.submit(spec(1, { input: '/in/renamed.mp4' }));
    expect(a.created).toBe(true);
    expect(b.created).toBe(false);
    expect(b.job.id).toBe(jobId('v1:1:abc', preset));
    expect(jobId('v1:1:abc', PresetSchema.parse({ name: 'x', stages: { loudnorm: true } }))).not.toBe(a.job.id);
    expect(s.list()).toHaveLength(1);
  });

  it('runs with bounded concurrency, retries with backoff, fails permanent errors at once', async () => {
    const s = store();
    let active = 0;
    let peak = 0;
    const tries = new Map<string, number>();
    const runner: JobRunner = async (job) => {
      active++;
      peak = Math.max(peak, active);
      await sleep(30);
      active--;
      const n = (tries.get(job.input) ?? 0) + 1;
      tries.set(job.input, n);
      if (job.input.endsWith('/flaky.mp4') && n < 3) throw new ClearcutError('FFMPEG_FAILED', 'ffmpeg crashed');
      if (job.input.endsWith('/bad.mp4')) throw new MediaError('CORRUPT_MEDIA', 'bad.mp4 is cut off', { file: job.input });
      return {};
    };
    const q = new LocalJobQueue(s, runner, { concurrency: 2, pollMs: 20, retry: { baseDelayMs: 20 } });
    const retries: number[] = [];
    q.on('retry', (_j, _e, delay) => retries.push(delay));
    for (let i = 0; i < 5; i++) await q.submit(spec(i));
    await q.submit(spec(10, { input: '/in/flaky.mp4' }));
    await q.submit(spec(11, { input: '/in/bad.mp4' }));
    q.start();
    await q.whenIdle();
    await q.stop();
    expect(peak).toBe(2);
    expect(s.counts()).toEqual({ queued: 0, running: 0, done: 6, failed: 1, cancelled: 0 });
    expect(retries).toEqual([20, 40]);
    expect(tries.get('/in/bad.mp4')).toBe(1);
    const bad = s.list({ state: 'failed' })[0];
    expect(bad.errorCode).toBe('CORRUPT_MEDIA');
    expect(bad.errorMessage).toMatch(/cut off/);
    const flaky = s.list().find((j) => j.input.endsWith('flaky.mp4'))!;
    expect(flaky.history.map((h) => h.outcome)).toEqual(['retry', 'retry', 'done']);
  });

  it('falls back to the CPU when the device fails', async () => {
    const s = store();
    const devices: string[] = [];
    const q = new LocalJobQueue(s, async (job) => {
      devices.push(job.device);
      if (job.device !== 'cpu') throw new ClearcutError('DEVICE_UNAVAILABLE', 'no CUDA here');
      return {};
    }, { pollMs: 20 });
    await q.submit(spec(1, { device: 'cuda' }));
    q.start();
    await q.whenIdle();
    await q.stop();
    expect(devices).toEqual(['cuda', 'cpu']);
    expect(s.list()[0].state).toBe('done');
  });

  it('re-queues a job whose process died, and a stopped queue puts its running job back', async () => {
    const s = store();
    await s.add(spec(1));
    // A claim by a process that no longer exists (pid 2^22+1 is above Linux's pid_max default).
    const dead = `${os.hostname()}:4194305:abcdef`;
    expect(s.claim(dead, 60_000)?.state).toBe('running');
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    let runs = 0;
    const q = new LocalJobQueue(s, async (_job, ctx) => {
      runs++;
      if (runs === 1) {
        await Promise.race([gate, new Promise((_, rej) => ctx.signal.addEventListener('abort', () => rej(new Error('aborted'))))]);
      }
      return {};
    }, { pollMs: 20 });
    const recovered: string[] = [];
    q.on('recovered', (j) => recovered.push(j.state));
    q.start();
    expect(recovered).toEqual(['queued']);
    await sleep(50);
    expect(s.list()[0].state).toBe('running');
    await q.stop();
    const after = s.list()[0];
    expect(after.state).toBe('queued');
    expect(after.history.map((h) => h.outcome)).toEqual(['interrupted', 'requeued']);
    const q2 = new LocalJobQueue(s, async () => ({}), { pollMs: 20 });
    q2.start();
    await q2.whenIdle();
    await q2.stop();
    release();
    expect(s.list()[0].state).toBe('done');
  });

  it('cancels a running job through the store (as `clearcut jobs cancel` from another process does)', async () => {
    const s = store();
    const q = new LocalJobQueue(s, (_job, ctx) => new Promise((_, rej) => ctx.signal.addEventListener('abort', () => rej(new Error('aborted')))), { pollMs: 20, leaseMs: 150 });
    const { job } = await q.submit(spec(1));
    const cancelled = new Promise((r) => q.once('cancelled', r));
    q.start();
    await sleep(50);
    const other = new SqliteJobStore(s.file);
    other.cancel(job.id);
    other.close();
    await cancelled;
    await q.stop();
    expect(s.get(job.id)?.state).toBe('cancelled');
    expect(s.retry(job.id)?.state).toBe('queued');
  });
});
