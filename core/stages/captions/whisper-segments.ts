/**
 * Turn the token ids Whisper generated for one window into timed segments.
 *
 * With timestamp rules on, a window decodes as
 *   <|t0|> text... <|t1|><|t1'|> text... <|t2|> <|endoftext|>
 * i.e. every segment is opened and closed by a timestamp token (0.02 s steps from the window
 * start). Tolerated deviations: text before any timestamp (starts at 0), a segment left open at
 * <|endoftext|> or at the token limit (ends at the window end), timestamps past the audio
 * (clamped to the window). <|nocaptions|> as the first token means "no speech here".
 *
 * Like openai/whisper's transcribe loop, a window that ends with a timestamp *pair* and then
 * <|endoftext|> (`... text<|26.28|><|26.28|><|endoftext|>`) has not been transcribed past that
 * timestamp: the model saw the next segment start but would not finish it inside the window.
 * `consumedUntil` then says where the next window should start; otherwise it is the window end.
 */
import type { WhisperTokenizer } from './whisper-tokenizer.js';

export interface WhisperSegment {
  /** Seconds from the window start. */
  start: number;
  end: number;
  /** Trimmed text. */
  text: string;
  /** The segment's text token ids (no timestamp or special tokens); decode(tokens).trim() === text. */
  tokens: number[];
  /** exp(mean log-probability of the segment's text tokens), 0..1, when scores were available. */
  confidence?: number;
}

export interface ParsedWindow {
  segments: WhisperSegment[];
  /** The model's first word was <|nocaptions|>: it heard no speech. */
  noSpeech: boolean;
  /** Decoding stopped at the token limit before <|endoftext|> (the last segment may be cut). */
  truncated: boolean;
  /**
   * Seconds of the window the segments account for: the next window should start here.
   * Less than the window length when the model left the last segment for the next window.
   */
  consumedUntil: number;
}

/**
 * @param generated the tokens after the decoder prompt, as returned (padding after EOT is ignored)
 * @param logprobs  per-token log-probabilities aligned with `generated`, or undefined
 * @param windowSeconds length of the audio that was fed (segments are clamped to it)
 */
export function parseWindowTokens(
  tok: WhisperTokenizer,
  generated: ArrayLike<number>,
  logprobs: ArrayLike<number> | undefined,
  windowSeconds: number,
): ParsedWindow {
  const sp = tok.special;
  const segments: WhisperSegment[] = [];
  let truncated = true;
  let start: number | undefined;
  let text: number[] = [];
  let lps: number[] = [];
  const clamp = (t: number) => Math.min(Math.max(t, 0), windowSeconds);

  const close = (end: number) => {
    if (text.length > 0) {
      const s = clamp(start ?? 0);
      const e = Math.max(s, clamp(end));
      const words = tok.decode(text).trim();
      if (words.length > 0) {
        const seg: WhisperSegment = { start: s, end: e, text: words, tokens: text };
        if (logprobs && lps.length === text.length && lps.every(Number.isFinite)) {
          seg.confidence = Math.exp(lps.reduce((a, b) => a + b, 0) / lps.length);
        }
        segments.push(seg);
      }
    }
    start = undefined;
    text = [];
    lps = [];
  };

  if (generated.length > 0 && generated[0] === sp.noSpeech) {
    return { segments: [], noSpeech: true, truncated: false, consumedUntil: windowSeconds };
  }

  let consumedUntil = windowSeconds;
  for (let i = 0; i < generated.length; i++) {
    const id = generated[i]!;
    if (id === sp.endOfText) {
      truncated = false;
      // "<|a|><|b|><|endoftext|>" after some text: a segment was opened at b but left unsaid.
      const prev = generated[i - 1];
      const prev2 = generated[i - 2];
      if (segments.length > 0 && text.length === 0 && start !== undefined && prev !== undefined && prev2 !== undefined && tok.isTimestamp(prev) && tok.isTimestamp(prev2)) {
        consumedUntil = clamp(start);
      }
      break;
    }
    if (tok.isTimestamp(id)) {
      const t = tok.timestampSeconds(id);
      if (text.length > 0) close(t);
      else start = t; // opening timestamp (or the second of a pair)
    } else if (tok.isText(id)) {
      text.push(id);
      if (logprobs) lps.push(logprobs[i]!);
    }
    // other special tokens (<|nocaptions|> mid-window, task tokens) carry no text: skipped
  }
  close(windowSeconds);
  return { segments, noSpeech: false, truncated, consumedUntil };
}
