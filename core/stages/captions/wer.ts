/**
 * Word error rate with a small Whisper-style text normalisation (after openai/whisper's
 * EnglishTextNormalizer, much reduced): lowercase; spell out the titles Whisper abbreviates
 * (Mr -> mister, Mrs -> missus, Dr -> doctor, St -> saint); hyphens and dashes become spaces;
 * other punctuation is removed; whitespace collapses.
 */
const TITLES: [RegExp, string][] = [
  [/\bmr\b/g, 'mister'],
  [/\bmrs\b/g, 'missus'],
  [/\bdr\b/g, 'doctor'],
  [/\bst\b/g, 'saint'],
];

export function normalizeText(text: string): string {
  let s = text.toLowerCase().normalize('NFKC');
  s = s.replace(/[-\u2010-\u2015]/g, ' ');
  s = s.replace(/[^\p{L}\p{N}\s]/gu, '');
  for (const [re, to] of TITLES) s = s.replace(re, to);
  return s.replace(/\s+/g, ' ').trim();
}

export interface WerResult {
  /** (substitutions + deletions + insertions) / reference words */
  wer: number;
  errors: number;
  referenceWords: number;
}

/** Levenshtein distance over normalised words. An empty reference gives wer = errors (0 or more). */
export function wordErrorRate(reference: string, hypothesis: string): WerResult {
  const r = normalizeText(reference).split(' ').filter(Boolean);
  const h = normalizeText(hypothesis).split(' ').filter(Boolean);
  let prev = Array.from({ length: h.length + 1 }, (_, j) => j);
  for (let i = 1; i <= r.length; i++) {
    const cur = [i];
    for (let j = 1; j <= h.length; j++) {
      cur[j] = Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + (r[i - 1] === h[j - 1] ? 0 : 1));
    }
    prev = cur;
  }
  const errors = prev[h.length]!;
  return { wer: r.length === 0 ? errors : errors / r.length, errors, referenceWords: r.length };
}

/** Corpus WER: total errors over total reference words. */
export function corpusWer(pairs: { reference: string; hypothesis: string }[]): WerResult {
  let errors = 0;
  let words = 0;
  for (const p of pairs) {
    const w = wordErrorRate(p.reference, p.hypothesis);
    errors += w.errors;
    words += w.referenceWords;
  }
  return { wer: words === 0 ? errors : errors / words, errors, referenceWords: words };
}
