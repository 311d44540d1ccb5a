import { describe, expect, it } from 'vitest';
import { BatchEta } from './batch-progress.js';
import { renderBar } from './progress-view.js';
import type { ProgressEvent } from '../core/common/progress.js';

const event = (fraction: number, eta: number | null): ProgressEvent => ({ stage: 'encode', stageIndex: 1, stageCount: 1, done: fraction * 100, total: 100, unit: 'frames', fps: 10, stageEta: eta, eta, fraction });

describe('batch progress', () => {
  it('times the waiting clips at the rate the batch has shown', () => {
    let now = 100;
    const b = new BatchEta(['a.mp4', 'b.mp4', 'c.mp4'], () => now);
    b.setDuration(0, 10);
    b.setDuration(1, 20);
    // Until every waiting clip's length is known the batch's time left is unknown.
    expect(b.position(0, event(0.5, 5)).batchEta).toBeNull();
    b.setDuration(2, 30);
    // 5 s of media in 5 s of wall: the 50 s waiting take 50 s, plus the clip's own 5 s.
    now = 105;
    expect(b.position(0, event(0.5, 5))).toEqual({ clip: 1, clips: 3, input: 'a.mp4', batchEta: 55 });
    now = 110;
    b.finish(0, true);
    // Second clip: 10 + 5 s of media in 20 s, so the waiting 30 s take 40 s (to a tenth, like a clip's own ETA).
    now = 120;
    expect(b.position(1, event(0.25, 15)).batchEta).toBe(55);
    // The last clip's time left is its own.
    b.finish(1, true);
    expect(b.position(2, event(0.1, 27)).batchEta).toBe(27);
  });

  it('counts a failed clip as time spent, not as media done', () => {
    let now = 0;
    const b = new BatchEta(['bad.mp4', 'b.mp4', 'c.mp4'], () => now);
    [0, 20, 20].forEach((d, i) => b.setDuration(i, d));
    now = 2;
    b.finish(0, false);
    now = 12;
    // 10 s of media in 12 s of wall (the failure's 2 s included): the waiting 20 s take 24 s.
    expect(b.position(1, event(0.5, 10)).batchEta).toBe(34);
    // No ETA of the clip's own yet: none for the batch either.
    expect(b.position(1, event(0.5, null)).batchEta).toBeNull();
  });

  it('shows the clip and the time left for all clips on the terminal bar', () => {
    const line = renderBar(event(0.5, 2.5), 10, { clip: 2, clips: 5, input: 'b.mp4', batchEta: 125 });
    expect(line).toBe('clip 2/5  █████░░░░░  50%  [1/1] encode  50/100 fr  10.0 fps  ETA 0:03  (all clips 2:05)');
  });

  it('shows no rate for a stage that finished at once (a cached motion analysis), rather than 0.0 fps', () => {
    const cached: ProgressEvent = { ...event(0.4, 12), stage: 'stabilize-analyze', done: 250, total: 250, fps: 0 };
    expect(renderBar(cached, 10)).toBe('████░░░░░░  40%  [1/1] stabilize-analyze  250/250 fr  ETA 0:12');
    expect(renderBar({ ...cached, unit: 'seconds', done: 9.5, total: 10, fps: 0 }, 10)).toBe('████░░░░░░  40%  [1/1] stabilize-analyze  9.5/10.0 s  ETA 0:12');
  });
});
