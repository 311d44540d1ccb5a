/**
 * Timed words -> caption cues that follow broadcast subtitle rules (BBC / Netflix style guides):
 * at most 42 characters a line and 2 lines a cue, reading speed at most 17 characters a second,
 * 5/6 s to 7 s on screen, at least 2 frames between cues and no overlaps, breaks at sentence and
 * clause boundaries, never between an article and its noun. All limits are settings; a 9:16
 * vertical preset uses shorter lines.
 *
 * Cues are chosen by dynamic programming over the word sequence (every split a cue could end at,
 * scored by where it breaks), lines inside a cue by the most balanced legal break; then cue times
 * are set from the word times, lengthened for reading speed into the following silence.
 */
import type { TranscriptWord } from './transcript.js';

export interface CaptionLayoutSettings {
  maxCharsPerLine: number;
  maxLines: number;
  /** Characters (spaces included) per second of display. */
  maxCharsPerSecond: number;
  /** Seconds. */
  minDuration: number;
  maxDuration: number;
  /** Minimum gap between cues, in frames of `frameRate`. */
  minGapFrames: number;
  frameRate: number;
  /** How long a cue may stay up after its last word when nothing follows, seconds. */
  linger: number;
}

export const BROADCAST_LAYOUT: CaptionLayoutSettings = {
  maxCharsPerLine: 42,
  maxLines: 2,
  maxCharsPerSecond: 17,
  minDuration: 5 / 6,
  maxDuration: 7,
  minGapFrames: 2,
  frameRate: 25,
  linger: 0.8,
};

/** 9:16 vertical video: large text on a narrow screen, so short lines. */
export const VERTICAL_LAYOUT: CaptionLayoutSettings = { ...BROADCAST_LAYOUT, maxCharsPerLine: 24 };

export const LAYOUT_PRESETS = { broadcast: BROADCAST_LAYOUT, vertical: VERTICAL_LAYOUT } as const;

export interface CaptionCue {
  /** Seconds. */
  start: number;
  end: number;
  lines: string[];
  words: TranscriptWord[];
}

const ARTICLES = new Set(['a', 'an', 'the']);
/** Words a line or cue should rather not end on (determiners, prepositions, conjunctions). */
const WEAK_ENDS = new Set([...ARTICLES, 'my', 'your', 'his', 'its', 'our', 'their', 'this', 'these', 'those', 'to', 'of', 'in', 'on', 'at', 'for', 'with', 'from', 'by', 'into', 'and', 'or', 'but', 'if', 'mr.', 'mrs.', 'dr.', 'very', 'more', 'most']);
/** Words a new cue reads well starting with. */
const CLAUSE_STARTS = new Set(['and', 'but', 'or', 'so', 'because', 'which', 'who', 'when', 'while', 'where', 'if', 'although', 'though', 'that', 'then', 'unless', 'until']);

const bare = (w: string) => w.toLowerCase().replace(/^[^\p{L}\p{N}]+|[^\p{L}\p{N}.]+$/gu, '');
export const isArticle = (w: string): boolean => ARTICLES.has(w.toLowerCase().replace(/[^\p{L}]/gu, '')) && !/[.,;:!?]$/.test(w);
const endsSentence = (w: string) => /[.!?]["')\]]*$/.test(w) && !/^(mr|mrs|dr|st|ms)\.$/i.test(w);
const endsClause = (w: string) => /[,;:\u2014\u2013-]["')\]]*$/.test(w);

/** Cost of breaking (line or cue) after words[k] (0 = ideal). Infinity = never. */
function breakCost(words: TranscriptWord[], k: number): number {
  const w = words[k]!.text;
  const next = words[k + 1];
  if (!next) return 0;
  if (isArticle(w)) return Infinity;
  if (endsSentence(w)) return 0;
  if (endsClause(w)) return 1;
  const pause = next.start - words[k]!.end;
  let c = 5;
  if (CLAUSE_STARTS.has(bare(next.text))) c = 2.5;
  if (pause >= 0.3) c = Math.min(c, 2);
  if (WEAK_ENDS.has(bare(w))) c += 3;
  return c;
}

const textLength = (words: TranscriptWord[], a: number, b: number) => {
  let n = b - a - 1;
  for (let i = a; i < b; i++) n += words[i]!.text.length;
  return n;
};

/** Split words[a..b) into at most maxLines lines, most balanced legal break. Undefined if it cannot fit. */
function breakLines(words: TranscriptWord[], a: number, b: number, s: CaptionLayoutSettings): { lines: string[]; cost: number } | undefined {
  const join = (x: number, y: number) => words.slice(x, y).map((w) => w.text).join(' ');
  const total = textLength(words, a, b);
  if (total <= s.maxCharsPerLine) return { lines: [join(a, b)], cost: 0 };
  if (s.maxLines < 2) return undefined;
  let best: { lines: string[]; cost: number } | undefined;
  for (let k = a + 1; k < b; k++) {
    const l1 = textLength(words, a, k);
    const l2 = textLength(words, k, b);
    if (l1 > s.maxCharsPerLine) break;
    if (l2 > s.maxCharsPerLine * (s.maxLines - 1)) continue;
    const bc = breakCost(words, k - 1);
    if (!Number.isFinite(bc)) continue;
    const rest = s.maxLines > 2 && l2 > s.maxCharsPerLine ? breakLines(words, k, b, { ...s, maxLines: s.maxLines - 1 }) : { lines: [join(k, b)], cost: 0 };
    if (!rest) continue;
    // Balanced lines, a clean break, and a bottom line no shorter than needed (pyramid shape).
    const cost = Math.abs(l1 - l2) / 10 + bc * 0.8 + rest.cost;
    if (!best || cost < best.cost) best = { lines: [join(a, k), ...rest.lines], cost };
  }
  return best;
}

/**
 * Lay out words as cues. `duration` (seconds of media) keeps the last cue on screen inside it.
 * Words must be in time order.
 */
export function layoutCaptions(words: TranscriptWord[], settings: Partial<CaptionLayoutSettings> = {}, duration?: number): CaptionCue[] {
  const s = { ...BROADCAST_LAYOUT, ...settings };
  const n = words.length;
  if (n === 0) return [];
  const gap = s.minGapFrames / s.frameRate;
  const maxChars = s.maxCharsPerLine * s.maxLines;
  const best = new Array<number>(n + 1).fill(Infinity);
  const from = new Array<number>(n + 1).fill(-1);
  const lines = new Map<string, string[]>();
  best[0] = 0;
  for (let j = 1; j <= n; j++) {
    for (let i = j - 1; i >= 0; i--) {
      if (!Number.isFinite(best[i]!)) continue;
      const chars = textLength(words, i, j);
      if (chars > maxChars && j - i > 1) break;
      const speech = words[j - 1]!.end - words[i]!.start;
      if (speech > s.maxDuration && j - i > 1) break;
      const bc = breakCost(words, j - 1);
      if (!Number.isFinite(bc) && j - i > 1) continue;
      const laid = breakLines(words, i, j, s) ?? (j - i === 1 ? { lines: [words[i]!.text], cost: 10 } : undefined);
      if (!laid) continue;
      // Reading speed: the time until the next cue must be long enough to read this one.
      const room = (j < n ? words[j]!.start - gap : (duration ?? words[j - 1]!.end + s.linger + 2)) - words[i]!.start;
      const needed = Math.max(s.minDuration, chars / s.maxCharsPerSecond);
      const tooFast = room < needed ? 8 + 20 * (needed - room) : 0;
      // Several sentences in one cue read worse than one each; tiny cues flash by.
      let inner = 0;
      for (let k = i; k < j - 1; k++) if (endsSentence(words[k]!.text)) inner += 3;
      const short = chars < 12 && j < n && bc > 0 ? 3 : 0;
      const cost = best[i]! + 1 + (Number.isFinite(bc) ? bc : 10) + laid.cost + tooFast + inner + short;
      if (cost < best[j]!) {
        best[j] = cost;
        from[j] = i;
        lines.set(`${i}:${j}`, laid.lines);
      }
    }
  }
  const spans: [number, number][] = [];
  for (let j = n; j > 0; j = from[j]!) spans.unshift([from[j]!, j]);
  return timeCues(
    spans.map(([i, j]) => ({ start: words[i]!.start, end: words[j - 1]!.end, lines: lines.get(`${i}:${j}`)!, words: words.slice(i, j) })),
    s,
    duration,
  );
}

/** Set cue times: start at the first word, stay long enough to read, leave the gap, never overlap. */
export function timeCues(cues: CaptionCue[], s: CaptionLayoutSettings, duration?: number): CaptionCue[] {
  const gap = s.minGapFrames / s.frameRate;
  const out: CaptionCue[] = [];
  let prevEnd = -Infinity;
  for (let k = 0; k < cues.length; k++) {
    const c = cues[k]!;
    const chars = c.lines.join(' ').length;
    const needed = Math.min(s.maxDuration, Math.max(s.minDuration, chars / s.maxCharsPerSecond));
    let start = Math.max(c.start, prevEnd + gap, 0);
    const nextWordStart = cues[k + 1]?.start ?? Infinity;
    const limit = Math.min(duration ?? Infinity, nextWordStart - gap);
    // The last word may run up to the next cue's first word: end early enough to leave the gap.
    let end = Math.max(Math.min(c.end, limit), start + needed);
    // Linger after the last word when the next cue is far away, within the reading-speed ceiling.
    end = Math.max(end, Math.min(c.end + s.linger, limit));
    end = Math.min(end, start + s.maxDuration);
    if (duration !== undefined && end > duration) {
      end = duration;
      start = Math.max(prevEnd + gap, Math.min(start, end - needed), 0);
    }
    start = round3(start);
    end = round3(end);
    if (end - start < needed - 1e-9 && end < (duration ?? Infinity)) end = round3(end + 0.001);
    // Too short because the previous cue holds the screen: take its slack (it keeps its own
    // reading time), and start no earlier than the first word.
    const prev = out[k - 1];
    if (prev && end - start < needed - 1e-9 && start > c.start) {
      const prevNeeded = Math.min(s.maxDuration, Math.max(s.minDuration, prev.lines.join(' ').length / s.maxCharsPerSecond));
      const shift = Math.min(needed - (end - start), start - Math.max(c.start, 0), prev.end - (prev.start + prevNeeded));
      if (shift > 0) {
        prev.end = round3(prev.end - shift);
        start = round3(prev.end + gap);
      }
    }
    out.push({ ...c, start, end });
    prevEnd = end;
  }
  return out;
}

const round3 = (x: number) => Math.round(x * 1000) / 1000;

export type LayoutRule = 'line-length' | 'line-count' | 'reading-speed' | 'min-duration' | 'max-duration' | 'gap' | 'overlap' | 'article-break' | 'empty';

export interface LayoutViolation {
  cue: number;
  rule: LayoutRule;
  message: string;
}

/** Check every cue against the rules; an empty list means all pass. */
export function checkCaptionLayout(cues: CaptionCue[], settings: Partial<CaptionLayoutSettings> = {}): LayoutViolation[] {
  const s = { ...BROADCAST_LAYOUT, ...settings };
  const gap = s.minGapFrames / s.frameRate;
  const eps = 1e-3;
  const out: LayoutViolation[] = [];
  cues.forEach((c, i) => {
    const v = (rule: LayoutRule, message: string) => out.push({ cue: i, rule, message });
    const text = c.lines.join(' ');
    const d = c.end - c.start;
    if (!text.trim()) v('empty', 'cue has no text');
    if (c.lines.length > s.maxLines) v('line-count', `${c.lines.length} lines > ${s.maxLines}`);
    for (const l of c.lines) if (l.length > s.maxCharsPerLine) v('line-length', `"${l}" has ${l.length} characters > ${s.maxCharsPerLine}`);
    if (d > 0 && text.length / d > s.maxCharsPerSecond + eps) v('reading-speed', `${(text.length / d).toFixed(1)} characters/s > ${s.maxCharsPerSecond}`);
    if (d < s.minDuration - eps) v('min-duration', `${d.toFixed(3)} s < ${s.minDuration.toFixed(3)} s`);
    if (d > s.maxDuration + eps) v('max-duration', `${d.toFixed(3)} s > ${s.maxDuration} s`);
    const next = cues[i + 1];
    if (next) {
      if (next.start < c.end - eps) v('overlap', `overlaps the next cue by ${(c.end - next.start).toFixed(3)} s`);
      else if (next.start - c.end < gap - eps) v('gap', `${((next.start - c.end) * s.frameRate).toFixed(2)} frames to the next cue < ${s.minGapFrames}`);
    }
    const ends = c.lines.map((l) => l.split(' ').at(-1) ?? '');
    if (ends.some((w, k) => isArticle(w) && (k < ends.length - 1 || next))) v('article-break', 'a line or cue ends with an article, cut from its noun');
  });
  return out;
}
