/**
 * Word-onset error: align recognised words to reference words by their normalised text
 * (Levenshtein alignment, matches only) and compare start times. Used by tests and benchmarks.
 */
import { normalizeText } from './wer.js';

export interface TimedText {
  text: string;
  start: number;
}

export interface OnsetErrorResult {
  /** |hypothesis start - reference start| of each matched word, seconds. */
  errors: number[];
  matched: number;
  referenceWords: number;
  median: number;
  /** Share of matched words starting within `tolerance` of the truth (0..1). */
  withinTolerance: number;
}

export function onsetErrors(reference: TimedText[], hypothesis: TimedText[], tolerance = 0.2): OnsetErrorResult {
  const r = reference.map((w) => normalizeText(w.text).replace(/ /g, ''));
  const h = hypothesis.map((w) => normalizeText(w.text).replace(/ /g, ''));
  const n = r.length;
  const m = h.length;
  const d: number[][] = Array.from({ length: n + 1 }, (_, i) => Array.from({ length: m + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)));
  for (let i = 1; i <= n; i++) for (let j = 1; j <= m; j++) d[i]![j] = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + (r[i - 1] === h[j - 1] ? 0 : 1));
  const errors: number[] = [];
  for (let i = n, j = m; i > 0 && j > 0; ) {
    if (r[i - 1] === h[j - 1] && d[i]![j] === d[i - 1]![j - 1]) {
      errors.push(Math.abs(hypothesis[j - 1]!.start - reference[i - 1]!.start));
      i--;
      j--;
    } else if (d[i]![j] === d[i - 1]![j - 1]! + 1) {
      i--;
      j--;
    } else if (d[i]![j] === d[i - 1]![j]! + 1) i--;
    else j--;
  }
  errors.reverse();
  const sorted = [...errors].sort((a, b) => a - b);
  const median = sorted.length ? (sorted.length % 2 ? sorted[(sorted.length - 1) / 2]! : (sorted[sorted.length / 2 - 1]! + sorted[sorted.length / 2]!) / 2) : NaN;
  return { errors, matched: errors.length, referenceWords: n, median, withinTolerance: errors.length ? errors.filter((e) => e <= tolerance).length / errors.length : 0 };
}
