/**
 * `--denoise-audio` end to end through the real CLI and ffmpeg: quality on a real speech + real
 * noise mix, silence, identity at strength 0, exact length, stereo layout, the residual file and
 * audio-only formats in and out (issue 4).
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { ffmpegBinary } from '../../core/media/ffmpeg-binaries.js';
import { decodeWavPcm16, mixAtSnr, siSdr } from '../../core/stages/denoise-audio/audio-metrics.js';
import { ffmpeg, ffprobeJson, fixture, ROOT, runCli, workDir } from './fixtures.js';

const AUDIO = path.join(ROOT, 'test', 'fixtures', 'audio');
const readFixture = (name: string) => decodeWavPcm16(new Uint8Array(readFileSync(path.join(AUDIO, name)))).samples;

/**
 * Measured through the CLI at strength 1: 16-bit WAV in and out -0.05 dB -> 13.40 dB (+13.45 dB);
 * after m4a / mp3 / flac at 48 kHz in and out 13.42 / 13.16 / 13.46 dB. Pinned ~1 dB below.
 */
const MIN_IMPROVEMENT_DB = 12.4;
const MIN_IMPROVEMENT_LOSSY_DB = 12;

/** Decode any file to float PCM at its own rate (or a given one), interleaved. */
function decode(file: string, opts: { channels?: number; rate?: number } = {}): Float32Array {
  const args = ['-v', 'error', '-i', file, ...(opts.channels ? ['-ac', String(opts.channels)] : []), ...(opts.rate ? ['-ar', String(opts.rate)] : []), '-f', 'f32le', '-c:a', 'pcm_f32le', 'pipe:1'];
  const buf = execFileSync(ffmpegBinary().path, args, { maxBuffer: 1 << 28 });
  return new Float32Array(buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.byteLength));
}

/** Write interleaved float PCM with ffmpeg (codec chosen by the extension, or given). */
function encode(file: string, pcm: Float32Array, rate: number, channels: number, codec: string[] = []): void {
  execFileSync(ffmpegBinary().path, ['-hide_banner', '-loglevel', 'error', '-y', '-f', 'f32le', '-ar', String(rate), '-ac', String(channels), '-i', 'pipe:0', ...codec, file], {
    input: Buffer.from(pcm.buffer, pcm.byteOffset, pcm.byteLength),
  });
}

const samples = (file: string): number => {
  const s = ffprobeJson(file).streams.find((x) => x.codec_type === 'audio')!;
  return Math.round(parseFloat(s.duration!) * Number(s.sample_rate));
};

const deinterleave = (x: Float32Array, ch: number, c: number) => Float32Array.from({ length: x.length / ch }, (_, i) => x[i * ch + c]!);
const maxAbs = (x: Float32Array) => x.reduce((m, v) => Math.max(m, Math.abs(v)), 0);

async function exportOk(args: string[]): Promise<void> {
  const r = await runCli(['export', ...args]);
  expect(r.stderr).toBe('');
  expect(r.code).toBe(0);
}

describe('export --denoise-audio (real CLI, real model)', () => {
  let speech: Float32Array;
  let mix: Float32Array;
  /** Speech + birds at 0 dB SNR, 16-bit 16 kHz mono WAV. */
  let mixWav: string;

  beforeAll(() => {
    speech = readFixture('speech-librivox-0890.wav');
    mix = mixAtSnr(speech, readFixture('noise-birds-pomodoro-t10.wav'), 0);
    mixWav = fixture('denoise-mix-birds-0db.wav', (f) => encode(f, mix, 16000, 1, ['-c:a', 'pcm_s16le', '-f', 'wav']));
    mix = decode(mixWav); // what the CLI will read (16-bit)
  });

  it('improves SI-SDR of real speech in real noise (birds, 0 dB SNR)', async () => {
    const dir = workDir('dn-quality');
    const out = path.join(dir, 'clean.wav');
    await exportOk([mixWav, '-o', out, '--denoise-audio=1']);
    const y = decode(out);
    expect(y.length).toBe(mix.length);
    const gain = siSdr(y, speech) - siSdr(mix, speech);
    expect(gain).toBeGreaterThan(MIN_IMPROVEMENT_DB);
  }, 60_000);

  it('RNNoise is a model choice and runs at 48 kHz behind the same stage', async () => {
    const dir = workDir('dn-rnnoise');
    const out = path.join(dir, 'clean.wav');
    await exportOk([mixWav, '-o', out, '--denoise-audio=1', '--denoise-audio-model', 'rnnoise']);
    const y = decode(out);
    expect(y.length).toBe(mix.length);
    // RNNoise barely touches bird song (models/gtcrn.md), but it must not hurt or shift the speech.
    expect(siSdr(y, speech)).toBeGreaterThan(siSdr(mix, speech) - 1);
  }, 60_000);

  it('keeps silence silent', async () => {
    const dir = workDir('dn-silence');
    const input = fixture('silence-48k-stereo.wav', (f) => ffmpeg(['-f', 'lavfi', '-i', 'anullsrc=r=48000:cl=stereo', '-t', '3', '-c:a', 'pcm_s16le', '-f', 'wav', f]));
    const out = path.join(dir, 'out.wav');
    await exportOk([input, '-o', out, '--denoise-audio=1']);
    const y = decode(out);
    expect(y.length).toBe(3 * 48000 * 2);
    expect(maxAbs(y)).toBe(0);
  }, 60_000);

  it('strength 0 is the identity, bit for bit (WAV and FLAC out)', async () => {
    const dir = workDir('dn-identity');
    for (const ext of ['wav', 'flac']) {
      const out = path.join(dir, `same.${ext}`);
      await exportOk([mixWav, '-o', out, '--denoise-audio=0']);
      expect(decode(out)).toEqual(mix);
    }
  }, 60_000);

  it('keeps the exact length and timing at 44.1 kHz (odd length, round trip through 16 kHz)', async () => {
    const dir = workDir('dn-length');
    const n = 44100 * 3 + 1234;
    const input = path.join(dir, 'tone.wav');
    // A click train: any delay of the output would move the clicks.
    const x = new Float32Array(n);
    for (let i = 22050; i < n; i += 44100) x[i] = 0.9;
    encode(input, x, 44100, 1, ['-c:a', 'pcm_f32le']);
    const out = path.join(dir, 'out.wav');
    await exportOk([input, '-o', out, '--denoise-audio=0.5']);
    expect(samples(out)).toBe(n);
    const y = decode(out);
    expect(y.length).toBe(n);
    // Half dry, half wet: the dry half alone puts 0.45 on the click sample; the peak stays there.
    for (let i = 22050; i < n; i += 44100) {
      let best = i;
      for (let j = i - 200; j <= i + 200; j++) if (Math.abs(y[j]!) > Math.abs(y[best]!)) best = j;
      expect(best).toBe(i);
    }
  }, 60_000);

  it('keeps a track that starts after the picture in place (A/V sync)', async () => {
    // The sound begins 0.1 s after the first frame, as a stream start time (no silence padded in).
    const input = fixture('late-speech.mkv', (f) =>
      ffmpeg(['-f', 'lavfi', '-i', 'testsrc2=s=320x240:r=30', '-itsoffset', '0.1', '-i', mixWav, '-t', '2', '-c:v', 'libx264', '-preset', 'veryfast', '-c:a', 'flac', '-f', 'matroska', f]),
    );
    const start = (file: string, type: string): number => parseFloat(ffprobeJson(file).streams.find((s) => s.codec_type === type)!.start_time!);
    expect(start(input, 'audio') - start(input, 'video')).toBeCloseTo(0.1, 2);
    const out = path.join(workDir('dn-late'), 'out.mkv');
    // Lossless audio (FLAC comes with FFV1): AAC's encoder delay would move the first packet.
    await exportOk([input, '-o', out, '--denoise-audio=1', '--codec', 'ffv1']);
    expect(Math.abs(start(out, 'audio') - start(out, 'video') - 0.1)).toBeLessThan(0.002);
  }, 60_000);

  it('keeps the stereo layout: noisy speech left, silence right, at 48 kHz', async () => {
    const dir = workDir('dn-stereo');
    const left = decode(mixWav, { rate: 48000 });
    const ref = decode(path.join(AUDIO, 'speech-librivox-0890.wav'), { rate: 48000 });
    const stereo = new Float32Array(left.length * 2);
    for (let i = 0; i < left.length; i++) stereo[2 * i] = left[i]!;
    const input = path.join(dir, 'lr.wav');
    encode(input, stereo, 48000, 2, ['-c:a', 'pcm_f32le']);
    const out = path.join(dir, 'out.wav');
    await exportOk([input, '-o', out, '--denoise-audio=1']);
    const probe = ffprobeJson(out).streams[0]!;
    expect(probe.channels).toBe(2);
    expect(probe.sample_rate).toBe('48000');
    const y = decode(out);
    expect(y.length).toBe(stereo.length);
    expect(maxAbs(deinterleave(y, 2, 1))).toBe(0);
    expect(siSdr(deinterleave(y, 2, 0), ref) - siSdr(left, ref)).toBeGreaterThan(MIN_IMPROVEMENT_DB - 1);
  }, 60_000);

  it('writes the residual (input minus output) and never overwrites it unasked', async () => {
    const dir = workDir('dn-residual');
    const out = path.join(dir, 'clean.flac');
    const residual = path.join(dir, 'removed.wav');
    await exportOk([mixWav, '-o', out, '--denoise-audio=0.8', '--denoise-audio-residual', residual]);
    const r = decode(residual);
    const y = decode(out);
    expect(r.length).toBe(mix.length);
    let err = 0;
    for (let i = 0; i < mix.length; i++) err = Math.max(err, Math.abs(mix[i]! - y[i]! - r[i]!));
    expect(err).toBeLessThan(1.5 / 32768); // the output is 16-bit FLAC, the residual float
    expect(maxAbs(r)).toBeGreaterThan(0.05);
    const again = await runCli(['export', mixWav, '-o', path.join(dir, 'other.wav'), '--denoise-audio', '--denoise-audio-residual', residual]);
    expect(again.code).not.toBe(0);
    expect(again.stderr).toMatch(/already exists/);
    expect(existsSync(path.join(dir, 'other.wav'))).toBe(false);
  }, 60_000);

  it.each([
    ['wav', 'wav', 'pcm_s16le'],
    ['m4a', 'm4a', 'aac'],
    ['mp3', 'mp3', 'mp3'],
    ['flac', 'flac', 'flac'],
    ['wav', 'm4a', 'aac'],
    ['m4a', 'flac', 'flac'],
    ['mp3', 'wav', 'pcm_s16le'],
  ])('audio-only %s in, %s out', async (inExt, outExt, codec) => {
    const dir = workDir(`dn-${inExt}-${outExt}`);
    const input = inExt === 'wav' ? mixWav : fixture(`denoise-mix-birds-0db.${inExt}`, (f) => ffmpeg(['-i', mixWav, '-ar', '48000', f]));
    const out = path.join(dir, `clean.${outExt}`);
    await exportOk([input, '-o', out, '--denoise-audio=1']);
    const probe = ffprobeJson(out);
    expect(probe.streams.map((s) => s.codec_type)).toEqual(['audio']);
    expect(probe.streams[0]!.codec_name).toBe(codec);
    expect(Math.abs(parseFloat(probe.format.duration) - parseFloat(ffprobeJson(input).format.duration))).toBeLessThan(0.03);
    const y = decode(out, { rate: 16000, channels: 1 });
    const gain = siSdr(y.subarray(0, speech.length), speech) - siSdr(mix, speech);
    expect(gain).toBeGreaterThan(inExt === 'wav' && outExt === 'wav' ? MIN_IMPROVEMENT_DB : MIN_IMPROVEMENT_LOSSY_DB);
  }, 60_000);
});
