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

/**
 * A neighbour whose alignment moves no corner by this much (pixels) is used as it is: the
 * still-region test already averages flat parts across a smaller shift, and resampling blurs the
 * neighbour and lowers its noise, which the test and the network were not trained on. On the bench's
 * classroom clip (a camera that moves a fraction of a pixel, measured through σ 20 noise) aligning
 * from 0.5 px on lost 0.57 dB; from 1.5 px it is left exactly as before (one-off, 2026-11-28).
 */
export const ALIGN_MIN_PX = 1.5;

/** Lined up, a neighbour must differ from the centre frame by at most this share of what it did before. */
const BETTER_BY = 0.9;
/** Grey copies kept: the window's reach back (frames t-2..t+2 are judged once t+2 has arrived). */
const KEEP_GREYS = 6;

export class CameraAligner {
  private readonly motion: FrameMotion[] = [];
  private readonly greys = new Map<number, Uint8Array>();
  private readonly verdicts = new Map<string, boolean>();
  private readonly grey: Uint8Array;
  private readonly halfWidth: number;
  private readonly halfHeight: number;

  private constructor(
    private readonly estimator: MotionEstimator,
    private readonly width: number,
    private readonly height: number,
    private readonly target: RgbTarget,
  ) {
    this.grey = new Uint8Array(estimator.width * estimator.height);
    this.halfWidth = Math.floor(width / 2);
    this.halfHeight = Math.floor(height / 2);
  }

  /** For frames of width × height converted into `target` (color.ts unshuffledTarget). */
  static async create(width: number, height: number, target: RgbTarget): Promise<CameraAligner> {
    const size = analysisSize(Math.floor(width / 2), Math.floor(height / 2));
    return new CameraAligner(await MotionEstimator.create(size.width, size.height), width, height, target);
  }

  /** Measure the next frame's motion from the one before (frames in order, in the network's layout). */
  push(rgb: Float32Array): void {
    this.greyCopy(rgb);
    this.motion.push(this.estimator.push(this.grey));
    this.greys.set(this.motion.length - 1, this.grey.slice());
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
    if (cornerShift(map, this.width, this.height) < ALIGN_MIN_PX) return undefined;
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
   * Whether frame s, moved by `map`, matches frame t better than as it is (mean absolute difference
   * of the grey copies, by a clear margin). Not when the tracker followed a large moving subject
   * (animation over a still background): lining that up would misalign the scene around it.
   */
  private alignsBetter(t: number, s: number, map: Similarity): boolean {
    const gt = this.greys.get(t), gs = this.greys.get(s);
    if (!gt || !gs) return false;
    const w = this.estimator.width, h = this.estimator.height;
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

  /** Resample `src` (a frame in the network's layout) into `dst` so it lines up with the frame `map` starts from. */
  align(src: Float32Array, dst: Float32Array, map: Similarity): void {
    const { width: W, height: H } = this;
    const { xOff, yOff, plane, width: TW, height: TH } = this.target;
    // Pixel coordinates: x = u·W/2 + W/2, y = v·W/2 + H/2 (similarity.ts).
    const h = W / 2, cx = W / 2, cy = H / 2;
    const { a, b } = map;
    const ox = map.tx * h + cx - a * cx + b * cy;
    const oy = map.ty * h + cy - b * cx - a * cy;
    const maxX = W - 1, maxY = H - 1;
    const p2 = 2 * plane;
    // Written sub-plane by sub-plane (the layout's order), so the output streams through memory.
    const hw = TW / 2, hh = TH / 2, sub = hw * hh;
    for (let q = 0; q < 4; q++) {
      const dy = q >> 1, dx = q & 1;
      for (let Y = 0; Y < hh; Y++) {
        const y = 2 * Y + dy;
        let xs = a * dx - b * y + ox;
        let ys = b * dx + a * y + oy;
        let d = q * sub + Y * hw;
        for (let X = 0; X < hw; X++, xs += 2 * a, ys += 2 * b, d++) {
          const Xc = xs < 0 ? 0 : xs > maxX ? maxX : xs;
          const Yc = ys < 0 ? 0 : ys > maxY ? maxY : ys;
          const ix = Xc | 0, iy = Yc | 0;
          const fx = Xc - ix, fy = Yc - iy;
          const x0 = xOff[ix], x1 = xOff[ix < maxX ? ix + 1 : ix];
          const y0 = yOff[iy], y1 = yOff[iy < maxY ? iy + 1 : iy];
          const w00 = (1 - fx) * (1 - fy), w01 = fx * (1 - fy), w10 = (1 - fx) * fy, w11 = fx * fy;
          const i00 = y0 + x0, i01 = y0 + x1, i10 = y1 + x0, i11 = y1 + x1;
          dst[d] = w00 * src[i00] + w01 * src[i01] + w10 * src[i10] + w11 * src[i11];
          dst[d + plane] = w00 * src[i00 + plane] + w01 * src[i01 + plane] + w10 * src[i10 + plane] + w11 * src[i11 + plane];
          dst[d + p2] = w00 * src[i00 + p2] + w01 * src[i01 + p2] + w10 * src[i10 + p2] + w11 * src[i11 + p2];
        }
      }
    }
  }

  dispose(): void {
    this.estimator.dispose();
  }

  /** The half-size picture's green (its four sub-pixel planes averaged), box-averaged down to the tracker's size. */
  private greyCopy(rgb: Float32Array): void {
    const { plane, width: TW, height: TH } = this.target;
    const hw = TW / 2, sub = hw * (TH / 2);
    const gw = this.estimator.width, gh = this.estimator.height;
    const sx = this.halfWidth / gw, sy = this.halfHeight / gh;
    const g0 = plane, g1 = plane + sub, g2 = plane + 2 * sub, g3 = plane + 3 * sub;
    for (let j = 0; j < gh; j++) {
      const y0 = Math.floor(j * sy), y1 = Math.max(y0 + 1, Math.floor((j + 1) * sy));
      for (let i = 0; i < gw; i++) {
        const x0 = Math.floor(i * sx), x1 = Math.max(x0 + 1, Math.floor((i + 1) * sx));
        let acc = 0;
        for (let y = y0; y < y1; y++) {
          for (let x = x0, p = y * hw + x0; x < x1; x++, p++) acc += rgb[g0 + p] + rgb[g1 + p] + rgb[g2 + p] + rgb[g3 + p];
        }
        const v = (acc / (4 * (y1 - y0) * (x1 - x0))) * 255;
        this.grey[j * gw + i] = v < 0 ? 0 : v > 255 ? 255 : v + 0.5;
      }
    }
  }
}
