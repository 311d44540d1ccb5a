import { beforeAll, describe, expect, it } from 'vitest';
import { parseWindowTokens } from './whisper-segments.js';
import { hypothesisLogprobs } from './whisper-scores.js';
import { WhisperTokenizer } from './whisper-tokenizer.js';
import { preparedWhisper } from './whisper-test-support.js';

let tok: WhisperTokenizer;
beforeAll(async () => {
  tok = await WhisperTokenizer.fromFile((await preparedWhisper()).vocab);
}, 120_000);

const ts = (s: number) => 50363 + Math.round(s / 0.02);
const EOT = 50256;
const AND_MR = [843, 1770, 13]; // " And Mr."
const JOHN = [1757]; // " John"

describe('parseWindowTokens', () => {
  it('splits at paired timestamps', () => {
    const p = parseWindowTokens(tok, [ts(0), ...AND_MR, ts(1.5), ts(1.5), ...JOHN, ts(2.4), EOT], undefined, 3);
    expect(p.noSpeech).toBe(false);
    expect(p.truncated).toBe(false);
    expect(p.consumedUntil).toBe(3);
    expect(p.segments).toEqual([
      { start: 0, end: 1.5, text: 'And Mr.', tokens: AND_MR },
      { start: 1.5, end: 2.4, text: 'John', tokens: JOHN },
    ]);
  });

  it('ends an open segment at the window end and clamps timestamps to the window', () => {
    const p = parseWindowTokens(tok, [ts(0.4), ...AND_MR, ts(9), ts(9), ...JOHN, EOT], undefined, 5);
    expect(p.segments.map((s) => [s.start, s.end])).toEqual([
      [0.4, 5],
      [5, 5],
    ]);
  });

  it('starts text before any timestamp at 0 and flags a run that hit the token limit', () => {
    const p = parseWindowTokens(tok, [...AND_MR, ...JOHN], undefined, 2);
    expect(p.truncated).toBe(true);
    expect(p.segments).toEqual([{ start: 0, end: 2, text: 'And Mr. John', tokens: [...AND_MR, ...JOHN] }]);
  });

  it('reads <|nocaptions|> first as no speech', () => {
    expect(parseWindowTokens(tok, [50361, EOT], [-0.2, -0.01], 5)).toEqual({ segments: [], noSpeech: true, truncated: false, consumedUntil: 5 });
  });

  it('leaves a segment opened but not said for the next window', () => {
    const p = parseWindowTokens(tok, [ts(0), ...AND_MR, ts(26.28), ts(26.28), EOT], undefined, 29.2);
    expect(p.segments.map((s) => s.text)).toEqual(['And Mr.']);
    expect(p.consumedUntil).toBe(26.28);
    // a closing timestamp alone before the end: the whole window is done
    expect(parseWindowTokens(tok, [ts(0), ...AND_MR, ts(28.08), EOT], undefined, 29.2).consumedUntil).toBe(29.2);
  });

  it('gives a confidence from the text tokens only', () => {
    const lp = [-1.3, Math.log(0.9), Math.log(0.8), Math.log(0.7), -2.5, -0.1];
    const p = parseWindowTokens(tok, [ts(0), ...AND_MR, ts(1), EOT], lp, 3);
    expect(p.segments[0]!.confidence).toBeCloseTo(Math.cbrt(0.9 * 0.8 * 0.7), 6);
    expect(parseWindowTokens(tok, [ts(0), ...AND_MR, ts(1), EOT], undefined, 3).segments[0]!.confidence).toBeUndefined();
  });
});

describe('hypothesisLogprobs', () => {
  it('follows the hypothesis through reordered beams', () => {
    // vocab of 4 (token 3 = EOT), 2 beams, 3 steps; hypothesis = [1, 2, 3]
    const V = 4;
    const B = 2;
    const s = new Float32Array(3 * B * V).fill(-100);
    const set = (t: number, b: number, v: number, x: number) => (s[t * B * V + b * V + v] = x);
    // step 0: only beam 0 is live; best candidates: token 0 (-0.5), token 1 (-0.7)
    set(0, 0, 0, -0.5);
    set(0, 0, 1, -0.7);
    set(0, 1, 0, -1e9);
    // step 1: beam 0 = prefix [0] (cum -0.5), beam 1 = prefix [1] (cum -0.7); [1, 2] wins
    set(1, 0, 0, -3);
    set(1, 1, 2, -0.9);
    set(1, 0, 1, -2);
    // step 2: beams ordered by score: [1,2] (-0.9) is beam 0; it ends with EOT
    set(2, 0, 3, -1.0);
    set(2, 1, 0, -2.5);
    const lp = hypothesisLogprobs(s, B, V, [1, 2, 3], 3);
    expect(Array.from(lp).map((x) => Math.round(x * 1e4) / 1e4)).toEqual([-0.7, -0.2, -0.1]);
  });
});
