/**
 * 2-D similarity transforms in the stabilizer's normalized frame coordinates.
 *
 * Normalized coordinates put (0, 0) at the frame centre and use half the frame width as the unit on
 * both axes (so a similarity stays a similarity whatever the resolution): u = (x - W/2) / (W/2),
 * v = (y - H/2) / (W/2), with x, y in pixels. Motion measured on a small analysis copy therefore
 * applies unchanged to the full-size frames.
 *
 * A similarity maps (u, v) to (a·u − b·v + tx, b·u + a·v + ty): scale sqrt(a² + b²), rotation
 * atan2(b, a).
 */
export interface Similarity {
  a: number;
  b: number;
  tx: number;
  ty: number;
}

export const IDENTITY: Similarity = Object.freeze({ a: 1, b: 0, tx: 0, ty: 0 });

/** first ∘ second: apply `second`, then `first`. */
export function compose(first: Similarity, second: Similarity): Similarity {
  return {
    a: first.a * second.a - first.b * second.b,
    b: first.b * second.a + first.a * second.b,
    tx: first.a * second.tx - first.b * second.ty + first.tx,
    ty: first.b * second.tx + first.a * second.ty + first.ty,
  };
}

export function invert(s: Similarity): Similarity {
  const d = s.a * s.a + s.b * s.b;
  const a = s.a / d;
  const b = -s.b / d;
  return { a, b, tx: -(a * s.tx - b * s.ty), ty: -(b * s.tx + a * s.ty) };
}

export function apply(s: Similarity, u: number, v: number): [number, number] {
  return [s.a * u - s.b * v + s.tx, s.b * u + s.a * v + s.ty];
}

export const scaleOf = (s: Similarity): number => Math.hypot(s.a, s.b);
export const angleOf = (s: Similarity): number => Math.atan2(s.b, s.a);

/**
 * The farthest `s` moves a corner of a width × height frame, in that frame's pixels (coordinates
 * are centred and scaled by width / 2, as everywhere here).
 */
export function cornerShift(s: Similarity, width: number, height: number): number {
  const v = height / width;
  let most = 0;
  for (const [u, w] of [[-1, -v], [1, -v], [-1, v], [1, v]]) {
    const [x, y] = apply(s, u, w);
    most = Math.max(most, Math.hypot(x - u, y - w));
  }
  return (most * width) / 2;
}

export function isIdentity(s: Similarity, eps = 1e-9): boolean {
  return Math.abs(s.a - 1) < eps && Math.abs(s.b) < eps && Math.abs(s.tx) < eps && Math.abs(s.ty) < eps;
}

/**
 * Least-squares similarity mapping points `from` to `to` (flat [x0, y0, x1, y1, ...]), over the
 * indices in `use` (all when omitted). Closed form (Umeyama without reflection); undefined when
 * the points are degenerate.
 */
export function fitSimilarity(from: ArrayLike<number>, to: ArrayLike<number>, use?: ArrayLike<number>): Similarity | undefined {
  const n = use ? use.length : from.length / 2;
  if (n < 2) return undefined;
  const at = (k: number): number => (use ? use[k] : k);
  let mx = 0, my = 0, nx = 0, ny = 0;
  for (let k = 0; k < n; k++) {
    const i = at(k);
    mx += from[2 * i]; my += from[2 * i + 1];
    nx += to[2 * i]; ny += to[2 * i + 1];
  }
  mx /= n; my /= n; nx /= n; ny /= n;
  let sxx = 0, sab = 0, sba = 0;
  for (let k = 0; k < n; k++) {
    const i = at(k);
    const px = from[2 * i] - mx, py = from[2 * i + 1] - my;
    const qx = to[2 * i] - nx, qy = to[2 * i + 1] - ny;
    sxx += px * px + py * py;
    sab += px * qx + py * qy;
    sba += px * qy - py * qx;
  }
  if (sxx < 1e-12) return undefined;
  const a = sab / sxx;
  const b = sba / sxx;
  return { a, b, tx: nx - (a * mx - b * my), ty: ny - (b * mx + a * my) };
}

/** Frame geometry for converting between pixels of a plane and normalized coordinates. */
export interface PlaneGeometry {
  /** Frame size in luma pixels. */
  width: number;
  height: number;
  /** This plane's size in samples (chroma planes are smaller). */
  planeWidth: number;
  planeHeight: number;
}

/**
 * The pixel-space affine [m00, m01, m02, m10, m11, m12] of a plane that corresponds to `s` in
 * normalized coordinates, with pixel centres at (i + 0.5) plane samples.
 */
export function toPlaneAffine(s: Similarity, g: PlaneGeometry): Float64Array {
  const sx = g.width / g.planeWidth;
  const sy = g.height / g.planeHeight;
  const half = g.width / 2;
  const map = (i: number, j: number): [number, number] => {
    const u = ((i + 0.5) * sx - g.width / 2) / half;
    const v = ((j + 0.5) * sy - g.height / 2) / half;
    const [u2, v2] = apply(s, u, v);
    return [(u2 * half + g.width / 2) / sx - 0.5, (v2 * half + g.height / 2) / sy - 0.5];
  };
  const [x0, y0] = map(0, 0);
  const [x1, y1] = map(1, 0);
  const [x2, y2] = map(0, 1);
  return Float64Array.of(x1 - x0, x2 - x0, x0, y1 - y0, y2 - y0, y0);
}

/** The inverse of a plane's affine map [m00, m01, m02, m10, m11, m12] (as toPlaneAffine gives). */
export function invertPlaneAffine(m: Float64Array): Float64Array {
  const [a, b, c, d, e, f] = m;
  const det = a * e - b * d;
  return Float64Array.of(e / det, -b / det, (b * f - c * e) / det, -d / det, a / det, (c * d - a * f) / det);
}
