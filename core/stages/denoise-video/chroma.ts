/**
 * Chroma clean-up after the network, for frames that carry chroma at full resolution (RGB, 4:4:4).
 *
 * Camera video stores chroma at half resolution or less, so its colour carries no detail at the
 * scale of one pixel that luma does not also show; noise added after decoding (and any 4:4:4
 * intermediate) does. The network removes most of the noise but leaves pixel-scale chroma speckle.
 * A guided filter (He, Sun and Tang, "Guided image filtering", ECCV 2010) over 3 × 3 windows,
 * guided by the denoised luma, flattens chroma where luma is flat and makes it follow luma's edges
 * where it has them, so colour edges that coincide with brightness edges stay sharp. Luma is left
 * exactly as the network made it.
 *
 * In the bench run of 2026-11-27 08:37 UTC it raised PSNR by 0.29 to 1.15 dB in all 16 clip and
 * noise cells (BENCHMARKS.md). With 3 × 3 windows it beat 5 × 5 on the street scene (fine coloured
 * clothing) at σ 10 by 0.6 dB (one-off). On 4:2:0 chroma (each sample already a 2 × 2 average) the
 * same filter hurt the street scene at σ 10 (one-off), so 4:2:0 and 4:2:2 frames are not filtered
 * here; subsampled-chroma.ts filters their chroma planes where those carry noise of their own.
 */
import type { Coefficients, FrameLayout } from './color.js';

/** Regularisation of the 3 × 3 windows' linear models (in 0..1 units: 4 code values² at 8 bits). */
export const CHROMA_EPS = 4 / (255 * 255);
/** Rows per strip: the filter's memory stays a few rows of the frame wide, whatever its height. */
const STRIP_ROWS = 64;
/** Rows a strip reads beyond its own on each side: two 3 × 3 window means in a row. */
const APRON = 2;

/** Frames whose chroma is stored at full resolution: the ones smoothChroma is for. */
export const hasFullResolutionChroma = (l: FrameLayout): boolean => l.kind === 'gbr' || l.kind === 'rgb24' || (l.kind === 'yuv' && l.sx === 0 && l.sy === 0);

/**
 * Change `delta` (planar RGB, 0..1 units, width × height, added to `src` the same way) so that
 * src + delta keeps its luma and has its chroma guided-filtered by that luma.
 */
export function smoothChroma(src: Float32Array, delta: Float32Array, width: number, height: number, k: Coefficients, rowsPerStrip = STRIP_ROWS): void {
  // A strip's apron must not reach past the previous strip, whose rows are written back last.
  const stripRows = Math.max(APRON, rowsPerStrip);
  const cap = (stripRows + 2 * APRON) * width;
  const planes = (count: number): Float32Array[] => Array.from({ length: count }, () => new Float32Array(cap));
  const strip: Strip = { ycc: planes(3), sums: planes(6), ab: planes(4), abSums: planes(4), hinv: horizontalWeights(width) };
  // Filtered chroma of a strip's own rows. It goes into delta only after the next strip has read
  // its apron (these rows' unfiltered values), so two strips' worth are kept.
  const outs = [0, 1].map(() => ({ cb: new Float32Array(stripRows * width), cr: new Float32Array(stripRows * width), from: 0, to: 0 }));
  const n = width * height;
  for (let top = 0, i = 0; top < height; top += stripRows, i ^= 1) {
    const end = Math.min(height, top + stripRows);
    const r0 = Math.max(0, top - APRON);
    const rows = Math.min(height, end + APRON) - r0;
    load(src, delta, n, r0 * width, rows * width, k, strip.ycc);
    const prev = outs[i ^ 1];
    flush(src, delta, n, prev.from * width, prev.to * width, k, prev.cb, prev.cr);
    prev.to = prev.from;
    const out = outs[i];
    out.from = top;
    out.to = end;
    horizontalSums(strip, width, rows);
    linearModels(strip, width, rows);
    horizontalSumsAB(strip, width, rows);
    filtered(strip, width, rows, top - r0, end - top, out.cb, out.cr);
  }
  for (const out of outs) flush(src, delta, n, out.from * width, out.to * width, k, out.cb, out.cr);
}

/**
 * One strip's planes: Y, B − Y, R − Y; the horizontal 3-sums of Y, Y², Cb, Cr, Y·Cb, Y·Cr; the
 * linear models' a and b per colour difference, and their horizontal 3-sums; 1 / the horizontal
 * count per column (2 at the frame's edges).
 */
interface Strip {
  ycc: Float32Array[];
  sums: Float32Array[];
  ab: Float32Array[];
  abSums: Float32Array[];
  hinv: Float32Array;
}

function horizontalWeights(width: number): Float32Array {
  const w = new Float32Array(width).fill(1 / 3);
  w[0] = w[width - 1] = width > 1 ? 0.5 : 1;
  return w;
}

/** Luma and colour differences (B − Y, R − Y) of src + delta for `count` samples from sample `at`. */
function load(src: Float32Array, delta: Float32Array, n: number, at: number, count: number, k: Coefficients, ycc: Float32Array[]): void {
  const { kr, kb } = k;
  const kg = 1 - kr - kb;
  const [Y, cb, cr] = ycc;
  for (let j = 0, f = at; j < count; j++, f++) {
    const r = src[f] + delta[f], g = src[n + f] + delta[n + f], b = src[2 * n + f] + delta[2 * n + f];
    const y = kr * r + kg * g + kb * b;
    Y[j] = y;
    cb[j] = b - y;
    cr[j] = r - y;
  }
}

/** delta for samples [from, to) so that src + delta has its own luma and the colour differences given. */
function flush(src: Float32Array, delta: Float32Array, n: number, from: number, to: number, k: Coefficients, cb: Float32Array, cr: Float32Array): void {
  const { kr, kb } = k;
  const kg = 1 - kr - kb;
  for (let o = 0, f = from; f < to; o++, f++) {
    const y = kr * (src[f] + delta[f]) + kg * (src[n + f] + delta[n + f]) + kb * (src[2 * n + f] + delta[2 * n + f]);
    const r = y + cr[o], b = y + cb[o];
    delta[f] = r - src[f];
    delta[n + f] = (y - kr * r - kb * b) / kg - src[n + f];
    delta[2 * n + f] = b - src[2 * n + f];
  }
}

/** Horizontal window sums of Y, Y², Cb, Cr, Y·Cb and Y·Cr, in one pass. */
function horizontalSums(s: Strip, width: number, rows: number): void {
  const [Y, cb, cr] = s.ycc;
  const [sY, sYY, sB, sR, sYB, sYR] = s.sums;
  for (let row = 0; row < rows; row++) {
    const o = row * width;
    for (let x = 0; x < width; x++) {
      const j = o + x;
      let y = Y[j], b = cb[j], r = cr[j];
      let a0 = y, a1 = y * y, a2 = b, a3 = r, a4 = y * b, a5 = y * r;
      if (x > 0) {
        y = Y[j - 1]; b = cb[j - 1]; r = cr[j - 1];
        a0 += y; a1 += y * y; a2 += b; a3 += r; a4 += y * b; a5 += y * r;
      }
      if (x < width - 1) {
        y = Y[j + 1]; b = cb[j + 1]; r = cr[j + 1];
        a0 += y; a1 += y * y; a2 += b; a3 += r; a4 += y * b; a5 += y * r;
      }
      sY[j] = a0; sYY[j] = a1; sB[j] = a2; sR[j] = a3; sYB[j] = a4; sYR[j] = a5;
    }
  }
}

/** Window means (vertical sums of the horizontal ones), then a and b of p ≈ a·Y + b for Cb and Cr. */
function linearModels(s: Strip, width: number, rows: number): void {
  const [sY, sYY, sB, sR, sYB, sYR] = s.sums;
  const [aB, bB, aR, bR] = s.ab;
  const { hinv } = s;
  for (let row = 0; row < rows; row++) {
    // At the strip's first or last row the missing neighbour row is replaced by the centre row
    // (offset 0), which is then taken out again: `keep` is 1 minus how often it was added twice.
    const up = row > 0 ? -width : 0, down = row < rows - 1 ? width : 0;
    const keep = 1 - (up ? 0 : 1) - (down ? 0 : 1);
    const vinv = 1 / (3 - (up ? 0 : 1) - (down ? 0 : 1));
    for (let x = 0, j = row * width; x < width; x++, j++) {
      const w = hinv[x] * vinv;
      const u = j + up, d = j + down;
      const mI = (sY[u] + keep * sY[j] + sY[d]) * w;
      const inv = 1 / ((sYY[u] + keep * sYY[j] + sYY[d]) * w - mI * mI + CHROMA_EPS);
      const mB = (sB[u] + keep * sB[j] + sB[d]) * w;
      const mR = (sR[u] + keep * sR[j] + sR[d]) * w;
      const a1 = ((sYB[u] + keep * sYB[j] + sYB[d]) * w - mI * mB) * inv;
      const a2 = ((sYR[u] + keep * sYR[j] + sYR[d]) * w - mI * mR) * inv;
      aB[j] = a1;
      bB[j] = mB - a1 * mI;
      aR[j] = a2;
      bR[j] = mR - a2 * mI;
    }
  }
}

function horizontalSumsAB(s: Strip, width: number, rows: number): void {
  for (let c = 0; c < 4; c++) {
    const p = s.ab[c], q = s.abSums[c];
    for (let row = 0; row < rows; row++) {
      const o = row * width;
      if (width === 1) {
        q[o] = p[o];
        continue;
      }
      q[o] = p[o] + p[o + 1];
      for (let j = o + 1, end = o + width - 1; j < end; j++) q[j] = p[j - 1] + p[j] + p[j + 1];
      q[o + width - 1] = p[o + width - 2] + p[o + width - 1];
    }
  }
}

/** Filtered Cb and Cr (mean a · Y + mean b) for `count` rows from strip row `first`. */
function filtered(s: Strip, width: number, rows: number, first: number, count: number, outB: Float32Array, outR: Float32Array): void {
  const [Y] = s.ycc;
  const [aB, bB, aR, bR] = s.abSums;
  const { hinv } = s;
  for (let row = first, o = 0; row < first + count; row++) {
    const up = row > 0 ? -width : 0, down = row < rows - 1 ? width : 0;
    const keep = 1 - (up ? 0 : 1) - (down ? 0 : 1);
    const vinv = 1 / (3 - (up ? 0 : 1) - (down ? 0 : 1));
    for (let x = 0, j = row * width; x < width; x++, j++, o++) {
      const w = hinv[x] * vinv;
      const u = j + up, d = j + down;
      const y = Y[j];
      outB[o] = ((aB[u] + keep * aB[j] + aB[d]) * y + bB[u] + keep * bB[j] + bB[d]) * w;
      outR[o] = ((aR[u] + keep * aR[j] + aR[d]) * y + bR[u] + keep * bR[j] + bR[d]) * w;
    }
  }
}
