import { describe, expect, it } from 'vitest';
import { corpusWer, normalizeText, wordErrorRate } from './wer.js';

describe('WER', () => {
  it('normalises case, punctuation, hyphens and titles', () => {
    expect(normalizeText('  And Mr. John  Dashwood, ill-disposed!  ')).toBe('and mister john dashwood ill disposed');
  });
  it('counts substitutions, deletions and insertions', () => {
    expect(wordErrorRate('a b c d', 'a x c d').errors).toBe(1);
    expect(wordErrorRate('a b c d', 'a c d').errors).toBe(1);
    expect(wordErrorRate('a b c d', 'a b c d e').wer).toBe(0.25);
    expect(wordErrorRate('cold hearted', 'coldhearted').errors).toBe(2);
    expect(wordErrorRate('', '').wer).toBe(0);
  });
  it('pools errors over a corpus', () => {
    expect(corpusWer([{ reference: 'a b', hypothesis: 'a' }, { reference: 'c d e f', hypothesis: 'c d e f' }]).wer).toBeCloseTo(1 / 6);
  });
});
