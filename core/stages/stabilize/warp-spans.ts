/**
 * Where along a row of the stabilizer's warp (warp.ts) a sampler may read without checking its
 * taps, and the checking sampler for the rest of the row. The warp is affine, so a row's source
 * points lie on a line and the columns whose taps all fall inside the plane form one interval.
 */

export type Samples = Uint8Array | Uint16Array;

/** First column i (rounded down, may be negative) with c + d·i ≥ 0 and c + d·i < lim, on one axis. */
function axisLow(c: number, d: number, lim: number): number {
  if (d > 0) return Math.ceil(-c / d);
  if (d < 0) return Math.floor((lim - c) / d) + 1;
  return c < 0 || c >= lim ? Infinity : -Infinity;
}

/** One past the last column with c + d·i inside [0, lim) on one axis (approximate, as axisLow). */
function axisHigh(c: number, d: number, lim: number): number {
  if (d > 0) return Math.floor((lim - c) / d);
  if (d < 0) return Math.ceil(-c / d);
  return c < 0 || c >= lim ? -Infinity : Infinity;
}

function insideAt(x0r: number, y0r: number, m00: number, m10: number, i: number, hiX: number, hiY: number): boolean {
  const x = x0r + m00 * i, y = y0r + m10 * i;
  return x >= 0 && y >= 0 && x < hiX && y < hiY;
}

/**
 * Columns [lo, hi) of a row whose source points (x0r + m00·i, y0r + m10·i) keep every tap of a
 * sampler inside [0, maxX] × [0, maxY], in floating point: the taps run from x0 − reach + 1 to
 * x0 + reach (bilinear: reach 1; bicubic: 2), and the same rows. Solved per axis, then shrunk by one
 * column each side and re-checked, so rounding cannot put a tap outside; [0, 0] when none.
 */
export function interiorSpan(x0r: number, y0r: number, m00: number, m10: number, pw: number, maxX: number, maxY: number, reach: number): [number, number] {
  const skip = reach - 1;
  const cx = x0r - skip, cy = y0r - skip;
  const limX = maxX - 2 * skip - 1e-9, limY = maxY - 2 * skip - 1e-9;
  const lo = Math.max(0, axisLow(cx, m00, limX), axisLow(cy, m10, limY)) + 1;
  const hi = Math.min(pw, axisHigh(cx, m00, limX), axisHigh(cy, m10, limY)) - 1;
  if (hi <= lo || !insideAt(cx, cy, m00, m10, lo, limX, limY) || !insideAt(cx, cy, m00, m10, hi - 1, limX, limY)) return [0, 0];
  return [lo, hi];
}

/** Whether every tap (as interiorSpan's `reach`) of 16.16 coordinates (xf, yf) lies inside the plane. */
function fixedInside(xf: number, yf: number, maxX: number, maxY: number, reach: number): boolean {
  return xf >= 0 && yf >= 0 && xf >> 16 >= reach - 1 && yf >> 16 >= reach - 1 && (xf >> 16) + reach <= maxX && (yf >> 16) + reach <= maxY;
}

/**
 * interiorSpan in the 16.16 fixed point the span kernels step in: column 0's coordinates (xb, yb)
 * and the span narrowed until its two ends pass in the same integers. The coordinates are exactly
 * linear in the column, so both ends inside proves every column between inside.
 */
export function fixedSpan(x0r: number, y0r: number, m00: number, m10: number, dx: number, dy: number, pw: number, maxX: number, maxY: number, reach: number): { lo: number; hi: number; xb: number; yb: number } {
  let [lo, hi] = interiorSpan(x0r, y0r, m00, m10, pw, maxX, maxY, reach);
  const xb = Math.round(x0r * 65536), yb = Math.round(y0r * 65536);
  while (hi > lo && !fixedInside(xb + lo * dx, yb + lo * dy, maxX, maxY, reach)) lo++;
  while (hi > lo && !fixedInside(xb + (hi - 1) * dx, yb + (hi - 1) * dy, maxX, maxY, reach)) hi--;
  return hi > lo ? { lo, hi, xb, yb } : { lo: 0, hi: 0, xb, yb };
}

/**
 * Whether 16.16 fixed-point coordinates of a plane stay clear of int32 overflow for this warp
 * (|coordinate| below 2^31 / 65536 with room to spare), so the fixed-point kernels may run.
 */
export function fixedPointFits(m: Float64Array, pw: number, ph: number): boolean {
  return Math.max(Math.abs(m[2]) + Math.abs(m[1]) * ph + Math.abs(m[0]) * pw, Math.abs(m[5]) + Math.abs(m[4]) * ph + Math.abs(m[3]) * pw) < 30000;
}

/** The general (clamping / filling) bilinear sampler for columns [from, to) of one row. */
export function slowSpan(src: Samples, dst: Samples, pw: number, maxX: number, maxY: number, x0r: number, y0r: number, m00: number, m10: number, row: number, from: number, to: number, fill: number | undefined): void {
  for (let i = from; i < to; i++) {
    let sx = x0r + m00 * i, sy = y0r + m10 * i;
    const o = row + i;
    if (sx < 0 || sy < 0 || sx > maxX || sy > maxY) {
      if (fill !== undefined && (sx < -0.5 || sy < -0.5 || sx > maxX + 0.5 || sy > maxY + 0.5)) {
        dst[o] = fill;
        continue;
      }
      sx = sx < 0 ? 0 : sx > maxX ? maxX : sx;
      sy = sy < 0 ? 0 : sy > maxY ? maxY : sy;
    }
    const x0 = sx | 0, y0 = sy | 0;
    const fx = sx - x0, fy = sy - y0;
    const p = y0 * pw + x0;
    const x1 = x0 < maxX ? 1 : 0;
    const y1 = y0 < maxY ? pw : 0;
    const top = src[p] + (src[p + x1] - src[p]) * fx;
    const bot = src[p + y1] + (src[p + y1 + x1] - src[p + y1]) * fx;
    dst[o] = (top + (bot - top) * fy + 0.5) | 0;
  }
}

