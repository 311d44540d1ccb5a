/** Audio as float PCM: decode any audio stream at a chosen rate, and write PCM back to a file. */
import type { Writable } from 'node:stream';
import { CancelledError, MediaError } from '../common/errors.js';
import { ffmpegBinary } from './ffmpeg-binaries.js';
import { classifyFfmpegFailure } from './ffmpeg-errors.js';
import { spawnMedia } from './ffmpeg-process.js';
import type { MediaInfo } from './media-info.js';

export interface PcmFormat {
  sampleRate: number;
  channels: number;
}

export interface PcmReadOptions extends Partial<PcmFormat> {
  /** Source stream index; defaults to the first audio stream. */
  streamIndex?: number;
  /** Samples per channel in each chunk (default 1 s worth). */
  chunkFrames?: number;
  signal?: AbortSignal;
}

/**
 * Decode audio to interleaved float32 chunks (values in -1..1), pulled with backpressure.
 * Resampling uses ffmpeg's default swresample; the last chunk may be shorter.
 */
export async function* readPcm(media: MediaInfo, opts: PcmReadOptions = {}): AsyncGenerator<Float32Array> {
  const stream = opts.streamIndex !== undefined ? media.audio.find((a) => a.index === opts.streamIndex) : media.audio[0];
  if (!stream) throw new MediaError('NO_AUDIO_STREAM', `${media.file} has no audio stream.`, { file: media.file });
  const sampleRate = opts.sampleRate ?? stream.sampleRate;
  const channels = opts.channels ?? stream.channels;
  const args = ['-hide_banner', '-nostdin', '-loglevel', 'error', '-i', media.file, '-map', `0:${stream.index}`, '-ac', String(channels), '-ar', String(sampleRate), '-f', 'f32le', '-c:a', 'pcm_f32le', 'pipe:1'];
  const proc = spawnMedia(ffmpegBinary().path, args, { signal: opts.signal, stdio: ['ignore', 'pipe', 'pipe'] });
  const bytesPerChunk = (opts.chunkFrames ?? sampleRate) * channels * 4;
  let pending: Buffer[] = [];
  let pendingBytes = 0;
  const take = (n: number): Float32Array => {
    const all = Buffer.concat(pending, pendingBytes);
    const out = new Float32Array(n / 4);
    Buffer.from(out.buffer).set(all.subarray(0, n));
    const rest = all.subarray(n);
    pending = rest.length ? [Buffer.from(rest)] : [];
    pendingBytes = rest.length;
    return out;
  };
  let finished = false;
  try {
    for await (const chunk of proc.child.stdout as AsyncIterable<Buffer>) {
      pending.push(chunk);
      pendingBytes += chunk.length;
      while (pendingBytes >= bytesPerChunk) yield take(bytesPerChunk);
    }
    const whole = pendingBytes - (pendingBytes % (channels * 4));
    if (whole > 0) yield take(whole);
    const res = await proc.done;
    finished = true;
    if (res.cancelled) throw new CancelledError();
    if (res.code !== 0) throw classifyFfmpegFailure(res.stderrTail, { input: media.file, what: 'decode the audio' });
  } finally {
    if (!finished) proc.child.kill('SIGKILL');
  }
}

/** Join sample chunks into one array. */
export function concatSamples(parts: Float32Array[]): Float32Array {
  const out = new Float32Array(parts.reduce((a, p) => a + p.length, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

/** Decode a whole audio stream into one array (for short clips and tests). */
export async function decodePcm(media: MediaInfo, opts: PcmReadOptions = {}): Promise<Float32Array> {
  const parts: Float32Array[] = [];
  for await (const c of readPcm(media, opts)) parts.push(c);
  return concatSamples(parts);
}

function writeAll(stream: Writable, buf: Buffer): Promise<void> {
  return new Promise((resolve, reject) => {
    if (stream.write(buf)) resolve();
    else {
      stream.once('drain', resolve);
      stream.once('error', reject);
    }
  });
}

/**
 * Write interleaved float PCM chunks to a lossless file (32-bit float WAV, RF64 when over 4 GiB).
 * Used for the output of PCM audio stages before the final mux.
 */
export async function writePcmFile(file: string, format: PcmFormat, chunks: AsyncIterable<Float32Array>, opts: { signal?: AbortSignal } = {}): Promise<void> {
  const args = ['-hide_banner', '-nostdin', '-loglevel', 'error', '-f', 'f32le', '-ar', String(format.sampleRate), '-ac', String(format.channels), '-i', 'pipe:0', '-c:a', 'pcm_f32le', '-rf64', 'auto', '-f', 'wav', '-y', file];
  const proc = spawnMedia(ffmpegBinary().path, args, { signal: opts.signal, stdio: ['pipe', 'ignore', 'pipe'] });
  const stdin = proc.child.stdin!;
  stdin.on('error', () => {});
  try {
    for await (const c of chunks) {
      if (proc.child.exitCode !== null) break;
      await writeAll(stdin, Buffer.from(c.buffer, c.byteOffset, c.byteLength));
    }
  } finally {
    stdin.end();
  }
  const res = await proc.done;
  if (res.cancelled) throw new CancelledError();
  if (res.code !== 0) throw classifyFfmpegFailure(res.stderrTail, { input: file, output: file, what: 'write processed audio' });
}
