import { describe, expect, it } from 'vitest';
import { MotionAnalyzer, similarityFromFlow } from './flow-fallback.js';
import { apply } from './similarity.js';

const W = 256, H = 160;

/** A smooth analytic scene seen with its content moved by (dx, dy) px: frame(p + d) = scene(p). */
function frame(dx: number, dy: number): Uint8Array {
  const out = new Uint8Array(W * H);
  for (let y = 0; y < H; y++) {
    for (let x = 0; x < W; x++) {
      const u = x - dx, v = y - dy;
      const val = 128 + 45 * Math.sin(u / 7 + 0.8 * Math.sin(v / 11)) * Math.cos(v / 9) + 30 * Math.sin((u + 2 * v) / 13) + 20 * Math.cos((3 * u - v) / 17);
      out[y * W + x] = Math.max(0, Math.min(255, Math.round(val)));
    }
  }
  return out;
}

describe('similarityFromFlow', () => {
  it('fits the camera motion to a flow field and rejects a moving subject', () => {
    const truth = { a: 1.01 * Math.cos(0.02), b: 1.01 * Math.sin(0.02), tx: 2.5, ty: -1.5 };
    const dx = new Float32Array(W * H), dy = new Float32Array(W * H);
    for (let y = 0; y < H; y++) {
      for (let x = 0; x < W; x++) {
        const [u, v] = apply(truth, x, y);
        const subject = x > 150 && x < 230; // a third of the picture walks 6 px right
        dx[y * W + x] = u - x + (subject ? 6 : 0);
        dy[y * W + x] = v - y;
      }
    }
    let s = 5;
    const r = similarityFromFlow({ dx, dy, width: W, height: H }, () => ((s = (s * 16807) % 2147483647) / 2147483647))!;
    expect(r.agreement).toBeGreaterThan(0.55);
    expect(r.agreement).toBeLessThan(0.75);
    for (const k of ['a', 'b', 'tx', 'ty'] as const) expect(Math.abs(r.fit[k] - truth[k])).toBeLessThan(1e-6);
  });
});

describe('MotionAnalyzer', () => {
  it('measures frames that tracking cannot with the learned flow, within 0.35 px (measured 0.28)', async () => {
    // Six corners are fewer than a fit needs, so every pair is "few-inliers" for the tracker.
    const weak = await MotionAnalyzer.create(W, H, { maxFeatures: 6 });
    const without = await MotionAnalyzer.create(W, H, { maxFeatures: 6, learnedFlow: false });
    try {
      const shifts: Array<[number, number]> = [[0, 0], [3.5, -2], [-1.25, 0.75], [-1.25, 0.75]];
      for (const [k, [x, y]] of shifts.entries()) {
        const m = await weak.push(frame(x, y));
        const plain = await without.push(frame(x, y));
        if (k === 0) continue;
        expect(plain).toMatchObject({ reliable: false, reason: 'few-inliers' });
        expect(m).toMatchObject({ reliable: true, source: 'flow' });
        const [px, py] = shifts[k - 1];
        // Normalized units: pixels / (W / 2).
        expect(Math.abs(m.tx * (W / 2) - (x - px))).toBeLessThan(0.35);
        expect(Math.abs(m.ty * (W / 2) - (y - py))).toBeLessThan(0.35);
        expect(Math.abs(Math.hypot(m.a, m.b) - 1)).toBeLessThan(0.002);
        expect(Math.abs(Math.atan2(m.b, m.a))).toBeLessThan(0.002);
      }
      expect(weak.flowFrames).toBe(3);
    } finally {
      await Promise.all([weak.dispose(), without.dispose()]);
    }
  });

  it('leaves well-tracked frames to the tracker and never loads the flow model', async () => {
    const a = await MotionAnalyzer.create(W, H);
    try {
      await a.push(frame(0, 0));
      const m = await a.push(frame(2, 1));
      expect(m.reliable).toBe(true);
      expect(m.source).toBeUndefined();
      expect(a.flowFrames).toBe(0);
      expect(Math.abs(m.tx * (W / 2) - 2)).toBeLessThan(0.1);
    } finally {
      await a.dispose();
    }
  });
});
