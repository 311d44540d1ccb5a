/**
 * Captions end to end (issue 3): real speech through the real CLI gives low-WER SRT and WebVTT
 * sidecars that parse back, pass the layout rules and are read by ffprobe; captions-only
 * output and audio-only input; silence and noise give no captions; word onsets on synthetic
 * speech with known word times; a soft track and burned-in captions.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ffmpegBinary, ffprobeBinary } from '../../core/media/ffmpeg-binaries.js';
import { parseSrt, parseWebVtt, type TranscriptJson } from '../../core/stages/captions/formats.js';
import { BROADCAST_LAYOUT, checkCaptionLayout } from '../../core/stages/captions/layout.js';
import { onsetErrors } from '../../core/stages/captions/onset-error.js';
import { LongFormTranscriber } from '../../core/stages/captions/transcribe.js';
import { wordErrorRate } from '../../core/stages/captions/wer.js';
import { readWav16 } from '../../core/stages/captions/whisper-test-support.js';
import { ffmpeg, fixture, jsonLines, ROOT, runCli, workDir } from './fixtures.js';

const SPEECH_DIR = path.join(ROOT, 'test', 'fixtures', 'speech');
const ASR_WAV = path.join(SPEECH_DIR, 'asr-librivox-0870.wav');
const REFERENCE = readFileSync(path.join(SPEECH_DIR, 'asr-librivox-0870.txt'), 'utf8');
const BIRDS = path.join(ROOT, 'test', 'fixtures', 'audio', 'noise-birds-pomodoro-t10.wav');

// Measured: 0 errors in 21 words through the CLI (0 %); 2 words of margin.
const WER_MAX = 0.1;
// Measured on the four synthetic sentences (59 words): 57 within 200 ms of the truth (96.6 %, a
// word left out by the recogniser counts as a miss), median 9 ms. Margin: 4 words, and 40 ms.
const ONSET_MEDIAN_MAX = 0.05;
const ONSET_WITHIN_MIN = 0.9;

/** 7 s of 320x240 video with the LibriVox utterance as its sound. */
const speechClip = (): string =>
  fixture('captions-speech.mp4', (f) => ffmpeg(['-f', 'lavfi', '-i', 'testsrc2=s=320x240:r=25', '-i', ASR_WAV, '-t', '7.1', '-c:v', 'libx264', '-preset', 'veryfast', '-pix_fmt', 'yuv420p', '-c:a', 'aac', '-shortest', '-f', 'mp4', f]));

const textOf = (cues: { lines: string[] }[]) => cues.map((c) => c.lines.join(' ')).join(' ');

function ffprobeSubtitles(file: string): { codec_name: string }[] {
  const out = execFileSync(ffprobeBinary().path, ['-v', 'error', '-print_format', 'json', '-show_streams', file], { encoding: 'utf8' });
  return (JSON.parse(out) as { streams: { codec_name: string }[] }).streams;
}

describe('clearcut export --captions', () => {
  it('writes SRT, WebVTT and JSON sidecars with low WER next to a video output', async () => {
    const dir = workDir('captions');
    const out = path.join(dir, 'out.mp4');
    const r = await runCli(['export', speechClip(), '-o', out, '--captions', 'srt,vtt', '--json']);
    expect(r.code, r.stderr).toBe(0);
    const summary = jsonLines(r.stdout).find((l) => l.type === 'summary') as { sidecars?: string[] } | undefined;
    for (const ext of ['srt', 'vtt', 'json']) expect(existsSync(path.join(dir, `out.${ext}`))).toBe(true);
    expect(summary?.sidecars).toEqual(expect.arrayContaining([path.join(dir, 'out.srt'), path.join(dir, 'out.vtt')]));
    expect(existsSync(out)).toBe(true);

    const srt = parseSrt(readFileSync(path.join(dir, 'out.srt'), 'utf8'));
    const vtt = parseWebVtt(readFileSync(path.join(dir, 'out.vtt'), 'utf8'));
    expect(srt.length).toBeGreaterThan(0);
    expect(vtt).toEqual(srt);
    const wer = wordErrorRate(REFERENCE, textOf(srt));
    console.info(`captions WER ${(wer.wer * 100).toFixed(1)} % (${wer.errors}/${wer.referenceWords}): ${textOf(srt)}`);
    expect(wer.wer).toBeLessThanOrEqual(WER_MAX);
    expect(checkCaptionLayout(srt.map((c) => ({ ...c, words: [] })), BROADCAST_LAYOUT)).toEqual([]);
    expect(srt.at(-1)!.end).toBeLessThanOrEqual(7.15); // the MP4's AAC track runs to 7.104 s
    expect(srt[0]!.start).toBeLessThan(0.6);

    // ffmpeg reads both sidecars as subtitle streams.
    expect(ffprobeSubtitles(path.join(dir, 'out.srt'))[0]?.codec_name).toBe('subrip');
    expect(ffprobeSubtitles(path.join(dir, 'out.vtt'))[0]?.codec_name).toBe('webvtt');

    const json = JSON.parse(readFileSync(path.join(dir, 'out.json'), 'utf8')) as TranscriptJson;
    const words = json.segments.flatMap((s) => s.words);
    expect(words.length).toBeGreaterThanOrEqual(18);
    for (let i = 0; i < words.length; i++) {
      const w = words[i]!;
      expect(w.end).toBeGreaterThanOrEqual(w.start);
      if (i) expect(w.start).toBeGreaterThanOrEqual(words[i - 1]!.start);
      expect(w.confidence).toBeGreaterThan(0);
      expect(w.confidence).toBeLessThanOrEqual(1);
      expect(typeof w.lowConfidence).toBe('boolean');
    }
  });

  it('times captions on the picture clock when the sound starts after the first frame', async () => {
    // The same utterance, starting 1.5 s into the clip as a stream start time (nothing padded).
    const late = fixture('captions-late-speech.mkv', (f) =>
      ffmpeg(['-f', 'lavfi', '-i', 'testsrc2=s=320x240:r=25', '-itsoffset', '1.5', '-i', ASR_WAV, '-t', '9', '-c:v', 'libx264', '-preset', 'veryfast', '-c:a', 'flac', '-f', 'matroska', f]),
    );
    const out = path.join(workDir('captions-late'), 'late.srt');
    const r = await runCli(['export', late, '-o', out]);
    expect(r.code, r.stderr).toBe(0);
    const srt = parseSrt(readFileSync(out, 'utf8'));
    // Aligned, the first cue starts before 0.6 s (the test above); 1.5 s later here.
    expect(srt[0]!.start).toBeGreaterThan(1.5);
    expect(srt[0]!.start).toBeLessThan(2.1);
    expect(wordErrorRate(REFERENCE, textOf(srt)).wer).toBeLessThanOrEqual(WER_MAX);
    // An audio-only output starts with its sound, and so do its captions.
    const m4a = path.join(workDir('captions-late-m4a'), 'late.m4a');
    const r2 = await runCli(['export', late, '-o', m4a, '--captions', 'srt']);
    expect(r2.code, r2.stderr).toBe(0);
    expect(parseSrt(readFileSync(m4a.replace(/m4a$/, 'srt'), 'utf8'))[0]!.start).toBeLessThan(0.6);
  });

  it('writes captions only, without encoding, for an -o out.srt and an audio-only input', async () => {
    const dir = workDir('captions-only');
    const m4a = fixture('captions-speech.m4a', (f) => ffmpeg(['-i', ASR_WAV, '-c:a', 'aac', '-b:a', '96k', '-f', 'ipod', f]));
    const r = await runCli(['export', m4a, '-o', path.join(dir, 'talk.srt'), '--captions', 'srt']);
    expect(r.code, r.stderr).toBe(0);
    const cues = parseSrt(readFileSync(path.join(dir, 'talk.srt'), 'utf8'));
    expect(wordErrorRate(REFERENCE, textOf(cues)).wer).toBeLessThanOrEqual(WER_MAX);
    expect(existsSync(path.join(dir, 'talk.json'))).toBe(true);
  });

  it('an audio-only output asked to burn in or embed captions gets them as an SRT beside it, and says so', async () => {
    const dir = workDir('captions-audio-burn');
    const m4a = fixture('captions-speech.m4a', (f) => ffmpeg(['-i', ASR_WAV, '-c:a', 'aac', '-b:a', '96k', '-f', 'ipod', f]));
    const r = await runCli(['export', m4a, '-o', path.join(dir, 'talk.m4a'), '--captions', 'burn,track']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/talk\.m4a has no picture to burn captions into .* so they go to talk\.srt/);
    const cues = parseSrt(readFileSync(path.join(dir, 'talk.srt'), 'utf8'));
    expect(wordErrorRate(REFERENCE, textOf(cues)).wer).toBeLessThanOrEqual(WER_MAX);
    expect(ffprobeSubtitles(path.join(dir, 'talk.m4a')).map((s) => s.codec_name)).toEqual(['aac']);
  });

  it('gives no captions for silence and for noise', async () => {
    const dir = workDir('captions-quiet');
    const silence = fixture('captions-silence.wav', (f) => ffmpeg(['-f', 'lavfi', '-i', 'anullsrc=r=16000:cl=mono', '-t', '6', '-f', 'wav', f]));
    const pink = fixture('captions-pink.wav', (f) => ffmpeg(['-f', 'lavfi', '-i', 'anoisesrc=color=pink:amplitude=0.1:seed=3:r=16000', '-t', '6', '-f', 'wav', f]));
    for (const [name, input] of [
      ['silence', silence],
      ['pink', pink],
      ['birds', BIRDS],
    ] as const) {
      const r = await runCli(['export', input, '-o', path.join(dir, `${name}.srt`), '--captions', 'srt,vtt']);
      expect(r.code, r.stderr).toBe(0);
      expect(parseSrt(readFileSync(path.join(dir, `${name}.srt`), 'utf8')), name).toEqual([]);
      expect(parseWebVtt(readFileSync(path.join(dir, `${name}.vtt`), 'utf8')), name).toEqual([]);
    }
  });

  it('embeds a subtitle track and burns the captions into the picture while they show', async () => {
    const dir = workDir('captions-burn');
    const plain = path.join(dir, 'plain.mp4');
    const out = path.join(dir, 'out.mp4');
    expect((await runCli(['export', speechClip(), '-o', plain, '--crf', '18'])).code).toBe(0);
    const r = await runCli(['export', speechClip(), '-o', out, '--captions', 'srt,track,burn', '--caption-style', 'size=7,color=#ffee00,box', '--crf', '18', '--json']);
    expect(r.code, r.stderr).toBe(0);
    const subs = ffprobeSubtitles(out).filter((s) => (s as { codec_type?: string }).codec_type === 'subtitle');
    expect(subs.map((s) => s.codec_name)).toEqual(['mov_text']);
    const cues = parseSrt(readFileSync(path.join(dir, 'out.srt'), 'utf8'));
    expect(cues.length).toBeGreaterThan(0);
    const grab = (f: string, t: number) => execFileSync(ffmpegBinary().path, ['-v', 'error', '-ss', String(t), '-i', f, '-frames:v', '1', '-vf', 'scale=80:60,format=gray', '-f', 'rawvideo', '-']);
    const diff = (t: number) => {
      const a = grab(plain, t);
      const b = grab(out, t);
      return a.reduce((s, x, i) => s + Math.abs(x - b[i]), 0) / a.length;
    };
    const during = (cues[0].start + cues[0].end) / 2;
    expect(diff(during)).toBeGreaterThan(1.5);
    // Before the first cue nothing is drawn.
    if (cues[0].start > 0.3) expect(diff(cues[0].start / 2)).toBeLessThan(0.5);
  });
});

describe('word timing', () => {
  let t: LongFormTranscriber;
  beforeAll(async () => {
    t = await LongFormTranscriber.create();
  });
  afterAll(async () => {
    await t?.dispose();
  });

  it('puts word onsets within 200 ms of the truth on speech with known word times', async () => {
    const errors: number[] = [];
    let within = 0;
    let words = 0;
    for (let n = 1; n <= 4; n++) {
      const base = path.join(SPEECH_DIR, `timing-espeak-${n}`);
      const ref = JSON.parse(readFileSync(`${base}.json`, 'utf8')) as { words: { text: string; start: number }[] };
      const transcript = await t.transcribe([readWav16(`${base}.wav`).pcm]);
      const r = onsetErrors(ref.words, transcript.segments.flatMap((s) => s.words));
      expect(r.matched / r.referenceWords).toBeGreaterThan(0.6);
      errors.push(...r.errors);
      within += r.withinTolerance * r.referenceWords;
      words += r.referenceWords;
    }
    errors.sort((a, b) => a - b);
    const median = errors[Math.floor(errors.length / 2)]!;
    console.info(`word onsets: ${errors.length} of ${words} words timed, median ${(median * 1000).toFixed(0)} ms, ${((within / words) * 100).toFixed(1)} % of all words within 200 ms`);
    expect(median).toBeLessThanOrEqual(ONSET_MEDIAN_MAX);
    expect(within / words).toBeGreaterThanOrEqual(ONSET_WITHIN_MIN);
  });

  it('stitches a long input from windows of at most 30 s without losing words', async () => {
    // 0870 five times with 0.6 s pauses: ~39 s, more than one window.
    const { pcm } = readWav16(ASR_WAV);
    const gap = new Float32Array(9600);
    const parts = Array.from({ length: 5 }, () => [pcm, gap]).flat();
    const transcript = await t.transcribe(parts);
    const text = transcript.segments.map((s) => s.text).join(' ');
    console.info(`long-form ${transcript.duration.toFixed(1)} s: ${text}`);
    expect(wordErrorRate(Array(5).fill(REFERENCE).join(' '), text).wer).toBeLessThanOrEqual(WER_MAX);
    const starts = transcript.segments.map((s) => s.start);
    expect(starts).toEqual([...starts].sort((a, b) => a - b));
    expect(transcript.segments.at(-1)!.end).toBeLessThanOrEqual(transcript.duration);
  });
});
