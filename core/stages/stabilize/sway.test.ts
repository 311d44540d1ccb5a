import { describe, expect, it } from 'vitest';
import type { FrameMotion } from './motion.js';
import { measureSway, MIN_SWAY, sways, SWAY_RATIO } from './sway.js';

/** Motion of a camera whose content sits at (x(t), y(t)) (normalized units) at 30 fps. */
function moving(frames: number, x: (t: number) => number, y: (t: number) => number = () => 0): FrameMotion[] {
  return Array.from({ length: frames }, (_, t) => ({ a: 1, b: 0, tx: t ? x(t) - x(t - 1) : 0, ty: t ? y(t) - y(t - 1) : 0, reliable: true, inliers: t ? 50 : 0 }));
}

const jitter = (t: number): number => 0.004 * Math.sin(t * 1.7) + 0.003 * Math.cos(t * 2.9);
const FPS = 30;

describe('sway detection', () => {
  it('sees a slow sway larger than the shake on it', () => {
    // 16 px at 640 with a 5 s period, and a smaller one on y.
    const motion = moving(300, (t) => 0.05 * Math.sin((2 * Math.PI * t) / 150) + jitter(t), (t) => 0.03 * Math.sin((2 * Math.PI * t) / 110 + 1) + jitter(t + 7));
    const s = measureSway(motion, FPS, 0.5)!;
    expect(s.ratio).toBeGreaterThan(2 * SWAY_RATIO);
    expect(s.slow).toBeGreaterThan(MIN_SWAY);
    expect(sways(motion, FPS, 0.5)).toBe(true);
  });

  it('does not see one in shake alone, or in a steady pan with shake (the default path follows pans)', () => {
    expect(measureSway(moving(300, jitter), FPS, 0.5)!.ratio).toBeLessThan(0.3 * SWAY_RATIO);
    const pan = moving(300, (t) => 0.004 * t + jitter(t), (t) => -0.001 * t + jitter(t + 3));
    expect(measureSway(pan, FPS, 0.5)!.ratio).toBeLessThan(0.3 * SWAY_RATIO);
    expect(sways(pan, FPS, 0.5)).toBe(false);
  });

  it('leaves a small drift to be held still, and cannot judge a clip a few σ long or a camera that never moves', () => {
    const drift = moving(300, (t) => 0.006 * Math.sin((2 * Math.PI * t) / 150) + jitter(t) / 10);
    expect(measureSway(drift, FPS, 0.5)!.ratio).toBeGreaterThan(SWAY_RATIO);
    expect(sways(drift, FPS, 0.5)).toBe(false);
    expect(measureSway(moving(60, (t) => 0.05 * Math.sin(t / 20)), FPS, 0.5)).toBeUndefined();
    expect(measureSway(moving(300, () => 0), FPS, 0.5)).toBeUndefined();
  });
});
