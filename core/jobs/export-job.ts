/**
 * Running a job is running one export: the preset becomes an ExportRequest, and the result (or the
 * failure) becomes a JSON report with the settings, the models used (name, version, sha256), the
 * time of each stage and the warnings.
 */
import { existsSync } from 'node:fs';
import { mkdir, rename, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { OutputError } from '../common/errors.js';
import { ffmpegFeatures } from '../media/ffmpeg-binaries.js';
import { probeMedia } from '../media/probe.js';
import { loadManifest } from '../models/manifest.js';
import type { Device } from '../models/session.js';
import type { ExportRequest } from '../pipeline/export-request.js';
import { runExport } from '../pipeline/run-export.js';
import type { Preset } from '../presets/presets.js';
import { cameraSwitches, type CaptionTarget } from '../stages/index.js';
import type { JobRecord } from './job.js';
import type { JobOutcome, JobReportWriter, JobRunner } from './job-queue.js';

/** The export a preset asks for (no signal or listeners). */
export function requestFromPreset(preset: Preset, input: string, output: string, device?: Device): ExportRequest {
  const st = preset.stages;
  return {
    input,
    output,
    stabilize: st.stabilize,
    ...cameraSwitches(st.stabilizeCamera),
    denoiseVideo: st.denoiseVideo,
    denoiseVideoKeepGrain: st.denoiseVideoKeepGrain,
    denoiseAudio: st.denoiseAudio,
    captions: st.captions as CaptionTarget[] | undefined,
    loudnorm: st.loudnorm,
    codec: preset.encoder.codec as ExportRequest['codec'],
    crf: preset.encoder.crf,
    preset: preset.encoder.speed,
    overwrite: false,
    device,
  };
}

/** Names of the manifest models a preset's stages load. */
export function modelsForPreset(preset: Preset): string[] {
  const names: string[] = [];
  if (preset.stages.denoiseAudio !== undefined) names.push('gtcrn-offline');
  if (preset.stages.captions?.length) names.push('silero-vad', 'whisper-tiny-en');
  return names;
}

/**
 * A crash after the output was renamed into place but before the job was marked done leaves a
 * complete output (the rename is atomic). The next try adopts it instead of failing on "exists":
 * only when an earlier try of this job was interrupted after starting, the file is newer than that
 * try's start and it probes as media.
 */
async function adoptableOutput(job: JobRecord): Promise<boolean> {
  const interrupted = job.history.slice(0, -1).filter((a) => a.outcome === 'interrupted');
  if (!interrupted.length) return false;
  const st = await stat(job.output).catch(() => undefined);
  if (!st?.isFile()) return false;
  const since = Math.min(...interrupted.map((a) => Date.parse(a.startedAt)));
  if (st.mtimeMs < since - 2000) return false;
  try {
    await probeMedia(job.output);
    return true;
  } catch {
    return false;
  }
}

/** The export of one job, before its signal and listeners are attached. */
export type JobExportRequest = Omit<ExportRequest, 'signal' | 'onProgress' | 'onWarning'>;

export interface ExportRunnerOptions {
  /** Replace runExport (tests). */
  exportFn?: typeof runExport;
  /**
   * Adjust a job's export before it runs, from what the job carries (its meta), so the change holds
   * in any process that runs the job, after a restart too. The app uses it for the stage that writes
   * the captions the user edited and for its overwrite choice: a request with `overwrite` replaces an
   * existing output instead of failing with OUTPUT_EXISTS.
   */
  prepare?: (job: JobRecord, request: JobExportRequest) => JobExportRequest | Promise<JobExportRequest>;
}

export function createExportRunner(opts: ExportRunnerOptions = {}): JobRunner {
  const exportFn = opts.exportFn ?? runExport;
  return async (job, ctx) => {
    const base = requestFromPreset(job.preset, job.input, job.output, job.device);
    const req = opts.prepare ? await opts.prepare(job, base) : base;
    if (existsSync(job.output)) {
      if (await adoptableOutput(job)) return { adopted: true };
      if (!req.overwrite) throw new OutputError('OUTPUT_EXISTS', `${job.output} already exists and was not written by this job; Clearcut never overwrites. Move it away and retry the job.`, { file: job.output });
    }
    // A preset meets every kind of clip in a folder: what a clip has no stream for is left out, with a warning.
    const summary = await exportFn({ ...req, skipUnfitStages: true, signal: ctx.signal, onProgress: ctx.onProgress, onWarning: ctx.onWarning });
    return { summary };
  };
}

export interface JobReport {
  job: string;
  state: JobRecord['state'];
  input: string;
  output: string;
  fingerprint: string;
  preset: Preset;
  settings: Omit<ExportRequest, 'signal' | 'onProgress' | 'onWarning'>;
  device: Device;
  attempts: number;
  history: JobRecord['history'];
  models: Array<{ name: string; version: string; sha256: string; file: string; license: string }>;
  ffmpeg?: string;
  adopted?: boolean;
  result?: { duration: number; frames: number; video: string; wallSeconds: number; sidecars: string[] };
  stages: Array<{ stage: string; seconds: number }>;
  warnings: string[];
  /** What stages chose by themselves (ExportSummary.notes). */
  notes: string[];
  error?: { code: string; message: string };
  createdAt: string;
  finishedAt?: string;
}

export function buildJobReport(job: JobRecord, outcome: JobOutcome, ffmpegVersion?: string): JobReport {
  const manifest = loadManifest();
  const wanted = modelsForPreset(job.preset);
  const s = outcome.result?.summary;
  return {
    job: job.id,
    state: job.state,
    input: job.input,
    output: job.output,
    fingerprint: job.fingerprint,
    preset: job.preset,
    settings: requestFromPreset(job.preset, job.input, job.output, job.device),
    device: job.device,
    attempts: job.attempts,
    history: job.history,
    models: manifest.models.filter((m) => wanted.includes(m.name)).map((m) => ({ name: m.name, version: m.version, sha256: m.sha256, file: m.file, license: m.license })),
    ffmpeg: ffmpegVersion,
    adopted: outcome.result?.adopted || undefined,
    result: s && { duration: s.duration, frames: s.frames, video: s.video, wallSeconds: s.wallSeconds, sidecars: s.sidecars },
    stages: s?.stages ?? [],
    warnings: [...new Set([...(s?.warnings ?? []), ...outcome.warnings])],
    notes: s?.notes ?? [],
    error: outcome.error && { code: outcome.error.code, message: outcome.error.message },
    createdAt: job.createdAt,
    finishedAt: job.finishedAt,
  };
}

/**
 * Reports go to `<dir>/<relDir>/<input name>.<job id>.json` when a folder is given here or in the
 * job's meta (`reportsDir`, set by a watch folder whose jobs run on other workers; relDir mirrors its
 * tree), else next to the output as
 * `<output>.report.json`. Written through a temp file and a rename, like outputs.
 */
export function createReportWriter(opts: { dir?: string } = {}): JobReportWriter {
  return async (job, outcome) => {
    const rel = typeof job.meta.relDir === 'string' ? job.meta.relDir : '';
    const dir = opts.dir ?? (typeof job.meta.reportsDir === 'string' ? job.meta.reportsDir : undefined);
    const file = dir ? path.join(dir, rel, `${path.basename(job.input)}.${job.id}.json`) : `${job.output}.report.json`;
    const ffmpeg = await ffmpegFeatures().then((f) => f.version).catch(() => undefined);
    const report = buildJobReport(job, outcome, ffmpeg);
    await mkdir(path.dirname(file), { recursive: true });
    const tmp = path.join(path.dirname(file), `.${path.basename(file)}.${process.pid}.tmp`);
    await writeFile(tmp, `${JSON.stringify(report, null, 2)}\n`);
    await rename(tmp, file);
    return file;
  };
}
