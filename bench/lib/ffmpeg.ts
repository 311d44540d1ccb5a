/**
 * Small ffmpeg helpers shared by the benchmarks and the tests that score outputs: run a command
 * quietly, make a clip once (through a partial file, so an interrupted run never leaves a file that
 * looks finished), and read PSNR/SSIM of one video against a reference.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, renameSync } from 'node:fs';
import { ffmpegBinary } from '../../core/media/ffmpeg-binaries.js';

/** Run ffmpeg (overwriting outputs); throws with ffmpeg's message on failure. */
export function ff(args: string[]): void {
  execFileSync(ffmpegBinary().path, ['-hide_banner', '-nostdin', '-loglevel', 'error', '-y', ...args], { stdio: ['ignore', 'ignore', 'pipe'], maxBuffer: 64 << 20 });
}

/** `file`, made by `make(partialPath)` the first time and renamed into place when complete. */
export async function cachedFile(file: string, make: (partial: string) => void | Promise<void>): Promise<string> {
  if (existsSync(file)) return file;
  const partial = file.replace(/(\.\w+)$/, '.partial$1');
  await make(partial);
  renameSync(partial, file);
  return file;
}

/**
 * PSNR (dB, average over planes; Infinity when identical) and SSIM of `video` against `reference`,
 * frame n against frame n: both are renumbered first, because the filters pair frames by timestamp
 * and a phone clip's variable timestamps would otherwise pair the wrong frames.
 */
export function psnrSsim(video: string, reference: string): { psnr: number; ssim: number } {
  const r = spawnSync(ffmpegBinary().path, ['-hide_banner', '-nostdin', '-i', video, '-i', reference, '-lavfi', '[0:v]setpts=N[v0];[1:v]setpts=N[v1];[v0]split[a][b];[v1]split[c][d];[a][c]psnr;[b][d]ssim', '-f', 'null', '-'], { encoding: 'utf8', maxBuffer: 64 << 20 });
  const p = /PSNR .*average:([\d.]+|inf)/.exec(r.stderr)?.[1];
  const ssim = Number(/SSIM .*All:([\d.]+)/.exec(r.stderr)?.[1]);
  if (p === undefined || !Number.isFinite(ssim)) throw new Error(`no PSNR/SSIM for ${video}: ${r.stderr.slice(-400)}`);
  return { psnr: p === 'inf' ? Infinity : Number(p), ssim };
}
