import { describe, expect, it } from 'vitest';
import { followWhilePlaying } from './compare-player';

const player = (currentTime: number, playbackRate = 1) => ({ currentTime, playbackRate });

describe('followWhilePlaying (before/after kept on the after player\u2019s clock)', () => {
  it('leaves a follower within half a frame alone, at normal speed', () => {
    const f = player(1.005, 1.05);
    followWhilePlaying(f, { currentTime: 1 });
    expect(f).toEqual({ currentTime: 1.005, playbackRate: 1 });
  });

  it('takes up a few frames of drift by playing slower or faster, without a seek', () => {
    const ahead = player(1.08);
    followWhilePlaying(ahead, { currentTime: 1 });
    expect(ahead.currentTime).toBe(1.08);
    expect(ahead.playbackRate).toBeLessThan(1);
    const behind = player(0.92);
    followWhilePlaying(behind, { currentTime: 1 });
    expect(behind.currentTime).toBe(0.92);
    expect(behind.playbackRate).toBeGreaterThan(1);
  });

  it('seeks when it is far off (a stall, or the lead looped back to the start)', () => {
    const f = player(2.95, 0.95);
    followWhilePlaying(f, { currentTime: 0.02 });
    expect(f).toEqual({ currentTime: 0.02, playbackRate: 1 });
  });
});
