/**
 * How noisy is the clip? The model is conditioned on the noise RMS in 0..1 RGB units (σ = 20/255
 * for Gaussian noise of standard deviation 20 on 8-bit values), so the estimate is in those units.
 *
 * Method: Immerkær's operator (a second difference that cancels planes and linear ramps) on each
 * RGB channel, its mean absolute value per 24 × 24 block scaled to a standard deviation, and a low
 * percentile over blocks, so the flattest parts of the picture speak rather than its texture.
 * Blocks that touch black or white clipping are skipped: clipped noise is not noise any more.
 * The percentile's downward bias on pure noise is measured and divided out (CALIBRATION).
 */

const BLOCK = 24;
const PERCENTILE = 0.2;
/**
 * Bias of the 20th percentile of block estimates on pure Gaussian noise (σ 5..40 on a flat grey
 * frame): estimate / truth = 0.935 (measured by noise-level.test.ts, which pins it).
 */
export const CALIBRATION = 0.935;
const SCALE = Math.sqrt(Math.PI / 2) / 6;

/**
 * Noise σ (0..1 units) of one planar RGB picture, or undefined when no block is usable. Colour c
 * starts at c * planeStride (default width × height): the stage passes the first sub-pixel plane
 * of its pixel-unshuffled frames, a half-size picture whose noise is the same.
 */
export function estimateNoise(rgb: Float32Array, width: number, height: number, planeStride = width * height): number | undefined {
  const n = planeStride;
  const blocks: number[] = [];
  for (let by = 1; by + BLOCK < height; by += BLOCK) {
    for (let bx = 1; bx + BLOCK < width; bx += BLOCK) {
      let sq = 0;
      let usable = true;
      for (let c = 0; c < 3 && usable; c++) {
        const base = c * n;
        let abs = 0;
        let mean = 0;
        for (let y = by; y < by + BLOCK; y++) {
          for (let x = bx; x < bx + BLOCK; x++) {
            const j = base + y * width + x;
            const v = rgb[j];
            mean += v;
            const up = j - width;
            const dn = j + width;
            const r = rgb[up - 1] - 2 * rgb[up] + rgb[up + 1] - 2 * rgb[j - 1] + 4 * v - 2 * rgb[j + 1] + rgb[dn - 1] - 2 * rgb[dn] + rgb[dn + 1];
            abs += r < 0 ? -r : r;
          }
        }
        mean /= BLOCK * BLOCK;
        if (mean < 0.06 || mean > 0.94) usable = false;
        const s = (SCALE * abs) / (BLOCK * BLOCK);
        sq += s * s;
      }
      if (usable) blocks.push(Math.sqrt(sq / 3));
    }
  }
  if (blocks.length < 8) return undefined;
  blocks.sort((a, b) => a - b);
  return blocks[Math.floor(PERCENTILE * (blocks.length - 1))] / CALIBRATION;
}

/** The clip's level: the median of per-frame estimates (robust to a dark or blurred frame). */
export function clipNoise(perFrame: Array<number | undefined>): number | undefined {
  const ok = perFrame.filter((v): v is number => v !== undefined).sort((a, b) => a - b);
  return ok.length ? ok[Math.floor((ok.length - 1) / 2)] : undefined;
}
