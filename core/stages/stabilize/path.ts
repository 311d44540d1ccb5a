/**
 * L1-optimal camera path under a crop-window constraint (issue 5, step 2), after Grundmann, Kwatra
 * and Essa, "Auto-directed video stabilization with robust L1 optimal camera paths", CVPR 2011.
 *
 * With F_t the motion from frame t to frame t-1 (the inverse of the measured motion) and C_t =
 * F_1 … F_t the original camera path, the smooth path is P_t = C_t A_t, where A_t (the unknown,
 * one similarity per frame) maps output coordinates to input-frame coordinates: it is exactly the
 * warp that renders frame t. The paper's residual R_t = F_{t+1} A_{t+1} − A_t is linear in A, and
 *
 *   minimise  w1 Σ|R_t| + w2 Σ|R_{t+1} − R_t| + w3 Σ|R_{t+2} − 2R_{t+1} + R_t|  −  λ Σ a_t  +  ρ Σ|b_t|
 *
 * (eq. 6-8 of the paper, with |·| weighted per component) gives paths made of constant, linear and
 * parabolic segments: still shots stay still and intentional pans are followed at constant speed.
 * The last term (ours) makes rotating a frame cost something, so slow rotation is followed like a
 * pan while quick rotational shake is still removed (ROTATION_CORRECTION).
 * Unlike the paper's fixed crop window, the zoom is part of A_t: the −λ Σ a_t term asks for as
 * little zoom as the smoothing allows, within a strength-dependent limit, and the crop constraint
 * keeps the output frame's corners inside the input frame. The constraint is soft (a heavily
 * weighted slack) so a shake bigger than the allowed crop never makes the LP infeasible; the
 * renderer's dynamic zoom (safeZoom) then removes any border left. Long clips are solved in
 * overlapping windows whose first frames are pinned to the previous window's solution.
 */
import type { FrameMotion } from './motion.js';
import { compose, IDENTITY, invert, type Similarity } from './similarity.js';

/** 'crop' zooms so no border shows; 'black' keeps the frame size and shows borders; 'fill' keeps the size and fills borders from neighbouring frames. */
export type BorderMode = 'crop' | 'black' | 'fill';

export interface CameraPathOptions {
  /** 0..1: how smooth the path is and how much crop (zoom) is allowed. */
  strength: number;
  /** Frame size (only the aspect ratio matters). */
  width: number;
  height: number;
  /** Lock the camera: a constant path (tripod shot) instead of a smooth one. */
  tripod?: boolean;
  /**
   * Follow the camera's slow motion (sway, drift) and smooth only what is left: the path is
   * planned around the camera path blurred over time by a Gaussian of this σ in seconds
   * (aroundIntendedPath). Off (0) by default: the L1 path then holds still wherever it can.
   */
  followSeconds?: number;
  /** 'crop' (default) zooms so no border shows; 'black' and 'fill' keep the frame size (no zoom). */
  border?: BorderMode;
  /** Frame rate: the weights are per second, so a 30 fps clip is smoothed like a 10 fps one. */
  fps?: number;
  /** Frames per LP window and overlap between windows. */
  window?: number;
  overlap?: number;
  /** Override parts of the strength's tuning (experiments, benchmarks). */
  weights?: Partial<PathWeights>;
}

/** The LP's tuning for one strength. */
export interface PathWeights {
  w1: number;
  w2: number;
  w3: number;
  /** Reward per frame for a zoom factor closer to 1 (per unit of a). */
  zoomPenalty: number;
  /** Smallest a (1 / largest zoom). */
  minScale: number;
  /** Penalty per unit of crop-constraint violation. */
  borderPenalty: number;
  /** Output corners that must stay inside the input, as a fraction of the frame (1 = whole frame). */
  window: number;
  /** Extra weight of the rotation component (b) in the smoothness terms. */
  rotationWeight: number;
  /** Extra weight of the zoom component (a) in the smoothness terms. */
  zoomWeight: number;
  /** Cost per frame of the warp's rotation |b_t| (per unit of b). */
  rotationCorrection?: number;
}

/**
 * Cost of rotating a frame, per unit of b per frame: the LP then counter-rotates quick shakes (the
 * smoothness terms gain more) but follows a slow change of the measured rotation. On real handheld
 * footage much of the slow "rotation" a similarity fit measures is not a roll of the camera:
 * panning past a scene that is not flat, or whose features crowd one side of the frame, tilts the
 * fit. Correcting all of it made the horizon wander: on the dlib clip the rotation score fell
 * below the untouched input's (0.775 against 0.810), where at 8 it reads 0.845 while the synthetic
 * shake's rotation is still removed (0.988). From a one-off sweep on 2026-11-27 (2, 4, 8, 10 and 40
 * all beat 0), with the zoom reward doubled at the same time (the 1 + 16 (1 − s)² of before cropped
 * more than vid.stab on every clip for no steadier result).
 */
const ROTATION_CORRECTION = 8;

/**
 * The LP's weights for a strength at a frame rate. The terms are sums over frames, so they are
 * rescaled to stay the same per second of video: with r = fps / 10, Σ|ΔR| shrinks as 1/r and
 * Σ|Δ²R| as 1/r² for the same camera motion, while the zoom reward Σ a grows as r. Without this a
 * 30 fps clip was smoothed three times less than a 10 fps one at the same strength.
 */
export function weightsForStrength(strength: number, border: BorderMode = 'crop', fps = 10): PathWeights {
  const s = Math.min(1, Math.max(0, strength));
  const r = Math.min(6, Math.max(0.5, (Number.isFinite(fps) && fps > 0 ? fps : 10) / 10));
  if (border === 'black' || border === 'fill') {
    return { w1: 10, w2: r, w3: 100 * r * r, zoomPenalty: 1e4, minScale: 0.999, borderPenalty: 200, window: 1 - (0.06 + 0.24 * s), rotationWeight: 1, zoomWeight: 1, rotationCorrection: ROTATION_CORRECTION };
  }
  return { w1: 10, w2: r, w3: 100 * r * r, zoomPenalty: (2 + 32 * (1 - s) ** 2) / r, minScale: 1 - (0.06 + 0.24 * s), borderPenalty: 2000, window: 1, rotationWeight: 1, zoomWeight: 10, rotationCorrection: ROTATION_CORRECTION };
}

type Lin = { terms: Map<string, number>; c: number };
const lin = (): Lin => ({ terms: new Map(), c: 0 });
function addTo(target: Lin, src: Lin, k: number): void {
  for (const [v, x] of src.terms) target.terms.set(v, (target.terms.get(v) ?? 0) + k * x);
  target.c += k * src.c;
}

/** Components (a, b, tx, ty) of F ∘ A_t − A_s as linear expressions in A's variables. */
function residual(F: Similarity, next: number, cur: number): Lin[] {
  const v = (n: string, t: number): string => `${n}${t}`;
  const out: Lin[] = [lin(), lin(), lin(), lin()];
  const put = (l: Lin, name: string, x: number): void => void l.terms.set(name, (l.terms.get(name) ?? 0) + x);
  put(out[0], v('a', next), F.a); put(out[0], v('b', next), -F.b);
  put(out[1], v('a', next), F.b); put(out[1], v('b', next), F.a);
  put(out[2], v('x', next), F.a); put(out[2], v('y', next), -F.b); out[2].c += F.tx;
  put(out[3], v('x', next), F.b); put(out[3], v('y', next), F.a); out[3].c += F.ty;
  put(out[0], v('a', cur), -1); put(out[1], v('b', cur), -1); put(out[2], v('x', cur), -1); put(out[3], v('y', cur), -1);
  return out;
}

const num = (x: number): string => (Math.abs(x) < 1e-15 ? '0' : Number(x.toPrecision(12)).toString());

function expr(terms: Iterable<[string, number]>): string {
  const parts: string[] = [];
  let k = 0;
  for (const [v, x] of terms) {
    if (x === 0) continue;
    parts.push(`${x < 0 ? '-' : '+'} ${num(Math.abs(x))} ${v}`);
    if (++k % 8 === 0) parts.push('\n ');
  }
  return parts.length ? parts.join(' ') : '0 a0';
}

type Highs = { solve(lp: string, opts: Record<string, unknown>): { Status: string; Columns: Record<string, { Primal: number }> } };
let highsPromise: Promise<Highs> | undefined;
async function loadHighs(): Promise<Highs> {
  highsPromise ??= import('highs').then(async (m) => ((m as unknown as { default: () => Promise<Highs> }).default)());
  return highsPromise;
}

/**
 * Start loading the LP solver (its WebAssembly takes about 0.4 s to compile) while the motion is
 * measured, so the path is planned as soon as the motion is in. A failure shows up when the path
 * is planned, not here.
 */
export function prepareSolver(): void {
  loadHighs().catch(() => {
    highsPromise = undefined;
  });
}

/** Solve one window. `fixed` pins the first frames' A (continuity with the previous window). */
async function solveWindow(F: Similarity[], w: PathWeights, aspect: number, tripod: boolean, fixed: Similarity[]): Promise<Similarity[]> {
  const n = F.length;
  const obj: Array<[string, number]> = [];
  const rows: string[] = [];
  const bounds: string[] = [];
  let r = 0;
  const comp = [w.zoomWeight, w.rotationWeight, 1, 1];
  // Residuals R_t = F_{t+1} A_{t+1} − A_t, t = 0..n-2 (F[t] is the motion from frame t to t-1).
  const R: Lin[][] = [];
  for (let t = 0; t + 1 < n; t++) R.push(residual(F[t + 1], t + 1, t));
  const absRows = (name: string, e: Lin, weight: number, equal: boolean): void => {
    const terms = [...e.terms];
    if (equal) {
      rows.push(` r${r++}: ${expr(terms)} = ${num(-e.c)}`);
      return;
    }
    // |e| as p + m with e = p − m and p, m ≥ 0: one equality row per term instead of two
    // inequalities. Same optimum (paths within 2e-9 on the bench clips), solved 2x faster.
    obj.push([`${name}p`, weight], [`${name}m`, weight]);
    rows.push(` r${r++}: ${expr([...terms, [`${name}p`, -1], [`${name}m`, 1]])} = ${num(-e.c)}`);
  };
  for (let t = 0; t < R.length; t++) {
    for (let k = 0; k < 4; k++) absRows(`e1_${t}_${k}`, R[t][k], w.w1 * comp[k], tripod);
  }
  if (!tripod) {
    for (let t = 0; t + 1 < R.length; t++) {
      for (let k = 0; k < 4; k++) {
        const d = lin();
        addTo(d, R[t + 1][k], 1);
        addTo(d, R[t][k], -1);
        absRows(`e2_${t}_${k}`, d, w.w2 * comp[k], false);
      }
    }
    for (let t = 0; t + 2 < R.length; t++) {
      for (let k = 0; k < 4; k++) {
        const d = lin();
        addTo(d, R[t + 2][k], 1);
        addTo(d, R[t + 1][k], -2);
        addTo(d, R[t][k], 1);
        absRows(`e3_${t}_${k}`, d, w.w3 * comp[k], false);
      }
    }
  }
  // Crop window: output corners (±win, ±win·aspect) map inside [-1, 1] × [-aspect, aspect]. As
  // a > 0, a corner's upper bound on x is implied by the one of the corner with cu > 0 (and the
  // lower by cu < 0; likewise cv for y), so only those rows are written: 8 per frame, not 16.
  const h = aspect;
  if (w.rotationCorrection && !tripod) {
    for (let t = 0; t < n; t++) absRows(`rb_${t}`, { terms: new Map([[`b${t}`, 1]]), c: 0 }, w.rotationCorrection, false);
  }
  for (let t = 0; t < n; t++) {
    obj.push([`a${t}`, -w.zoomPenalty]);
    obj.push([`s${t}`, w.borderPenalty]);
    for (const cu of [-w.window, w.window]) {
      for (const cv of [-w.window * h, w.window * h]) {
        const xs = `${num(cu)} a${t} ${cv >= 0 ? '-' : '+'} ${num(Math.abs(cv))} b${t} + x${t}`;
        const ys = `${num(cv)} a${t} ${cu >= 0 ? '+' : '-'} ${num(Math.abs(cu))} b${t} + y${t}`;
        rows.push(cu > 0 ? ` r${r++}: ${xs} - s${t} <= 1` : ` r${r++}: ${xs} + s${t} >= -1`);
        rows.push(cv > 0 ? ` r${r++}: ${ys} - s${t} <= ${num(h)}` : ` r${r++}: ${ys} + s${t} >= ${num(-h)}`);
      }
    }
    const pin = fixed[t];
    if (pin) {
      bounds.push(` a${t} = ${num(pin.a)}`, ` b${t} = ${num(pin.b)}`, ` x${t} = ${num(pin.tx)}`, ` y${t} = ${num(pin.ty)}`);
    } else {
      bounds.push(` ${num(tripod ? 0.5 : w.minScale)} <= a${t} <= ${tripod ? 2 : 1}`, ` ${tripod ? -0.5 : -0.1} <= b${t} <= ${tripod ? 0.5 : 0.1}`);
      bounds.push(` -2 <= x${t} <= 2`, ` -2 <= y${t} <= 2`);
    }
  }
  const lp = `Minimize\n obj: ${expr(obj)}\nSubject To\n${rows.join('\n')}\nBounds\n${bounds.join('\n')}\nEnd\n`;
  const highs = await loadHighs();
  const res = highs.solve(lp, { output_flag: false });
  if (res.Status !== 'Optimal') throw new Error(`camera path LP: ${res.Status}`);
  const col = (name: string): number => res.Columns[name]?.Primal ?? 0;
  return Array.from({ length: n }, (_, t) => ({ a: col(`a${t}`), b: col(`b${t}`), tx: col(`x${t}`), ty: col(`y${t}`) }));
}

const NOISE_FLOOR = 1.5e-4;
const isNoise = (m: Similarity): boolean => Math.abs(m.a - 1) < NOISE_FLOOR && Math.abs(m.b) < NOISE_FLOOR && Math.abs(m.tx) < NOISE_FLOOR && Math.abs(m.ty) < NOISE_FLOOR;

/**
 * F_t, the map from frame t to frame t-1: the inverse of the measured motion (unreliable frames and
 * frame 0: identity). Motion below NOISE_FLOOR (about 0.02 px at 320 px) is codec noise on a still
 * camera: taken as none, so a tripod shot comes out bit-exact instead of zoomed by 1e-4.
 */
function stepsBack(motion: FrameMotion[]): Similarity[] {
  return motion.map((m, t) => (t === 0 || !m.reliable || isNoise(m) ? { ...IDENTITY } : invert(m)));
}

/**
 * The original camera path C_t = F_1 … F_t (frame t coordinates -> frame 0 coordinates) and, per
 * frame, the first frame of its stretch of reliable motion: frames of different stretches (across a
 * cut or an unmeasured frame) cannot be related.
 */
export function cameraChain(motion: FrameMotion[]): { C: Similarity[]; segment: number[] } {
  const F = stepsBack(motion);
  const C: Similarity[] = [];
  const segment: number[] = [];
  for (let t = 0; t < F.length; t++) {
    C.push(t === 0 ? { ...IDENTITY } : compose(C[t - 1], F[t]));
    segment.push(t > 0 && motion[t].reliable ? segment[t - 1] : t);
  }
  return { C, segment };
}

/**
 * Steps of the camera path relative to its low-passed version: with C_t the path (cameraChain) and
 * C̃_t its Gaussian blur over time (σ frames; each component of C − I blurred, the ends extended by
 * odd reflection so a steady pan stays a straight line), the steps of C̃_t⁻¹ C_t. Planning on these
 * makes the output follow C̃, the slow motion the camera operator meant, and smooth only what is left.
 */
export function aroundIntendedPath(C: Similarity[], sigma: number): Similarity[] {
  const blurred = (c: (s: Similarity) => number): Float64Array => blurOverTime(C.map(c), sigma, 'odd');
  const [a, b, tx, ty] = [blurred((s) => s.a - 1), blurred((s) => s.b), blurred((s) => s.tx), blurred((s) => s.ty)];
  const rel = C.map((Ct, t) => compose(invert({ a: 1 + a[t], b: b[t], tx: tx[t], ty: ty[t] }), Ct));
  return rel.map((Rt, t) => (t === 0 ? { ...IDENTITY } : compose(invert(rel[t - 1]), Rt)));
}

/**
 * Gaussian blur of a per-frame series over time (σ in frames). Past the ends the series is
 * reflected: 'mirror' repeats it backwards, 'odd' also flips it about the end value, so a steady
 * pan stays a straight line.
 */
export function blurOverTime(v: ArrayLike<number>, sigma: number, ends: 'odd' | 'mirror'): Float64Array {
  const n = v.length;
  const r = Math.ceil(3 * sigma);
  const w = Array.from({ length: 2 * r + 1 }, (_, k) => Math.exp(-((k - r) ** 2) / (2 * sigma * sigma)));
  const wsum = w.reduce((x, y) => x + y, 0);
  const at = (t: number): number => {
    if (t >= 0 && t < n) return v[t];
    const edge = t < 0 ? v[0] : v[n - 1];
    const back = v[t < 0 ? Math.min(-t, n - 1) : Math.max(2 * (n - 1) - t, 0)];
    return ends === 'odd' ? 2 * edge - back : back;
  };
  return Float64Array.from({ length: n }, (_, t) => {
    let acc = 0;
    for (let k = -r; k <= r; k++) acc += w[k + r] * at(t + k);
    return acc / wsum;
  });
}

/**
 * Per-frame warps A_t (output normalized coordinates -> input-frame normalized coordinates) for a
 * clip with measured `motion` (entry t: frame t-1 -> t). Identity everywhere at strength 0.
 */
export async function planCameraPath(motion: FrameMotion[], opts: CameraPathOptions): Promise<Similarity[]> {
  const n = motion.length;
  if (n === 0) return [];
  if (opts.strength <= 0 && !opts.tripod) return motion.map(() => ({ ...IDENTITY }));
  const w = { ...weightsForStrength(opts.strength, opts.border, opts.fps), ...opts.weights };
  const aspect = opts.height / opts.width;
  const sigma = (opts.followSeconds ?? 0) * (opts.fps ?? 10);
  const F = sigma > 0 && !opts.tripod ? aroundIntendedPath(cameraChain(motion).C, sigma) : stepsBack(motion);
  const L = Math.max(30, opts.window ?? 300);
  const overlap = Math.min(Math.floor(L / 3), opts.overlap ?? 60);
  const out: Similarity[] = [];
  const PIN = 3;
  for (let start = 0; start < n; ) {
    const end = Math.min(n, start + L);
    const fixed: Similarity[] = [];
    for (let k = 0; k < PIN && start + k < out.length; k++) fixed.push(out[start + k]);
    const sol = await solveWindow(F.slice(start, end), w, aspect, !!opts.tripod, fixed);
    const keepUntil = end === n ? n : end - overlap;
    for (let t = start; t < keepUntil; t++) out[t] = sol[t - start];
    if (end === n) break;
    start = keepUntil - PIN;
  }
  return out;
}

/**
 * Largest zoom-out factor k ≤ 1 for which A ∘ scale(k) keeps the output frame inside the input
 * (normalized coordinates, aspect = height / width). 1 when A already fits.
 */
export function fitFactor(A: Similarity, aspect: number): number {
  let k = 1;
  for (const cu of [-1, 1]) {
    for (const cv of [-aspect, aspect]) {
      const px = A.a * cu - A.b * cv, py = A.b * cu + A.a * cv;
      for (const [p, off, lim] of [[px, A.tx, 1], [py, A.ty, aspect]] as const) {
        // k·p + off must stay within [-lim, lim].
        if (p > 0) k = Math.min(k, (lim - off) / p);
        else if (p < 0) k = Math.min(k, (-lim - off) / p);
      }
    }
  }
  return Math.max(0.3, Math.min(1, k));
}

/**
 * Crop mode's dynamic zoom: A_t ∘ scale(k_t) with k_t ≤ fitFactor(A_t) on every frame (never an
 * empty border), smoothed by a running minimum followed by a box filter of the same radius, which
 * can only lower k (each box tap is a minimum over a window that contains t).
 */
export function safeZoom(path: Similarity[], aspect: number, radius: number): Similarity[] {
  const n = path.length;
  const k = path.map((A) => {
    const f = fitFactor(A, aspect);
    return f >= 1 ? 1 : f * (1 - 1e-4);
  });
  const r = Math.max(0, Math.round(radius));
  const mins = k.map((_, t) => {
    let m = Infinity;
    for (let i = Math.max(0, t - r); i <= Math.min(n - 1, t + r); i++) m = Math.min(m, k[i]);
    return m;
  });
  return path.map((A, t) => {
    let s = 0, c = 0;
    for (let i = Math.max(0, t - r); i <= Math.min(n - 1, t + r); i++) {
      s += mins[i];
      c++;
    }
    const z = Math.min(k[t], s / c);
    return z >= 1 ? A : compose(A, { a: z, b: 0, tx: 0, ty: 0 });
  });
}
