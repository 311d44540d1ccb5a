/**
 * Long-form transcription (issue 3): audio of any length -> one timed transcript.
 *
 * Audio is decoded at 16 kHz mono and consumed as a stream. Silero VAD runs as the samples
 * arrive; once 31 s past the cursor are buffered (or the input ends), the next window is chosen:
 * it starts just before the next speech region and ends at a pause, taking whole speech regions
 * while they fit in 30 s, so no word is cut at a window edge (only a region longer than 30 s is
 * cut, at its quietest moment). Whisper decodes the window with timestamps; a segment it leaves
 * for later (consumedUntil) is re-fed in the next window. Audio before the cursor is dropped, so
 * memory stays at about one window whatever the length of the input.
 *
 * Whisper's known failure modes are suppressed: windows are only cut where the VAD hears speech
 * (silence and music-only inputs never reach the model), segments lying in VAD non-speech are
 * dropped, a line repeating one of the two before it is dropped when the repeat is implausible
 * (token budget hit, or too little time to say it again), n-gram loops inside a line are
 * collapsed, and timestamps are clamped to the window, the audio and the previous segment.
 */
import { throwIfAborted } from '../../common/errors.js';
import { readPcm } from '../../media/pcm.js';
import type { MediaInfo } from '../../media/media-info.js';
import type { Device } from '../../models/session.js';
import { DEFAULT_VAD, regionsFromProbabilities, type SpeechRegion, type VadSettings } from '../../speech/voice-activity.js';
import type { Transcript, TranscriptSegment, TranscriptWord } from './transcript.js';
import { acquireWhisper, WHISPER_MODEL } from './model-pool.js';
import { StreamingVad, VAD_CHUNK } from './vad-stream.js';
import { normalizeText } from './wer.js';
import { WhisperRecognizer, WHISPER_MAX_WINDOW_SECONDS, type WindowTranscript } from './whisper-recognizer.js';
import { WhisperTokenizer } from './whisper-tokenizer.js';
import { energyEnvelope, timeWords, type EnergyEnvelope } from './word-timing.js';

const SR = 16000;
const STEP = VAD_CHUNK / SR;
export { WHISPER_MODEL };

export interface LongFormSettings {
  /** Longest window fed to Whisper, seconds (<= 30). */
  maxWindow: number;
  /** Audio kept before the first speech of a window and after the last, seconds. */
  padBefore: number;
  padAfter: number;
  /** Silences longer than this are not bridged inside one window, seconds. */
  maxBridgedGap: number;
  /** Voice activity settings; the defaults keep short words and bridge breaths. */
  vad: VadSettings;
}

export const DEFAULT_LONG_FORM: LongFormSettings = {
  maxWindow: WHISPER_MAX_WINDOW_SECONDS,
  padBefore: 0.2,
  padAfter: 0.3,
  maxBridgedGap: 4,
  vad: { ...DEFAULT_VAD, minSilence: 0.2, padding: 0.05 },
};

export interface TranscribeOptions {
  signal?: AbortSignal;
  /** Seconds of audio handled so far. */
  onProgress?: (seconds: number) => void;
  settings?: Partial<LongFormSettings>;
}

const tokenizers = new Map<string, Promise<WhisperTokenizer>>();

/** The vocabulary is read once per process (it is small and never changes while running). */
function tokenizerFor(vocabPath: string): Promise<WhisperTokenizer> {
  let t = tokenizers.get(vocabPath);
  if (!t) {
    t = WhisperTokenizer.fromFile(vocabPath);
    tokenizers.set(vocabPath, t);
    t.catch(() => tokenizers.delete(vocabPath));
  }
  return t;
}

/**
 * Transcribes any number of inputs, one at a time, with the process's shared Whisper session
 * (model-pool.ts: loaded once, kept while in use and a while after) or a given recogniser.
 */
export class LongFormTranscriber {
  private constructor(
    readonly recognizer: WhisperRecognizer,
    private readonly tok: WhisperTokenizer,
    private readonly device: Device,
    private releaseRecognizer: () => Promise<void>,
  ) {}

  /** Take the shared Whisper tiny.en (preparing and loading it if needed), or wrap a given recogniser. */
  static async create(opts: { device?: Device; recognizer?: WhisperRecognizer; threads?: number } = {}): Promise<LongFormTranscriber> {
    let rec = opts.recognizer;
    let release = async (): Promise<void> => {};
    if (!rec) {
      const held = await acquireWhisper(opts.threads ?? 2);
      rec = held.recognizer;
      release = async () => held.release();
    }
    try {
      await rec.load();
      const tok = await tokenizerFor(rec.vocabPath);
      return new LongFormTranscriber(rec, tok, opts.device ?? 'cpu', release);
    } catch (e) {
      await release();
      throw e;
    }
  }

  /** Hand the shared recogniser back (a given one is left to its owner). */
  async dispose(): Promise<void> {
    const release = this.releaseRecognizer;
    this.releaseRecognizer = async () => {};
    await release();
  }

  /** Transcribe a media file's audio stream (first one unless given). */
  transcribeMedia(media: MediaInfo, opts: TranscribeOptions & { streamIndex?: number } = {}): Promise<Transcript> {
    return this.transcribe(readPcm(media, { streamIndex: opts.streamIndex, sampleRate: SR, channels: 1, signal: opts.signal }), opts);
  }

  /** Transcribe 16 kHz mono float samples arriving in chunks of any size. */
  async transcribe(chunks: AsyncIterable<Float32Array> | Iterable<Float32Array>, opts: TranscribeOptions = {}): Promise<Transcript> {
    const s: LongFormSettings = { ...DEFAULT_LONG_FORM, ...opts.settings, vad: { ...DEFAULT_LONG_FORM.vad, ...opts.settings?.vad } };
    const vad = await StreamingVad.create({ device: this.device });
    const run = new LongFormRun(this.recognizer, this.tok, s, opts);
    try {
      for await (const c of chunks) {
        throwIfAborted(opts.signal);
        run.append(c, await vad.push(c, opts.signal));
        await run.drain(false);
      }
      run.append(new Float32Array(0), await vad.flush(opts.signal));
      await run.drain(true);
    } finally {
      await vad.dispose();
    }
    return { duration: run.duration, language: 'en', model: WHISPER_MODEL, segments: run.segments };
  }
}

/** The state of one transcription: a sliding buffer of samples and VAD probabilities. */
class LongFormRun {
  private buf = new Float32Array(SR * 40);
  /** Absolute sample index of buf[0]. */
  private bufStart = 0;
  private bufLen = 0;
  private probs: number[] = [];
  /** Absolute VAD chunk index of probs[0]. */
  private probStart = 0;
  /** Seconds: nothing before this is left to transcribe. */
  private cursor = 0;
  readonly segments: TranscriptSegment[] = [];

  constructor(
    private readonly rec: WhisperRecognizer,
    private readonly tok: WhisperTokenizer,
    private readonly s: LongFormSettings,
    private readonly opts: TranscribeOptions,
  ) {}

  get duration(): number {
    return (this.bufStart + this.bufLen) / SR;
  }

  append(samples: Float32Array, probs: Float32Array): void {
    if (this.bufLen + samples.length > this.buf.length) {
      const bigger = new Float32Array(Math.max(this.buf.length * 2, this.bufLen + samples.length));
      bigger.set(this.buf.subarray(0, this.bufLen));
      this.buf = bigger;
    }
    this.buf.set(samples, this.bufLen);
    this.bufLen += samples.length;
    for (const p of probs) this.probs.push(p);
  }

  /** Speech regions from `from` (seconds) to the end of what is buffered, absolute seconds. */
  private regionsFrom(from: number): SpeechRegion[] {
    const c0 = Math.max(this.probStart, Math.floor(from / STEP));
    const sub = Float32Array.from(this.probs.slice(c0 - this.probStart));
    const offset = c0 * STEP;
    return regionsFromProbabilities(sub, this.duration - offset, this.s.vad)
      .map((r) => ({ start: r.start + offset, end: r.end + offset }))
      .filter((r) => r.end > from + 0.05)
      .map((r) => ({ start: Math.max(r.start, from), end: r.end }));
  }

  /** Decode every window that can be decided with what is buffered (all of them once ended). */
  async drain(ended: boolean): Promise<void> {
    const { maxWindow } = this.s;
    const lookahead = maxWindow + 1;
    for (;;) {
      throwIfAborted(this.opts.signal);
      const avail = this.duration;
      if (!ended && avail < this.cursor + lookahead) break;
      const regions = this.regionsFrom(this.cursor);
      if (regions.length === 0) {
        // Nothing heard: keep only the last second (a region may be starting there).
        this.cursor = ended ? avail : Math.max(this.cursor, avail - 1);
        if (ended) break;
        continue;
      }
      const ws = Math.max(this.cursor, regions[0]!.start - this.s.padBefore);
      if (!ended && avail < ws + lookahead) break;
      const window = this.chooseWindow(ws, regions, avail);
      await this.decodeWindow(window.start, window.end, regions);
      this.opts.onProgress?.(this.cursor);
    }
    this.trim();
  }

  private chooseWindow(ws: number, regions: SpeechRegion[], avail: number): { start: number; end: number } {
    const { maxWindow, padAfter, maxBridgedGap } = this.s;
    let we = ws;
    for (let i = 0; i < regions.length; i++) {
      const r = regions[i]!;
      if (i > 0 && r.start - regions[i - 1]!.end > maxBridgedGap) break;
      const next = regions[i + 1]?.start ?? avail;
      const end = Math.min(r.end + padAfter, next, avail);
      if (end - ws > maxWindow) break;
      we = end;
    }
    if (we <= ws) we = this.quietestPoint(ws + maxWindow / 2, Math.min(ws + maxWindow, avail));
    return { start: ws, end: we };
  }

  /** The least speech-like VAD chunk boundary in [from, to] (a region too long for one window). */
  private quietestPoint(from: number, to: number): number {
    let best = to;
    let bestP = Infinity;
    for (let c = Math.ceil(from / STEP); (c + 1) * STEP <= to; c++) {
      const p = this.probs[c - this.probStart] ?? 1;
      if (p < bestP) {
        bestP = p;
        best = (c + 0.5) * STEP;
      }
    }
    return Math.min(best, to);
  }

  private async decodeWindow(ws: number, we: number, regions: SpeechRegion[]): Promise<void> {
    const a = Math.round(ws * SR) - this.bufStart;
    const b = Math.round(we * SR) - this.bufStart;
    const pcm = this.buf.slice(Math.max(0, a), Math.min(this.bufLen, b));
    const result = await this.rec.transcribeWindow(pcm, { signal: this.opts.signal });
    const length = pcm.length / SR;
    const env = energyEnvelope(pcm, ws);
    this.addWindow(result, ws, Math.min(we, ws + length), regions, env);
    const consumed = result.consumedUntil;
    // Resume at Whisper's seek when it left a segment for later (never loop on less than 1 s).
    this.cursor = consumed < length - 0.1 && consumed >= 1 ? ws + consumed : ws + length;
  }

  private addWindow(result: WindowTranscript, ws: number, we: number, regions: SpeechRegion[], env: EnergyEnvelope): void {
    if (result.noSpeech) return;
    const logprobs = segmentLogprobs(result);
    const kept: { seg: (typeof result.segments)[number]; lps?: number[] }[] = [];
    result.segments.forEach((seg, i) => {
      const start = ws + seg.start;
      const end = Math.min(ws + seg.end, ws + result.consumedUntil + 1e-6, we);
      if (!inSpeech(start, Math.max(end, start), regions)) return;
      kept.push({ seg, lps: logprobs[i] });
    });
    for (let i = 0; i < kept.length; i++) {
      const { seg, lps } = kept[i]!;
      const prevEnd = this.segments.at(-1)?.end ?? 0;
      const start = Math.max(ws + seg.start, prevEnd);
      const end = Math.min(Math.max(ws + seg.end, start), we, this.duration);
      const nextStart = kept[i + 1] ? ws + kept[i + 1]!.seg.start : we;
      let words = this.words(seg.tokens, lps);
      words = collapseLoops(words);
      if (words.length === 0) continue;
      const text = words.map((w) => w.text).join(' ');
      if (this.repeatsRecent(text, start, end, result.truncated)) continue;
      const spans = timeWords(
        words.map((w) => w.text),
        { start, end: Math.max(end, start + 0.02) },
        env,
        { start: Math.max(prevEnd, ws), end: Math.max(start + 0.02, Math.min(nextStart + 0.2, we)) },
      );
      const timed: TranscriptWord[] = words.map((w, k) => ({ text: w.text, start: round(spans[k]!.start), end: round(spans[k]!.end), ...(w.confidence !== undefined ? { confidence: round(w.confidence, 3) } : {}) }));
      this.segments.push({
        start: timed[0]!.start,
        end: timed.at(-1)!.end,
        text,
        ...(seg.confidence !== undefined ? { confidence: round(seg.confidence, 3) } : {}),
        words: timed,
      });
    }
  }

  /** Split a segment's tokens into words (a word starts at a token beginning with a space). */
  private words(tokens: number[], lps: number[] | undefined): { text: string; confidence?: number }[] {
    const groups: { ids: number[]; lp: number[] }[] = [];
    tokens.forEach((id, i) => {
      const piece = this.tok.decode([id]);
      if (groups.length === 0 || /^\s/.test(piece)) groups.push({ ids: [], lp: [] });
      groups.at(-1)!.ids.push(id);
      if (lps) groups.at(-1)!.lp.push(lps[i]!);
    });
    const out: { text: string; confidence?: number }[] = [];
    for (const g of groups) {
      const text = this.tok.decode(g.ids).trim();
      if (!text) continue;
      const conf = g.lp.length === g.ids.length && g.lp.length ? Math.exp(g.lp.reduce((x, y) => x + y, 0) / g.lp.length) : undefined;
      // Punctuation on its own (" -") joins the word before it.
      if (!/[\p{L}\p{N}]/u.test(text) && out.length) out.at(-1)!.text += text;
      else out.push({ text, confidence: conf });
    }
    return out;
  }

  /**
   * Whisper's repetition loop: a line equal to one of the two before it, in a window that ran
   * out of tokens, or squeezed into too little time to have been said (over 30 characters a
   * second). A real repeat ("Thank you. Thank you.") is kept.
   */
  private repeatsRecent(text: string, start: number, end: number, truncated: boolean): boolean {
    const norm = normalizeText(text);
    if (!norm) return true;
    const same = this.segments.slice(-2).filter((p) => start - p.end < 15 && normalizeText(p.text) === norm);
    if (!same.length) return false;
    const d = end - start;
    return truncated || text.length / Math.max(d, 1e-3) > 30;
  }

  /** Forget audio before the cursor. */
  private trim(): void {
    const keepFrom = Math.max(this.bufStart, Math.min(Math.floor((this.cursor - 0.5) * SR), this.bufStart + this.bufLen));
    const chunk = Math.max(this.probStart, Math.floor(keepFrom / VAD_CHUNK));
    const from = chunk * VAD_CHUNK; // keep buffer and probabilities aligned to VAD chunks
    if (from <= this.bufStart) return;
    const drop = from - this.bufStart;
    this.buf.copyWithin(0, drop, this.bufLen);
    this.bufLen -= drop;
    this.bufStart = from;
    this.probs.splice(0, chunk - this.probStart);
    this.probStart = chunk;
  }
}

/** True when [start, end] overlaps VAD speech enough to be real (Whisper hallucinates in silence). */
export function inSpeech(start: number, end: number, regions: SpeechRegion[]): boolean {
  let overlap = 0;
  for (const r of regions) overlap += Math.max(0, Math.min(end, r.end) - Math.max(start, r.start));
  const length = end - start;
  if (length < 0.1) return regions.some((r) => start >= r.start - 0.3 && start <= r.end + 0.3);
  return overlap >= 0.15 || overlap / length >= 0.3;
}

/** Per segment, the log-probabilities of its text tokens, found in the window's token stream. */
function segmentLogprobs(result: WindowTranscript): (number[] | undefined)[] {
  const lp = result.tokenLogprobs;
  if (!lp) return result.segments.map(() => undefined);
  let p = 0;
  return result.segments.map((seg) => {
    const n = seg.tokens.length;
    for (let k = p; k + n <= result.tokens.length; k++) {
      let same = true;
      for (let j = 0; j < n && same; j++) same = result.tokens[k + j] === seg.tokens[j];
      if (same) {
        p = k + n;
        return lp.slice(k, k + n);
      }
    }
    return undefined;
  });
}

/**
 * Collapse a phrase of 1-4 words repeated more than twice in a row into one (Whisper's
 * repetition loop: "the the the the" or "I know. I know. I know. I know.").
 */
export function collapseLoops<T extends { text: string }>(words: T[]): T[] {
  const key = (w: T) => normalizeText(w.text);
  const out = [...words];
  for (let n = 1; n <= 4; n++) {
    for (let i = 0; i + 2 * n <= out.length; i++) {
      let reps = 1;
      const same = (a: number, b: number) => {
        for (let j = 0; j < n; j++) if (key(out[a + j]!) !== key(out[b + j]!)) return false;
        return true;
      };
      while (i + (reps + 1) * n <= out.length && same(i, i + reps * n)) reps++;
      if (reps > 2) out.splice(i + n, (reps - 1) * n);
    }
  }
  return out;
}

function round(x: number, digits = 3): number {
  const f = 10 ** digits;
  return Math.round(x * f) / f;
}

/** One-shot: transcribe a media file's first audio stream and release the model. */
export async function transcribeMedia(media: MediaInfo, opts: TranscribeOptions & { device?: Device } = {}): Promise<Transcript> {
  const t = await LongFormTranscriber.create({ device: opts.device });
  try {
    return await t.transcribeMedia(media, opts);
  } finally {
    await t.dispose();
  }
}
