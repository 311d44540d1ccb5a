/** Word-onset error: every reference word counts; substitutions are timed, deletions are misses. */
import { describe, expect, it } from 'vitest';
import { onsetErrors } from './onset-error.js';

describe('onsetErrors', () => {
  const ref = [
    { text: 'The', start: 0.5 },
    { text: 'quick', start: 0.9 },
    { text: 'brown', start: 1.3 },
    { text: 'fox.', start: 1.9 },
  ];

  it('times matches and substitutions, and counts a deleted word as a miss', () => {
    const hyp = [
      { text: 'A', start: 0.52 }, // substitution, on time
      { text: 'quick', start: 1.2 }, // match, 300 ms late
      { text: 'fox', start: 1.95 }, // match ("brown" deleted)
    ];
    const r = onsetErrors(ref, hyp);
    expect(r.referenceWords).toBe(4);
    expect(r.matched).toBe(2);
    expect(r.aligned).toBe(3);
    expect(r.exact).toEqual([false, true, true]);
    expect(r.errors.map((e) => Math.round(e * 1000))).toEqual([20, 300, 50]);
    expect(r.withinTolerance).toBeCloseTo(2 / 4, 9);
    expect(r.withinMatched).toBeCloseTo(1 / 2, 9);
    expect(r.median).toBeCloseTo(0.05, 9);
  });

  it('ignores inserted words and gives no credit for an empty hypothesis', () => {
    const r = onsetErrors(ref, [{ text: 'um', start: 0.1 }, ...ref.map((w) => ({ ...w, start: w.start + 0.01 }))]);
    expect(r.aligned).toBe(4);
    expect(r.withinTolerance).toBe(1);
    const none = onsetErrors(ref, []);
    expect(none.withinTolerance).toBe(0);
    expect(none.median).toBeNaN();
  });
});
