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
   * starts from (bilinear). Tiles small enough that the map is a translation within them to 0.05 px
   * read four shifted runs of the source's sub-pixel planes, which is several times faster than
   * mapping every pixel; tiles whose source reaches past the picture's edge are mapped pixel by pixel.
   */
  align(src: Float32Array, dst: Float32Array, map: Similarity): void {
    const { width: W, height: H } = this;
    const { width: TW, height: TH } = this.target;
    // Pixel coordinates: x = u·W/2 + W/2, y = v·W/2 + H/2 (similarity.ts).
    const h = W / 2, cx = W / 2, cy = H / 2;
    const { a, b } = map;
    const ox = map.tx * h + cx - a * cx + b * cy;
    const oy = map.ty * h + cy - b * cx - a * cy;
    const drift = Math.abs(a - 1) + Math.abs(b);
    const T = drift > 0 ? Math.max(4, Math.min(64, 2 * Math.floor(0.035 / drift))) : 64;
    for (let ty0 = 0; ty0 < TH; ty0 += T) {
      for (let tx0 = 0; tx0 < TW; tx0 += T) {
        const tx1 = Math.min(TW, tx0 + T), ty1 = Math.min(TH, ty0 + T);
        const xc = (tx0 + tx1 - 1) / 2, yc = (ty0 + ty1 - 1) / 2;
        const dX = a * xc - b * yc + ox - xc, dY = b * xc + a * yc + oy - yc;
        const ix = Math.floor(dX), iy = Math.floor(dY);
        if (tx0 + ix >= 0 && tx1 + ix <= W - 1 && ty0 + iy >= 0 && ty1 + iy <= H - 1) this.shiftTile(src, dst, tx0, tx1, ty0, ty1, ix, iy, dX - ix, dY - iy);
        else this.mapTile(src, dst, tx0, tx1, ty0, ty1, a, b, ox, oy);
      }
    }
  }

  /** One tile as a whole-pixel shift (ix, iy) plus a fractional one (fx, fy). */
  private shiftTile(src: Float32Array, dst: Float32Array, tx0: number, tx1: number, ty0: number, ty1: number, ix: number, iy: number, fx: number, fy: number): void {
    const { plane, width: TW, height: TH } = this.target;
    const hw = TW / 2, sub = hw * (TH / 2);
    const w00 = (1 - fx) * (1 - fy), w01 = fx * (1 - fy), w10 = (1 - fx) * fy, w11 = fx * fy;
    const X0 = tx0 >> 1, X1 = tx1 >> 1;
    for (let q = 0; q < 4; q++) {
      const dy = q >> 1, dx = q & 1;
      // Output sub-pixel column dx reads source columns 2X + dx + ix and one to the right.
      const k0 = dx + ix, k1 = k0 + 1;
      const px0 = k0 & 1, px1 = k1 & 1, c0 = k0 >> 1, c1 = k1 >> 1;
      for (let Y = ty0 >> 1; Y < ty1 >> 1; Y++) {
        const sy = 2 * Y + dy + iy;
        const py0 = sy & 1, py1 = (sy + 1) & 1, r0 = (sy >> 1) * hw, r1 = ((sy + 1) >> 1) * hw;
        const b00 = (2 * py0 + px0) * sub + r0 + c0, b01 = (2 * py0 + px1) * sub + r0 + c1;
        const b10 = (2 * py1 + px0) * sub + r1 + c0, b11 = (2 * py1 + px1) * sub + r1 + c1;
        const d = q * sub + Y * hw;
        for (let c = 0; c < 3 * plane; c += plane) {
          for (let X = X0; X < X1; X++) dst[c + d + X] = w00 * src[c + b00 + X] + w01 * src[c + b01 + X] + w10 * src[c + b10 + X] + w11 * src[c + b11 + X];
        }
      }
    }
  }

  /** One tile, every pixel through the map, the source clamped to the picture. */
  private mapTile(src: Float32Array, dst: Float32Array, tx0: number, tx1: number, ty0: number, ty1: number, a: number, b: number, ox: number, oy: number): void {
    const { xOff, yOff, plane } = this.target;
    const maxX = this.width - 1, maxY = this.height - 1;
    for (let y = ty0; y < ty1; y++) {
      for (let x = tx0; x < tx1; x++) {
        const xs = a * x - b * y + ox, ys = b * x + a * y + oy;
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
