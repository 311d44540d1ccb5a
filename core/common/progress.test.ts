import { describe, expect, it } from 'vitest';
import { ProgressTracker, type ProgressEvent } from './progress.js';

describe('ProgressTracker', () => {
  it('reports rate, stage ETA and an overall ETA that counts later stages', () => {
    let t = 0;
    const events: ProgressEvent[] = [];
    const tracker = new ProgressTracker(
      [
        { id: 'analyze', weight: 1, unit: 'seconds' },
        { id: 'encode', weight: 3, unit: 'frames' },
      ],
      (e) => events.push(e),
      () => t,
      0,
    );
    tracker.update('analyze', 0, 10);
    t = 1;
    const e = tracker.update('analyze', 5, 10)!;
    expect(e.fps).toBe(5);
    expect(e.stageEta).toBe(1);
    // 1 s of wall time did half of a weight-1 stage: the weight-3 stage after it is estimated at 6 s.
    expect(e.eta).toBe(7);
    expect(e.fraction).toBe(0.125);
    expect(e.stageIndex).toBe(1);
    t = 2;
    const f = tracker.update('encode', 30, 90)!;
    expect(f.stageIndex).toBe(2);
    expect(f.fraction).toBeCloseTo(0.25 + 0.75 / 3, 3);
  });

  it('times a stage that has just started, and is still slow to get going, by the stages before it', () => {
    let t = 0;
    const tracker = new ProgressTracker(
      [
        { id: 'audio', weight: 1, unit: 'seconds' },
        { id: 'encode', weight: 10, unit: 'frames' },
      ],
      undefined,
      () => t,
      0,
    );
    tracker.update('audio', 0, 10);
    t = 2;
    tracker.update('audio', 10, 10); // 2 s for a weight of 1
    tracker.update('encode', 0, 100);
    t = 3;
    // The encoder's first second did 1 frame of 100 (start-up): its own rate would say 99 s; the
    // audio's 2 s per unit of weight says 10 x 0.99 x 2.
    expect(tracker.update('encode', 1, 100)!.eta).toBeCloseTo(19.8, 1);
    t = 10;
    // Settled (over 3 s and 5 %), the stage's own recent rate rules: 40 frames in the last 3 s or so.
    const late = tracker.update('encode', 40, 100)!;
    expect(late.eta).toBeCloseTo(late.stageEta!, 5);
  });

  it('rate-limits events unless forced', () => {
    let t = 0;
    const events: ProgressEvent[] = [];
    const tracker = new ProgressTracker([{ id: 'encode', weight: 1, unit: 'frames' }], (e) => events.push(e), () => t, 0.5);
    tracker.update('encode', 1, 10);
    t = 0.1;
    tracker.update('encode', 2, 10);
    tracker.update('encode', 10, 10, true);
    expect(events.map((e) => e.done)).toEqual([1, 10]);
  });
});
