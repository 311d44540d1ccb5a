/** Synthetic frames for the stabilizer's tests: a textured picture and that picture moved. */
import { invert, type Similarity } from './similarity.js';
import { warpPlane } from './warp.js';

/** A smooth random texture (sum of blobs), W×H. */
export function texture(w: number, h: number, seed = 3): Uint8Array {
  const img = new Float64Array(w * h).fill(110);
  let s = seed;
  const rnd = (): number => ((s = (s * 16807) % 2147483647) / 2147483647);
  for (let k = 0; k < 260; k++) {
    const cx = rnd() * w, cy = rnd() * h, r = 3 + rnd() * 9, amp = (rnd() - 0.5) * 160;
    for (let y = Math.max(0, Math.floor(cy - 3 * r)); y < Math.min(h, cy + 3 * r); y++) {
      for (let x = Math.max(0, Math.floor(cx - 3 * r)); x < Math.min(w, cx + 3 * r); x++) img[y * w + x] += amp * Math.exp(-((x - cx) ** 2 + (y - cy) ** 2) / (2 * r * r));
    }
  }
  return Uint8Array.from(img, (v) => Math.max(0, Math.min(255, Math.round(v))));
}

export const shifted = (src: Uint8Array, w: number, h: number, s: Similarity): Uint8Array => {
  const out = new Uint8Array(w * h);
  // The new frame shows content moved by s: out(p) = src(s⁻¹ p).
  const planeAffine = (sim: Similarity): Float64Array => {
    const inv = invert(sim);
    return Float64Array.of(inv.a, -inv.b, inv.tx, inv.b, inv.a, inv.ty);
  };
  warpPlane(src, out, w, h, planeAffine(s), undefined);
  return out;
};
