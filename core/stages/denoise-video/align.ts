/**
 * Camera-motion alignment of the denoiser's neighbours. The still-region averaging (the model's
 * strongest tool: five frames averaged where the scene holds still) only works when the camera does
 * not move; handheld footage moves a few pixels every frame, so the network was left alone
 * everywhere (vtest under a synthetic handheld shake at σ 20: 27.4 dB against 32.6 on the tripod
 * shot). Here the stabilizer's feature tracker (stabilize/motion.ts, no learned flow) measures the
 * camera's motion on a small grey copy of each frame as it arrives, and each neighbour is resampled
 * (bilinear) into the centre frame's coordinates before the network sees it. Moving subjects are
 * still left to the network by the still-region test; a pair the tracker could not measure (flat,
 * a cut, too few agreeing tracks) is passed as it is, which is what the network had before.
 */
import { analysisSize, MotionEstimator, type FrameMotion } from '../stabilize/motion.js';
import { compose, cornerShift, invert, type Similarity } from '../stabilize/similarity.js';
import type { RgbTarget } from './color.js';
import { shiftRunJs, type FrameArena, type ShiftRun } from './resample-kernel.js';

/**
 * A neighbour whose alignment moves no corner by this much (pixels) is used as it is: the
 * still-region test already averages flat parts across a smaller shift, and resampling blurs the
 * neighbour and lowers its noise, which the test and the network were not trained on. On the bench's
 * classroom clip (a camera that moves a fraction of a pixel, measured through σ 20 noise) aligning
 * from 0.5 px on lost 0.57 dB; from 1.5 px it is left exactly as before (one-off, 2026-11-28).
 */
export const ALIGN_MIN_PX = 1.5;

/** The camera counts as moving where its median step between frames is at least this (pixels). */
export const MOVING_PX = 1.25;
/** Lined up, a neighbour must differ from the centre frame by at most this share of what it did before. */
const BETTER_BY = 0.9;
/** Grey copies kept: the window's reach back (frames t-2..t+2 are judged once t+2 has arrived). */
const KEEP_GREYS = 6;

export class CameraAligner {
  private readonly motion: FrameMotion[] = [];
  /** Grey copies of the last frames; the blurred one is made only when a pair is judged (alignsBetter). */
  private readonly greys = new Map<number, { raw: Uint8Array; blurred?: Float32Array }>();
  private readonly verdicts = new Map<string, boolean>();
  private readonly grey: Uint8Array;
  private readonly halfWidth: number;
  private readonly halfHeight: number;

  private constructor(
    private readonly estimator: MotionEstimator,
    private readonly width: number,
    private readonly height: number,
    private readonly target: RgbTarget,
    private readonly arena: FrameArena | undefined,
  ) {
    this.grey = new Uint8Array(estimator.width * estimator.height);
    this.halfWidth = Math.floor(width / 2);
    this.halfHeight = Math.floor(height / 2);
  }

  /**
   * For frames of width × height converted into `target` (color.ts unshuffledTarget). Frames that
   * lie in `arena` are resampled in WebAssembly.
   */
  static async create(width: number, height: number, target: RgbTarget, arena?: FrameArena): Promise<CameraAligner> {
    const size = analysisSize(Math.floor(width / 2), Math.floor(height / 2));
    return new CameraAligner(await MotionEstimator.create(size.width, size.height), width, height, target, arena);
  }

  /** Measure the next frame's motion from the one before (frames in order, in the network's layout). */
  push(rgb: Float32Array): void {
    this.greyCopy(rgb);
    this.motion.push(this.estimator.push(this.grey));
    this.greys.set(this.motion.length - 1, { raw: this.grey.slice() });
    this.greys.delete(this.motion.length - 1 - KEEP_GREYS);
    // Revisions (the stabilizer's re-judged opening) are for whole-clip paths; pairs need none.
    this.estimator.takeRevisions();
  }

  /**
   * The map from frame t's pixel positions to where the same scene point lies in frame s (normalized
   * coordinates, stabilize/similarity.ts), or undefined when it is not known or too small to matter.
   */
  mapTo(t: number, s: number): Similarity | undefined {
    if (s === t || Math.max(s, t) >= this.motion.length) return undefined;
    let map: Similarity = { a: 1, b: 0, tx: 0, ty: 0 };
    // motion[k] takes frame k-1's positions to frame k's.
    for (let k = Math.min(s, t) + 1; k <= Math.max(s, t); k++) {
      const m = this.motion[k];
      if (!m.reliable) return undefined;
      map = s > t ? compose(m, map) : compose(map, invert(m));
    }
    if (cornerShift(map, this.width, this.height) < ALIGN_MIN_PX || !this.cameraMoves(t)) return undefined;
    const key = `${t}:${s}`;
    let better = this.verdicts.get(key);
    if (better === undefined) {
      better = this.alignsBetter(t, s, map);
      this.verdicts.set(key, better);
      if (this.verdicts.size > 64) this.verdicts.delete(this.verdicts.keys().next().value!);
    }
    return better ? map : undefined;
  }

  /**
   * Whether the camera moves around frame t: the median step of the (up to) nine measured around it
   * reaches MOVING_PX. A still camera "measured" through heavy noise gives scattered steps of a
   * fraction of a pixel, and now and then a pair above ALIGN_MIN_PX, which this keeps from being moved.
   */
  private cameraMoves(t: number): boolean {
    const steps: number[] = [];
    for (let k = Math.max(1, t - 6); k <= Math.min(this.motion.length - 1, t + 2); k++) {
      const m = this.motion[k];
      steps.push(m.reliable ? cornerShift(m, this.width, this.height) : 0);
    }
    steps.sort((x, y) => x - y);
    return steps.length > 0 && steps[steps.length >> 1] >= MOVING_PX;
  }

  /**
   * Whether frame s, moved by `map`, matches frame t better than as it is (mean absolute difference
   * of the grey copies, by a clear margin). Not when the tracker followed a large moving subject
   * (animation over a still background), which would misalign the scene around it, nor when a still
   * camera was "measured" moving through heavy noise: the copies are 3 × 3 box-blurred first, so the
   * noise that bilinear resampling itself smooths away cannot make the moved copy look better.
   */
  private alignsBetter(t: number, s: number, map: Similarity): boolean {
    const w = this.estimator.width, h = this.estimator.height;
    const blurred = (k: number): Float32Array | undefined => {
      const g = this.greys.get(k);
      return g && (g.blurred ??= boxBlur3(g.raw, w, h));
    };
    const gt = blurred(t), gs = blurred(s);
    if (!gt || !gs) return false;
    const half = w / 2, cy = h / 2;
    let still = 0, moved = 0, n = 0;
    for (let y = 0; y < h; y++) {
      for (let x = 0; x < w; x++) {
        const u = (x - half) / half, v = (y - cy) / half;
        const xs = (map.a * u - map.b * v + map.tx) * half + half;
        const ys = (map.b * u + map.a * v + map.ty) * half + cy;
        if (xs < 0 || ys < 0 || xs >= w - 1 || ys >= h - 1) continue;
        const ix = xs | 0, iy = ys | 0, fx = xs - ix, fy = ys - iy, i = iy * w + ix;
        const g = (1 - fy) * ((1 - fx) * gs[i] + fx * gs[i + 1]) + fy * ((1 - fx) * gs[i + w] + fx * gs[i + w + 1]);
        const c = gt[y * w + x];
        moved += Math.abs(c - g);
        still += Math.abs(c - gs[y * w + x]);
        n++;
      }
    }
    return n > (w * h) / 4 && moved < BETTER_BY * still;
  }

  /**
   * Resample `src` (a frame in the network's layout) into `dst` so it lines up with the frame `map`
   * starts from (bilinear, exact). Each row of a sub-pixel plane is read in runs over which the
   * source's whole-pixel offset stays the same: there the four neighbours are four contiguous runs
   * of the source's sub-pixel planes and only the weights change, by a constant step (resample-kernel.ts,
   * in WebAssembly where both frames lie in the arena). Under a translation a run is a whole row;
   * under a 0.5° roll about 60 samples. Pixels whose source lies past the picture's edge are mapped
   * one by one, clamped to it.
   */
  align(src: Float32Array, dst: Float32Array, map: Similarity): void {
    const { width: W, height: H } = this;
    const { width: TW, height: TH } = this.target;
    const run = this.arena?.holds(src) && this.arena.holds(dst) ? this.arena.shiftRun : shiftRunJs;
    // Pixel coordinates: x = u·W/2 + W/2, y = v·W/2 + H/2 (similarity.ts).
    const h = W / 2, cx = W / 2, cy = H / 2;
    const { a, b } = map;
    const ox = map.tx * h + cx - a * cx + b * cy;
    const oy = map.ty * h + cy - b * cx - a * cy;
    const hw = TW / 2;
    // The four sub-pixel planes' rows Y read the same few source rows; done together, those stay in cache.
    for (let Y = 0; Y < TH >> 1; Y++) {
      for (let q = 0; q < 4; q++) {
        const dx = q & 1, y = 2 * Y + (q >> 1);
        // Sample X of this row is pixel (2X + dx, y); its source lies at (xs0 + 2a·X, ys0 + 2b·X).
        const xs0 = a * dx - b * y + ox, ys0 = b * dx + a * y + oy;
        for (let X = 0; X < hw; ) {
          const xs = xs0 + 2 * a * X, ys = ys0 + 2 * b * X;
          if (!(xs >= 0 && xs < W - 1 && ys >= 0 && ys < H - 1)) {
            this.mapPixel(src, dst, 2 * X + dx, y, xs, ys);
            X++;
            continue;
          }
          const n = this.runLength(xs0, ys0, xs, ys, 2 * a, 2 * b, X, hw - X);
          this.shiftRun(run, src, dst, q, Y, X, n, xs, ys, 2 * a, 2 * b);
          X += n;
        }
      }
    }
  }

  /**
   * How many samples from X on (at least 1, at most `limit`) keep the source's whole-pixel offset
   * and stay inside the picture, for sources at (xs0 + sx·X, ys0 + sy·X), (xs, ys) for X itself,
   * and the sample at 2X + dx.
   */
  private runLength(xs0: number, ys0: number, xs: number, ys: number, sx: number, sy: number, X: number, limit: number): number {
    const offX = Math.floor(xs) - 2 * X, offY = Math.floor(ys);
    // The offset's fraction moves by (sx − 2, sy) a sample, the source by (sx, sy).
    let n = Math.min(limit, stepsWithin(xs - Math.floor(xs), sx - 2, 1), stepsWithin(ys - offY, sy, 1), stepsWithin(xs, sx, this.width - 1), stepsWithin(ys, sy, this.height - 1));
    // Rounding can put the run's last sample one over a boundary: check it as the first was.
    while (n > 1) {
      const x = xs0 + sx * (X + n - 1), y = ys0 + sy * (X + n - 1);
      if (Math.floor(x) - 2 * (X + n - 1) === offX && Math.floor(y) === offY && x >= 0 && x < this.width - 1 && y >= 0 && y < this.height - 1) break;
      n--;
    }
    return n;
  }

  /**
   * n samples of row Y of sub-pixel plane q from sample X, the first one's source at (xs, ys)
   * (full-size pixels), each next one's (sx, sy) further.
   */
  private shiftRun(run: ShiftRun, src: Float32Array, dst: Float32Array, q: number, Y: number, X: number, n: number, xs: number, ys: number, sx: number, sy: number): void {
    const { plane, width: TW, height: TH } = this.target;
    const hw = TW / 2, sub = hw * (TH / 2);
    const x0 = Math.floor(xs), y0 = Math.floor(ys);
    // Along the run the source columns step by 2 (one sub-pixel column) and keep their parity:
    // columns x0 and x0 + 1, rows y0 and y0 + 1, each in the sub-pixel plane of its parities.
    const c0 = (x0 & 1) * sub + (x0 >> 1), c1 = ((x0 + 1) & 1) * sub + ((x0 + 1) >> 1);
    const r0 = (y0 & 1) * 2 * sub + (y0 >> 1) * hw, r1 = ((y0 + 1) & 1) * 2 * sub + ((y0 + 1) >> 1) * hw;
    run(src, dst, q * sub + Y * hw + X, r0 + c0, r0 + c1, r1 + c0, r1 + c1, n, 3, plane, xs - x0, ys - y0, sx - 2, sy);
  }

  /** Pixel (x, y) from source position (xs, ys), clamped to the picture (bilinear). */
  private mapPixel(src: Float32Array, dst: Float32Array, x: number, y: number, xs: number, ys: number): void {
    const { xOff, yOff, plane } = this.target;
    const maxX = this.width - 1, maxY = this.height - 1;
    const X = xs < 0 ? 0 : xs > maxX ? maxX : xs;
    const Y = ys < 0 ? 0 : ys > maxY ? maxY : ys;
    const ix = X | 0, iy = Y | 0, fx = X - ix, fy = Y - iy;
    const x0 = xOff[ix], x1 = xOff[ix < maxX ? ix + 1 : ix];
    const y0 = yOff[iy], y1 = yOff[iy < maxY ? iy + 1 : iy];
    const d = yOff[y] + xOff[x];
    for (let c = 0; c < 3 * plane; c += plane) {
      dst[c + d] = (1 - fy) * ((1 - fx) * src[c + y0 + x0] + fx * src[c + y0 + x1]) + fy * ((1 - fx) * src[c + y1 + x0] + fx * src[c + y1 + x1]);
    }
  }

  dispose(): void {
    this.estimator.dispose();
  }

  /**
   * (R + 2G + B) / 4 of the half-size picture (its four sub-pixel planes averaged), box-averaged down
   * to the tracker's size. Green alone carries more of the noise (0.61 σ against 1 σ for one
   * channel), and through σ 30 noise it made a still camera's steps read about 1 px.
   */
  private greyCopy(rgb: Float32Array): void {
    const { plane, width: TW, height: TH } = this.target;
    const hw = TW / 2, sub = hw * (TH / 2);
    const gw = this.estimator.width, gh = this.estimator.height;
    const sx = this.halfWidth / gw, sy = this.halfHeight / gh;
    const g0 = plane, g1 = plane + sub, g2 = plane + 2 * sub, g3 = plane + 3 * sub, b0 = 2 * plane;
    for (let j = 0; j < gh; j++) {
      const y0 = Math.floor(j * sy), y1 = Math.max(y0 + 1, Math.floor((j + 1) * sy));
      for (let i = 0; i < gw; i++) {
        const x0 = Math.floor(i * sx), x1 = Math.max(x0 + 1, Math.floor((i + 1) * sx));
        let acc = 0;
        for (let y = y0; y < y1; y++) {
          for (let x = x0, p = y * hw + x0; x < x1; x++, p++) {
            acc += 2 * (rgb[g0 + p] + rgb[g1 + p] + rgb[g2 + p] + rgb[g3 + p]);
            acc += rgb[p] + rgb[p + sub] + rgb[p + 2 * sub] + rgb[p + 3 * sub] + rgb[b0 + p] + rgb[b0 + sub + p] + rgb[b0 + 2 * sub + p] + rgb[b0 + 3 * sub + p];
          }
        }
        const v = (acc / (16 * (y1 - y0) * (x1 - x0))) * 255;
        this.grey[j * gw + i] = v < 0 ? 0 : v > 255 ? 255 : v + 0.5;
      }
    }
  }
}

/** Steps of `step` until p (0 ≤ p < max) leaves [0, max): at least 1, Infinity when it never does. */
function stepsWithin(p: number, step: number, max: number): number {
  if (step > 0) return Math.ceil((max - p) / step);
  if (step < 0) return Math.floor(p / -step) + 1;
  return Infinity;
}

/** 3 × 3 box blur of a grey picture (edges use the pixels that exist), as floats. */
function boxBlur3(g: Uint8Array, w: number, h: number): Float32Array {
  const out = new Float32Array(w * h);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      let acc = 0, n = 0;
      for (let j = Math.max(0, y - 1); j <= Math.min(h - 1, y + 1); j++) {
        for (let i = Math.max(0, x - 1); i <= Math.min(w - 1, x + 1); i++, n++) acc += g[j * w + i];
      }
      out[y * w + x] = acc / n;
    }
  }
  return out;
}
