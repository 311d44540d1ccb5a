import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLearnedFlow, greyToPaddedRgb, type FlowField, type LearnedFlow } from './learned-flow.js';

/** Seeded multi-octave value noise (cells 64..4 px), 0..255: texture at every scale, like a photo. */
function texture(width: number, height: number, seed: number): Float32Array {
  let state = seed;
  const random = () => ((state = (state * 1664525 + 1013904223) >>> 0) / 2 ** 32);
  const out = new Float32Array(width * height);
  for (const cell of [64, 32, 16, 8, 4]) {
    const gw = Math.ceil(width / cell) + 2;
    const grid = Float32Array.from({ length: gw * (Math.ceil(height / cell) + 2) }, random);
    for (let y = 0; y < height; y++) {
      for (let x = 0; x < width; x++) {
        const x0 = Math.floor(x / cell);
        const y0 = Math.floor(y / cell);
        const ax = x / cell - x0;
        const ay = y / cell - y0;
        const at = (i: number, j: number) => grid[(y0 + j) * gw + x0 + i]!;
        const v = (1 - ay) * ((1 - ax) * at(0, 0) + ax * at(1, 0)) + ay * ((1 - ax) * at(0, 1) + ax * at(1, 1));
        out[y * width + x] += (255 * v * cell) / 124;
      }
    }
  }
  return out;
}

/**
 * Two width × height views of one texture rendered at twice the resolution and box-averaged, the
 * second one's content moved by (dx, dy) px (multiples of 0.5): next(p + d) = prev(p).
 */
function shiftedPair(width: number, height: number, dx: number, dy: number): { prev: Uint8Array; next: Uint8Array } {
  const margin = 32;
  const bigW = 2 * (width + 2 * margin);
  const big = texture(bigW, 2 * (height + 2 * margin), 7);
  const view = (ox: number, oy: number) => {
    const out = new Uint8Array(width * height);
    for (let y = 0; y < height; y++) {
      for (let x = 0; x < width; x++) {
        const i = (oy + 2 * y) * bigW + ox + 2 * x;
        out[y * width + x] = Math.round((big[i]! + big[i + 1]! + big[i + bigW]! + big[i + bigW + 1]!) / 4);
      }
    }
    return out;
  };
  return { prev: view(2 * margin, 2 * margin), next: view(2 * margin - 2 * dx, 2 * margin - 2 * dy) };
}

const median = (v: Float32Array) => Float32Array.from(v).sort()[v.length >> 1]!;

/** Median motion, and the 90th percentile of the per-pixel error away from a 16 px border. */
function summary(f: FlowField, dx: number, dy: number) {
  const errors: number[] = [];
  for (let y = 16; y < f.height - 16; y++) for (let x = 16; x < f.width - 16; x++) errors.push(Math.hypot(f.dx[y * f.width + x]! - dx, f.dy[y * f.width + x]! - dy));
  errors.sort((a, b) => a - b);
  return { mx: median(f.dx), my: median(f.dy), p90: errors[Math.floor(errors.length * 0.9)]! };
}

describe('learned optical flow (RIFE 4.6)', () => {
  let lf: LearnedFlow;
  beforeAll(async () => {
    lf = await createLearnedFlow();
  }, 60_000);
  afterAll(() => lf?.release());

  it('pads by repeating the edge and moves content by the offset', () => {
    const plane = Uint8Array.of(0, 51, 102, 153, 204, 255); // 3 × 2
    const rgb = greyToPaddedRgb(plane, 3, 2, 4, 3, 1);
    // Row 0 repeats source row 0 (moved down by 1), column 0 repeats source column 0 (moved right by 1).
    expect(Array.from(rgb.subarray(0, 12), (v) => Math.round(v * 255))).toEqual([0, 0, 51, 102, 0, 0, 51, 102, 153, 153, 204, 255]);
    expect(rgb.subarray(24, 36)).toEqual(rgb.subarray(0, 12));
  });

  it('measures known shifts of a textured picture, whole and half pixels, at a size that needs padding', async () => {
    const width = 200;
    const height = 150;
    for (const [dx, dy] of [
      [-6, 4],
      [3.5, -2],
      [1, 0.5],
      [0, 0],
    ] as const) {
      const { prev, next } = shiftedPair(width, height, dx, dy);
      const f = await lf.flow(prev, next, width, height);
      expect([f.width, f.height, f.dx.length, f.dy.length]).toEqual([width, height, width * height, width * height]);
      const s = summary(f, dx, dy);
      console.log(`shift (${dx}, ${dy}): median (${s.mx.toFixed(3)}, ${s.my.toFixed(3)}), p90 error ${s.p90.toFixed(3)} px`);
      expect(Math.abs(s.mx - dx)).toBeLessThan(0.15);
      expect(Math.abs(s.my - dy)).toBeLessThan(0.15);
      expect(s.p90).toBeLessThan(0.35);
    }
  });

  it('rejects planes of the wrong size', async () => {
    await expect(lf.flow(new Uint8Array(10), new Uint8Array(12), 4, 3)).rejects.toThrow(/grey planes/);
  });
});
