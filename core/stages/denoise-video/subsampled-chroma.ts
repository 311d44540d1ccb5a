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
 * and makes it follow luma's edges where it has them; luma is untouched. On the case above the
 * stage then gave 39.41 / 41.06 dB; on the bench's realistic recipe read straight from its x264 file
 * (noise, then 4:2:0) 40.57 / 41.08 → 42.33 / 43.84 (more in models/clearcut-vdn.md). Where the
 * chroma planes carry little noise (Gaussian σ 10
 * added in RGB and then subsampled, which averages chroma noise down) the same filter lost
 * (46.36 → 44.85 dB on U), so it is weighed in by the input chroma planes' own noise level
 * (chromaWeight): off up to 3 code values, fully on from 6.
 */
import { estimateNoise } from './noise-level.js';
import { chromaBlocks, plane, writeBackUnaligned, type FrameLayout } from './color.js';

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
  /** Guide (luma), its window mean and variance; per chroma plane (U, V): two working planes each; two scratch planes. */
  private readonly guide: Float32Array;
  private readonly guideMean: Float32Array;
  private readonly guideVar: Float32Array;
  private readonly u: [Float32Array, Float32Array];
  private readonly v: [Float32Array, Float32Array];
  private readonly tmp: [Float32Array, Float32Array];
  private blocks?: ReturnType<typeof chromaBlocks>;

  constructor(private readonly l: FrameLayout) {
    const [cw, ch] = chromaSize(l);
    this.n = cw * ch;
    const f = (): Float32Array => new Float32Array(this.n);
    [this.guide, this.guideMean, this.guideVar] = [f(), f(), f()];
    [this.u, this.v, this.tmp] = [[f(), f()], [f(), f()], [f(), f()]];
  }

  /**
   * Filter the frame's chroma planes in place by `weight` (0..1), with the windows' regularisation
   * scaled by `epsScale` (the strength's multiplier of the noise level, squared). U and V go
   * through every step together (one loop, two planes), which costs less than two passes.
   */
  smooth(data: Buffer, weight: number, epsScale = 1): void {
    if (weight <= 0) return;
    const { l, n, guide, guideMean, guideVar, tmp } = this;
    const [u0, u1] = this.u;
    const [v0, v1] = this.v;
    const [cw, ch] = chromaSize(l);
    const planes = [0, 1, 2].map((i) => plane(data, l, i));
    const [cu, cv] = [planes[1], planes[2]];
    this.loadGuide(planes[0], cw, ch);
    const inv = 1 / l.maxCode;
    // u0, v0: the chroma (0..1); u1, v1: guide × chroma; guideVar first holds guide².
    for (let j = 0; j < n; j++) {
      const g = guide[j];
      const pu = cu[j] * inv;
      const pv = cv[j] * inv;
      u0[j] = pu;
      v0[j] = pv;
      u1[j] = g * pu;
      v1[j] = g * pv;
      guideVar[j] = g * g;
    }
    boxMean2(guide, guideVar, guideMean, guideVar, tmp, cw, ch);
    boxMean2(u0, v0, u0, v0, tmp, cw, ch);
    boxMean2(u1, v1, u1, v1, tmp, cw, ch);
    const eps = EPS * epsScale;
    // The windows' linear models: a into u1 / v1, b into u0 / v0.
    for (let j = 0; j < n; j++) {
      const m = guideMean[j];
      const d = 1 / (guideVar[j] - m * m + eps);
      const au = (u1[j] - m * u0[j]) * d;
      const av = (v1[j] - m * v0[j]) * d;
      u1[j] = au;
      v1[j] = av;
      u0[j] -= au * m;
      v0[j] -= av * m;
    }
    boxMean2(u1, v1, u1, v1, tmp, cw, ch);
    boxMean2(u0, v0, u0, v0, tmp, cw, ch);
    const max = l.maxCode;
    const keep = 1 - weight;
    for (let j = 0; j < n; j++) {
      const g = guide[j];
      const ou = (keep * cu[j] * inv + weight * (u1[j] * g + u0[j])) * max;
      const ov = (keep * cv[j] * inv + weight * (v1[j] * g + v0[j])) * max;
      cu[j] = ou <= 0 ? 0 : ou >= max ? max : (ou + 0.5) | 0;
      cv[j] = ov <= 0 ? 0 : ov >= max ? max : (ov + 0.5) | 0;
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
    const { cols, rows } = (this.blocks ??= chromaBlocks(this.l));
    for (let cy = 0; cy < ch; cy++) {
      const [y0, y1] = [rows[2 * cy], rows[2 * cy + 1]];
      for (let cx = 0; cx < cw; cx++) {
        const [x0, x1] = [cols[2 * cx], cols[2 * cx + 1]];
        let sum = 0;
        for (let yy = y0; yy < y1; yy++) for (let x = x0; x < x1; x++) sum += y[yy * w + x];
        g[cy * cw + cx] = sum / ((y1 - y0) * (x1 - x0) * maxCode);
      }
    }
  }
}

/**
 * 3 × 3 means of two planes at once (`a` into `da`, `b` into `db`; a destination may be its
 * source), over the samples inside the plane.
 */
function boxMean2(a: Float32Array, b: Float32Array, da: Float32Array, db: Float32Array, tmp: [Float32Array, Float32Array], w: number, h: number): void {
  const [ta, tb] = tmp;
  const third = 1 / 3;
  for (let r = 0; r < w * h; r += w) {
    if (w === 1) {
      ta[r] = a[r];
      tb[r] = b[r];
      continue;
    }
    let a0 = a[r], a1 = a[r + 1], b0 = b[r], b1 = b[r + 1];
    ta[r] = (a0 + a1) * 0.5;
    tb[r] = (b0 + b1) * 0.5;
    for (let x = r + 1, end = r + w - 1; x < end; x++) {
      const a2 = a[x + 1], b2 = b[x + 1];
      ta[x] = (a0 + a1 + a2) * third;
      tb[x] = (b0 + b1 + b2) * third;
      a0 = a1;
      a1 = a2;
      b0 = b1;
      b1 = b2;
    }
    ta[r + w - 1] = (a0 + a1) * 0.5;
    tb[r + w - 1] = (b0 + b1) * 0.5;
  }
  if (h === 1) {
    da.set(ta.subarray(0, w));
    db.set(tb.subarray(0, w));
    return;
  }
  for (let x = 0; x < w; x++) {
    da[x] = (ta[x] + ta[w + x]) * 0.5;
    db[x] = (tb[x] + tb[w + x]) * 0.5;
  }
  for (let y = 1; y < h - 1; y++) {
    for (let x = y * w, end = x + w; x < end; x++) {
      da[x] = (ta[x - w] + ta[x] + ta[x + w]) * third;
      db[x] = (tb[x - w] + tb[x] + tb[x + w]) * third;
    }
  }
  const last = (h - 1) * w;
  for (let x = last; x < last + w; x++) {
    da[x] = (ta[x - w] + ta[x]) * 0.5;
    db[x] = (tb[x - w] + tb[x]) * 0.5;
  }
}
