/**
 * Word-onset error: align recognised words to reference words by their normalised text
 * (Levenshtein alignment) and compare start times. Used by tests and benchmarks.
 *
 * Every reference word counts. A word the recogniser got right (match) or replaced by another
 * word in the same place (substitution: "The" heard as "A") is timed by the hypothesis word in
 * its place; a word it left out (deletion) has no time and counts as a miss. Extra hypothesis
 * words (insertions) are not scored. `withinTolerance` is the share of all reference words that
 * start within the tolerance; the same share over exact matches only is reported alongside.
 */
import { normalizeText } from './wer.js';

export interface TimedText {
  text: string;
  start: number;
}

export interface OnsetErrorResult {
  /** |hypothesis start - reference start| of each aligned word (match or substitution), seconds. */
  errors: number[];
  /** Whether each of `errors` is an exact text match (false: substitution). */
  exact: boolean[];
  /** Reference words recognised exactly. */
  matched: number;
  /** Reference words with a hypothesis word in their place (matches + substitutions). */
  aligned: number;
  referenceWords: number;
  /** Median of `errors` (NaN when nothing aligned). */
  median: number;
  /** Share of all reference words starting within `tolerance` of the truth (deletions are misses), 0..1. */
  withinTolerance: number;
  /** Share of the exactly matched words starting within `tolerance`, 0..1. */
  withinMatched: number;
}

export function onsetErrors(reference: TimedText[], hypothesis: TimedText[], tolerance = 0.2): OnsetErrorResult {
  const r = reference.map((w) => normalizeText(w.text).replace(/ /g, ''));
  const h = hypothesis.map((w) => normalizeText(w.text).replace(/ /g, ''));
  const n = r.length;
  const m = h.length;
  const d: number[][] = Array.from({ length: n + 1 }, (_, i) => Array.from({ length: m + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)));
  for (let i = 1; i <= n; i++) for (let j = 1; j <= m; j++) d[i]![j] = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + (r[i - 1] === h[j - 1] ? 0 : 1));
  const errors: number[] = [];
  const exact: boolean[] = [];
  for (let i = n, j = m; i > 0 && j > 0; ) {
    const same = r[i - 1] === h[j - 1];
    if (d[i]![j] === d[i - 1]![j - 1]! + (same ? 0 : 1)) {
      errors.push(Math.abs(hypothesis[j - 1]!.start - reference[i - 1]!.start));
      exact.push(same);
      i--;
      j--;
    } else if (d[i]![j] === d[i - 1]![j]! + 1) i--;
    else j--;
  }
  errors.reverse();
  exact.reverse();
  const sorted = [...errors].sort((a, b) => a - b);
  const median = sorted.length ? (sorted.length % 2 ? sorted[(sorted.length - 1) / 2]! : (sorted[sorted.length / 2 - 1]! + sorted[sorted.length / 2]!) / 2) : NaN;
  const matched = exact.filter(Boolean).length;
  const within = errors.filter((e) => e <= tolerance).length;
  const withinExact = errors.filter((e, k) => exact[k] && e <= tolerance).length;
  return {
    errors,
    exact,
    matched,
    aligned: errors.length,
    referenceWords: n,
    median,
    withinTolerance: n ? within / n : 0,
    withinMatched: matched ? withinExact / matched : 0,
  };
}
