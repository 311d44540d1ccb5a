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
/**
 * Blocks for a picture too small to give MIN_BLOCKS of BLOCK: QCIF (176 × 144), whose half-size
 * picture holds 6, fell back to a fixed level whatever its noise.
 */
const SMALL_BLOCK = 16;
const MIN_BLOCKS = 8;
const PERCENTILE = 0.2;
/**
 * Bias of the 20th percentile of block estimates on pure Gaussian noise (σ 5..40 on a flat grey
 * frame): estimate / truth = 0.935 (measured by noise-level.test.ts, which pins it).
 */
export const CALIBRATION = 0.935;
/**
 * The same for SMALL_BLOCK on the small pictures that use it (8 to 20 blocks): 0.956, measured on
 * flat grey with σ 5..40 at 88 × 72 and 80 × 48 (noise-level.test.ts pins it). With so few blocks
 * the 20th percentile sits nearer the middle than over the many blocks of a larger picture.
 */
export const SMALL_CALIBRATION = 0.956;
const SCALE = Math.sqrt(Math.PI / 2) / 6;

/**
 * Noise σ (0..1 units) of one planar RGB picture, or undefined when no block is usable. Colour c
 * starts at c * planeStride (default width × height): the stage passes the first sub-pixel plane
 * of its pixel-unshuffled frames, a half-size picture whose noise is the same.
 */
export function estimateNoise(rgb: Float32Array, width: number, height: number, planeStride = width * height): number | undefined {
  return noiseInBlocks(rgb, width, height, planeStride, BLOCK, CALIBRATION) ?? noiseInBlocks(rgb, width, height, planeStride, SMALL_BLOCK, SMALL_CALIBRATION);
}

/** Whether a half-size picture this small holds too few blocks to measure at all (below about 64 × 48 pixels at full size, with room to spare). */
export function tooSmallToMeasure(width: number, height: number): boolean {
  let n = 0;
  forEachBlock(width, height, SMALL_BLOCK, () => void n++);
  return n < MIN_BLOCKS;
}

function noiseInBlocks(rgb: Float32Array, width: number, height: number, planeStride: number, size: number, calibration: number): number | undefined {
  const blocks: number[] = [];
  forEachBlock(width, height, size, (bx, by) => {
    const s = blockNoise(rgb, width, planeStride, bx, by, size);
    if (s !== undefined) blocks.push(s);
  });
  if (blocks.length < MIN_BLOCKS) return undefined;
  blocks.sort((a, b) => a - b);
  return blocks[Math.floor(PERCENTILE * (blocks.length - 1))] / calibration;
}

function forEachBlock(width: number, height: number, size: number, fn: (bx: number, by: number) => void): void {
  for (let by = 1; by + size < height; by += size) for (let bx = 1; bx + size < width; bx += size) fn(bx, by);
}

/** Immerkær's σ of one size × size block over R, G and B, or undefined where it touches clipping. */
function blockNoise(rgb: Float32Array, width: number, n: number, bx: number, by: number, size: number): number | undefined {
  let sq = 0;
  for (let c = 0; c < 3; c++) {
    const base = c * n;
    let abs = 0;
    let mean = 0;
    for (let y = by; y < by + size; y++) {
      for (let x = bx; x < bx + size; x++) {
        const j = base + y * width + x;
        const v = rgb[j];
        mean += v;
        const up = j - width;
        const dn = j + width;
        const r = rgb[up - 1] - 2 * rgb[up] + rgb[up + 1] - 2 * rgb[j - 1] + 4 * v - 2 * rgb[j + 1] + rgb[dn - 1] - 2 * rgb[dn] + rgb[dn + 1];
        abs += r < 0 ? -r : r;
      }
    }
    mean /= size * size;
    if (mean < 0.06 || mean > 0.94) return undefined;
    const s = (SCALE * abs) / (size * size);
    sq += s * s;
  }
  return Math.sqrt(sq / 3);
}

/** E|a - b| of the mean of R, G and B of two frames with independent white noise of σ per channel. */
const LUMA_DIFF = Math.sqrt(2 / 3) * Math.sqrt(2 / Math.PI);

/**
 * How much more the picture changes from frame to frame than its spatial noise predicts, in the
 * flattest blocks (where motion changes little): about 1 for white sensor noise, more where
 * compression or in-camera processing made the noise coarser than one pixel (a codec's noise is
 * spatially smooth, so Immerkær's operator sees less of it than the frame-to-frame difference does).
 * The still-region averaging compares frame differences with the noise level times this ratio.
 * `prev` and `cur` are laid out like estimateNoise's input. Undefined when no block is usable.
 */
export function motionNoiseRatio(prev: Float32Array, cur: Float32Array, width: number, height: number, planeStride = width * height): number | undefined {
  return ratioInBlocks(prev, cur, width, height, planeStride, BLOCK) ?? ratioInBlocks(prev, cur, width, height, planeStride, SMALL_BLOCK);
}

function ratioInBlocks(prev: Float32Array, cur: Float32Array, width: number, height: number, n: number, size: number): number | undefined {
  const blocks: Array<{ flatness: number; spatial: number; temporal: number }> = [];
  forEachBlock(width, height, size, (bx, by) => {
    // Blocks are chosen by the previous frame's noise and measured on the current one, so the
    // choice does not pick blocks whose own noise happened to come out low.
    const flatness = blockNoise(prev, width, n, bx, by, size);
    const spatial = blockNoise(cur, width, n, bx, by, size);
    if (flatness === undefined || spatial === undefined) return;
    let sum = 0;
    for (let y = by; y < by + size; y++) {
      for (let j = y * width + bx, end = j + size; j < end; j++) {
        const d = (cur[j] + cur[n + j] + cur[2 * n + j] - prev[j] - prev[n + j] - prev[2 * n + j]) / 3;
        sum += d < 0 ? -d : d;
      }
    }
    blocks.push({ flatness, spatial, temporal: sum / (size * size) / LUMA_DIFF });
  });
  if (blocks.length < MIN_BLOCKS) return undefined;
  blocks.sort((a, b) => a.flatness - b.flatness);
  const flat = blocks.slice(0, Math.max(4, Math.ceil(PERCENTILE * blocks.length)));
  const temporal = flat.reduce((a, b) => a + b.temporal, 0);
  const spatial = flat.reduce((a, b) => a + b.spatial, 0);
  return spatial > 0 ? temporal / spatial : undefined;
}

/** The clip's level: the median of per-frame estimates (robust to a dark or blurred frame). */
export function clipNoise(perFrame: Array<number | undefined>): number | undefined {
  const ok = perFrame.filter((v): v is number => v !== undefined).sort((a, b) => a - b);
  return ok.length ? ok[Math.floor((ok.length - 1) / 2)] : undefined;
}
