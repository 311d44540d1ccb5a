/**
 * Chroma clean-up after the network for subsampled YUV frames (4:2:0 and 4:2:2: what phones and
 * cameras record), where the camera's colour noise lives in the chroma planes themselves: one
 * sample per 2 × 2 pixels, so it shows as colour blotches. The network sees those planes only
 * through RGB and leaves much of that noise (one-off, 2026-11-28: 30 frames of vtest as yuv420p
 * under ffmpeg's `noise=alls=25:allf=t`, PSNR of U / V against the clean planes: the network alone
 * 34.90 / 37.62 dB, nlmeans=s=12 37.87 / 38.46).
 *
 * A guided filter (He, Sun and Tang, ECCV 2010) of each chroma plane over 3 × 3 samples, guided by
 * the denoised luma averaged over each chroma sample's pixels, flattens chroma where luma is flat
 * and makes it follow luma's edges where it has them; luma is untouched. On the case above it gave
 * 39.45 / 41.13 dB; on the bench's realistic recipe read straight from its x264 file (noise, then
 * 4:2:0) 40.57 / 41.08 → 42.43 / 43.98. Where the chroma planes carry little noise (Gaussian σ 10
 * added in RGB and then subsampled, which averages chroma noise down) the same filter lost
 * (46.36 → 44.85 dB on U), so it is weighed in by the input chroma planes' own noise level
 * (chromaWeight): off up to 3 code values, fully on from 6.
 */
import { estimateNoise } from './noise-level.js';
import { plane, writeBackUnaligned, type FrameLayout } from './color.js';

/** Regularisation of the 3 × 3 windows' linear models: 16 code values² at 8 bits (0..1 units). */
const EPS = 16 / (255 * 255);
/** Input chroma noise (8-bit code values) below which the filter is off, and from which it is fully on. */
const OFF_BELOW = 3;
const FULL_FROM = 6;

export const hasSubsampledChroma = (l: FrameLayout): boolean => l.kind === 'yuv' && (l.sx > 0 || l.sy > 0);

const chromaSize = (l: FrameLayout): [number, number] => [l.strides[1], Math.ceil(l.height / 2 ** l.sy)];

/** The noise σ of a frame's chroma planes (U and V together), in 0..1 units of the code range; undefined when nothing is flat enough to tell. */
export function chromaNoise(data: Buffer, l: FrameLayout): number | undefined {
  const [cw, ch] = chromaSize(l);
  const n = cw * ch;
  const uv = new Float32Array(2 * n);
  const u = plane(data, l, 1);
  const v = plane(data, l, 2);
  for (let j = 0; j < n; j++) {
    uv[j] = u[j] / l.maxCode;
    uv[n + j] = v[j] / l.maxCode;
  }
  return estimateNoise(uv, cw, ch, n, 2);
}

/** How much of the filter to apply for the input chroma noise σ (0..1 units): 0 to 1. */
export function chromaWeight(sigma: number | undefined): number {
  if (sigma === undefined) return 0;
  const codes = sigma * 255;
  return Math.min(1, Math.max(0, (codes - OFF_BELOW) / (FULL_FROM - OFF_BELOW)));
}

/** Scratch planes, made for one chroma plane size and reused frame after frame. */
export class ChromaSmoother {
  private readonly n: number;
  private readonly guide: Float32Array;
  private readonly guideMean: Float32Array;
  private readonly guideVar: Float32Array;
  private readonly p: Float32Array;
  private readonly tmp: Float32Array;
  private readonly m1: Float32Array;
  private readonly m2: Float32Array;

  constructor(private readonly l: FrameLayout) {
    const [cw, ch] = chromaSize(l);
    this.n = cw * ch;
    const f = (): Float32Array => new Float32Array(this.n);
    [this.guide, this.guideMean, this.guideVar, this.p, this.tmp, this.m1, this.m2] = [f(), f(), f(), f(), f(), f(), f()];
  }

  /**
   * Filter the frame's chroma planes in place by `weight` (0..1), with the windows' regularisation
   * scaled by `epsScale` (the strength's multiplier of the noise level, squared).
   */
  smooth(data: Buffer, weight: number, epsScale = 1): void {
    if (weight <= 0) return;
    const { l } = this;
    const [cw, ch] = chromaSize(l);
    const planes = [0, 1, 2].map((i) => plane(data, l, i));
    this.loadGuide(planes[0], cw, ch);
    const { guide, guideMean, guideVar, p, tmp, m1, m2, n } = this;
    boxMean(guide, guideMean, tmp, cw, ch);
    for (let j = 0; j < n; j++) m1[j] = guide[j] * guide[j];
    boxMean(m1, guideVar, tmp, cw, ch);
    for (let j = 0; j < n; j++) guideVar[j] -= guideMean[j] * guideMean[j];
    const eps = EPS * epsScale;
    const max = l.maxCode;
    for (const c of [planes[1], planes[2]]) {
      for (let j = 0; j < n; j++) p[j] = c[j] / max;
      // m1 = mean of p, m2 = mean of guide·p; then a and b of the windows' linear models, then their means.
      boxMean(p, m1, tmp, cw, ch);
      for (let j = 0; j < n; j++) m2[j] = guide[j] * p[j];
      boxMean(m2, m2, tmp, cw, ch);
      for (let j = 0; j < n; j++) {
        const a = (m2[j] - guideMean[j] * m1[j]) / (guideVar[j] + eps);
        m2[j] = a;
        m1[j] -= a * guideMean[j];
      }
      boxMean(m2, m2, tmp, cw, ch);
      boxMean(m1, m1, tmp, cw, ch);
      for (let j = 0; j < n; j++) {
        const q = m2[j] * guide[j] + m1[j];
        const out = (p[j] + weight * (q - p[j])) * max;
        c[j] = out <= 0 ? 0 : out >= max ? max : (out + 0.5) | 0;
      }
    }
    writeBackUnaligned(data, l, planes);
  }

  /** Luma averaged over each chroma sample's pixels (0..1 units). */
  private loadGuide(y: Uint8Array | Uint16Array, cw: number, ch: number): void {
    const { width: w, height: h, maxCode, sx, sy } = this.l;
    const g = this.guide;
    if (sx === 1 && sy === 1 && w % 2 === 0 && h % 2 === 0) {
      // 4:2:0 of even size, the common case: whole 2 × 2 blocks.
      const k = 1 / (4 * maxCode);
      for (let cy = 0; cy < ch; cy++) {
        const r0 = 2 * cy * w;
        const r1 = r0 + w;
        const o = cy * cw;
        for (let cx = 0; cx < cw; cx++) g[o + cx] = (y[r0 + 2 * cx] + y[r0 + 2 * cx + 1] + y[r1 + 2 * cx] + y[r1 + 2 * cx + 1]) * k;
      }
      return;
    }
    const bx = 1 << sx;
    const by = 1 << sy;
    for (let cy = 0; cy < ch; cy++) {
      const y0 = cy * by;
      const y1 = Math.min(h, y0 + by);
      for (let cx = 0; cx < cw; cx++) {
        const x0 = cx * bx;
        const x1 = Math.min(w, x0 + bx);
        let sum = 0;
        for (let yy = y0; yy < y1; yy++) for (let x = x0; x < x1; x++) sum += y[yy * w + x];
        g[cy * cw + cx] = sum / ((y1 - y0) * (x1 - x0) * maxCode);
      }
    }
  }
}

/** 3 × 3 mean of `src` into `dst` (which may be `src`), over the samples inside the plane. */
function boxMean(src: Float32Array, dst: Float32Array, tmp: Float32Array, w: number, h: number): void {
  const third = 1 / 3;
  for (let r = 0; r < w * h; r += w) {
    if (w === 1) {
      tmp[r] = src[r];
      continue;
    }
    tmp[r] = (src[r] + src[r + 1]) * 0.5;
    for (let x = r + 1, end = r + w - 1; x < end; x++) tmp[x] = (src[x - 1] + src[x] + src[x + 1]) * third;
    tmp[r + w - 1] = (src[r + w - 2] + src[r + w - 1]) * 0.5;
  }
  if (h === 1) {
    dst.set(tmp.subarray(0, w));
    return;
  }
  for (let x = 0; x < w; x++) dst[x] = (tmp[x] + tmp[w + x]) * 0.5;
  for (let y = 1; y < h - 1; y++) {
    const r = y * w;
    for (let x = r, end = r + w; x < end; x++) dst[x] = (tmp[x - w] + tmp[x] + tmp[x + w]) * third;
  }
  const last = (h - 1) * w;
  for (let x = last; x < last + w; x++) dst[x] = (tmp[x - w] + tmp[x]) * 0.5;
}
