/**
 * Stabilization quality metrics as defined by the DIFRINT evaluation (Choi and Kweon, "Deep
 * iterative frame interpolation for full-frame video stabilization", 2020, metrics.py), computed
 * the same way for our output and for any other stabilizer's (issue 5, step 5):
 *
 * - cropping ratio: per frame, H = homography input -> output; CR = min(1, 1/sqrt(|H00·H11|));
 *   reported as mean and minimum.
 * - distortion value: |λmin / λmax| of H's 2×2 block; reported as the minimum over frames.
 * - stability score: chain the output-to-output homographies into a path; the share of the
 *   spectral energy of its translation (x and y averaged) and of its rotation in the lowest 5
 *   non-DC frequencies.
 * - ITF: mean PSNR between consecutive output frames.
 *
 * Homographies come from ORB matches (ratio test), refined to sub-pixel positions by Lucas-Kanade,
 * and MAGSAC++ findHomography (USAC_MAGSAC, 1 px) on grey frames. Both stabilizers compared here
 * render similarity warps, so the true DV is 1 and the true CR is set by the zoom alone: with plain
 * RANSAC (3 px) on whole-pixel ORB positions, the 320-px real clip read DV 0.90-0.95 and its
 * rotation score moved by ±0.07 when an output changed by one grey level; with this estimator DV
 * reads 0.98-0.99 and the same scores move by ±0.01.
 *
 * Border: crop mode never shows the outside of the input frame, but other stabilizers may (vid.stab
 * fills it with earlier frames' pixels by default), which the cropping ratio does not see. So for
 * each frame the share of the output whose source, through H⁻¹, lies more than 1.5 px outside the
 * input frame is measured on a 128×128 grid: reported as the mean share and the share of frames that
 * show any.
 */
import { loadOpenCv, type OpenCv } from './opencv.js';

export interface GreyFrame {
  data: Uint8Array;
  width: number;
  height: number;
}

export interface StabilityMetrics {
  croppingMean: number;
  croppingMin: number;
  distortionMin: number;
  stabilityTranslation: number;
  stabilityRotation: number;
  itf: number;
  /** Mean share of the output frame showing what lies outside the input frame (0 = never). */
  borderMean: number;
  /** Share of frames that show any of it. */
  borderFrames: number;
  /** Frame pairs where no homography could be fitted (left out of CR/DV, identity in the path). */
  failedPairs: number;
}

type Mat3 = number[];

class HomographyFinder {
  private readonly orb: OpenCv;
  private readonly matcher: OpenCv;
  constructor(private readonly cv: OpenCv) {
    this.orb = new cv.ORB(800);
    this.matcher = new cv.BFMatcher(cv.NORM_HAMMING, false);
  }

  private features(f: GreyFrame): { kp: OpenCv; desc: OpenCv } {
    const { cv } = this;
    const img = new cv.Mat(f.height, f.width, cv.CV_8UC1);
    img.data.set(f.data);
    const kp = new cv.KeyPointVector();
    const desc = new cv.Mat();
    const mask = new cv.Mat();
    this.orb.detectAndCompute(img, mask, kp, desc);
    img.delete();
    mask.delete();
    return { kp, desc };
  }

  /**
   * ORB keypoints sit on whole pixels of their pyramid level, up to half a pixel (more on coarse
   * levels) off the true corner, which at 320 px is enough to tilt a homography's 2×2 block by a
   * few hundredths. Each match's position in `b` is refined to sub-pixel accuracy
   * by Lucas-Kanade started at the match (a 15 px window, one level); a match whose refinement
   * fails or moves more than 2 px keeps its ORB position.
   */
  private subpixel(a: GreyFrame, b: GreyFrame, src: number[], dst: number[]): void {
    const { cv } = this;
    const ia = new cv.Mat(a.height, a.width, cv.CV_8UC1);
    ia.data.set(a.data);
    const ib = new cv.Mat(b.height, b.width, cv.CV_8UC1);
    ib.data.set(b.data);
    const p0 = cv.matFromArray(src.length / 2, 1, cv.CV_32FC2, src);
    const p1 = cv.matFromArray(dst.length / 2, 1, cv.CV_32FC2, dst);
    const status = new cv.Mat();
    const err = new cv.Mat();
    const criteria = new cv.TermCriteria(cv.TermCriteria_COUNT + cv.TermCriteria_EPS, 30, 0.01);
    try {
      cv.calcOpticalFlowPyrLK(ia, ib, p0, p1, status, err, new cv.Size(15, 15), 0, criteria, cv.OPTFLOW_USE_INITIAL_FLOW);
      const moved = p1.data32F as Float32Array;
      for (let i = 0; i < dst.length / 2; i++) {
        if (!status.data[i]) continue;
        const dx = moved[2 * i] - dst[2 * i], dy = moved[2 * i + 1] - dst[2 * i + 1];
        if (dx * dx + dy * dy > 4) continue;
        dst[2 * i] = moved[2 * i];
        dst[2 * i + 1] = moved[2 * i + 1];
      }
    } finally {
      ia.delete(); ib.delete(); p0.delete(); p1.delete(); status.delete(); err.delete();
    }
  }

  /** Homography mapping points of `a` to `b`, or undefined. */
  find(a: GreyFrame, b: GreyFrame): Mat3 | undefined {
    const { cv } = this;
    const fa = this.features(a);
    const fb = this.features(b);
    const matches = new cv.DMatchVectorVector();
    try {
      if (fa.desc.rows < 8 || fb.desc.rows < 8) return undefined;
      this.matcher.knnMatch(fa.desc, fb.desc, matches, 2);
      const src: number[] = [];
      const dst: number[] = [];
      for (let i = 0; i < matches.size(); i++) {
        // Each pair of matches comes out as a vector of its own in the WebAssembly heap: not
        // deleted, a frame's 800 of them piled up until opencv-js failed mid-run.
        const m = matches.get(i);
        const m0 = m.size() < 2 ? undefined : m.get(0), m1 = m.size() < 2 ? undefined : m.get(1);
        m.delete();
        if (!m0 || !m1 || m0.distance > 0.75 * m1.distance) continue;
        const pa = fa.kp.get(m0.queryIdx).pt, pb = fb.kp.get(m0.trainIdx).pt;
        src.push(pa.x, pa.y);
        dst.push(pb.x, pb.y);
      }
      if (src.length / 2 < 8) return undefined;
      this.subpixel(a, b, src, dst);
      const s = cv.matFromArray(src.length / 2, 1, cv.CV_32FC2, src);
      const d = cv.matFromArray(dst.length / 2, 1, cv.CV_32FC2, dst);
      const H = cv.findHomography(s, d, cv.USAC_MAGSAC, 1.0);
      s.delete();
      d.delete();
      if (H.empty()) {
        H.delete();
        return undefined;
      }
      const out = Array.from(H.data64F as Float64Array);
      H.delete();
      return out;
    } finally {
      fa.kp.delete(); fa.desc.delete(); fb.kp.delete(); fb.desc.delete(); matches.delete();
    }
  }

  dispose(): void {
    this.orb.delete();
    this.matcher.delete();
  }
}

/** Share of a w×h output frame whose source through the inverse of H lies outside the input. */
export function outsideShare(H: Mat3, w: number, h: number, tolerance = 1.5, grid = 128): number {
  const [a, b, c, d, e, f, g, k, l] = H;
  // Adjugate of H (its inverse up to scale).
  const inv = [e * l - f * k, c * k - b * l, b * f - c * e, f * g - d * l, a * l - c * g, c * d - a * f, d * k - e * g, b * g - a * k, a * e - b * d];
  let out = 0;
  for (let j = 0; j < grid; j++) {
    for (let i = 0; i < grid; i++) {
      const u = ((i + 0.5) / grid) * (w - 1), v = ((j + 0.5) / grid) * (h - 1);
      const z = inv[6] * u + inv[7] * v + inv[8];
      const x = (inv[0] * u + inv[1] * v + inv[2]) / z, y = (inv[3] * u + inv[4] * v + inv[5]) / z;
      if (!(x >= -tolerance && y >= -tolerance && x <= w - 1 + tolerance && y <= h - 1 + tolerance)) out++;
    }
  }
  return out / (grid * grid);
}

const mul = (a: Mat3, b: Mat3): Mat3 => {
  const r: number[] = new Array(9).fill(0);
  for (let i = 0; i < 3; i++) for (let j = 0; j < 3; j++) for (let k = 0; k < 3; k++) r[i * 3 + j] += a[i * 3 + k] * b[k * 3 + j];
  return r;
};

/** Share of energy in the lowest `bands` non-DC frequencies (DIFRINT's stability score). */
export function lowFrequencyShare(signal: number[], bands = 5): number {
  const n = signal.length;
  const half = Math.floor(n / 2);
  if (half < 2) return 1;
  let low = 0, all = 0;
  for (let k = 1; k < half; k++) {
    let re = 0, im = 0;
    for (let t = 0; t < n; t++) {
      const ph = (-2 * Math.PI * k * t) / n;
      re += signal[t] * Math.cos(ph);
      im += signal[t] * Math.sin(ph);
    }
    const e = re * re + im * im;
    all += e;
    if (k <= bands) low += e;
  }
  return all > 0 ? low / all : 1;
}

export function psnr(a: Uint8Array, b: Uint8Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) {
    const d = a[i] - b[i];
    s += d * d;
  }
  const mse = s / a.length;
  return mse === 0 ? 100 : 10 * Math.log10((255 * 255) / mse);
}

/** Metrics of `output` (stabilized) against `input` (original), frame for frame, same size. */
export async function stabilityMetrics(input: GreyFrame[], output: GreyFrame[]): Promise<StabilityMetrics> {
  const { cv } = await loadOpenCv();
  const finder = new HomographyFinder(cv);
  const n = Math.min(input.length, output.length);
  const cr: number[] = [];
  const dv: number[] = [];
  const border: number[] = [];
  let failed = 0;
  try {
    for (let t = 0; t < n; t++) {
      const H = finder.find(input[t], output[t]);
      if (!H) {
        failed++;
        continue;
      }
      cr.push(Math.min(1, 1 / Math.sqrt(Math.abs(H[0] * H[4]))));
      border.push(outsideShare(H, input[t].width, input[t].height));
      // Eigenvalues of the 2×2 block (complex pairs have equal magnitude: DV 1).
      const tr = H[0] + H[4], det = H[0] * H[4] - H[1] * H[3];
      const disc = (tr * tr) / 4 - det;
      if (disc < 0) dv.push(1);
      else {
        const l1 = Math.abs(tr / 2 + Math.sqrt(disc)), l2 = Math.abs(tr / 2 - Math.sqrt(disc));
        dv.push(Math.min(l1, l2) / Math.max(l1, l2));
      }
    }
    let P: Mat3 = [1, 0, 0, 0, 1, 0, 0, 0, 1];
    const tx: number[] = [], ty: number[] = [], rot: number[] = [];
    const itf: number[] = [];
    for (let t = 1; t < n; t++) {
      const H = finder.find(output[t - 1], output[t]);
      if (!H) failed++;
      P = mul(H ?? [1, 0, 0, 0, 1, 0, 0, 0, 1], P);
      tx.push(P[2]);
      ty.push(P[5]);
      rot.push(Math.atan2(P[3], P[0]));
      itf.push(psnr(output[t - 1].data, output[t].data));
    }
    const mean = (a: number[]): number => (a.length ? a.reduce((s, x) => s + x, 0) / a.length : NaN);
    return {
      croppingMean: mean(cr),
      croppingMin: cr.length ? Math.min(...cr) : NaN,
      distortionMin: dv.length ? Math.min(...dv) : NaN,
      stabilityTranslation: (lowFrequencyShare(tx) + lowFrequencyShare(ty)) / 2,
      stabilityRotation: lowFrequencyShare(rot),
      itf: mean(itf),
      borderMean: mean(border),
      borderFrames: border.length ? border.filter((x) => x > 0).length / border.length : NaN,
      failedPairs: failed,
    };
  } finally {
    finder.dispose();
  }
}
