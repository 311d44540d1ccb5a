/**
 * Camera motion between consecutive frames, measured on a small luma copy (issue 5, step 1).
 *
 * Features are tracked with pyramidal Lucas-Kanade (OpenCV goodFeaturesToTrack +
 * calcOpticalFlowPyrLK); surviving tracks carry over and new corners are detected as tracks die.
 * A similarity is fitted with RANSAC over 2-point samples, so moving subjects (a minority of the
 * tracks) are rejected as outliers, then refined by least squares on the inliers.
 *
 * Chaining frame-to-frame fits adds up their small errors, and a subject that moves slowly stays
 * inside the inlier threshold from one frame to the next and biases every fit the same way: on a
 * tripod clip with a person at the edge, 295 such fits summed to a 3 % zoom that never happened.
 * So the tracks are also fitted from an anchor frame to this one: over that span a slow subject has
 * moved away from where the fit puts it, and the frame's motion is refitted on the tracks that
 * agree both ways. The motion itself stays a frame-to-frame fit: over seconds of camera motion a
 * similarity explains the scene less well, and steps taken between long-range fits moved 0.5-1.2 px
 * RMS away from the frame-to-frame ones on the real handheld and sway clips (one-off). Two
 * anchors take turns, renewed every 2 × ANCHOR_FRAMES frames half a turn apart; the younger one
 * that is at least MIN_ANCHOR_AGE frames old judges, so the tracks' own error has had little time
 * to add up. No anchor is that old over the first MIN_ANCHOR_AGE steps of the clip (or after a
 * cut), where a slow subject drifted the path by up to 6 px on a synthetic clip; so the opening's
 * frames are kept and, once OPENING_FRAMES have come, tracked again backwards from the last of them,
 * whose anchors are then old enough to judge the opening's steps (rejudgeOpening). Frames where the
 * measurement cannot be trusted (black or flat frames, scene cuts, too few inliers, implausible
 * jumps) get identity motion and `reliable: false`, so they cannot throw the camera path off.
 */
import { loadOpenCv, type OpenCv } from './opencv.js';
import { fitSimilarity, IDENTITY, invert, type Similarity } from './similarity.js';

/** Motion from frame t-1 to frame t in normalized coordinates (see similarity.ts). */
export interface FrameMotion extends Similarity {
  reliable: boolean;
  /** RANSAC inliers supporting the estimate (0 for frame 0 and unreliable frames). */
  inliers: number;
  /** Why the frame is unreliable, when it is. */
  reason?: 'flat' | 'cut' | 'few-inliers' | 'implausible';
  /** 'flow' when tracking was weak and the learned optical flow measured it (flow-fallback.ts). */
  source?: 'flow';
}

export interface MotionEstimatorOptions {
  /** Corners kept tracked per frame. */
  maxFeatures?: number;
  /** RANSAC inlier threshold in analysis pixels. */
  inlierPixels?: number;
  /** Seed of the RANSAC sampler, so analysis is repeatable. */
  seed?: number;
  /**
   * Lucas-Kanade window side in analysis pixels. 200 corners with a 15-px window measure within
   * 0.03 px RMS of 300 corners with a 21-px one on the bench clips, in a third of the time.
   */
  lkWindow?: number;
}

const FLAT_STDDEV = 4;
const CUT_HISTOGRAM_DISTANCE = 0.6;
const MIN_INLIERS = 10;
const MIN_INLIER_RATIO = 0.3;
/** Half the frames an anchor is kept for. */
export const ANCHOR_FRAMES = 30;
/** An anchor younger than this cannot tell a slow subject yet. */
const MIN_ANCHOR_AGE = 8;
/**
 * The check against the anchor uses this share of the inlier threshold. Chosen on a one-off sweep
 * (2026-11-27) of 8 or 15 frames and 0.6 or 1 on a synthetic slow subject, balle1-vp9 (python3-
 * mecavideo) and the bench's three clips: 8 and 0.6 drifted least and kept the bench clips'
 * scores within the spread that the RANSAC seed alone gives them (about 0.01).
 */
const ANCHOR_THRESHOLD = 0.6;
/**
 * Frames of an opening (after the clip's start or a reset of both anchors) tracked again backwards:
 * backwards from its last frame, the steps into the first MIN_ANCHOR_AGE frames are judged by an
 * anchor at least MIN_ANCHOR_AGE frames away, which forwards they were not.
 */
export const OPENING_FRAMES = 2 * MIN_ANCHOR_AGE + 1;

/** A better measure of an earlier frame's motion, found after it was returned (see takeRevisions). */
export interface MotionRevision {
  /** 0-based index of the frame (the motion into it from the frame before). */
  frame: number;
  motion: FrameMotion;
}

/** A frame that later frames' tracks are checked against. */
interface Anchor {
  /** Where each tracked point was on the anchor frame (NaN: found after it). */
  pts: Float32Array;
  age: number;
  /** Renewed when age reaches this. */
  limit: number;
}

/** mulberry32: small seeded generator for RANSAC samples. */
export function seededRandom(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Mean, standard deviation and a 32-bin normalized histogram of a luma plane. */
function lumaStats(luma: Uint8Array): { mean: number; std: number; hist: Float64Array } {
  const hist = new Float64Array(32);
  let s = 0, s2 = 0;
  for (let i = 0; i < luma.length; i++) {
    const v = luma[i];
    s += v;
    s2 += v * v;
    hist[v >> 3]++;
  }
  const n = luma.length;
  for (let i = 0; i < 32; i++) hist[i] /= n;
  const mean = s / n;
  return { mean, std: Math.sqrt(Math.max(0, s2 / n - mean * mean)), hist };
}

/**
 * RANSAC similarity from point pairs (pixels): 2-point minimal samples, then least squares on the
 * inliers, twice. Returns the fit and its inlier indices.
 */
export function ransacSimilarity(from: Float64Array, to: Float64Array, threshold: number, random: () => number, iterations = 300): { fit: Similarity; inliers: number[] } | undefined {
  const n = from.length / 2;
  if (n < 2) return undefined;
  const t2 = threshold * threshold;
  const inliersOf = (s: Similarity): number[] => {
    const out: number[] = [];
    for (let i = 0; i < n; i++) {
      const x = from[2 * i], y = from[2 * i + 1];
      const dx = s.a * x - s.b * y + s.tx - to[2 * i];
      const dy = s.b * x + s.a * y + s.ty - to[2 * i + 1];
      if (dx * dx + dy * dy <= t2) out.push(i);
    }
    return out;
  };
  let best: number[] = [];
  const pair = new Int32Array(2);
  for (let it = 0; it < iterations; it++) {
    pair[0] = Math.floor(random() * n);
    pair[1] = Math.floor(random() * n);
    if (pair[0] === pair[1]) continue;
    const s = fitSimilarity(from, to, pair);
    if (!s) continue;
    const scale = Math.hypot(s.a, s.b);
    if (scale < 0.7 || scale > 1.4) continue;
    const inl = inliersOf(s);
    if (inl.length > best.length) {
      best = inl;
      if (best.length > 0.9 * n) break;
    }
  }
  if (best.length < 2) return undefined;
  let fit = fitSimilarity(from, to, best)!;
  for (let r = 0; r < 2; r++) {
    const inl = inliersOf(fit);
    if (inl.length < 2) break;
    best = inl;
    fit = fitSimilarity(from, to, best) ?? fit;
  }
  return { fit, inliers: best };
}

/** Feeds frames one at a time; keeps the tracks and the previous frame. Call dispose() at the end. */
export class MotionEstimator {
  private prev?: OpenCv;
  private prevPts: Float32Array = new Float32Array(0);
  /** The second is renewed half a turn early, so they take turns. */
  private readonly anchors: Anchor[] = [
    { pts: new Float32Array(0), age: 0, limit: 2 * ANCHOR_FRAMES },
    { pts: new Float32Array(0), age: 0, limit: ANCHOR_FRAMES },
  ];
  private prevHist?: Float64Array;
  private prevFlat = true;
  /** Frames pushed so far. */
  private count = 0;
  /** Luma of the current opening's frames and the index of its first, while it is being collected. */
  private opening: Uint8Array[] = [];
  private openingStart = 0;
  private revisions: MotionRevision[] = [];
  private readonly random: () => number;
  private readonly maxFeatures: number;
  private readonly threshold: number;
  private readonly lkWindow: number;

  /** `rejudge` false: an estimator that tracks an opening backwards does not rejudge its own. */
  private constructor(private readonly cv: OpenCv, readonly width: number, readonly height: number, private readonly opts: MotionEstimatorOptions, private readonly rejudge = true) {
    this.random = seededRandom(opts.seed ?? 1);
    this.maxFeatures = opts.maxFeatures ?? 200;
    this.threshold = opts.inlierPixels ?? 1.0;
    this.lkWindow = opts.lkWindow ?? 15;
  }

  static async create(width: number, height: number, opts: MotionEstimatorOptions = {}): Promise<MotionEstimator> {
    const { cv } = await loadOpenCv();
    return new MotionEstimator(cv, width, height, opts);
  }

  /** Motion from the previous frame to this one (identity for the first frame). */
  push(luma: Uint8Array): FrameMotion {
    const { cv, width, height } = this;
    const stats = lumaStats(luma);
    const cur = new cv.Mat(height, width, cv.CV_8UC1);
    cur.data.set(luma.subarray(0, width * height));
    const flat = stats.std < FLAT_STDDEV;
    let result: FrameMotion = { ...IDENTITY, reliable: false, inliers: 0 };
    let tracked: Float32Array = new Float32Array(0);
    let anchored: Float32Array[] = [];
    if (!this.prev) result = { ...IDENTITY, reliable: true, inliers: 0 };
    else if (flat || this.prevFlat) result.reason = 'flat';
    else if (this.prevHist && histogramDistance(this.prevHist, stats.hist) > CUT_HISTOGRAM_DISTANCE) result.reason = 'cut';
    else {
      const m = this.track(cur);
      result = m.motion;
      tracked = m.tracked;
      anchored = m.anchored;
    }
    this.prev?.delete();
    this.prev = cur;
    this.prevHist = stats.hist;
    this.prevFlat = flat;
    this.prevPts = flat ? new Float32Array(0) : this.topUp(cur, tracked);
    const restarted = this.moveAnchors(result.reliable, anchored);
    this.collectOpening(luma, restarted);
    this.count++;
    return result;
  }

  /**
   * Better measures of frames already returned, found since the last call: the steps of an opening,
   * judged backwards (rejudgeOpening). `final`: the clip has ended, so a shorter opening is used as is.
   */
  takeRevisions(final = false): MotionRevision[] {
    if (final) {
      this.rejudgeOpening();
      this.opening = [];
    }
    const out = this.revisions;
    this.revisions = [];
    return out;
  }

  /** Keep the frames of an opening until OPENING_FRAMES have come, then judge its steps. */
  private collectOpening(luma: Uint8Array, restarted: boolean): void {
    if (!this.rejudge) return;
    if (restarted) {
      this.opening = [];
      this.openingStart = this.count;
    } else if (!this.opening.length) return;
    this.opening.push(Uint8Array.from(luma.subarray(0, this.width * this.height)));
    if (this.opening.length === OPENING_FRAMES) {
      this.rejudgeOpening();
      this.opening = [];
    }
  }

  /**
   * Track the opening backwards from its last frame. The steps into its first MIN_ANCHOR_AGE frames
   * (unjudged forwards) are then judged by an anchor at least MIN_ANCHOR_AGE frames away, and their
   * inverses replace the forward measures. Stops at the first step it cannot measure.
   */
  private rejudgeOpening(): void {
    const frames = this.opening;
    const last = frames.length - 1;
    // Backwards, the step from frame k + 1 to k is judged when last - k - 1 >= MIN_ANCHOR_AGE.
    const judgedUpTo = last - 1 - MIN_ANCHOR_AGE;
    if (judgedUpTo < 0) return;
    const back = new MotionEstimator(this.cv, this.width, this.height, this.opts, false);
    try {
      const found: MotionRevision[] = [];
      for (let k = last; k >= 0; k--) {
        const m = back.push(frames[k]);
        if (k === last) continue;
        if (!m.reliable) break;
        // Forward step k + 1 is unjudged while its anchors are younger than MIN_ANCHOR_AGE.
        if (k <= judgedUpTo && k + 1 <= MIN_ANCHOR_AGE) found.push({ frame: this.openingStart + k + 1, motion: { ...invert(m), reliable: true, inliers: m.inliers } });
      }
      this.revisions.push(...found);
    } finally {
      back.dispose();
    }
  }

  /** Carry each anchor's positions over to the tracks kept, or make this frame the anchor. True when both start here. */
  private moveAnchors(reliable: boolean, anchored: Float32Array[]): boolean {
    const keep = this.anchors.map((a, i) => reliable && !!anchored[i] && a.age + 1 < a.limit);
    this.anchors.forEach((a, i) => {
      if (keep[i]) {
        // The tracks found just now were not on it.
        a.pts = new Float32Array(this.prevPts.length).fill(NaN);
        a.pts.set(anchored[i]);
        a.age++;
      } else {
        // Also after a cut, a flat frame or a failed measure; when both start here, the second is
        // renewed half a turn early again.
        a.pts = Float32Array.from(this.prevPts);
        a.age = 0;
        a.limit = i > 0 && !keep.some(Boolean) ? ANCHOR_FRAMES : 2 * ANCHOR_FRAMES;
      }
    });
    return !keep.some(Boolean);
  }

  dispose(): void {
    this.prev?.delete();
    this.prev = undefined;
  }

  /**
   * LK-track the previous points into `cur` and fit the motion. Returns the inlier positions in
   * `cur` and, for each anchor, their positions on the anchor frame.
   */
  private track(cur: OpenCv): { motion: FrameMotion; tracked: Float32Array; anchored: Float32Array[] } {
    const { cv } = this;
    const n = this.prevPts.length / 2;
    const none = (reason: FrameMotion['reason']) => ({ motion: { ...IDENTITY, reliable: false, inliers: 0, reason } as FrameMotion, tracked: new Float32Array(0), anchored: [] });
    if (n < MIN_INLIERS) return none('few-inliers');
    const p0 = cv.matFromArray(n, 1, cv.CV_32FC2, Array.from(this.prevPts));
    const p1 = new cv.Mat();
    const status = new cv.Mat();
    const err = new cv.Mat();
    const criteria = new cv.TermCriteria(cv.TermCriteria_COUNT + cv.TermCriteria_EPS, 20, 0.03);
    try {
      cv.calcOpticalFlowPyrLK(this.prev, cur, p0, p1, status, err, new cv.Size(this.lkWindow, this.lkWindow), 3, criteria);
      const from: number[] = [];
      const to: number[] = [];
      const anchor: number[][] = this.anchors.map(() => []);
      const st = status.data as Uint8Array;
      const q = p1.data32F as Float32Array;
      for (let i = 0; i < n; i++) {
        const x = q[2 * i], y = q[2 * i + 1];
        if (!st[i] || x < 0 || y < 0 || x > this.width - 1 || y > this.height - 1) continue;
        from.push(this.prevPts[2 * i], this.prevPts[2 * i + 1]);
        to.push(x, y);
        this.anchors.forEach((a, j) => anchor[j].push(a.pts[2 * i] ?? NaN, a.pts[2 * i + 1] ?? NaN));
      }
      const pairs = from.length / 2;
      if (pairs < MIN_INLIERS) return none('few-inliers');
      const fit = ransacSimilarity(Float64Array.from(from), Float64Array.from(to), this.threshold, this.random);
      if (!fit || fit.inliers.length < MIN_INLIERS || fit.inliers.length < MIN_INLIER_RATIO * pairs) return none('few-inliers');
      const tracked = new Float32Array(fit.inliers.length * 2);
      const anchored = this.anchors.map(() => new Float32Array(fit.inliers.length * 2));
      fit.inliers.forEach((i, k) => {
        tracked[2 * k] = to[2 * i];
        tracked[2 * k + 1] = to[2 * i + 1];
        anchored.forEach((a, j) => {
          a[2 * k] = anchor[j][2 * i];
          a[2 * k + 1] = anchor[j][2 * i + 1];
        });
      });
      const agree = this.agreeing(fit.inliers, anchor, to);
      const step = agree ? (fitSimilarity(from, to, agree) ?? fit.fit) : fit.fit;
      const motion = normalizeSimilarity(step, this.width, this.height);
      if (!plausible(motion)) {
        return { motion: { ...IDENTITY, reliable: false, inliers: 0, reason: 'implausible' }, tracked, anchored };
      }
      return { motion: { ...motion, reliable: true, inliers: agree?.length ?? fit.inliers.length }, tracked, anchored };
    } finally {
      p0.delete(); p1.delete(); status.delete(); err.delete();
    }
  }

  /**
   * The frame-to-frame inliers that a fit from the judging anchor (the youngest at least
   * MIN_ANCHOR_AGE old) also takes as inliers; undefined when no anchor can judge or too few agree.
   */
  private agreeing(inliers: number[], anchor: number[][], to: number[]): number[] | undefined {
    let j = -1;
    this.anchors.forEach((a, k) => {
      if (a.age >= MIN_ANCHOR_AGE && (j < 0 || a.age < this.anchors[j].age)) j = k;
    });
    if (j < 0) return undefined;
    const idx: number[] = [];
    const from: number[] = [];
    const dest: number[] = [];
    for (const i of inliers) {
      if (Number.isNaN(anchor[j][2 * i])) continue;
      idx.push(i);
      from.push(anchor[j][2 * i], anchor[j][2 * i + 1]);
      dest.push(to[2 * i], to[2 * i + 1]);
    }
    if (idx.length < MIN_INLIERS || idx.length < MIN_INLIER_RATIO * inliers.length) return undefined;
    const fit = ransacSimilarity(Float64Array.from(from), Float64Array.from(dest), this.threshold * ANCHOR_THRESHOLD, this.random);
    if (!fit || fit.inliers.length < MIN_INLIERS || fit.inliers.length < MIN_INLIER_RATIO * inliers.length) return undefined;
    return fit.inliers.map((k) => idx[k]);
  }

  /** Keep the tracks and add fresh corners away from them when fewer than 70 % survive. */
  private topUp(cur: OpenCv, tracked: Float32Array): Float32Array {
    const { cv } = this;
    const have = tracked.length / 2;
    if (have >= this.maxFeatures * 0.7) return tracked;
    const corners = new cv.Mat();
    const mask = new cv.Mat();
    const minDistance = Math.max(4, Math.round(this.width / 60));
    try {
      cv.goodFeaturesToTrack(cur, corners, this.maxFeatures, 0.01, minDistance, mask, 3);
      const c = corners.data32F as Float32Array;
      const out = Array.from(tracked);
      const d2 = minDistance * minDistance;
      for (let i = 0; i < c.length / 2 && out.length / 2 < this.maxFeatures; i++) {
        const x = c[2 * i], y = c[2 * i + 1];
        let near = false;
        for (let k = 0; k < have; k++) {
          const dx = tracked[2 * k] - x, dy = tracked[2 * k + 1] - y;
          if (dx * dx + dy * dy < d2) {
            near = true;
            break;
          }
        }
        if (!near) out.push(x, y);
      }
      return Float32Array.from(out);
    } finally {
      corners.delete();
      mask.delete();
    }
  }
}

/** Pixel-space similarity of a width × height plane -> normalized coordinates (similarity.ts). */
export function normalizeSimilarity(s: Similarity, width: number, height: number): Similarity {
  const cx = width / 2, cy = height / 2, h = width / 2;
  // T^-1 ∘ s ∘ T where T maps normalized to pixels: x = u·h + cx, y = v·h + cy.
  const tx = (s.a * cx - s.b * cy + s.tx - cx) / h;
  const ty = (s.b * cx + s.a * cy + s.ty - cy) / h;
  return { a: s.a, b: s.b, tx, ty };
}

/** A camera can move this much between two frames; more is a failed measurement. */
export function plausible(m: Similarity): boolean {
  const scale = Math.hypot(m.a, m.b);
  return Math.hypot(m.tx, m.ty) <= 0.3 && Math.abs(Math.atan2(m.b, m.a)) <= 0.2 && scale >= 0.85 && scale <= 1.18;
}

function histogramDistance(a: Float64Array, b: Float64Array): number {
  let d = 0;
  for (let i = 0; i < a.length; i++) d += Math.abs(a[i] - b[i]);
  return d;
}

/** Analysis size: `maxWidth` wide (never upscaled), even dimensions, same aspect. */
export function analysisSize(width: number, height: number, maxWidth = 320): { width: number; height: number } {
  const w = Math.min(maxWidth, width);
  const even = (n: number): number => Math.max(2, 2 * Math.round(n / 2));
  return { width: even(w), height: even((w * height) / width) };
}
