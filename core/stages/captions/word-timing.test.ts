/** Word timing from the energy envelope: onsets at dips, a duration prior between them. */
import { describe, expect, it } from 'vitest';
import { energyEnvelope, energyOnsets, splitByWeight, timeWords, wordWeight, type EnergyEnvelope } from './word-timing.js';

const SR = 16000;

/** Seeded noise bursts ("words") of the given lengths, separated by gaps; levels in dBFS. */
function speechLike(parts: { seconds: number; db: number }[], seed = 3): Float32Array {
  let s = seed;
  const rand = (): number => ((s = (s * 1103515245 + 12345) % 2147483648) / 2147483648) * 2 - 1;
  const out = new Float32Array(Math.round(parts.reduce((a, p) => a + p.seconds, 0) * SR));
  let o = 0;
  for (const p of parts) {
    const n = Math.round(p.seconds * SR);
    const amp = 10 ** (p.db / 20) * Math.sqrt(3);
    // Each burst rises and falls over 15 ms, like a syllable.
    for (let i = 0; i < n; i++) out[o + i] = p.db <= -99 ? 0 : rand() * amp * Math.min(1, i / 240, (n - i) / 240);
    o += n;
  }
  return out;
}

/** Envelope with an onset of each word after leading silence; returns the true onsets too. */
function sentence(words: number[], gaps: number[], lead = 0.5): { env: EnergyEnvelope; onsets: number[]; end: number } {
  const parts: { seconds: number; db: number }[] = [{ seconds: lead, db: -100 }];
  const onsets: number[] = [];
  let t = lead;
  words.forEach((w, i) => {
    onsets.push(t);
    parts.push({ seconds: w, db: -20 });
    t += w;
    if (i + 1 < words.length) {
      parts.push({ seconds: gaps[i]!, db: -100 });
      t += gaps[i]!;
    }
  });
  parts.push({ seconds: 0.5, db: -100 });
  return { env: energyEnvelope(speechLike(parts)), onsets, end: t };
}

describe('energyOnsets', () => {
  it('finds the end of each gap, also after a long pause', () => {
    const { env, onsets } = sentence([0.4, 0.3, 0.5], [0.03, 0.6]);
    const found = energyOnsets(env, 0.6, 2.5).filter((o) => o.depth >= 20);
    expect(found.map((o) => o.time)).toHaveLength(2);
    found.forEach((o, i) => expect(Math.abs(o.time - onsets[i + 1]!)).toBeLessThan(0.025));
  });

  it('finds nothing in steady sound', () => {
    const env = energyEnvelope(speechLike([{ seconds: 2, db: -20 }]));
    expect(energyOnsets(env, 0.1, 1.9)).toEqual([]);
  });
});

describe('timeWords', () => {
  it('splits by length when the audio shows no boundaries', () => {
    const env = energyEnvelope(speechLike([{ seconds: 0.5, db: -100 }, { seconds: 2, db: -20 }, { seconds: 0.5, db: -100 }]));
    const words = ['one', 'three', 'elephants'];
    const spans = timeWords(words, { start: 0.4, end: 2.6 }, env);
    const expected = splitByWeight(words.map(wordWeight), 0.5, 2.5);
    spans.forEach((s, i) => {
      expect(s.start).toBeCloseTo(expected[i]!.start, 1);
      expect(s.end).toBeCloseTo(expected[i]!.end, 1);
    });
  });

  it('puts onsets on short gaps although the word lengths mislead', () => {
    // "a" spoken long, "caption" short: a length split would be 150-250 ms off.
    const words = ['a', 'good', 'caption', 'today'];
    const { env, onsets, end } = sentence([0.35, 0.3, 0.35, 0.45], [0.03, 0.04, 0.02]);
    const spans = timeWords(words, { start: 0.3, end: end + 0.2 }, env);
    spans.forEach((s, i) => expect(Math.abs(s.start - onsets[i]!)).toBeLessThan(0.03));
    const naive = splitByWeight(words.map(wordWeight), 0.5, end);
    expect(Math.max(...naive.map((s, i) => Math.abs(s.start - onsets[i]!)))).toBeGreaterThan(0.12);
  });

  it('starts a word after a pause at its end and ends the word before at its start', () => {
    const { env, onsets } = sentence([0.4, 0.4], [0.5]);
    const [a, b] = timeWords(['hello', 'world'], { start: 0.4, end: 2.0 }, env);
    expect(Math.abs(b!.start - onsets[1]!)).toBeLessThan(0.03);
    expect(Math.abs(a!.end - 0.9)).toBeLessThan(0.03);
    expect(a!.start).toBeCloseTo(0.5, 1);
  });

  it('keeps the words in order, inside the segment, for many words', () => {
    const n = 40;
    const { env, end } = sentence(Array(n).fill(0.25), Array(n - 1).fill(0.01));
    const words = Array.from({ length: n }, (_, i) => ['the', 'remarkable', 'of', 'cat'][i % 4]!);
    const spans = timeWords(words, { start: 0.5, end }, env);
    expect(spans).toHaveLength(n);
    spans.forEach((s, i) => {
      expect(s.end).toBeGreaterThanOrEqual(s.start);
      if (i) expect(s.start).toBeGreaterThanOrEqual(spans[i - 1]!.end - 1e-9);
    });
    expect(spans[0]!.start).toBeGreaterThanOrEqual(0.5 - 0.02);
    expect(spans.at(-1)!.end).toBeLessThanOrEqual(end + 0.02);
  });

  it('falls back to the segment when nothing is voiced', () => {
    const env = energyEnvelope(new Float32Array(SR * 2));
    const spans = timeWords(['no', 'voice'], { start: 0.2, end: 1.2 }, env);
    expect(spans[0]!.start).toBe(0.2);
    expect(spans[1]!.end).toBeCloseTo(1.2, 6);
  });
});
