import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ClearcutError, MediaError } from '../common/errors.js';
import Database from 'better-sqlite3';
import type { ExportRequest } from '../pipeline/export-request.js';
import type { runExport } from '../pipeline/run-export.js';
import { PresetSchema } from '../presets/presets.js';
import { createExportRunner } from './export-job.js';
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

describe('lanes, variants and the export runner hook', () => {
  it('keeps each lane to its own queue, and a variant makes another id', async () => {
    const s = store();
    const watchRuns: string[] = [];
    const appRuns: string[] = [];
    const watch = new LocalJobQueue(s, async (job) => (watchRuns.push(job.input), {}), { pollMs: 20 });
    const app = new LocalJobQueue(s, async (job) => (appRuns.push(job.input), {}), { pollMs: 20, lane: 'app' });
    await watch.submit(spec(1));
    const a = await app.submit(spec(1, { input: '/in/app.mp4', variant: { output: '/out/mine.mp4' } }));
    expect(a.created).toBe(true);
    expect(a.job.lane).toBe('app');
    expect(a.job.id).toBe(jobId('v1:1:abc', preset, { output: '/out/mine.mp4' }));
    expect(a.job.id).not.toBe(jobId('v1:1:abc', preset));
    expect(s.counts({ lane: 'app' })).toMatchObject({ queued: 1 });
    expect(s.counts({ lane: null })).toMatchObject({ queued: 1 });
    expect(s.list({ lane: 'app' }).map((j) => j.id)).toEqual([a.job.id]);
    watch.start();
    await watch.whenIdle(); // the app's job does not keep the watch queue busy
    await watch.stop();
    expect(watchRuns).toEqual(['/in/1.mp4']);
    expect(s.get(a.job.id)?.state).toBe('queued');
    app.start();
    await app.whenIdle();
    await app.stop();
    expect(appRuns).toEqual(['/in/app.mp4']);
  });

  it('queues a job again through the queue, a done one only when asked, with updated meta', async () => {
    const s = store();
    const q = new LocalJobQueue(s, async () => ({}), { pollMs: 20 });
    const { job } = await q.submit(spec(1, { meta: { overwrite: false, keep: 1 } }));
    q.start();
    await q.whenIdle();
    const queued: string[] = [];
    q.on('queued', (j) => queued.push(j.id));
    expect(q.retry(job.id)).toBeUndefined();
    const again = q.retry(job.id, { done: true, meta: { overwrite: true } });
    expect(again?.state).toBe('queued');
    expect(again?.meta).toEqual({ overwrite: true, keep: 1 });
    expect(queued).toEqual([job.id]);
    await q.whenIdle();
    await q.stop();
    expect(s.get(job.id)?.history.map((h) => h.outcome)).toEqual(['done', 'done']);
  });

  it('adds the lane column to a job file made before lanes', () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'clearcut-jobs-'));
    dirs.push(dir);
    const file = path.join(dir, 'old.sqlite');
    const db = new Database(file);
    db.exec(`CREATE TABLE jobs (id TEXT PRIMARY KEY, fingerprint TEXT NOT NULL, input TEXT NOT NULL, output TEXT NOT NULL, preset_json TEXT NOT NULL, device TEXT NOT NULL DEFAULT 'cpu', state TEXT NOT NULL,
      attempts INTEGER NOT NULL DEFAULT 0, max_attempts INTEGER NOT NULL DEFAULT 3, run_after INTEGER NOT NULL DEFAULT 0, created_at TEXT NOT NULL, updated_at TEXT NOT NULL, finished_at TEXT,
      lease_owner TEXT, lease_expires INTEGER, progress REAL, eta REAL, error_code TEXT, error_message TEXT, report_path TEXT, history_json TEXT NOT NULL DEFAULT '[]', meta_json TEXT NOT NULL DEFAULT '{}')`);
    db.prepare("INSERT INTO jobs (id, fingerprint, input, output, preset_json, state, created_at, updated_at) VALUES ('old', 'fp', '/in/a.mp4', '/out/a.mp4', ?, 'queued', 't', 't')").run(JSON.stringify(preset));
    db.close();
    const s = new SqliteJobStore(file);
    expect(s.get('old')?.lane).toBeUndefined();
    expect(s.claim('me:1:x', 1000)?.id).toBe('old');
    s.close();
  });

  it('lets the caller adjust a job\'s export (extra stages, overwrite) from what the job carries', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'clearcut-jobs-'));
    dirs.push(dir);
    const output = path.join(dir, 'out.mp4');
    writeFileSync(output, 'an older export');
    const calls: ExportRequest[] = [];
    const exportFn = (async (req: ExportRequest) => (calls.push(req), { output: req.output, sidecars: [], stages: [], warnings: [] })) as unknown as typeof runExport;
    const s = store();
    const { job } = s.add(spec(1, { output, meta: { overwrite: true } }));
    const ctx = { signal: new AbortController().signal, onProgress: () => {}, onWarning: () => {} };
    await expect(createExportRunner({ exportFn })(job, ctx)).rejects.toMatchObject({ code: 'OUTPUT_EXISTS' });
    const runner = createExportRunner({ exportFn, prepare: (j, req) => ({ ...req, overwrite: j.meta.overwrite === true, extraStages: [] }) });
    await runner(job, ctx);
    expect(calls).toHaveLength(1);
    expect(calls[0]).toMatchObject({ output, overwrite: true, extraStages: [] });
    expect(existsSync(output)).toBe(true);
  });
});
