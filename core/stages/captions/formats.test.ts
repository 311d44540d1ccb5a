import { describe, expect, it } from 'vitest';
import { formatTimestamp, parseSrt, parseTimestamp, parseWebVtt, toSrt, toTranscriptJson, toWebVtt } from './formats.js';
import type { CaptionCue } from './layout.js';
import type { Transcript } from './transcript.js';

const cues: CaptionCue[] = [
  { start: 0.5, end: 2.25, lines: ['And Mr. John Dashwood had then', 'leisure to consider'], words: [] },
  { start: 3661.001, end: 3663.9996, lines: ['<b> & --> fish'], words: [] },
];

describe('caption formats', () => {
  it('formats and parses timestamps', () => {
    expect(formatTimestamp(0, ',')).toBe('00:00:00,000');
    expect(formatTimestamp(3723.4567, '.')).toBe('01:02:03.457');
    expect(formatTimestamp(59.9996, ',')).toBe('00:01:00,000');
    expect(parseTimestamp('01:02:03,457')).toBeCloseTo(3723.457, 6);
    expect(parseTimestamp('02:03.457')).toBeCloseTo(123.457, 6);
    expect(() => parseTimestamp('1:2:3')).toThrow();
  });

  it('writes SRT that parses back to the same cues', () => {
    const srt = toSrt(cues);
    expect(srt.startsWith('1\n00:00:00,500 --> 00:00:02,250\nAnd Mr. John Dashwood had then\nleisure to consider\n\n2\n')).toBe(true);
    expect(parseSrt(srt)).toEqual([
      { start: 0.5, end: 2.25, lines: cues[0]!.lines },
      { start: 3661.001, end: 3664, lines: ['<b> & --> fish'] },
    ]);
  });

  it('writes WebVTT with a header and escaped text that parses back', () => {
    const vtt = toWebVtt(cues);
    expect(vtt.startsWith('WEBVTT\n\n1\n00:00:00.500 --> 00:00:02.250\n')).toBe(true);
    expect(vtt).toContain('&lt;b&gt; &amp; --&gt; fish');
    expect(parseWebVtt(vtt).map((c) => c.lines)).toEqual(cues.map((c) => c.lines));
    expect(() => parseWebVtt('1\n00:00:00.000 --> 00:00:01.000\nx\n')).toThrow(/WEBVTT/);
    expect(toWebVtt([])).toBe('WEBVTT\n\n');
    expect(parseSrt(toSrt([]))).toEqual([]);
  });

  it('flags low-confidence words in the JSON transcript', () => {
    const t: Transcript = {
      duration: 3,
      language: 'en',
      model: 'whisper-tiny-en',
      segments: [{ start: 0.5, end: 1.5, text: 'Hello world.', confidence: 0.7, words: [ { text: 'Hello', start: 0.5, end: 0.9, confidence: 0.95 }, { text: 'world.', start: 0.9, end: 1.5, confidence: 0.3 } ] }],
    };
    const j = toTranscriptJson(t, cues);
    expect(j.format).toBe('clearcut-transcript');
    expect(j.segments[0]!.words.map((w) => w.lowConfidence)).toEqual([false, true]);
    expect(j.cues).toHaveLength(2);
    expect(JSON.parse(JSON.stringify(j))).toEqual(j);
  });
});
