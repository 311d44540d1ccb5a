/**
 * Motion where feature tracking is weak (issue 5, step 1). Low texture or blur leaves too few
 * tracked corners for a fit that can be trusted ('few-inliers'); there the learned optical flow
 * (learned-flow.ts, RIFE 4.6) measures the pair densely, and the same RANSAC similarity fit runs on
 * a grid of its vectors, so a moving subject is still rejected as outliers. The flow model (21 MB,
 * about 0.1 s a pair at 320 px on 2 cores) is loaded only when a clip first needs it: well-textured
 * clips cost nothing extra.
 */
import type { Device } from '../../models/session.js';
import { createLearnedFlow, type FlowField, type LearnedFlow } from './learned-flow.js';
import { MotionEstimator, normalizeSimilarity, plausible, ransacSimilarity, seededRandom, type FrameMotion, type MotionEstimatorOptions, type MotionRevision } from './motion.js';
import type { Similarity } from './similarity.js';

/** Flow vectors this close to the border are padding-affected (models/rife-flow.md) and skipped. */
const BORDER = 16;
/** Share of the grid's vectors that must agree with the fitted motion. */
const MIN_AGREEMENT = 0.3;
/**
 * RANSAC threshold for flow vectors, as a multiple of the tracker's: dense flow in the dim, soft or
 * noisy pictures that reach this fallback scatters by a pixel or more, where tracked corners agree
 * within a fraction (measured on a blurred, low-contrast, noisy synthetic shake: at 1 px only 12-23 %
 * of the vectors agreed, at 2 px 35-62 %, with the same fit within a pixel).
 */
const FLOW_THRESHOLD_FACTOR = 2;

export interface MotionAnalyzerOptions extends MotionEstimatorOptions {
  /** Use the learned flow where tracking is weak (default true). */
  learnedFlow?: boolean;
  device?: Device;
}

/** A similarity fitted to a grid of a flow field's vectors (pixels), with the share that agrees. */
export function similarityFromFlow(field: FlowField, random: () => number, threshold = 1): { fit: Similarity; agreement: number } | undefined {
  const { width, height, dx, dy } = field;
  const step = Math.max(4, Math.round(width / 40));
  const from: number[] = [];
  const to: number[] = [];
  const margin = Math.min(BORDER, Math.floor(Math.min(width, height) / 4));
  for (let y = margin; y < height - margin; y += step) {
    for (let x = margin; x < width - margin; x += step) {
      const i = y * width + x;
      from.push(x, y);
      to.push(x + dx[i], y + dy[i]);
    }
  }
  const points = from.length / 2;
  if (points < 8) return undefined;
  const r = ransacSimilarity(Float64Array.from(from), Float64Array.from(to), threshold, random);
  return r && { fit: r.fit, agreement: r.inliers.length / points };
}

/** MotionEstimator, with the learned flow standing in for the frames it cannot track. */
export class MotionAnalyzer {
  /** Frames whose motion came from the learned flow. */
  flowFrames = 0;
  private prev: Uint8Array;
  private cur: Uint8Array;
  private flow?: Promise<LearnedFlow>;
  private readonly random: () => number;

  private constructor(private readonly estimator: MotionEstimator, private readonly opts: MotionAnalyzerOptions) {
    this.prev = new Uint8Array(estimator.width * estimator.height);
    this.cur = new Uint8Array(estimator.width * estimator.height);
    this.random = seededRandom((opts.seed ?? 1) + 1);
  }

  static async create(width: number, height: number, opts: MotionAnalyzerOptions = {}): Promise<MotionAnalyzer> {
    return new MotionAnalyzer(await MotionEstimator.create(width, height, opts), opts);
  }

  get width(): number {
    return this.estimator.width;
  }

  get height(): number {
    return this.estimator.height;
  }

  /** Motion from the previous frame to this one (identity for the first frame). */
  async push(luma: Uint8Array): Promise<FrameMotion> {
    const tracked = this.estimator.push(luma);
    if (this.opts.learnedFlow === false) return tracked;
    [this.prev, this.cur] = [this.cur, this.prev];
    this.cur.set(luma.subarray(0, this.cur.length));
    // Only a pair with a previous frame can be 'few-inliers'.
    if (tracked.reason !== 'few-inliers') return tracked;
    return (await this.fromFlow()) ?? tracked;
  }

  /** Better measures of frames already returned (MotionEstimator.takeRevisions); never of a frame the flow measured. */
  takeRevisions(final = false): MotionRevision[] {
    return this.estimator.takeRevisions(final);
  }

  async dispose(): Promise<void> {
    this.estimator.dispose();
    const flow = this.flow;
    this.flow = undefined;
    if (flow) await (await flow).release();
  }

  private async fromFlow(): Promise<FrameMotion | undefined> {
    this.flow ??= createLearnedFlow({ device: this.opts.device });
    const field = await (await this.flow).flow(this.prev, this.cur, this.width, this.height);
    const r = similarityFromFlow(field, this.random, FLOW_THRESHOLD_FACTOR * (this.opts.inlierPixels ?? 1));
    if (!r || r.agreement < MIN_AGREEMENT) return undefined;
    const motion = normalizeSimilarity(r.fit, this.width, this.height);
    if (!plausible(motion)) return undefined;
    this.flowFrames++;
    return { ...motion, reliable: true, inliers: Math.round(r.agreement * 100), source: 'flow' };
  }
}
