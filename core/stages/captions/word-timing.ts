/**
 * Word times inside a Whisper segment. The recogniser only gives segment times (0.02 s grid,
 * often a few hundred ms loose), so each word's onset is estimated from the audio itself:
 *  1. the segment is tightened to its voiced span (frames whose energy is well above the local
 *     noise floor);
 *  2. pauses inside it (unvoiced runs of 70 ms or more) are word boundaries waiting for a word:
 *     each pause snaps the word boundary whose length-weighted estimate lies nearest to it;
 *  3. between those anchors, words share the voiced time in proportion to their length in
 *     characters (a proxy for their number of phones), pauses excluded.
 * Pure functions over an energy envelope, so they are tested without a model.
 */

/** Energy envelope of 16 kHz mono audio: 10 ms hop, 25 ms frames, dB full scale. */
export interface EnergyEnvelope {
  /** Seconds of the first frame's centre from the start of the audio. */
  start: number;
  hop: number;
  db: Float32Array;
}

export const ENVELOPE_HOP = 0.01;

export function energyEnvelope(pcm16k: Float32Array, startSeconds = 0, sampleRate = 16000): EnergyEnvelope {
  const hop = Math.round(ENVELOPE_HOP * sampleRate);
  const win = Math.round(0.025 * sampleRate);
  const n = Math.max(0, Math.floor((pcm16k.length - win) / hop) + 1);
  const db = new Float32Array(n);
  for (let f = 0; f < n; f++) {
    let e = 0;
    const o = f * hop;
    for (let i = 0; i < win; i++) e += pcm16k[o + i]! * pcm16k[o + i]!;
    db[f] = 10 * Math.log10(e / win + 1e-10);
  }
  return { start: startSeconds + win / 2 / sampleRate, hop: hop / sampleRate, db };
}

export interface TimedSpan {
  start: number;
  end: number;
}

export interface WordTimingSettings {
  /** Shortest unvoiced run taken as a pause between words, seconds. */
  minPause: number;
  /** How far (seconds) a boundary estimate may move to reach a pause. */
  snapDistance: number;
  /** Voiced = above the noise floor by this share of the floor-to-peak range (0..1). */
  voicedRatio: number;
}

export const DEFAULT_WORD_TIMING: WordTimingSettings = { minPause: 0.07, snapDistance: 0.45, voicedRatio: 0.3 };

/** Relative length of a word when spoken: letters and digits, plus a little for the transition. */
export function wordWeight(text: string): number {
  const letters = text.replace(/[^\p{L}\p{N}]/gu, '').length;
  return Math.max(1, letters) + 1;
}

function percentile(values: Float32Array, p: number): number {
  if (values.length === 0) return -100;
  const s = Float32Array.from(values).sort();
  return s[Math.min(s.length - 1, Math.max(0, Math.round(p * (s.length - 1))))]!;
}

/** Voiced/unvoiced per frame over [from, to), with the threshold taken from the wider context. */
function voicing(env: EnergyEnvelope, from: number, to: number, s: WordTimingSettings): { times: number[]; voiced: boolean[] } {
  const f0 = Math.max(0, Math.ceil((from - env.start) / env.hop));
  const f1 = Math.min(env.db.length, Math.floor((to - env.start) / env.hop) + 1);
  const floor = percentile(env.db, 0.1);
  const peak = percentile(env.db, 0.97);
  const threshold = floor + Math.max(6, s.voicedRatio * (peak - floor));
  const times: number[] = [];
  const voiced: boolean[] = [];
  for (let f = f0; f < f1; f++) {
    times.push(env.start + f * env.hop);
    voiced.push(env.db[f]! > threshold);
  }
  // Bridge single-frame dropouts (stop closures shorter than 20 ms are not pauses).
  for (let i = 1; i + 1 < voiced.length; i++) if (!voiced[i] && voiced[i - 1] && voiced[i + 1]) voiced[i] = true;
  return { times, voiced };
}

/**
 * Word spans for one segment. `segment` is where the recogniser put the words (absolute
 * seconds); `limit` is how far the voiced span may be searched beyond it (neighbour segments).
 * Falls back to a plain length-weighted split when the audio shows no voicing.
 */
export function timeWords(words: string[], segment: TimedSpan, env: EnergyEnvelope, limit: TimedSpan = segment, settings: Partial<WordTimingSettings> = {}): TimedSpan[] {
  const s = { ...DEFAULT_WORD_TIMING, ...settings };
  if (words.length === 0) return [];
  const { times, voiced } = voicing(env, Math.max(limit.start, segment.start - 0.3), Math.min(limit.end, segment.end + 0.3), s);
  const weights = words.map(wordWeight);
  const first = voiced.indexOf(true);
  const last = voiced.lastIndexOf(true);
  if (first < 0) return splitByWeight(weights, segment.start, segment.end);
  const hop = env.hop;
  const vStart = Math.max(times[first]! - hop / 2, limit.start);
  const vEnd = Math.min(times[last]! + hop / 2, limit.end);
  // Pauses strictly inside the voiced span.
  const pauses: TimedSpan[] = [];
  for (let i = first; i <= last; ) {
    if (voiced[i]) {
      i++;
      continue;
    }
    let j = i;
    while (j <= last && !voiced[j]) j++;
    const p = { start: times[i]! - hop / 2, end: times[j - 1]! + hop / 2 };
    if (p.end - p.start >= s.minPause - 1e-9) pauses.push(p);
    i = j;
  }
  const voicedTime = (a: number, b: number): number => {
    let t = Math.max(0, b - a);
    for (const p of pauses) t -= Math.max(0, Math.min(b, p.end) - Math.max(a, p.start));
    return t;
  };
  // Map a share of the voiced time in [a, b] back to a clock time.
  const atVoicedShare = (a: number, b: number, share: number): number => {
    let want = share * voicedTime(a, b);
    let t = a;
    for (const p of pauses) {
      if (p.end <= a || p.start >= b) continue;
      const seg = Math.max(0, p.start - t);
      if (want <= seg) return t + want;
      want -= seg;
      t = Math.max(t, p.end);
    }
    return Math.min(b, t + want);
  };

  // boundary k (1..n-1) = onset of word k. Anchors: index -> [end of word k-1, onset of word k].
  const n = words.length;
  const anchors = new Map<number, TimedSpan>();
  anchors.set(0, { start: vStart, end: vStart });
  anchors.set(n, { start: vEnd, end: vEnd });
  const cum = [0];
  for (const w of weights) cum.push(cum[cum.length - 1]! + w);
  // Longest pauses first: each claims the nearest free boundary between its anchored neighbours.
  for (const p of [...pauses].sort((a, b) => b.end - b.start - (a.end - a.start))) {
    let lo = 0;
    let hi = n;
    for (const k of anchors.keys()) {
      if (anchors.get(k)!.end <= p.start && k > lo) lo = k;
      if (anchors.get(k)!.start >= p.end && k < hi) hi = k;
    }
    if (hi - lo < 2) continue;
    const a = anchors.get(lo)!.end;
    const b = anchors.get(hi)!.start;
    let best = -1;
    let bestDist = Infinity;
    for (let k = lo + 1; k < hi; k++) {
      const est = atVoicedShare(a, b, (cum[k]! - cum[lo]!) / (cum[hi]! - cum[lo]!));
      const d = est < p.start ? p.start - est : est > p.end ? est - p.end : 0;
      if (d < bestDist) {
        bestDist = d;
        best = k;
      }
    }
    if (best > 0 && bestDist <= s.snapDistance) anchors.set(best, { start: p.start, end: p.end });
  }
  const keys = [...anchors.keys()].sort((x, y) => x - y);
  const out: TimedSpan[] = new Array(n);
  for (let i = 0; i + 1 < keys.length; i++) {
    const lo = keys[i]!;
    const hi = keys[i + 1]!;
    const a = anchors.get(lo)!.end;
    const b = Math.max(a, anchors.get(hi)!.start);
    let prev = a;
    for (let k = lo; k < hi; k++) {
      const end = k + 1 === hi ? b : atVoicedShare(a, b, (cum[k + 1]! - cum[lo]!) / (cum[hi]! - cum[lo]!));
      out[k] = { start: prev, end: Math.max(prev, end) };
      prev = end;
    }
  }
  // A word that starts inside a pause (boundary not anchored) starts at the pause's end.
  for (const w of out) {
    for (const p of pauses) if (w.start > p.start && w.start < p.end) w.start = Math.min(p.end, w.end);
  }
  return out;
}

/** Words spread over [start, end] in proportion to their weights. */
export function splitByWeight(weights: number[], start: number, end: number): TimedSpan[] {
  const total = weights.reduce((a, b) => a + b, 0);
  let t = start;
  return weights.map((w) => {
    const span = { start: t, end: t + ((end - start) * w) / total };
    t = span.end;
    return span;
  });
}
