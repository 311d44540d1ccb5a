/**
 * Word times inside a Whisper segment. The recogniser only gives segment times (0.02 s grid,
 * often a few hundred ms loose), so each word's onset is found in the audio itself:
 *  1. the segment is tightened to its voiced span (frames whose energy is well above the local
 *     noise floor); unvoiced runs of 70 ms or more inside it are pauses;
 *  2. energy onsets are found: the end of each dip in the envelope (a pause, a gap between words,
 *     a stop closure, a syllable boundary), scored by its depth in dB;
 *  3. the word boundaries are placed by dynamic programming (a segmental alignment): each word's
 *     voiced duration should be near its share of the voiced time in proportion to its length
 *     (log-normal cost), a boundary that lands on an onset earns a reward growing with the dip's
 *     depth, and a pause inside a word costs. With no dips in the audio this is the plain
 *     length-weighted split; with clear gaps the boundaries lock onto them, and an error in one
 *     word's length estimate does not push every later word off.
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
  /** Shortest unvoiced run taken as a pause, seconds. */
  minPause: number;
  /** Voiced = above the noise floor by this share of the floor-to-peak range (0..1). */
  voicedRatio: number;
  /** Spread of a word's voiced duration around its length-based estimate (sd of the log ratio). */
  durationSpread: number;
  /** Reward, in units of the duration cost, for a boundary on an onset of full depth. */
  onsetReward: number;
  /** Dip depth (dB) that earns the full reward; shallower dips earn a share of it. */
  fullDepth: number;
  /** Dips shallower than this (dB) are not onsets. */
  minDepth: number;
  /** Cost of 100 ms of pause inside one word. */
  pauseCost: number;
  /** Resolution of the boundary search, seconds. */
  gridStep: number;
  /** A boundary is searched within this much voiced time of its length-based estimate: max(seconds, share of the segment). */
  searchBand: [number, number];
}

export const DEFAULT_WORD_TIMING: WordTimingSettings = { minPause: 0.07, voicedRatio: 0.3, durationSpread: 0.5, onsetReward: 2, fullDepth: 20, minDepth: 3, pauseCost: 1, gridStep: 0.02, searchBand: [2, 0.25] };

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

export interface EnergyOnset {
  /** Seconds: where the energy starts rising again after the dip. */
  time: number;
  /** How far the dip falls below the lower of the peaks on either side (within 120 ms), dB. */
  depth: number;
}

/**
 * Onsets in [from, to]: the end of every dip in the envelope (after its last, lowest frame),
 * at least `minDepth` dB deep, the deepest kept where two lie within 60 ms. Digital silence counts as 40 dB below the
 * quietest 10 % of the envelope, so a pause is a deep dip but not an infinitely deep one.
 */
export function energyOnsets(env: EnergyEnvelope, from: number, to: number, minDepth = DEFAULT_WORD_TIMING.minDepth): EnergyOnset[] {
  const n = env.db.length;
  const floor = percentile(env.db, 0.1);
  const e = (f: number) => Math.max(env.db[Math.min(n - 1, Math.max(0, f))]!, floor - 40);
  const reach = Math.round(0.12 / env.hop);
  const f0 = Math.max(1, Math.ceil((from - env.start) / env.hop));
  const f1 = Math.min(n - 2, Math.floor((to - env.start) / env.hop));
  const found: EnergyOnset[] = [];
  for (let f = f0; f <= f1; f++) {
    const v = e(f);
    if (!(v <= e(f - 1) && v < e(f + 1))) continue;
    // The left peak is looked for before the flat floor of the dip (a pause may be long).
    let g = f;
    while (g > 0 && e(g - 1) <= v + 1) g--;
    let left = v;
    let right = v;
    for (let k = 1; k <= reach; k++) {
      left = Math.max(left, e(g - k));
      right = Math.max(right, e(f + k));
    }
    const depth = Math.min(left, right) - v;
    if (depth < minDepth) continue;
    const time = env.start + (f + 1) * env.hop;
    const prev = found.at(-1);
    if (prev && time - prev.time < 0.06) {
      if (depth > prev.depth) found[found.length - 1] = { time, depth };
    } else found.push({ time, depth });
  }
  return found;
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
  const vEnd = Math.max(vStart, Math.min(times[last]! + hop / 2, limit.end));
  const n = words.length;
  if (n === 1) return [{ start: vStart, end: vEnd }];
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
  // The grid: candidate boundary times every gridStep; voiced time before each.
  const P = Math.max(n, Math.round((vEnd - vStart) / s.gridStep));
  const step = (vEnd - vStart) / P;
  const at = (p: number) => vStart + p * step;
  const pausedBefore = (t: number) => pauses.reduce((a, q) => a + Math.max(0, Math.min(t, q.end) - q.start), 0);
  const V = Float64Array.from({ length: P + 1 }, (_, p) => at(p) - vStart - pausedBefore(at(p)));
  const reward = new Float64Array(P + 1);
  for (const o of energyOnsets(env, vStart + hop, vEnd - hop, s.minDepth)) {
    const p = Math.round((o.time - vStart) / step);
    if (p > 0 && p < P) reward[p] = Math.max(reward[p]!, s.onsetReward * Math.min(1, o.depth / s.fullDepth));
  }
  // Pause time inside (q, p), not counting pauses at either edge (they separate words), from
  // prefix sums: firstAfter[q] = first pause starting after at(q) + hop, lastBefore[p] = last
  // pause ending before at(p) - hop.
  const pauseSum = [0];
  for (const x of pauses) pauseSum.push(pauseSum.at(-1)! + x.end - x.start);
  const firstAfter = new Int32Array(P + 1);
  const lastBefore = new Int32Array(P + 1);
  for (let p = 0, a = 0, b = 0; p <= P; p++) {
    while (a < pauses.length && pauses[a]!.start <= at(p) + hop) a++;
    while (b < pauses.length && pauses[b]!.end < at(p) - hop) b++;
    firstAfter[p] = a;
    lastBefore[p] = b; // exclusive
  }
  const innerPause = (q: number, p: number): number => (lastBefore[p]! > firstAfter[q]! ? pauseSum[lastBefore[p]!]! - pauseSum[firstAfter[q]!]! : 0);
  const totalW = weights.reduce((a, b) => a + b, 0);
  const mu = weights.map((w) => Math.max(0.03, (V[P]! * w) / totalW));
  const minDur = Math.min(0.03, V[P]! / n / 2);
  const wordCost = (k: number, q: number, p: number): number => {
    const d = V[p]! - V[q]!;
    if (d < minDur) return Infinity;
    const r = Math.log(d / mu[k]!) / s.durationSpread;
    return 0.5 * r * r + (s.pauseCost * innerPause(q, p)) / 0.1;
  };
  // cost[k][p]: best cost of words 0..k-1 with word k starting at p; from[k][p]: word k-1's start.
  const band = Math.max(s.searchBand[0], s.searchBand[1] * V[P]!);
  const cost: Float64Array[] = [Float64Array.from({ length: P + 1 }, (_, p) => (p === 0 ? 0 : Infinity))];
  const from: Int32Array[] = [new Int32Array(P + 1)];
  for (let k = 1, lo = 0, cumW = 0; k <= n; k++) {
    const c = new Float64Array(P + 1).fill(Infinity);
    const b = new Int32Array(P + 1).fill(-1);
    const prev = cost[k - 1]!;
    const maxD = mu[k - 1]! * Math.exp(3 * s.durationSpread); // beyond 3 sd: never chosen
    cumW += weights[k - 1]!;
    const expected = (V[P]! * cumW) / totalW;
    while (lo < P && V[lo]! < expected - band) lo++;
    const pFrom = k === n ? P : Math.max(k, lo);
    for (let p = pFrom; p <= (k === n ? P : P - (n - k)) && V[p]! <= expected + band; p++) {
      for (let q = p - 1; q >= k - 1; q--) {
        if (V[p]! - V[q]! > maxD) break;
        if (prev[q] === Infinity) continue;
        const v = prev[q]! + wordCost(k - 1, q, p) - (k < n ? reward[p]! : 0);
        if (v < c[p]!) {
          c[p] = v;
          b[p] = q;
        }
      }
    }
    cost.push(c);
    from.push(b);
  }
  if (cost[n]![P] === Infinity) return splitByWeight(weights, vStart, vEnd);
  const bounds = new Array<number>(n + 1);
  bounds[n] = P;
  for (let k = n; k > 0; k--) bounds[k - 1] = from[k]![bounds[k]!]!;
  const out: TimedSpan[] = [];
  for (let k = 0; k < n; k++) {
    let start = at(bounds[k]!);
    let end = at(bounds[k + 1]!);
    // A word starting inside a pause starts at its end; one ending after a pause ends at its start.
    for (const x of pauses) {
      if (start >= x.start - 1e-9 && start < x.end) start = x.end;
      if (end > x.start && end <= x.end + hop + 1e-9) end = x.start;
    }
    out.push({ start, end: Math.max(start, end) });
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
