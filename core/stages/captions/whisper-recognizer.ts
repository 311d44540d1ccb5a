/**
 * Speech recognition for one audio window (<= 30 s, 16 kHz mono float32) with OpenAI Whisper
 * tiny.en, on the graph prepared by models/prepare/whisper.ts (see models/whisper-tiny-en.md):
 * log-mel, encoder, decoder and onnxruntime's WhisperBeamSearch in a single session.
 * Pure compute on onnxruntime-node: no electron, DOM or React.
 */
import { access } from 'node:fs/promises';
import * as ort from 'onnxruntime-node';
import { abortable } from '../../common/abort.js';
import { EngineError, UsageError, throwIfAborted } from '../../common/errors.js';
import { parseWindowTokens, type WhisperSegment } from './whisper-segments.js';
import { hypothesisLogprobs } from './whisper-scores.js';
import { WhisperTokenizer } from './whisper-tokenizer.js';
import { WHISPER_IO } from './whisper-io.js';

export type { WhisperSegment } from './whisper-segments.js';

export const WHISPER_SAMPLE_RATE = 16000;
/** The encoder sees at most 30 s; longer windows must be split by the caller. */
export const WHISPER_MAX_WINDOW_SECONDS = 30;
/** Whisper's own cap on sampled tokens per window (n_text_ctx / 2). */
const MAX_DECODE_LENGTH = 224;

/** Input / output names of the prepared graph (shared with models/prepare/whisper). */
const { sequences, sequencesScores, scores, ...IN } = WHISPER_IO;
const OUT = { sequences, sequencesScores, scores } as const;

export interface WhisperRecognizerOptions {
  /** Vocabulary written by the prepare step; default `<model without .onnx>.vocab.json`. */
  vocabPath?: string;
  /** Beam width (default 2; 1 = greedy). */
  numBeams?: number;
  /**
   * Per-segment confidence from the per-step beam scores (default true). Costs a
   * (max_length - 1) x beams x 51864 float output: 92 MB for a 30 s window at 2 beams,
   * up to ~0.4 s on 2 cores.
   */
  confidence?: boolean;
  /** Never emit Whisper's non-speech symbols (music notes, brackets, speaker tags); default true. */
  suppressNonSpeech?: boolean;
  /** Token budget per second of audio, +32, capped at 224 (default 12; normal speech uses 3-5). */
  maxTokensPerSecond?: number;
}

export interface TranscribeOptions {
  signal?: AbortSignal;
}

export interface WindowTranscript {
  segments: WhisperSegment[];
  /** Whisper answered <|nocaptions|>: it heard no speech in the window. */
  noSpeech: boolean;
  /** Decoding hit the token budget before <|endoftext|>; the last segment may be cut short. */
  truncated: boolean;
  /**
   * Seconds of the window the segments cover; start the next window here. Whisper leaves a
   * segment it sees starting but cannot finish inside the window for the next one (as in
   * openai/whisper's seek), so speech in the last seconds of a full window may only appear
   * when the caller re-feeds from this point.
   */
  consumedUntil: number;
  /** Mean log-probability of the generated tokens (the beam's final score). */
  avgLogprob?: number;
  /** Every token generated after the prompt, timestamps included, up to and including <|endoftext|>. */
  tokens: number[];
  /** Log-probability of each of `tokens` (when confidence is on and the beam could be traced). */
  tokenLogprobs?: number[];
}

/** `<model without .onnx>.vocab.json`, the name the prepare step writes. */
export function defaultVocabPath(modelPath: string): string {
  return modelPath.replace(/\.onnx$/i, '') + '.vocab.json';
}

export class WhisperRecognizer {
  readonly modelPath: string;
  readonly vocabPath: string;
  private readonly sessionOptions: ort.InferenceSession.SessionOptions;
  private readonly numBeams: number;
  private readonly wantScores: boolean;
  private readonly suppressNonSpeech: boolean;
  private readonly tokensPerSecond: number;
  private loading?: Promise<{ session: ort.InferenceSession; tok: WhisperTokenizer; vocabMask: ort.Tensor; scores: boolean }>;

  constructor(modelPath: string, sessionOptions: ort.InferenceSession.SessionOptions = {}, options: WhisperRecognizerOptions = {}) {
    this.modelPath = modelPath;
    this.vocabPath = options.vocabPath ?? defaultVocabPath(modelPath);
    this.sessionOptions = sessionOptions;
    this.numBeams = Math.max(1, Math.floor(options.numBeams ?? 2));
    this.wantScores = options.confidence ?? true;
    this.suppressNonSpeech = options.suppressNonSpeech ?? true;
    this.tokensPerSecond = options.maxTokensPerSecond ?? 12;
  }

  /** Load the session and vocabulary now (otherwise the first window does it). */
  load(): Promise<void> {
    return this.ready().then(() => undefined);
  }

  private ready() {
    this.loading ??= this.open();
    // A failed load may be retried (e.g. after the prepare step ran).
    this.loading.catch(() => (this.loading = undefined));
    return this.loading;
  }

  private async open() {
    for (const [what, path] of [
      ['model', this.modelPath],
      ['vocabulary', this.vocabPath],
    ] as const) {
      try {
        await access(path);
      } catch {
        throw new EngineError('MODEL_MISSING', `The Whisper ${what} file is missing: ${path}. Run "npm run models" to prepare it.`, { file: path });
      }
    }
    const tok = await WhisperTokenizer.fromFile(this.vocabPath);
    let session: ort.InferenceSession;
    try {
      session = await ort.InferenceSession.create(this.modelPath, this.sessionOptions);
    } catch (e) {
      throw new EngineError('MODEL_CORRUPT', `The Whisper model could not be loaded: ${(e as Error).message}`, { file: this.modelPath, cause: e });
    }
    for (const name of Object.values(IN)) {
      if (!session.inputNames.includes(name)) {
        await session.release();
        throw new EngineError('MODEL_CORRUPT', `${this.modelPath} is not the prepared Whisper graph (no input ${name}); prepare it again.`, { file: this.modelPath });
      }
    }
    const mask = new Int32Array(tok.vocabSize).fill(1);
    if (this.suppressNonSpeech) for (const id of tok.nonSpeechTokenIds()) mask[id] = 0;
    // Tokens that must never be generated after the prompt (Whisper suppresses the same).
    const sp = tok.special;
    for (const id of [sp.startOfTranscript, sp.translate, sp.transcribe, sp.startOfLm, sp.startOfPrev]) mask[id] = 0;
    const vocabMask = new ort.Tensor('int32', mask, [tok.vocabSize]);
    return { session, tok, vocabMask, scores: this.wantScores && session.outputNames.includes(OUT.scores) };
  }

  /**
   * Transcribe one window. Times are seconds from the window start, clamped to its length.
   * Cancelling rejects with CancelledError at once; the native run already started finishes
   * in the background (onnxruntime cannot interrupt it).
   */
  async transcribeWindow(pcm16k: Float32Array, opts: TranscribeOptions = {}): Promise<WindowTranscript> {
    throwIfAborted(opts.signal);
    const seconds = pcm16k.length / WHISPER_SAMPLE_RATE;
    if (seconds > WHISPER_MAX_WINDOW_SECONDS + 1e-9) {
      throw new UsageError(`A Whisper window holds at most ${WHISPER_MAX_WINDOW_SECONDS} s of audio; got ${seconds.toFixed(2)} s.`);
    }
    if (pcm16k.length < WHISPER_SAMPLE_RATE / 100) return { segments: [], noSpeech: true, truncated: false, consumedUntil: seconds, tokens: [] };

    const { session, tok, vocabMask, scores } = await abortable(this.ready(), opts.signal);
    throwIfAborted(opts.signal);

    const prompt = Int32Array.of(tok.special.startOfTranscript); // English-only model: no language / task tokens
    const maxLength = Math.min(MAX_DECODE_LENGTH, prompt.length + 32 + Math.ceil(seconds * this.tokensPerSecond));
    const i32 = (v: number) => new ort.Tensor('int32', Int32Array.of(v), [1]);
    const f32 = (v: number) => new ort.Tensor('float32', Float32Array.of(v), [1]);
    const feeds: Record<string, ort.Tensor> = {
      [IN.audio]: new ort.Tensor('float32', pcm16k, [1, pcm16k.length]),
      [IN.maxLength]: i32(maxLength),
      [IN.minLength]: i32(0),
      [IN.numBeams]: i32(this.numBeams),
      [IN.numReturnSequences]: i32(1),
      [IN.lengthPenalty]: f32(1),
      [IN.repetitionPenalty]: f32(1),
      [IN.vocabMask]: vocabMask,
      [IN.decoderInputIds]: new ort.Tensor('int32', prompt, [1, prompt.length]),
      [IN.logitsProcessor]: i32(1), // 1 = Whisper timestamp rules
    };
    const fetches: string[] = [OUT.sequences, OUT.sequencesScores];
    if (scores) fetches.push(OUT.scores);
    const result = await abortable(session.run(feeds, fetches), opts.signal);

    const seq = result[OUT.sequences]!.data as Int32Array;
    const seqLen = result[OUT.sequences]!.dims.at(-1) ?? seq.length;
    const all = seq.subarray(0, seqLen).subarray(prompt.length);
    const eotAt = all.indexOf(tok.special.endOfText);
    const generated = eotAt >= 0 ? all.subarray(0, eotAt + 1) : all;

    let logprobs: Float64Array | undefined;
    if (scores) {
      const s = result[OUT.scores]!;
      logprobs = hypothesisLogprobs(s.data as Float32Array, this.numBeams, tok.vocabSize, generated, tok.special.endOfText);
    }
    const parsed = parseWindowTokens(tok, generated, logprobs, seconds);
    const avg = (result[OUT.sequencesScores]!.data as Float32Array)[0];
    for (const t of Object.values(result)) t.dispose();
    return {
      ...parsed,
      avgLogprob: avg !== undefined && Number.isFinite(avg) ? avg : undefined,
      tokens: Array.from(generated),
      tokenLogprobs: logprobs && logprobs.every(Number.isFinite) ? Array.from(logprobs) : undefined,
    };
  }

  /** Release the native session. Safe to call more than once. */
  async dispose(): Promise<void> {
    const loading = this.loading;
    this.loading = undefined;
    if (!loading) return;
    try {
      await (await loading).session.release();
    } catch {
      // never loaded: nothing to release
    }
  }
}
