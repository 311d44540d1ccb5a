/**
 * Encode piped frames (as NUT, with their timestamps) and mux them with the source's audio,
 * subtitles and metadata in one ffmpeg process, or run an audio-only export.
 */
import path from 'node:path';
import type { Writable } from 'node:stream';
import { CancelledError, MediaError } from '../common/errors.js';
import { buildEncodeArgs, rotationTagValue, type EncodePlan } from './encode-args.js';
import { runFluentJob } from './fluent-job.js';
import { MUXER_NAME, type Container } from './formats.js';
import { ffmpegBinary } from './ffmpeg-binaries.js';
import { classifyFfmpegFailure } from './ffmpeg-errors.js';
import { spawnMedia, type MediaProcess } from './ffmpeg-process.js';
import { createProgressParser, type FfmpegProgress } from './ffmpeg-progress.js';
import { nutFileHeader, nutFrameHeader } from './nut-writer.js';
import { frameByteSize } from './pixel-formats.js';
import type { FrameStreamInfo, VideoFrame } from './video-frame.js';

export interface EncodeRunOptions {
  signal?: AbortSignal;
  onProgress?: (p: FfmpegProgress) => void;
}

function startEncoder(plan: EncodePlan, opts: EncodeRunOptions, stdin: 'pipe' | 'ignore'): MediaProcess {
  // Runs in the output folder, where a burned-in caption file is named by a plain relative name.
  const proc = spawnMedia(ffmpegBinary().path, buildEncodeArgs(plan), { signal: opts.signal, stdio: [stdin, 'pipe', 'pipe'], cwd: path.dirname(plan.output) });
  const parse = createProgressParser((p) => opts.onProgress?.(p));
  proc.child.stdout!.setEncoding('utf8');
  proc.child.stdout!.on('data', parse);
  return proc;
}

async function finish(proc: MediaProcess, plan: EncodePlan, what: string): Promise<void> {
  const res = await proc.done;
  if (res.cancelled) throw new CancelledError();
  if (res.code !== 0) throw classifyFfmpegFailure(res.stderrTail, { input: plan.source.file, output: plan.output, what });
  // ffmpeg exits 0 after copying or decoding a file that ends early; a shortened output is data lost.
  const cut = res.stderrTail.find((l) => /partial file|truncat/i.test(l));
  if (cut) throw new MediaError('CORRUPT_MEDIA', `${plan.source.file} is truncated or damaged (${cut.replace(/^\[[^\]]*\]\s*/, '')}); its end is missing.`, { file: plan.source.file });
}

/**
 * Write and wait until the bytes were handed to the OS (the write callback), which is also when
 * the caller may reuse the buffer. Waiting per chunk keeps at most one frame in flight.
 */
function write(stream: Writable, chunk: Buffer): Promise<void> {
  return new Promise((resolve, reject) => {
    stream.write(chunk, (err) => (err ? reject(err) : resolve()));
  });
}

/**
 * Encode `frames` into `plan.output`. Resolves when ffmpeg has finished writing the file.
 * Waits for ffmpeg's stdin to drain before sending more, so memory stays bounded.
 */
export async function encodeFrames(plan: EncodePlan, info: FrameStreamInfo, frames: AsyncIterable<VideoFrame>, opts: EncodeRunOptions & { onFrame?: (n: number) => void } = {}): Promise<number> {
  if (!plan.video) throw new Error('encodeFrames needs a video plan');
  const proc = startEncoder(plan, opts, 'pipe');
  const stdin = proc.child.stdin!;
  // ffmpeg closing its input early (it failed) shows up as EPIPE here; the exit code tells why.
  stdin.on('error', () => {});
  const expected = frameByteSize(info.format, info.width, info.height);
  let count = 0;
  let base: number | undefined;
  let last = -1;
  try {
    await write(stdin, nutFileHeader({ width: info.width, height: info.height, fourcc: info.format.nutFourcc, timeBase: info.timeBase, sampleAspectRatio: info.sampleAspectRatio, frameRate: plan.source.video?.frameRate }));
    for await (const frame of frames) {
      if (proc.child.exitCode !== null) break;
      if (frame.data.length !== expected) throw new Error(`frame ${frame.index} has ${frame.data.length} bytes, expected ${expected}`);
      base ??= plan.video.firstPts;
      // Timestamps must increase; a stage that emits a duplicate time is nudged by one tick.
      const pts = Math.max(frame.pts - base, last + 1);
      last = pts;
      await write(stdin, nutFrameHeader(pts, frame.data.length));
      await write(stdin, frame.data);
      frame.release?.();
      count++;
      opts.onFrame?.(count);
    }
  } catch (e) {
    if (proc.child.exitCode === null) proc.child.kill('SIGKILL');
    // A write failure is only a symptom when ffmpeg itself failed; prefer ffmpeg's reason.
    const res = await proc.done;
    if (!res.cancelled && res.code !== 0 && res.code !== null && isPipeError(e)) await finish(proc, plan, 'encode the video');
    throw e;
  } finally {
    stdin.end();
  }
  await finish(proc, plan, 'encode the video');
  return count;
}

function isPipeError(e: unknown): boolean {
  const code = (e as NodeJS.ErrnoException)?.code;
  return code === 'EPIPE' || code === 'ERR_STREAM_DESTROYED' || code === 'ECONNRESET';
}

/** Copy every stream of `input` to `output`, setting the video's display rotation (ffmpeg < 6). */
export async function remuxWithRotation(input: string, output: string, clockwise: number, opts: { signal?: AbortSignal; container: Container }): Promise<void> {
  await runFluentJob({
    input,
    outputOptions: ['-map', '0', '-c', 'copy', '-map_metadata', '0', '-metadata:s:v:0', `rotate=${rotationTagValue(clockwise)}`, '-movflags', '+faststart', '-y'],
    output,
    format: MUXER_NAME[opts.container],
    signal: opts.signal,
    what: 'store the rotation',
  });
}

/** Encode with ffmpeg decoding the source itself (no video stage ran). Reports frames done. */
export async function encodeFromSource(plan: EncodePlan, opts: EncodeRunOptions = {}): Promise<void> {
  const proc = startEncoder(plan, opts, 'ignore');
  await finish(proc, plan, 'encode the video');
}

/** Audio-only export (no frames): the source's audio, filtered or copied, into an audio container. */
export async function encodeAudioOnly(plan: EncodePlan, opts: EncodeRunOptions = {}): Promise<void> {
  const proc = startEncoder({ ...plan, video: undefined }, opts, 'ignore');
  await finish(proc, plan, 'encode the audio');
}
