import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { MediaError } from '../common/errors.js';
import type { ProgressEvent } from '../common/progress.js';
import { contentFingerprint, jobId } from '../jobs/fingerprint.js';
import { LocalJobQueue } from '../jobs/job-queue.js';
import { SqliteJobStore } from '../jobs/sqlite-store.js';
import type { ExportRequest, ExportSummary } from '../pipeline/export-request.js';
import type { runExport } from '../pipeline/run-export.js';
import { AppJobs, APP_LANE, presetForExport } from './app-jobs.js';
import { ExportJobSchema, parseInput } from './schemas.js';
import type { JobEventData } from './types.js';

const dirs: string[] = [];
const open: AppJobs[] = [];
afterEach(async () => {
  for (const j of open.splice(0)) await j.stop();
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function setup(): { dir: string; db: string; input: string } {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'clearcut-app-jobs-'));
  dirs.push(dir);
  const input = path.join(dir, 'clip.mp4');
  writeFileSync(input, 'not really a video, but it has a fingerprint');
  return { dir, db: path.join(dir, 'jobs.sqlite'), input };
}

const progress = (fraction: number): ProgressEvent => ({ stage: 'encode', stageIndex: 1, stageCount: 1, done: fraction * 100, total: 100, unit: 'frames', fps: 50, stageEta: 1, eta: 2 * (1 - fraction), fraction });

/** A stand-in for runExport: reports progress, writes the output (and an .srt when asked), or waits for its signal. */
function fakeExport(calls: ExportRequest[], opts: { block?: boolean; fail?: boolean; notes?: string[] } = {}): typeof runExport {
  return (async (req: ExportRequest): Promise<ExportSummary> => {
    calls.push(req);
    req.onProgress?.(progress(0.5));
    if (opts.block) await new Promise((_, rej) => req.signal?.addEventListener('abort', () => rej(new Error('aborted'))));
    if (opts.fail) throw new MediaError('CORRUPT_MEDIA', 'clip.mp4 is cut off', { file: req.input });
    if (existsSync(req.output) && !req.overwrite) throw new Error('would overwrite');
    await writeFile(req.output, req.output.endsWith('.json') ? JSON.stringify({ segments: [], cues: [], lowConfidenceBelow: 0.5 }) : 'video');
    req.onProgress?.(progress(1));
    const sidecars = req.extraStages?.length || req.captions?.includes('srt') ? [req.output.replace(/\.\w+$/, '.srt')] : [];
    return { input: req.input, output: req.output, duration: 1, frames: 30, video: 'encoded', wallSeconds: 0.25, sidecars, stages: [{ stage: 'encode', seconds: 0.2 }], warnings: [], notes: opts.notes ?? [] } as unknown as ExportSummary;
  }) as typeof runExport;
}

function events(jobs: AppJobs): JobEventData[] {
  const out: JobEventData[] = [];
  jobs.onEvent((e) => out.push(e));
  return out;
}

const until = async (cond: () => boolean, ms = 5000): Promise<void> => {
  const t0 = Date.now();
  while (!cond()) {
    if (Date.now() - t0 > ms) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 10));
  }
};

function start(opts: ConstructorParameters<typeof AppJobs>[0]): AppJobs {
  const j = new AppJobs({ pollMs: 20, followMs: 30, ...opts });
  open.push(j);
  j.start();
  return j;
}

describe('the app on the persistent job queue', () => {
  it('runs an export as a job of the store with staged progress, its report and its files', async () => {
    const { dir, db, input } = setup();
    const calls: ExportRequest[] = [];
    const allowed: string[] = [];
    const jobs = start({ db, exportFn: fakeExport(calls, { notes: ['The camera sways, so stabilization kept its slow motion.'] }), onFiles: (f) => allowed.push(...f) });
    const seen = events(jobs);
    const output = path.join(dir, 'clip_clean.mp4');
    const req = { input, output, denoiseAudio: 0.8, captions: ['srt' as const], speed: 'veryfast' as const };
    const id = (await jobs.submitExport(input, output, req)).jobId;
    await until(() => seen.some((e) => e.type === 'done'));

    expect(id).toBe(jobId(await contentFingerprint(input), presetForExport(req), { app: 'export', output }));
    expect(seen.map((e) => e.type)).toEqual(['queued', 'progress', 'progress', 'done']);
    expect(seen[0]).toEqual({ type: 'queued', jobId: id, kind: 'export', input, output });
    expect(seen[1]).toMatchObject({ type: 'progress', jobId: id, stage: 'encode', fraction: 0.5, eta: 1, fps: 50 });
    // What the engine chose by itself goes with the job's end, for the queue to show.
    expect(seen[3]).toEqual({ type: 'done', jobId: id, output, sidecars: [path.join(dir, 'clip_clean.srt')], wallSeconds: 0.25, notes: ['The camera sways, so stabilization kept its slow motion.'] });
    expect(allowed).toEqual([output, path.join(dir, 'clip_clean.srt')]);
    expect(calls[0]).toMatchObject({ input, output, denoiseAudio: 0.8, captions: ['srt'], preset: 'veryfast', overwrite: false });

    // The same job that `clearcut jobs list` shows, with its report.
    const other = new SqliteJobStore(db);
    const [job] = other.list();
    other.close();
    expect(job).toMatchObject({ id, state: 'done', lane: APP_LANE, input, output, attempts: 1 });
    expect(job.reportPath).toBe(path.join(jobs.dataDir, 'reports', `clip.mp4.${id}.json`));
    expect(JSON.parse(readFileSync(job.reportPath!, 'utf8'))).toMatchObject({ job: id, state: 'done', stages: [{ stage: 'encode', seconds: 0.2 }] });

    // Exporting the very same thing again over its own output is refused with a sentence, unless overwriting.
    await expect(jobs.submitExport(input, output, req)).rejects.toThrow(/already exported with these settings/);
    // The app (keepBoth) is told it is that job, done: no error, no numbered copy, nothing queued.
    expect(await jobs.submitExport(input, output, { ...req, keepBoth: true })).toEqual({ jobId: id, output, alreadyDone: true });
    expect(seen.filter((e) => e.type === 'queued')).toHaveLength(1);
    expect((await jobs.submitExport(input, output, { ...req, overwrite: true })).jobId).toBe(id);
    await until(() => seen.filter((e) => e.type === 'done').length === 2);
    expect(calls[1].overwrite).toBe(true);
  });

  it('with keepBoth, an export whose name a file or a queued job has writes name-2, name-3 beside it', async () => {
    const { dir, db, input } = setup();
    const calls: ExportRequest[] = [];
    const jobs = start({ db, exportFn: fakeExport(calls, { block: true }) });
    const output = path.join(dir, 'clip_clean.mp4');
    writeFileSync(output, 'the first export, made earlier');
    // Without keepBoth the job is queued under the name and would refuse to replace the file.
    const plain = await jobs.submitExport(input, output, { input, output, denoiseAudio: 0.5 });
    expect(plain.output).toBe(output);
    const second = await jobs.submitExport(input, output, { input, output, denoiseAudio: 0.6, keepBoth: true });
    expect(second.output).toBe(path.join(dir, 'clip_clean-2.mp4'));
    // clip_clean-2.mp4 is not on disk yet, but a queued job will write it.
    const third = await jobs.submitExport(input, output, { input, output, denoiseAudio: 0.7, keepBoth: true });
    expect(third.output).toBe(path.join(dir, 'clip_clean-3.mp4'));
    expect(new Set([plain.jobId, second.jobId, third.jobId]).size).toBe(3);
    // Asked again for the same settings, it is the same job and the same name, not a fourth copy.
    expect(await jobs.submitExport(input, output, { input, output, denoiseAudio: 0.6, keepBoth: true })).toEqual(second);
    expect(readFileSync(output, 'utf8')).toBe('the first export, made earlier');
  });

  it('runs an export on the chosen device, which is not part of the id: exporting again on another device moves the job', async () => {
    const { dir, db, input } = setup();
    const calls: ExportRequest[] = [];
    const jobs = start({ db, exportFn: fakeExport(calls) });
    const seen = events(jobs);
    const output = path.join(dir, 'clip_clean.mp4');
    const id = (await jobs.submitExport(input, output, { input, output, denoiseAudio: 0.5, device: 'cuda' })).jobId;
    await until(() => seen.some((e) => e.type === 'done'));
    expect(calls[0].device).toBe('cuda');
    expect(jobs.store.get(id)?.history[0]?.device).toBe('cuda');
    expect((await jobs.submitExport(input, output, { input, output, denoiseAudio: 0.5, device: 'cpu', overwrite: true })).jobId).toBe(id);
    await until(() => seen.filter((e) => e.type === 'done').length === 2);
    expect(calls[1].device).toBe('cpu');
    expect(jobs.store.get(id)?.device).toBe('cpu');
  });

  it('passes edited captions to the export through the job, so they hold after a restart too', async () => {
    const { dir, db, input } = setup();
    const calls: ExportRequest[] = [];
    const jobs = start({ db, exportFn: fakeExport(calls) });
    const seen = events(jobs);
    const output = path.join(dir, 'clip_clean.mp4');
    const cues = [{ start: 0, end: 1.5, lines: ['Fixed by hand'] }];
    const a = (await jobs.submitExport(input, output, { input, output, captions: ['srt', 'burn'], cues })).jobId;
    await until(() => seen.some((e) => e.type === 'done'));
    expect(calls[0].captions).toBeUndefined();
    expect(calls[0].extraStages?.map((s) => s.id)).toEqual(['captions']);
    // The same edits are the same job; other edits are another one.
    await expect(jobs.submitExport(input, output, { input, output, captions: ['srt', 'burn'], cues })).rejects.toThrow(/already exported/);
    const output2 = path.join(dir, 'clip_clean-2.mp4');
    const b = (await jobs.submitExport(input, output2, { input, output: output2, captions: ['srt', 'burn'], cues: [{ ...cues[0], lines: ['Fixed again'] }] })).jobId;
    expect(b).not.toBe(a);
    await until(() => seen.filter((e) => e.type === 'done').length === 2);
    expect(JSON.stringify(jobs.store.get(b)?.meta)).toContain('Fixed again');
  });

  it('cancels, retries under the same id, and fails with the reason', async () => {
    const { dir, db, input } = setup();
    const calls: ExportRequest[] = [];
    let block = true;
    const jobs = start({
      db,
      exportFn: ((req: ExportRequest) => fakeExport(calls, { block })(req)) as typeof runExport,
    });
    const seen = events(jobs);
    const output = path.join(dir, 'clip_clean.mp4');
    const id = (await jobs.submitExport(input, output, { input, output })).jobId;
    await until(() => seen.some((e) => e.type === 'progress'));
    jobs.cancel(id);
    await until(() => seen.some((e) => e.type === 'cancelled'));
    expect(jobs.store.get(id)?.state).toBe('cancelled');
    expect(existsSync(output)).toBe(false);

    block = false;
    expect((await jobs.submitExport(input, output, { input, output })).jobId).toBe(id);
    await until(() => seen.some((e) => e.type === 'done'));
    expect(seen.filter((e) => e.type === 'queued')).toHaveLength(2);
    expect(jobs.store.get(id)?.state).toBe('done');
    expect(jobs.store.get(id)?.history.map((h) => h.outcome).at(-1)).toBe('done');

    const failing = start({ db: path.join(dir, 'other.sqlite'), exportFn: fakeExport([], { fail: true }) });
    const failSeen = events(failing);
    const bad = (await failing.submitExport(input, path.join(dir, 'bad.mp4'), { input, output: path.join(dir, 'bad.mp4') })).jobId;
    await until(() => failSeen.some((e) => e.type === 'failed'));
    expect(failSeen.at(-1)).toEqual({ type: 'failed', jobId: bad, code: 'CORRUPT_MEDIA', message: 'clip.mp4 is cut off', file: input });
  });

  it('passes the camera mode of stabilization through to the export, and refuses an unknown one', async () => {
    const { dir, db, input } = setup();
    const calls: ExportRequest[] = [];
    const app = start({ db, exportFn: fakeExport(calls) });
    const seen = events(app);
    const output = path.join(dir, 'steady.mp4');
    const id = (await app.submitExport(input, output, { input, output, stabilize: 0.6, stabilizeCamera: 'smooth-motion' })).jobId;
    await until(() => seen.some((e) => e.type === 'done' && e.jobId === id));
    expect(calls[0]).toMatchObject({ stabilize: 0.6, stabilizeSmoothMotion: true });
    expect(calls[0].stabilizeTripod).toBeUndefined();
    expect(parseInput(ExportJobSchema, { input, output, stabilize: 0.5, stabilizeCamera: 'tripod' }).stabilizeCamera).toBe('tripod');
    expect(() => parseInput(ExportJobSchema, { input, output, stabilize: 0.5, stabilizeCamera: 'wobble' })).toThrow(/stabilizeCamera/);
  });

  it('keeps an export across a restart of the engine, and a watch folder queue leaves it alone', async () => {
    const { dir, db, input } = setup();
    const first = start({ db, exportFn: fakeExport([], { block: true }) });
    const seen1 = events(first);
    const output = path.join(dir, 'clip_clean.mp4');
    const id = (await first.submitExport(input, output, { input, output, stabilize: 0.5 })).jobId;
    await until(() => seen1.some((e) => e.type === 'progress'));
    const transcription = await first.submitTranscribe(input); // queued behind the export
    await first.stop();
    open.splice(open.indexOf(first), 1);
    const store = new SqliteJobStore(db);
    expect(store.get(id)?.state).toBe('queued');
    expect(store.get(transcription)?.state).toBe('cancelled');

    // The default lane (watch folders) neither runs it nor waits for it.
    const watchRuns: string[] = [];
    const watchQueue = new LocalJobQueue(store, async (job) => (watchRuns.push(job.id), {}), { pollMs: 20 });
    watchQueue.start();
    await watchQueue.whenIdle();
    await watchQueue.stop();
    store.close();
    expect(watchRuns).toEqual([]);

    const calls: ExportRequest[] = [];
    const second = start({ db, exportFn: fakeExport(calls) });
    expect(second.activeJobs()).toEqual([{ type: 'queued', jobId: id, kind: 'export', input, output }]);
    const seen2 = events(second);
    await until(() => seen2.some((e) => e.type === 'done' && e.jobId === id));
    expect(calls[0]).toMatchObject({ input, output, stabilize: 0.5 });
    expect(second.store.get(id)?.history.map((h) => h.outcome)).toEqual(['requeued', 'done']);
    expect(second.activeJobs()).toEqual([]);
  });

  it('transcribes into the data folder and tells about jobs that end in another process', async () => {
    const { dir, db, input } = setup();
    const jobs = start({ db, exportFn: fakeExport([], { block: true }) });
    const seen = events(jobs);
    const t = await jobs.submitTranscribe(input);
    await until(() => seen.some((e) => e.type === 'progress'));
    expect(seen[0]).toMatchObject({ type: 'queued', jobId: t, kind: 'transcribe' });
    expect(() => jobs.transcriptFile(t)).toThrow(/running/);
    const output = path.join(dir, 'clip_clean.mp4');
    const queued = (await jobs.submitExport(input, output, { input, output })).jobId;
    // `clearcut jobs cancel` from another process, while the job waits.
    const other = new SqliteJobStore(db);
    other.cancel(queued);
    other.close();
    await until(() => seen.some((e) => e.type === 'cancelled' && e.jobId === queued));
    jobs.cancel(t);
    await until(() => seen.some((e) => e.type === 'cancelled' && e.jobId === t));
    expect(() => jobs.transcriptFile(t)).toThrow(/cancelled/);
    expect(() => jobs.transcriptFile(queued)).toThrow(/No such transcription/);

    const done = start({ db: path.join(dir, 'b.sqlite'), exportFn: fakeExport([]) });
    const seenDone = events(done);
    const t2 = await done.submitTranscribe(input);
    await until(() => seenDone.some((e) => e.type === 'done'));
    expect(done.transcriptFile(t2)).toBe(path.join(done.dataDir, 'transcripts', `${t2}.json`));
    expect(JSON.parse(readFileSync(done.transcriptFile(t2), 'utf8'))).toMatchObject({ cues: [] });
  });
});
