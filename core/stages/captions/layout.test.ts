import { describe, expect, it } from 'vitest';
import { BROADCAST_LAYOUT, checkCaptionLayout, layoutCaptions, timeCues, VERTICAL_LAYOUT, type CaptionCue } from './layout.js';
import type { TranscriptWord } from './transcript.js';

/** Words at a speaking rate (seconds per character), with a pause after sentence ends. */
function speak(text: string, opts: { secondsPerChar?: number; seed?: number; start?: number } = {}): TranscriptWord[] {
  const spc = opts.secondsPerChar ?? 0.065;
  let s = opts.seed ?? 7;
  const rand = () => ((s = (s * 1103515245 + 12345) >>> 0) / 2 ** 32);
  let t = opts.start ?? 0.4;
  return text.split(/\s+/).filter(Boolean).map((w) => {
    const d = (w.length + 1) * spc * (0.8 + 0.4 * rand());
    const word = { text: w, start: t, end: t + d };
    t += d + (/[.!?]$/.test(w) ? 0.5 + rand() : /,$/.test(w) ? 0.2 : 0.02);
    return word;
  });
}

const STORY =
  'And Mr. John Dashwood had then leisure to consider how much there might be prudently in his power to do for them. He was not an ill-disposed young man, unless to be rather cold-hearted and rather selfish is to be ill-disposed: but he was, in general, well respected; for he conducted himself with propriety in the discharge of his ordinary duties. Had he married a more amiable woman, he might have been made still more respectable than he was; he might even have been made amiable himself, for he was very young when he married, and very fond of his wife. But Mrs. John Dashwood was a strong caricature of himself; more narrow-minded and selfish. The quick brown fox jumps over the lazy dog near the old stone bridge at the edge of the village.';

describe('layoutCaptions', () => {
  it('puts every word in exactly one cue, in order', () => {
    const words = speak(STORY);
    const cues = layoutCaptions(words);
    expect(cues.flatMap((c) => c.words)).toEqual(words);
    expect(cues.flatMap((c) => c.lines.join(' ').split(' '))).toEqual(words.map((w) => w.text));
  });

  for (const [name, settings] of Object.entries({ broadcast: BROADCAST_LAYOUT, vertical: VERTICAL_LAYOUT })) {
    it(`gives cues that pass every rule (${name}) at several speaking rates`, () => {
      for (const [secondsPerChar, seed] of [
        [0.055, 1],
        [0.065, 2],
        [0.08, 3],
        [0.1, 4],
      ] as const) {
        const words = speak(STORY, { secondsPerChar, seed });
        const cues = layoutCaptions(words, settings, words.at(-1)!.end + 3);
        expect(checkCaptionLayout(cues, settings)).toEqual([]);
      }
    });
  }

  it('uses shorter lines in the vertical preset', () => {
    const cues = layoutCaptions(speak(STORY), VERTICAL_LAYOUT);
    expect(Math.max(...cues.flatMap((c) => c.lines.map((l) => l.length)))).toBeLessThanOrEqual(24);
    expect(Math.max(...layoutCaptions(speak(STORY)).flatMap((c) => c.lines.map((l) => l.length)))).toBeGreaterThan(24);
  });

  it('breaks at sentence ends rather than running sentences together', () => {
    const cues = layoutCaptions(speak('I came home late. The dog was asleep on the sofa. Nobody else was awake.'));
    for (const c of cues) expect(c.lines.join(' ')).toMatch(/[.]$/);
  });

  it('never separates an article from its noun, across lines or cues', () => {
    for (let seed = 1; seed < 20; seed++) {
      const words = speak(STORY, { seed, secondsPerChar: 0.05 + seed * 0.003 });
      for (const c of layoutCaptions(words)) for (const l of c.lines) expect(l).not.toMatch(/\b(a|an|the)$/i);
    }
  });

  it('keeps short words on screen long enough and the last cue inside the media', () => {
    const words = [{ text: 'Hi.', start: 1, end: 1.2 }];
    const [c] = layoutCaptions(words, {}, 1.5);
    expect(c!.end).toBeLessThanOrEqual(1.5);
    expect(c!.end - c!.start).toBeGreaterThanOrEqual(5 / 6 - 1e-3) // millisecond precision, as in the files;
    expect(layoutCaptions([])).toEqual([]);
  });
});

describe('checkCaptionLayout', () => {
  const cue = (start: number, end: number, ...lines: string[]): CaptionCue => ({ start, end, lines, words: [] });
  it('reports each broken rule for the cue that breaks it', () => {
    const v = checkCaptionLayout([
      cue(0, 0.5, 'Too short'),
      cue(0.51, 9, 'This line is far too long to fit on a single caption line', 'two', 'three'),
      cue(8.9, 10, 'Overlap and the'),
      cue(10.02, 11, 'a cat'),
      cue(12, 13, 'fast fast fast fast fast fast fast fast fast fast'),
    ]);
    const rules = v.map((x) => `${x.cue}:${x.rule}`);
    expect(rules).toEqual(expect.arrayContaining(['0:min-duration', '0:gap', '1:line-length', '1:line-count', '1:max-duration', '1:overlap', '2:article-break', '2:gap', '4:reading-speed']));
    expect(rules).not.toContain('3:article-break');
  });

  it('takes reading time from the cue before when the input ends right after the last cue', () => {
    // The second cue needs 1.71 s and the input ends 1.76 s after its first word; the first cue's
    // last word runs up to it, so the first cue ends early enough for the 2-frame gap.
    const cues = timeCues(
      [
        { start: 2.0, end: 4.29, lines: ['He might have been made still'], words: [] },
        { start: 4.29, end: 5.77, lines: ['more respectable than he was.'], words: [] },
      ],
      BROADCAST_LAYOUT,
      6.05,
    );
    expect(checkCaptionLayout(cues)).toEqual([]);
    expect(cues[1]!.start).toBe(4.29);
    // With no slack in the first cue, the second one starts late (never before its first word).
    const tight = timeCues([{ ...cues[0]!, start: 2.6 }, { start: 4.29, end: 5.77, lines: cues[1]!.lines, words: [] }], BROADCAST_LAYOUT, 6.2);
    expect(checkCaptionLayout(tight)).toEqual([]);
    expect(tight[1]!.start).toBeGreaterThan(4.29);
  });
});

