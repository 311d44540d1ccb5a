/**
 * File-to-file ffmpeg jobs (analysis passes, baselines) run through fluent-ffmpeg, the wrapper the
 * project chose. fluent-ffmpeg was archived in 2025, so it stays behind this module: nothing else
 * imports it. Its processes join the same registry as the piped ones, so abort-all reaches them.
 */
import ffmpeg from 'fluent-ffmpeg';
import type { ChildProcess } from 'node:child_process';
import { onAbort } from '../common/abort.js';
import { CancelledError } from '../common/errors.js';
import { ffmpegBinary } from './ffmpeg-binaries.js';
import { classifyFfmpegFailure } from './ffmpeg-errors.js';
import { trackMediaProcess } from './ffmpeg-process.js';
import { parseStatsLine, type FfmpegProgress } from './ffmpeg-progress.js';

export interface FluentJob {
  input: string;
  inputOptions?: string[];
  outputOptions: string[];
  /** Output path, or '-' with format 'null' for analysis passes. */
  output: string;
  format?: string;
  signal?: AbortSignal;
  onProgress?: (p: FfmpegProgress) => void;
  /** What the job does, for error messages ("measure loudness"). */
  what: string;
}

/** Run a job; resolves with every stderr line (analysis filters print their results there). */
export function runFluentJob(job: FluentJob): Promise<string[]> {
  if (job.signal?.aborted) return Promise.reject(new CancelledError());
  return new Promise((resolve, reject) => {
    const lines: string[] = [];
    const cmd = ffmpeg(job.input).setFfmpegPath(ffmpegBinary().path);
    if (job.inputOptions?.length) cmd.inputOptions(job.inputOptions);
    cmd.outputOptions(job.outputOptions);
    if (job.format) cmd.format(job.format);
    cmd.output(job.output);
    let cancelled = false;
    const off = onAbort(job.signal, () => {
      cancelled = true;
      cmd.kill('SIGKILL');
    });
    cmd.on('start', () => {
      const child = (cmd as unknown as { ffmpegProc?: ChildProcess }).ffmpegProc;
      if (child) trackMediaProcess(child);
    });
    cmd.on('stderr', (line: string) => {
      lines.push(line);
      const p = parseStatsLine(line);
      if (p) job.onProgress?.(p);
    });
    cmd.on('end', () => {
      off();
      resolve(lines);
    });
    cmd.on('error', () => {
      off();
      if (cancelled) reject(new CancelledError());
      else reject(classifyFfmpegFailure(lines.slice(-40), { input: job.input, output: job.output === '-' ? undefined : job.output, what: job.what }));
    });
    cmd.run();
  });
}
