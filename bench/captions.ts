/**
 * Captions benchmark (issue 3): WER with Whisper-style normalisation on the five real LibriVox
 * utterances of Debian pocketsphinx-testdata, one by one and stitched into one long input, clean
 * and mixed with real bird noise at 5 dB SNR; real-time factor; word-onset error on the synthetic
 * fixtures with known word times; share of cues that pass every layout rule.
 * `benchCaptions()` returns a Markdown section (bench/run.ts adds it to BENCHMARKS.md); run alone
 * with `node --import tsx bench/captions.ts`.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ffmpegBinary } from '../core/media/ffmpeg-binaries.js';
import { checkCaptionLayout, layoutCaptions, BROADCAST_LAYOUT, type CaptionCue } from '../core/stages/captions/layout.js';
import { onsetErrors } from '../core/stages/captions/onset-error.js';
import { LongFormTranscriber } from '../core/stages/captions/transcribe.js';
import { transcriptText, transcriptWords, type Transcript } from '../core/stages/captions/transcript.js';
import { corpusWer } from '../core/stages/captions/wer.js';
import { mediaFile } from '../scripts/fetch-media.js';
import { concatSamples } from '../core/media/pcm.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const SR = 16000;
const IDS = ['0870', '0880', '0890', '0920', '0930'];
const SNR_DB = 5;

function decode16k(file: string, extra: string[] = []): Float32Array {
  const b = execFileSync(ffmpegBinary().path, ['-hide_banner', '-loglevel', 'error', ...extra, '-i', file, '-ac', '1', '-ar', String(SR), '-f', 'f32le', 'pipe:1'], { maxBuffer: 1 << 28 });
  return new Float32Array(b.buffer.slice(b.byteOffset, b.byteOffset + b.length));
}

const power = (x: Float32Array) => x.reduce((a, v) => a + v * v, 0) / Math.max(1, x.length);

/** Speech + noise at `snr` dB (power over the whole clip), noise taken from `offset` samples in. */
function mix(speech: Float32Array, noise: Float32Array, snr: number, offset: number): Float32Array {
  const n = new Float32Array(speech.length);
  for (let i = 0; i < n.length; i++) n[i] = noise[(offset + i) % noise.length]!;
  const gain = Math.sqrt(power(speech) / (power(n) * 10 ** (snr / 10)));
  return speech.map((v, i) => v + gain * n[i]!);
}

interface Run {
  wer: ReturnType<typeof corpusWer>;
  seconds: number;
  compute: number;
  /** Process CPU seconds (all threads). */
  cpu: number;
  /** Real-time factor of each input. */
  rtfs: number[];
  /** Cues of each transcription. */
  cues: CaptionCue[][];
}

async function runSet(t: LongFormTranscriber, items: { pcm: Float32Array; reference: string }[]): Promise<Run> {
  const pairs: { reference: string; hypothesis: string }[] = [];
  let seconds = 0;
  let compute = 0;
  let cpu = 0;
  const rtfs: number[] = [];
  const cues: CaptionCue[][] = [];
  for (const it of items) {
    const t0 = performance.now();
    const c0 = process.cpuUsage();
    const tr: Transcript = await t.transcribe([it.pcm]);
    const dt = (performance.now() - t0) / 1000;
    const dc = process.cpuUsage(c0);
    compute += dt;
    cpu += (dc.user + dc.system) / 1e6;
    rtfs.push(dt / (it.pcm.length / SR));
    seconds += it.pcm.length / SR;
    pairs.push({ reference: it.reference, hypothesis: transcriptText(tr) });
    cues.push(layoutCaptions(transcriptWords(tr), BROADCAST_LAYOUT, tr.duration));
  }
  return { wer: corpusWer(pairs), seconds, compute, cpu, rtfs, cues };
}

export async function benchCaptions(): Promise<string> {
  const dir = 'usr/share/pocketsphinx/test/data/librivox';
  const transcription = readFileSync(mediaFile('pocketsphinx-testdata', `${dir}/transcription`), 'utf8');
  const refs = new Map([...transcription.matchAll(/<s> (.*) <\/s> \((\S+)\)/g)].map((m) => [m[2]!.slice(-4), m[1]!]));
  const utterances = IDS.map((id) => ({ id, pcm: decode16k(mediaFile('pocketsphinx-testdata', `${dir}/sense_and_sensibility_01_austen_64kb-${id}.wav`)), reference: refs.get(id)! }));
  const birds = decode16k(mediaFile('gnome-shell-pomodoro-data', 'usr/share/gnome-pomodoro/sounds/birds.ogg'));
  const pause = new Float32Array(Math.round(0.7 * SR));
  // Long form: the five utterances twice with 0.7 s pauses (~57 s, two or more windows).
  const longPcm = concatSamples([...utterances, ...utterances].flatMap((u) => [u.pcm, pause]));
  const longRef = [...utterances, ...utterances].map((u) => u.reference).join(' ');

  const load = os.loadavg()[0]!;
  // Cold start, as a one-shot CLI run pays it: Whisper session + vocabulary, then the first
  // transcription (VAD session, first-call costs).
  let t0 = performance.now();
  const t = await LongFormTranscriber.create({ threads: 2 });
  const whisperLoad = (performance.now() - t0) / 1000;
  try {
    t0 = performance.now();
    await t.transcribe([utterances[0]!.pcm]);
    const coldFirst = (performance.now() - t0) / 1000;
    const coldSeconds = utterances[0]!.pcm.length / SR;
    const rows: [string, Run][] = [];
    rows.push(['per utterance, clean', await runSet(t, utterances)]);
    rows.push(['long form (57 s), clean', await runSet(t, [{ pcm: longPcm, reference: longRef }])]);
    rows.push([`per utterance, birds at ${SNR_DB} dB SNR`, await runSet(t, utterances.map((u, i) => ({ pcm: mix(u.pcm, birds, SNR_DB, i * 7 * SR), reference: u.reference })))]);
    rows.push([`long form, birds at ${SNR_DB} dB SNR`, await runSet(t, [{ pcm: mix(longPcm, birds, SNR_DB, 40 * SR), reference: longRef }])]);

    const onset: number[] = [];
    let matched = 0;
    let aligned = 0;
    let refWords = 0;
    let within = 0;
    let withinExact = 0;
    for (let n = 1; n <= 4; n++) {
      const base = path.join(root, 'test', 'fixtures', 'speech', `timing-espeak-${n}`);
      const ref = JSON.parse(readFileSync(`${base}.json`, 'utf8')) as { words: { text: string; start: number }[] };
      const tr = await t.transcribe([decode16k(`${base}.wav`)]);
      const r = onsetErrors(ref.words, transcriptWords(tr));
      onset.push(...r.errors);
      matched += r.matched;
      aligned += r.aligned;
      refWords += r.referenceWords;
      within += Math.round(r.withinTolerance * r.referenceWords);
      withinExact += Math.round(r.withinMatched * r.matched);
    }
    onset.sort((a, b) => a - b);
    const median = onset[Math.floor(onset.length / 2)] ?? NaN;

    const allCues = rows.flatMap(([, r]) => r.cues.flat());
    // Each transcription is checked on its own (gaps between separate inputs are not real).
    let failing = 0;
    const byRule = new Map<string, number>();
    for (const cues of rows.flatMap(([, r]) => r.cues)) {
      const v = checkCaptionLayout(cues);
      failing += new Set(v.map((x) => x.cue)).size;
      for (const x of v) byRule.set(x.rule, (byRule.get(x.rule) ?? 0) + 1);
      if (process.env.BENCH_VERBOSE) for (const x of v) process.stderr.write(`${x.rule}: ${x.message} ${JSON.stringify(cues[x.cue])}\n`);
    }
    const pct = (x: number) => `${(x * 100).toFixed(1)} %`;
    const perUtt = rows[0]![1].wer.wer;
    const lines = [
      '## Captions (Whisper tiny.en, long-form transcription, layout)',
      '',
      `Real speech: the ${IDS.length} LibriVox utterances of Debian pocketsphinx-testdata (${rows[0]![1].seconds.toFixed(1)} s, ${rows[0]![1].wer.referenceWords} words); noise: birds.ogg (gnome-shell-pomodoro-data) mixed at ${SNR_DB} dB SNR. WER with the Whisper-style normalisation of core/stages/captions/wer.ts. Full pipeline (streaming decode, Silero VAD windows, Whisper 2 beams with confidences, word timing). ${os.cpus().length} CPU cores (${os.cpus()[0]?.model ?? 'unknown'}).`,
      '',
      `Real-time factor = wall-clock compute / audio duration, with the models already loaded (a warm process: the app, the job queue, a watch folder; model-pool.ts keeps them). The CPU column is process CPU time over both cores. Machine load average when the run started: ${load.toFixed(1)} (this machine is shared; the wall-clock numbers rise with it).`,
      '',
      '| input | WER | errors / words | audio | compute | CPU | real-time factor | per input (min-max) |',
      '|---|---|---|---|---|---|---|---|',
      ...rows.map(([name, r]) => `| ${name} | ${pct(r.wer.wer)} | ${r.wer.errors} / ${r.wer.referenceWords} | ${r.seconds.toFixed(1)} s | ${r.compute.toFixed(2)} s | ${r.cpu.toFixed(2)} s | ${(r.compute / r.seconds).toFixed(3)} | ${Math.min(...r.rtfs).toFixed(3)}-${Math.max(...r.rtfs).toFixed(3)} |`),
      '',
      `Cold start (a one-shot \`clearcut export\`): loading Whisper took ${whisperLoad.toFixed(2)} s and the first transcription (${coldSeconds.toFixed(1)} s utterance, with the VAD load) ${coldFirst.toFixed(2)} s: real-time factor ${((whisperLoad + coldFirst) / coldSeconds).toFixed(3)} for that utterance including model load, ${(coldFirst / coldSeconds).toFixed(3)} without.`,
      '',
      `Long-form WER minus per-utterance WER: ${((rows[1]![1].wer.wer - perUtt) * 100).toFixed(1)} points (target: at most +1). Real-time factor target: 0.15 or less.`,
      '',
      `Word onsets on the synthetic fixtures (test/fixtures/speech/timing-espeak-*, espeak-ng words with known onsets): ${refWords} reference words, ${matched} recognised exactly, ${aligned - matched} replaced by another word in their place (timed by that word), ${refWords - aligned} left out (no time: counted as misses). ${within} of ${refWords} words (${pct(within / refWords)}) start within 200 ms of the truth (target: 90 %); exact matches only: ${withinExact} of ${matched} (${pct(withinExact / Math.max(1, matched))}); median onset error ${(median * 1000).toFixed(0)} ms over the ${aligned} timed words.`,
      '',
      `Layout: ${allCues.length - failing} of ${allCues.length} cues (${pct(allCues.length ? (allCues.length - failing) / allCues.length : 1)}) pass every rule (42 characters a line, 2 lines, 17 characters/s, 5/6-7 s, 2-frame gaps, no overlaps, no article cut from its noun)${byRule.size ? `; failures by rule: ${[...byRule].map(([k, n]) => `${k} ${n}`).join(', ')}` : ''}.`,
      '',
    ];
    return lines.join('\n');
  } finally {
    await t.dispose();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  benchCaptions().then((md) => process.stdout.write(md + '\n'));
}
