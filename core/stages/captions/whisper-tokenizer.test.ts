import { beforeAll, describe, expect, it } from 'vitest';
import { WhisperTokenizer } from './whisper-tokenizer.js';
import { preparedWhisper } from './whisper-test-support.js';

let tok: WhisperTokenizer;

beforeAll(async () => {
  tok = await WhisperTokenizer.fromFile((await preparedWhisper()).vocab);
}, 120_000);

// What tiny.en generated for test/fixtures/speech/asr-librivox-0870.wav (after the prompt <|startoftranscript|>).
const KNOWN = [
  50363, 843, 1770, 13, 1757, 16189, 3822, 550, 788, 24638, 284, 2074, 703, 881, 612, 1244, 307, 25220, 1473, 50631, 50631, 287, 465,
  1176, 284, 466, 329, 606, 13, 50703, 50256,
];

describe('WhisperTokenizer', () => {
  it('knows the tiny.en special tokens', () => {
    expect(tok.special).toEqual({
      endOfText: 50256,
      startOfTranscript: 50257,
      translate: 50357,
      transcribe: 50358,
      startOfLm: 50359,
      startOfPrev: 50360,
      noSpeech: 50361,
      noTimestamps: 50362,
      timestampBegin: 50363,
      vocabSize: 51864,
    });
  });

  it('decodes known ids to text, dropping or showing special tokens', () => {
    expect(tok.decode(KNOWN)).toBe(' And Mr. John Dashwood had then leisure to consider how much there might be prudently in his power to do for them.');
    expect(tok.decode([50257, ...KNOWN], { skipSpecial: false })).toBe(
      '<|startoftranscript|><|0.00|> And Mr. John Dashwood had then leisure to consider how much there might be prudently' +
        '<|5.36|><|5.36|> in his power to do for them.<|6.80|><|endoftext|>',
    );
  });

  it('round-trips: every text token decodes to a string that maps back to the same id', () => {
    for (const id of KNOWN.filter((i) => tok.isText(i))) {
      expect(tok.singleTokenId(tok.decode([id]))).toBe(id);
    }
    // and a sample across the whole vocabulary (ASCII-only tokens decode to themselves losslessly)
    for (let id = 0; id < tok.special.endOfText; id += 97) {
      const text = tok.decode([id]);
      if (/^[\x20-\x7e]+$/.test(text)) expect(tok.singleTokenId(text)).toBe(id);
    }
    expect(tok.singleTokenId(' Dashwood')).toBeUndefined(); // two tokens: " Dash" + "wood"
  });

  it('joins a character split across tokens at the byte level', () => {
    const first = tok.firstTokenId('♪')!;
    expect(first).toBeDefined();
    const firstBytes = tok.tokenBytes(first);
    const all = new TextEncoder().encode('♪');
    expect(firstBytes.length).toBeLessThan(all.length); // "♪" is not one token in GPT-2's vocabulary
    // the token holding the remaining byte(s)
    const restId = [...Array(tok.special.endOfText).keys()].find((i) => {
      const b = tok.tokenBytes(i);
      return b.length === all.length - firstBytes.length && b.every((x, k) => x === all[firstBytes.length + k]);
    })!;
    expect(restId).toBeDefined();
    expect(tok.decode([first, restId])).toBe('♪');
    expect(tok.decode([first])).toBe('\ufffd'); // half a character alone: replacement char, no throw
  });

  it('maps timestamp tokens to seconds', () => {
    expect(tok.isTimestamp(50362)).toBe(false);
    expect(tok.isTimestamp(50363)).toBe(true);
    expect(tok.timestampSeconds(50363)).toBe(0);
    expect(tok.timestampSeconds(50631)).toBe(5.36);
    expect(tok.timestampSeconds(51863)).toBe(30);
    expect(tok.specialText(50703)).toBe('<|6.80|>');
    expect(() => tok.timestampSeconds(843)).toThrow(RangeError);
  });

  it("computes Whisper's non-speech token list from the vocabulary", () => {
    // openai/whisper tokenizer.non_speech_tokens for the GPT-2 (English-only) vocabulary
    expect(tok.nonSpeechTokenIds()).toEqual([
      1, 2, 7, 8, 9, 10, 14, 25, 26, 27, 28, 29, 31, 58, 59, 60, 61, 62, 63, 90, 91, 92, 93, 357, 366, 438, 532, 685, 705, 796, 930, 1058,
      1220, 1267, 1279, 1303, 1343, 1377, 1391, 1635, 1782, 1875, 2162, 2361, 2488, 3467, 4008, 4211, 4600, 4808, 5299, 5855, 6329, 7203,
      9609, 9959, 10563, 10786, 11420, 11709, 11907, 13163, 13697, 13700, 14808, 15306, 16410, 16791, 17992, 19203, 19510, 20724, 22305,
      22935, 27007, 30109, 30420, 33409, 34949, 40283, 40493, 40549, 47282, 49146,
    ]);
  });
});
