/**
 * The chroma clean-up (chroma.ts): a guided filter of the colour differences by luma, computed in
 * strips. Checked against a whole-frame textbook implementation, for luma kept exactly, and for
 * what it is for: speckle on flat colour goes, colour edges that are also brightness edges stay.
 */
import { describe, expect, it } from 'vitest';
import { CHROMA_EPS, smoothChroma } from './chroma.js';

const K = { kr: 0.2126, kb: 0.0722 };
const KG = 1 - K.kr - K.kb;

/** Window mean over 3 × 3, counting only samples inside the w × h plane. */
function boxMean(p: Float64Array, w: number, h: number): Float64Array {
  const out = new Float64Array(w * h);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      let s = 0, c = 0;
      for (let dy = -1; dy <= 1; dy++) {
        for (let dx = -1; dx <= 1; dx++) {
          const yy = y + dy, xx = x + dx;
          if (yy < 0 || yy >= h || xx < 0 || xx >= w) continue;
          s += p[yy * w + xx];
          c++;
        }
      }
      out[y * w + x] = s / c;
    }
  }
  return out;
}

/** He et al.'s guided filter, whole frame, step by step: the reference. */
function guided(I: Float64Array, p: Float64Array, w: number, h: number): Float64Array {
  const mul = (a: Float64Array, b: Float64Array): Float64Array => a.map((v, i) => v * b[i]);
  const mI = boxMean(I, w, h), mp = boxMean(p, w, h);
  const vI = boxMean(mul(I, I), w, h).map((v, i) => v - mI[i] * mI[i]);
  const cov = boxMean(mul(I, p), w, h).map((v, i) => v - mI[i] * mp[i]);
  const a = cov.map((c, i) => c / (vI[i] + CHROMA_EPS));
  const b = mp.map((m, i) => m - a[i] * mI[i]);
  const ma = boxMean(a, w, h), mb = boxMean(b, w, h);
  return I.map((v, i) => ma[i] * v + mb[i]);
}

/** Luma and the colour differences (B − Y, R − Y) of planar RGB. */
function ycc(rgb: Float32Array, n: number): [Float64Array, Float64Array, Float64Array] {
  const Y = new Float64Array(n), cb = new Float64Array(n), cr = new Float64Array(n);
  for (let j = 0; j < n; j++) {
    Y[j] = K.kr * rgb[j] + KG * rgb[n + j] + K.kb * rgb[2 * n + j];
    cb[j] = rgb[2 * n + j] - Y[j];
    cr[j] = rgb[j] - Y[j];
  }
  return [Y, cb, cr];
}

function rng(seed: number): () => number {
  let s = seed;
  return () => ((s = (s * 16807) % 2147483647) / 2147483647);
}

/** A textured colour picture plus noise, as src (the noisy input) and delta (some partial change). */
function scene(w: number, h: number, seed: number): { src: Float32Array; delta: Float32Array } {
  const n = w * h;
  const r = rng(seed);
  const src = new Float32Array(3 * n), delta = new Float32Array(3 * n);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const j = y * w + x;
      const base = 0.4 + 0.2 * Math.sin(x / 5) * Math.cos(y / 7) + (x > w / 2 ? 0.2 : 0);
      for (let c = 0; c < 3; c++) {
        src[c * n + j] = base + 0.05 * c + 0.08 * (r() - 0.5);
        delta[c * n + j] = 0.03 * (r() - 0.5);
      }
    }
  }
  return { src, delta };
}

describe('chroma clean-up', () => {
  it('is the guided filter of B − Y and R − Y by luma, in any strip height, and keeps luma', () => {
    const [w, h] = [37, 53];
    const n = w * h;
    const { src, delta } = scene(w, h, 3);
    const [Y, cb, cr] = ycc(src.map((v, i) => v + delta[i]), n);
    const want = [guided(Y, cb, w, h), guided(Y, cr, w, h)];
    for (const rows of [1, 2, 5, 16, 64]) {
      const d = Float32Array.from(delta);
      smoothChroma(src, d, w, h, K, rows);
      const [Y2, cb2, cr2] = ycc(src.map((v, i) => v + d[i]), n);
      let worstY = 0, worstC = 0;
      for (let j = 0; j < n; j++) {
        worstY = Math.max(worstY, Math.abs(Y2[j] - Y[j]));
        worstC = Math.max(worstC, Math.abs(cb2[j] - want[0][j]), Math.abs(cr2[j] - want[1][j]));
      }
      expect(worstY, `luma, strips of ${rows}`).toBeLessThan(1e-5);
      expect(worstC, `chroma, strips of ${rows}`).toBeLessThan(1e-4);
    }
  });

  it.each([[1, 1], [1, 7], [7, 1], [2, 2], [3, 70]])('handles a %i × %i picture like the reference', (w, h) => {
    const n = w * h;
    const { src, delta } = scene(w, h, 11);
    const [Y, cb, cr] = ycc(src.map((v, i) => v + delta[i]), n);
    const want = [guided(Y, cb, w, h), guided(Y, cr, w, h)];
    const d = Float32Array.from(delta);
    smoothChroma(src, d, w, h, K);
    const [, cb2, cr2] = ycc(src.map((v, i) => v + d[i]), n);
    for (let j = 0; j < n; j++) {
      expect(Math.abs(cb2[j] - want[0][j])).toBeLessThan(1e-4);
      expect(Math.abs(cr2[j] - want[1][j])).toBeLessThan(1e-4);
    }
  });

  it('removes colour speckle from a flat colour and keeps a colour edge that is also a brightness edge', () => {
    const [w, h] = [40, 30];
    const n = w * h;
    const r = rng(7);
    const src = new Float32Array(3 * n);
    for (let y = 0; y < h; y++) {
      for (let x = 0; x < w; x++) {
        const j = y * w + x;
        // Left: a dark blue; right: a bright orange. Speckle of ±0.03 on R and B only.
        const [R, G, B] = x < w / 2 ? [0.1, 0.15, 0.5] : [0.9, 0.6, 0.2];
        const s = 0.06 * (r() - 0.5);
        src[j] = R + s;
        src[n + j] = G;
        src[2 * n + j] = B - s;
      }
    }
    const delta = new Float32Array(3 * n);
    smoothChroma(src, delta, w, h, K);
    const out = src.map((v, i) => v + delta[i]);
    const spread = (img: Float32Array, x0: number, x1: number): number => {
      const v: number[] = [];
      for (let y = 2; y < h - 2; y++) for (let x = x0; x < x1; x++) v.push(img[y * w + x]);
      const m = v.reduce((a, b) => a + b, 0) / v.length;
      return Math.sqrt(v.reduce((a, b) => a + (b - m) ** 2, 0) / v.length);
    };
    // Red's spread inside the flat left half drops to under half.
    expect(spread(out, 2, w / 2 - 3)).toBeLessThan(0.5 * spread(src, 2, w / 2 - 3));
    // Across the edge, the halves keep their colours: mean red one column either side of it.
    const meanRed = (x: number): number => {
      let s = 0;
      for (let y = 0; y < h; y++) s += out[y * w + x];
      return s / h;
    };
    expect(meanRed(w / 2 - 1)).toBeLessThan(0.15);
    expect(meanRed(w / 2)).toBeGreaterThan(0.85);
  });

  it('leaves a picture whose colour follows its brightness as it was', () => {
    const [w, h] = [24, 18];
    const n = w * h;
    const src = new Float32Array(3 * n);
    for (let j = 0; j < n; j++) {
      const v = 0.2 + 0.6 * (((j % w) * 7 + Math.floor(j / w) * 3) % 11) / 10;
      src[j] = v;
      src[n + j] = 0.8 * v;
      src[2 * n + j] = 0.5 * v + 0.1;
    }
    const delta = new Float32Array(3 * n);
    smoothChroma(src, delta, w, h, K);
    expect(Math.max(...delta.map(Math.abs))).toBeLessThan(2e-3);
  });
});
