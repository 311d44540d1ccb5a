/**
 * Speech enhancement benchmark (issue 4): SI-SDR improvement, real-time factor and recognition
 * WER on real speech mixed with real noise, GTCRN and RNNoise through the real stage, against
 * ffmpeg's own denoisers in the same run.
 *
 * Speech: the 5 LibriVox utterances of pocketsphinx-testdata (16 kHz, 25 s, with transcripts).
 * Noise: birds.ogg of gnome-shell-pomodoro-data (242 s outdoor birds). Utterance i is mixed with
 * the noise from 20 + 30 i seconds at 0, 5 and 10 dB SNR (mixAtSnr: power over the utterance),
 * so the mixes are the same on every run. `benchDenoiseAudio()` returns a Markdown section;
 * `node --import tsx bench/denoise-audio.ts` prints it.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ffmpegBinary, ffmpegFeatures } from '../core/media/ffmpeg-binaries.js';
import { modelPath } from '../core/models/registry.js';
import type { StageContext } from '../core/pipeline/stage.js';
import { corpusWer } from '../core/stages/captions/wer.js';
import { defaultVocabPath, WhisperRecognizer } from '../core/stages/captions/whisper-recognizer.js';
import { decodeWavPcm16, mixAtSnr, siSdr } from '../core/stages/denoise-audio/audio-metrics.js';
import { createDenoiseAudioStage, type DenoiseModel } from '../core/stages/denoise-audio/denoise-audio-stage.js';
import { resample } from '../core/stages/denoise-audio/resampler.js';
import { mediaFile } from '../scripts/fetch-media.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const work = path.join(root, '.cache', 'bench', 'denoise-audio');
const RATE = 16000;
const SNRS = [0, 5, 10];
const LIBRIVOX = 'usr/share/pocketsphinx/test/data/librivox';
const IDS = ['0870', '0880', '0890', '0920', '0930'];
/** ffmpeg filters compared, each at its defaults and at a stronger setting (the best one counts). */
const FFMPEG_FILTERS: Array<{ filter: string; label: string; args: string }> = [
  { filter: 'afftdn', label: 'afftdn (defaults)', args: 'afftdn' },
  { filter: 'afftdn', label: 'afftdn nr=24 tracking', args: 'afftdn=nr=24:nf=-40:tn=1' },
  { filter: 'anlmdn', label: 'anlmdn (defaults)', args: 'anlmdn' },
  { filter: 'anlmdn', label: 'anlmdn s=0.001', args: 'anlmdn=s=0.001' },
  { filter: 'arnndn', label: 'arnndn', args: 'arnndn' },
];

interface Utterance {
  id: string;
  speech: Float32Array;
  text: string;
}

interface Method {
  label: string;
  /** Enhance a 16 kHz mono mix; returns the output (same length) and the seconds it took. */
  run(mix: Float32Array): Promise<{ out: Float32Array; seconds: number }>;
  /** Whether RTF counts process start-up (ffmpeg) or is pure compute (stage). */
  timing: string;
}

function loadUtterances(): Utterance[] {
  const transcript = readFileSync(mediaFile('pocketsphinx-testdata', `${LIBRIVOX}/transcription`), 'utf8');
  return IDS.map((id) => {
    const name = `sense_and_sensibility_01_austen_64kb-${id}`;
    const line = transcript.split('\n').find((l) => l.includes(`(${name})`)) ?? '';
    const text = line.replace(/<\/?s>/g, '').replace(/\(.*\)/, '').trim();
    const { samples, sampleRate } = decodeWavPcm16(new Uint8Array(readFileSync(mediaFile('pocketsphinx-testdata', `${LIBRIVOX}/${name}.wav`))));
    if (sampleRate !== RATE) throw new Error(`${name}: expected 16 kHz`);
    return { id, speech: samples, text };
  });
}

function decodeMono16k(file: string): Float32Array {
  const buf = execFileSync(ffmpegBinary().path, ['-v', 'error', '-i', file, '-ac', '1', '-ar', String(RATE), '-f', 'f32le', '-c:a', 'pcm_f32le', 'pipe:1'], { maxBuffer: 1 << 28 });
  return new Float32Array(buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.byteLength));
}

const ctx: StageContext = { media: {} as StageContext['media'], signal: new AbortController().signal, device: 'cpu', report: () => {}, warn: () => {}, tempFile: () => '', commitWithOutput: () => {} };

async function concat(chunks: AsyncIterable<Float32Array>, n: number): Promise<Float32Array> {
  const out = new Float32Array(n);
  let o = 0;
  for await (const c of chunks) {
    out.set(c, o);
    o += c.length;
  }
  return out;
}

async function* oneSecondChunks(x: Float32Array, rate: number, channels: number): AsyncGenerator<Float32Array> {
  for (let i = 0; i < x.length; i += rate * channels) yield x.subarray(i, i + rate * channels);
}

/** The real stage (resampling, blocks, wet/dry) at strength 1, as the export runs it. */
function stageMethod(model: DenoiseModel): Method {
  return {
    label: model === 'gtcrn' ? 'Clearcut GTCRN (ONNX)' : 'Clearcut RNNoise (wasm, 48 kHz)',
    timing: 'stage compute',
    async run(mix) {
      const stage = createDenoiseAudioStage({ strength: 1, model });
      const t = performance.now();
      const out = await concat(stage.process(oneSecondChunks(mix, RATE, 1), { sampleRate: RATE, channels: 1 }, ctx), mix.length);
      return { out, seconds: (performance.now() - t) / 1000 };
    },
  };
}

/**
 * A second ffmpeg for baselines the engine's own lacks (the bundled 2018 build has no anlmdn or
 * arnndn): BENCH_BASELINE_FFMPEG, or Debian's /usr/bin/ffmpeg (5.1) when installed.
 */
function baselineFfmpeg(): { path: string; version: string } | undefined {
  const candidate = process.env.BENCH_BASELINE_FFMPEG ?? '/usr/bin/ffmpeg';
  if (!existsSync(candidate) || candidate === ffmpegBinary().path) return undefined;
  try {
    const v = execFileSync(candidate, ['-hide_banner', '-version'], { encoding: 'utf8' });
    return { path: candidate, version: /ffmpeg version (\S+)/.exec(v)?.[1] ?? 'unknown' };
  } catch {
    return undefined;
  }
}

function baselineHas(bin: string, filter: string): boolean {
  try {
    return execFileSync(bin, ['-hide_banner', '-filters'], { encoding: 'utf8' }).split('\n').some((l) => l.split(/\s+/)[2] === filter);
  } catch {
    return false;
  }
}

/** The delay (0..4096 samples) at which `y` best matches `x`, by cross-correlation. */
function latencyOf(x: Float32Array, y: Float32Array): number {
  let best = 0;
  let bestScore = -Infinity;
  for (let lag = 0; lag <= 4096; lag++) {
    let s = 0;
    for (let i = 0; i + lag < y.length && i < x.length; i += 4) s += x[i]! * y[i + lag]!;
    if (s > bestScore) {
      bestScore = s;
      best = lag;
    }
  }
  return best;
}

function ffmpegMethod(label: string, af: string, bin = ffmpegBinary().path): Method {
  return {
    label: `ffmpeg ${label}`,
    timing: 'ffmpeg process incl. start-up',
    async run(mix) {
      mkdirSync(work, { recursive: true });
      const input = path.join(work, `mix-${process.pid}.f32`);
      const fs = await import('node:fs/promises');
      await fs.writeFile(input, Buffer.from(mix.buffer, mix.byteOffset, mix.byteLength));
      const t = performance.now();
      const buf = execFileSync(bin, ['-v', 'error', '-f', 'f32le', '-ar', String(RATE), '-ac', '1', '-i', input, '-af', af, '-f', 'f32le', '-c:a', 'pcm_f32le', 'pipe:1'], { maxBuffer: 1 << 28 });
      const seconds = (performance.now() - t) / 1000;
      rmSync(input, { force: true });
      const y = new Float32Array(buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.byteLength));
      // Some filters delay their output (anlmdn in ffmpeg 5.1 by 128 samples); a fair score aligns it.
      const lag = latencyOf(mix, y);
      const out = new Float32Array(mix.length);
      out.set(y.subarray(lag, lag + mix.length));
      return { out, seconds };
    },
  };
}

interface Cell {
  before: number;
  after: number;
  seconds: number;
  audio: number;
  outputs: Float32Array[];
}

const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
const fmt = (x: number, d = 2) => (x >= 0 ? '+' : '') + x.toFixed(d);

async function recognitionRows(utts: Utterance[], mixes: Map<number, Float32Array[]>, results: Map<string, Map<number, Cell>>, labels: string[]): Promise<string[]> {
  const model = await modelPath('whisper-tiny-en');
  const rec = new WhisperRecognizer(model, { graphOptimizationLevel: 'all', intraOpNumThreads: Math.min(2, os.cpus().length) }, { vocabPath: defaultVocabPath(model), confidence: false });
  await rec.load();
  try {
    const wer = async (audio: Float32Array[]) => {
      const pairs = [];
      for (let i = 0; i < utts.length; i++) {
        const r = await rec.transcribeWindow(audio[i]!);
        pairs.push({ reference: utts[i]!.text, hypothesis: r.segments.map((s) => s.text).join(' ') });
      }
      return corpusWer(pairs);
    };
    const pct = (w: { wer: number; errors: number; referenceWords: number }) => `${(100 * w.wer).toFixed(1)} % (${w.errors}/${w.referenceWords})`;
    const clean = await wer(utts.map((u) => u.speech));
    const rows = [`| clean speech | ${pct(clean)} | ${pct(clean)} | ${pct(clean)} |`];
    const noisyCells: string[] = [];
    for (const snr of SNRS) noisyCells.push(pct(await wer(mixes.get(snr)!)));
    rows.push(`| noisy mix | ${noisyCells.join(' | ')} |`);
    for (const label of labels) {
      const cells: string[] = [];
      for (const snr of SNRS) cells.push(pct(await wer(results.get(label)!.get(snr)!.outputs)));
      rows.push(`| ${label} | ${cells.join(' | ')} |`);
    }
    return rows;
  } finally {
    await rec.dispose();
  }
}

export async function benchDenoiseAudio(): Promise<string> {
  const utts = loadUtterances();
  const noise = decodeMono16k(mediaFile('gnome-shell-pomodoro-data', 'usr/share/gnome-pomodoro/sounds/birds.ogg'));
  const mixes = new Map<number, Float32Array[]>();
  for (const snr of SNRS) {
    mixes.set(
      snr,
      utts.map((u, i) => {
        const off = (20 + 30 * i) * RATE;
        return mixAtSnr(u.speech, noise.subarray(off, off + u.speech.length), snr);
      }),
    );
  }
  const features = await ffmpegFeatures();
  const baseline = baselineFfmpeg();
  // arnndn needs an .rnnn model file, and none ships in any npm or Debian package.
  const runnable = FFMPEG_FILTERS.filter((f) => f.filter !== 'arnndn');
  const viaBaseline = baseline ? runnable.filter((f) => !features.filters.has(f.filter) && baselineHas(baseline.path, f.filter)) : [];
  const missing = [...new Set(FFMPEG_FILTERS.map((f) => f.filter).filter((f) => !features.filters.has(f) && !viaBaseline.some((b) => b.filter === f)))];
  const methods: Method[] = [
    stageMethod('gtcrn'),
    stageMethod('rnnoise'),
    ...runnable.filter((f) => features.filters.has(f.filter)).map((f) => ffmpegMethod(f.label, f.args)),
    ...viaBaseline.map((f) => ffmpegMethod(`${f.label} [ffmpeg ${baseline!.version}]`, f.args, baseline!.path)),
  ];
  // Warm-up: model preparation/loading and JIT are not part of the per-clip time.
  for (const m of methods.slice(0, 2)) await m.run(mixes.get(0)![0]!);

  const results = new Map<string, Map<number, Cell>>();
  for (const m of methods) {
    const bySnr = new Map<number, Cell>();
    for (const snr of SNRS) {
      const cell: Cell = { before: 0, after: 0, seconds: 0, audio: 0, outputs: [] };
      const before: number[] = [];
      const after: number[] = [];
      for (const [i, mix] of mixes.get(snr)!.entries()) {
        const { out, seconds } = await m.run(mix);
        before.push(siSdr(mix, utts[i]!.speech));
        after.push(siSdr(out, utts[i]!.speech));
        cell.seconds += seconds;
        cell.audio += mix.length / RATE;
        cell.outputs.push(out);
      }
      cell.before = mean(before);
      cell.after = mean(after);
      bySnr.set(snr, cell);
    }
    results.set(m.label, bySnr);
  }

  // A long stereo 48 kHz track through the stage: the resampling and block path of a real export.
  const long = new Float32Array(48000 * 60 * 2);
  {
    const utt48 = mixes.get(5)!.map((m) => resample(m, RATE, 48000));
    for (let o = 0, k = 0; o < long.length / 2; k++) {
      const src = utt48[k % utt48.length]!;
      for (let i = 0; i < src.length && o < long.length / 2; i++, o++) {
        long[2 * o] = src[i]!;
        long[2 * o + 1] = 0.5 * src[i]! + 0.01 * Math.sin(o);
      }
    }
  }
  const longTimes: string[] = [];
  for (const model of ['gtcrn', 'rnnoise'] as DenoiseModel[]) {
    const stage = createDenoiseAudioStage({ strength: 0.8, model });
    const t = performance.now();
    await concat(stage.process(oneSecondChunks(long, 48000, 2), { sampleRate: 48000, channels: 2 }, ctx), long.length);
    longTimes.push(`${model} RTF ${((performance.now() - t) / 1000 / 60).toFixed(4)}`);
  }

  const labels = methods.map((m) => m.label);
  const qualityRows = labels.map((label) => {
    const r = results.get(label)!;
    const cells = SNRS.map((snr) => {
      const c = r.get(snr)!;
      return `${c.after.toFixed(2)} (${fmt(c.after - c.before)})`;
    });
    const rtf = mean(SNRS.map((s) => r.get(s)!.seconds / r.get(s)!.audio));
    return `| ${label} | ${cells.join(' | ')} | ${rtf.toFixed(4)} |`;
  });
  const inputRow = `| noisy mix (input) | ${SNRS.map((s) => results.get(labels[0]!)!.get(s)!.before.toFixed(2)).join(' | ')} | |`;
  const gain = (label: string, snr: number) => results.get(label)!.get(snr)!.after - results.get(label)!.get(snr)!.before;
  const gtcrnAt0 = gain(labels[0]!, 0);
  const ffLabels = labels.filter((l) => l.startsWith('ffmpeg'));
  const bestFf = ffLabels.length ? Math.max(...ffLabels.map((l) => gain(l, 0))) : NaN;
  const gtcrnRtf = mean(SNRS.map((s) => results.get(labels[0]!)!.get(s)!.seconds / results.get(labels[0]!)!.get(s)!.audio));

  let werRows: string[];
  try {
    werRows = await recognitionRows(utts, mixes, results, labels.slice(0, 2));
  } catch (e) {
    werRows = [`| (not measured: ${(e as Error).message.split('\n')[0]}) | | | |`];
  }
  const cpu = os.cpus();
  return `## Speech enhancement (--denoise-audio)

Real speech (the 5 LibriVox utterances of pocketsphinx-testdata, 25 s, 16 kHz) mixed with real noise (birds.ogg,
gnome-shell-pomodoro-data; utterance i takes the noise from ${'`20 + 30 i`'} s) at 0, 5 and 10 dB SNR. SI-SDR (dB) against the clean
speech, mean over the utterances, improvement in brackets. Clearcut rows run the real stage at strength 1 (resampling,
blocks, wet/dry), timed without model loading; ffmpeg rows time the whole ffmpeg process on the same 16 kHz mix.
Machine: ${cpu.length} × ${cpu[0]?.model ?? 'unknown CPU'}, ffmpeg ${features.version}.

| method | 0 dB | 5 dB | 10 dB | RTF |
|---|---:|---:|---:|---:|
${inputRow}
${qualityRows.join('\n')}

${viaBaseline.length ? `Filters marked [ffmpeg ${baseline!.version}] ran in ${baseline!.path} because the engine's bundled ffmpeg (${features.version}) lacks them.\n` : ''}${missing.length ? `Not compared: ${missing.join(', ')}${missing.includes('arnndn') ? ' (arnndn needs an RNNoise .rnnn model file; none ships with ffmpeg, npm or Debian)' : ''}.\n` : ''}
Targets (issue 4): SI-SDR improvement ≥ 8 dB at 0 dB SNR: **${fmt(gtcrnAt0)} dB** (${gtcrnAt0 >= 8 ? 'met' : 'NOT met'});
≥ 3 dB better than the best ffmpeg filter: **${Number.isNaN(bestFf) ? 'no ffmpeg filter to compare' : `${fmt(gtcrnAt0 - bestFf)} dB`}** (${Number.isNaN(bestFf) ? 'n/a' : gtcrnAt0 - bestFf >= 3 ? 'met' : 'NOT met'});
real-time factor ≤ 0.05: **${gtcrnRtf.toFixed(4)}** (${gtcrnRtf <= 0.05 ? 'met' : 'NOT met'}).
A 60 s 48 kHz stereo track (channels differ, strength 0.8, resampled 48 → 16 kHz and back, 30 s blocks): ${longTimes.join(', ')}.

Recognition (Whisper tiny.en, 2 beams, each utterance one window; corpus WER over 71 words):

| audio | 0 dB | 5 dB | 10 dB |
|---|---:|---:|---:|
${werRows.join('\n')}
`;
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  benchDenoiseAudio().then(
    (md) => process.stdout.write(md),
    (e) => {
      process.stderr.write(`${(e as Error).stack ?? e}\n`);
      process.exit(1);
    },
  );
}
