import { describe, expect, it } from 'vitest';
import { outsideShare, stabilityMetrics, type GreyFrame } from './metrics.js';
import { compose, type Similarity } from './similarity.js';
import { shifted, texture } from './test-frames.js';
import { warpPlane } from './warp.js';

const W = 320, H = 240;

/** A similarity about the frame centre (pixels): zoom z, rotation θ, then a shift. */
const aboutCentre = (z: number, theta: number, dx = 0, dy = 0): Similarity =>
  compose({ a: 1, b: 0, tx: W / 2 + dx, ty: H / 2 + dy }, compose({ a: z * Math.cos(theta), b: z * Math.sin(theta), tx: 0, ty: 0 }, { a: 1, b: 0, tx: -W / 2, ty: -H / 2 }));

const frame = (data: Uint8Array): GreyFrame => ({ data, width: W, height: H });

/** Smooth blobs under random rectangles: corners at many scales, as ORB needs. */
function mondrian(w: number, h: number): Uint8Array {
  const img = texture(w, h, 11);
  let s = 5;
  const rnd = (): number => ((s = (s * 16807) % 2147483647) / 2147483647);
  for (let k = 0; k < 400; k++) {
    const x0 = Math.floor(rnd() * w), y0 = Math.floor(rnd() * h), rw = 3 + Math.floor(rnd() * 24), rh = 3 + Math.floor(rnd() * 24), v = Math.floor(rnd() * 256);
    for (let y = y0; y < Math.min(h, y0 + rh); y++) img.fill(v, y * w + x0, y * w + Math.min(w, x0 + rw));
  }
  return img;
}

describe('stabilityMetrics (DIFRINT)', () => {
  // A handheld-like input: the texture drifting and shaking by known amounts.
  const base = mondrian(W + 80, H + 80);
  const crop = (dx: number, dy: number): Uint8Array => {
    const out = new Uint8Array(W * H);
    for (let y = 0; y < H; y++) out.set(base.subarray((y + 40 + dy) * (W + 80) + 40 + dx, (y + 40 + dy) * (W + 80) + 40 + dx + W), y * W);
    return out;
  };
  const input = Array.from({ length: 10 }, (_, t) => frame(crop(Math.round(6 * Math.sin(t)), Math.round(4 * Math.cos(1.7 * t)))));

  it('reads a similarity warp as undistorted and its zoom as the cropping ratio', async () => {
    // Every output frame: its input zoomed in 1.12×, turned 0.02 rad. True CR = 1 / (1.12 cos 0.02), DV = 1.
    const warp = aboutCentre(1.12, 0.02, 1.5, -2);
    const output = input.map((f) => frame(shifted(f.data, W, H, warp)));
    const m = await stabilityMetrics(input, output);
    expect(m.failedPairs).toBe(0);
    expect(Math.abs(m.croppingMean - 1 / (1.12 * Math.cos(0.02)))).toBeLessThan(0.005);
    expect(m.distortionMin).toBeGreaterThan(0.985);
    expect(m.borderMean).toBe(0);
    expect(m.borderFrames).toBe(0);
  });

  it('reads a stretch as distortion', async () => {
    // x scaled 1.15, y 1.0 about the centre: DV = 1 / 1.15.
    const k = 1 / 1.15;
    const output = input.map((f) => {
      const out = new Uint8Array(W * H);
      warpPlane(f.data, out, W, H, Float64Array.of(k, 0, (W / 2) * (1 - k), 0, 1, 0), undefined);
      return frame(out);
    });
    const m = await stabilityMetrics(input, output);
    expect(Math.abs(m.distortionMin - k)).toBeLessThan(0.02);
  });

  it('sees a zoomed-out output show what lies outside the input frame', async () => {
    // 0.9×: a 10 % margin of the output has no source: 1 − 0.9² = 19 % of the area.
    const output = input.map((f) => frame(shifted(f.data, W, H, aboutCentre(0.9, 0))));
    const m = await stabilityMetrics(input, output);
    expect(m.borderFrames).toBe(1);
    expect(Math.abs(m.borderMean - 0.19)).toBeLessThan(0.03);
  });

  it('outsideShare: none for identity and a zoom-in, the uncovered strip for a shift', () => {
    const id = [1, 0, 0, 0, 1, 0, 0, 0, 1];
    expect(outsideShare(id, W, H)).toBe(0);
    expect(outsideShare([1.1, 0, -16, 0, 1.1, -12, 0, 0, 1], W, H)).toBe(0);
    // Content moved 32 px right: the output's left 10 % comes from outside the input.
    expect(outsideShare([1, 0, 32, 0, 1, 0, 0, 0, 1], W, H)).toBeCloseTo(0.09375, 3);
  });
});
