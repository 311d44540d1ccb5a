/**
 * Whether a clip's camera sways: slow, deliberate-looking motion (a handheld drift, a body swaying)
 * that is larger than the shake on top of it. Such clips score steadier, and crop less, when the
 * path follows the slow motion and smooths only the shake (--smooth-motion) than when it holds the
 * frame still between pans, which has to zoom in far enough to absorb the whole sway.
 *
 * The camera path's translation is detrended, then split by Gaussian blurs over time: the fast
 * part is what a σ of 0.5 s removes, the sway what lies between that and a blur 4 times as long.
 * Motion slower still is a pan, which the default path already follows; with a straight line
 * alone, a long take's later pans counted as sway (a 20 s stand-in that replays the dlib clip's
 * motion back and forth read 0.75 that way, 0.58 this way). The turns between pans still do: a
 * clip of big pans with little shake reads as swaying, and is then followed with its turns
 * rounded over about 0.5 s instead of planned as straight segments. On the bench clips the sway/fast RMS
 * ratio reads 1.24 on the synthetic sway (where following it scored steadier, 0.898 / 0.929
 * against 0.862 / 0.922, and cropped no more), 0.50 on the real handheld dlib clip and 0.07 on the
 * synthetic shakes (2026-11-27). Where a sway is too big for the crop, both paths end up following
 * it (the integration test's clip).
 */
import type { FrameMotion } from './motion.js';
import { blurOverTime, cameraChain } from './path.js';

/** Sway when its RMS is at least this multiple of the fast part's... */
export const SWAY_RATIO = 1;
/**
 * ...and at least this share of the frame width: a drift of a few pixels (0.3 % on the ball clip of
 * python3-mecavideo, a camera on a stand) costs little crop to hold still, and a locked-off look
 * is what such a shot wants.
 */
export const MIN_SWAY = 0.01;
/** Clips shorter than this many σ of the split cannot tell a sway from a pan. */
const MIN_SIGMAS = 6;
/** Motion slower than a Gaussian this many times the split's σ counts as a pan, not a sway. */
const PAN_SIGMAS = 4;

/** Least-squares line through v, subtracted. */
function detrended(v: number[]): Float64Array {
  const n = v.length;
  const mt = (n - 1) / 2;
  const mv = v.reduce((a, b) => a + b, 0) / n;
  let num = 0, den = 0;
  for (let t = 0; t < n; t++) {
    num += (t - mt) * (v[t] - mv);
    den += (t - mt) ** 2;
  }
  const slope = den > 0 ? num / den : 0;
  return Float64Array.from(v, (x, t) => x - mv - slope * (t - mt));
}

export interface Sway {
  /** RMS of the sway over RMS of the fast part (x and y together). */
  ratio: number;
  /** RMS of the sway, as a share of the frame width. */
  slow: number;
}

/**
 * The sway and the fast part of the detrended camera translation, split at a Gaussian of
 * `sigmaSeconds` (and pans at PAN_SIGMAS times that); undefined for a clip too short to say or a
 * camera that does not move.
 */
export function measureSway(motion: FrameMotion[], fps: number, sigmaSeconds: number): Sway | undefined {
  const sigma = sigmaSeconds * fps;
  if (!(sigma > 0) || motion.length < MIN_SIGMAS * sigma) return undefined;
  const { C } = cameraChain(motion);
  let slow = 0, fast = 0;
  for (const pick of [(c: (typeof C)[number]) => c.tx, (c: (typeof C)[number]) => c.ty]) {
    const d = detrended(C.map(pick));
    const s = blurOverTime(d, sigma, 'mirror');
    const pan = blurOverTime(d, PAN_SIGMAS * sigma, 'mirror');
    for (let t = 0; t < d.length; t++) {
      slow += (s[t] - pan[t]) ** 2;
      fast += (d[t] - s[t]) ** 2;
    }
  }
  // The sway's RMS length; normalized x spans [-1, 1], so half of it is a share of the width.
  return fast > 0 ? { ratio: Math.sqrt(slow / fast), slow: Math.sqrt(slow / C.length) / 2 } : undefined;
}

/** Whether the clip sways enough that following its slow motion beats holding the frame still. */
export function sways(motion: FrameMotion[], fps: number, sigmaSeconds: number): boolean {
  const sway = measureSway(motion, fps, sigmaSeconds);
  return !!sway && sway.ratio >= SWAY_RATIO && sway.slow >= MIN_SWAY;
}
