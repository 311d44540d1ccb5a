/**
 * The export runner of the job queue on real files: a crash after the output's rename but before
 * the job was marked done is adopted on the next try (not redone, not refused); an output the job
 * did not write is never overwritten; reports name the models a preset uses.
 */
import { copyFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildJobReport, createExportRunner } from '../../core/jobs/export-job.js';
import { jobId } from '../../core/jobs/fingerprint.js';
import type { JobRecord } from '../../core/jobs/job.js';
import { PresetSchema } from '../../core/presets/presets.js';
import { cfrClip, workDir } from './fixtures.js';

const preset = PresetSchema.parse({ name: 'default' });
const ctx = { signal: new AbortController().signal, onProgress: () => {}, onWarning: () => {} };

function job(input: string, output: string, history: JobRecord['history']): JobRecord {
  const t = new Date().toISOString();
  return { id: jobId('fp', preset), fingerprint: 'fp', input, output, preset, device: 'cpu', state: 'running', attempts: history.length, maxAttempts: 3, runAfter: 0, createdAt: t, updatedAt: t, history, meta: {} };
}

describe('export runner', () => {
  it('adopts an output completed by a try that was interrupted, and refuses one it did not write', async () => {
    const dir = workDir('jobs-adopt');
    const input = cfrClip();
    const output = path.join(dir, 'clip_clean.mp4');
    const started = new Date(Date.now() - 5000).toISOString();
    copyFileSync(input, output); // what the killed try renamed into place
    let exports = 0;
    const runner = createExportRunner({ exportFn: async () => (exports++, Promise.reject(new Error('must not run'))) });
    const interrupted = job(input, output, [
      { attempt: 1, owner: 'h:1:a', device: 'cpu', startedAt: started, endedAt: started, outcome: 'interrupted' },
      { attempt: 2, owner: 'h:2:b', device: 'cpu', startedAt: new Date().toISOString() },
    ]);
    const mtime = statSync(output).mtimeMs;
    await expect(runner(interrupted, ctx)).resolves.toEqual({ adopted: true });
    expect(statSync(output).mtimeMs).toBe(mtime);
    const fresh = job(input, output, [{ attempt: 1, owner: 'h:2:b', device: 'cpu', startedAt: new Date().toISOString() }]);
    await expect(runner(fresh, ctx)).rejects.toMatchObject({ code: 'OUTPUT_EXISTS' });
    expect(exports).toBe(0);
  });

  it('runs the export for a new output and reports models, stages and settings', async () => {
    const dir = workDir('jobs-report');
    const output = path.join(dir, 'clip_clean.mp4');
    const runner = createExportRunner();
    const j = job(cfrClip(), output, [{ attempt: 1, owner: 'h:1:a', device: 'cpu', startedAt: new Date().toISOString() }]);
    const result = await runner(j, ctx);
    expect(statSync(output).size).toBeGreaterThan(0);
    const report = buildJobReport({ ...j, state: 'done' }, { result, warnings: [] });
    expect(report.stages.map((s) => s.stage)).toContain('encode');
    expect(report.result?.video).toBe('copied');
    // Nothing was chosen for the user in a plain transcode.
    expect(report.notes).toEqual([]);
    const withModels = buildJobReport({ ...j, preset: PresetSchema.parse({ name: 'x', stages: { denoiseAudio: 0.8, captions: ['srt'] } }) }, { warnings: [] });
    expect(withModels.models.map((m) => m.name).sort()).toEqual(['gtcrn-offline', 'silero-vad', 'whisper-tiny-en']);
    expect(withModels.models.every((m) => /^[0-9a-f]{64}$/.test(m.sha256))).toBe(true);
  });
});
