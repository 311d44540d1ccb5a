/**
 * How noisy is the clip? The model is conditioned on the noise RMS in 0..1 RGB units (σ = 20/255
 * for Gaussian noise of standard deviation 20 on 8-bit values), so the estimate is in those units.
 *
 * Method: Immerkær's operator (a second difference that cancels planes and linear ramps) on each
 * RGB channel, its mean absolute value per block scaled to a standard deviation, and a low
 * percentile over blocks, so the flattest parts of the picture speak rather than its texture.
 * Blocks that touch black or white clipping are skipped: clipped noise is not noise any more. The
 * percentile's downward bias on pure noise is measured and divided out (the calibrations).
 *
 * Two readings: the main one (COARSE: 24 px blocks, the 20th percentile) needs a fifth of the
 * picture to be flat. A picture that is mostly texture has fewer flat blocks than that, and the
 * percentile lands on texture: on a clip of foliage (opencv-doc's tree.avi, 320 × 240) only four of
 * 22 blocks were flat, the clean clip read σ 7.9 and, under Gaussian noise of 10, 15.3; the stage
 * smoothed for that, smeared the leaves and lost to hqdn3d (30.24 against 30.72 dB; 31.59 when told
 * σ 10). The second reading (FINE: 8 px blocks, the 10th percentile) still finds the few flat
 * parts (2.5 on the clean clip, 12.2 under σ 10), but reads noise that is signal-dependent or
 * clipped lower, and those clips lost up to 0.8 dB with it alone (a one-off bench run: the phone
 * clip on the realistic recipe 38.84 → 38.03 dB, the classroom at σ 30 35.52 → 35.27). So the
 * estimate is the coarse reading, but never more than TEXTURE_MARGIN times the fine one: on the
 * bench's clips the coarse reading is 0–8 % above the fine one and is kept as it is, while texture
 * puts it far above.
 */

const COARSE = { block: 24, percentile: 0.2, minBlocks: 8, calibration: 0.935 };
/**
 * For a picture too small to give COARSE's 8 blocks (QCIF's half-size picture holds 6): 16 px blocks,
 * whose 20th percentile over 8 to 20 blocks sits nearer the middle (calibration 0.956, measured on
 * flat grey with σ 5..40 at 88 × 72 and 80 × 48).
 */
const COARSE_SMALL = { block: 16, percentile: 0.2, minBlocks: 8, calibration: 0.956 };
/** 8 × 8 blocks, the 10th percentile: 0.873 to 0.896 of σ on flat grey, σ 5..40, 88 × 72 to 960 × 540. */
const FINE = { block: 8, percentile: 0.1, minBlocks: 16, calibration: 0.887 };
/** The coarse reading is trusted up to this multiple of the fine one. */
export const TEXTURE_MARGIN = 1.1;
const SCALE = Math.sqrt(Math.PI / 2) / 6;

type Reading = typeof COARSE;

/**
 * Noise σ (0..1 units) of one planar RGB picture, or undefined when no block is usable. Colour c
 * starts at c * planeStride (default width × height): the stage passes the first sub-pixel plane
 * of its pixel-unshuffled frames, a half-size picture whose noise is the same. `channels` other than
 * 3 reads other planes the same way (a YUV frame's two chroma planes).
 */
export function estimateNoise(rgb: Float32Array, width: number, height: number, planeStride = width * height, channels = 3): number | undefined {
  const coarse = reading(rgb, width, height, planeStride, COARSE, channels) ?? reading(rgb, width, height, planeStride, COARSE_SMALL, channels);
  const fine = reading(rgb, width, height, planeStride, FINE, channels);
  return coarse === undefined || fine === undefined ? coarse : Math.min(coarse, TEXTURE_MARGIN * fine);
}

/** Whether a half-size picture this small holds too few blocks to measure at all (below about 64 × 48 pixels at full size, with room to spare). */
export function tooSmallToMeasure(width: number, height: number): boolean {
  let n = 0;
  forEachBlock(width, height, COARSE_SMALL.block, () => void n++);
  return n < COARSE_SMALL.minBlocks;
}

function reading(rgb: Float32Array, width: number, height: number, planeStride: number, r: Reading, channels: number): number | undefined {
  const all: BlockReading[] = [];
  forEachBlock(width, height, r.block, (bx, by) => {
    const b = blockNoise(rgb, width, planeStride, bx, by, r.block, channels);
    if (b) all.push(b);
  });
  // A picture of mostly dark parts under heavy noise may leave too few blocks clear of black by
  // CLIP_SIGMAS; then the floor alone decides, as a low reading beats none.
  const clear = all.filter((b) => !b.nearBlack);
  const blocks = (clear.length >= r.minBlocks ? clear : all).map((b) => b.sigma);
  if (blocks.length < r.minBlocks) return undefined;
  blocks.sort((a, b) => a - b);
  return blocks[Math.floor(r.percentile * (blocks.length - 1))] / r.calibration;
}

function forEachBlock(width: number, height: number, size: number, fn: (bx: number, by: number) => void): void {
  for (let by = 1; by + size < height; by += size) for (let bx = 1; bx + size < width; bx += size) fn(bx, by);
}

/**
 * A block is skipped where a channel's mean lies within CLIP_FLOOR of black or white, and also
 * where it lies within CLIP_SIGMAS times that channel's own reading of black. There the noise is
 * cut off at black and reads low, and dark flat parts are the flattest blocks, the ones the low
 * percentile takes: with the floor alone, Gaussian σ 30 read 22.5 on libdlib19.1's frames, 25.5 on
 * Megamind and 27.4 on the dim classroom clip (the bench's inputs), and now reads 27.5, 28.1 and
 * 29.3. The white side keeps the floor alone: under signal-dependent noise the bright blocks are the
 * noisiest, and skipping them read the realistic recipe low on a screen recording (movie-hello:
 * 12.3 → 11.5, 0.71 dB lost; one-off, 2026-11-28).
 */
const CLIP_FLOOR = 0.06;
const CLIP_SIGMAS = 2;

/** A block's σ, and whether some channel's mean lies within CLIP_SIGMAS of that σ of black. */
interface BlockReading {
  sigma: number;
  nearBlack: boolean;
}

/** Immerkær's σ of one size × size block over its channels (R, G and B), or undefined where it lies within CLIP_FLOOR of black or white. */
function blockNoise(rgb: Float32Array, width: number, n: number, bx: number, by: number, size: number, channels = 3): BlockReading | undefined {
  let sq = 0;
  let nearBlack = false;
  for (let c = 0; c < channels; c++) {
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
    const s = (SCALE * abs) / (size * size);
    if (mean < CLIP_FLOOR || mean > 1 - CLIP_FLOOR) return undefined;
    if (mean < CLIP_SIGMAS * s) nearBlack = true;
    sq += s * s;
  }
  return { sigma: Math.sqrt(sq / channels), nearBlack };
}

/** E|a - b| of the mean of R, G and B of two frames with independent white noise of σ per channel. */
const LUMA_DIFF = Math.sqrt(2 / 3) * Math.sqrt(2 / Math.PI);

/**
 * How much more the picture changes from frame to frame than its spatial noise predicts, in the
 * flattest blocks (the median of their ratios): about 1 for white sensor noise, more where
 * compression or in-camera processing made the noise coarser than one pixel (a codec's noise is
 * spatially smooth, so Immerkær's operator sees less of it than the frame-to-frame difference does).
 * The still-region averaging compares frame differences with the noise level times this ratio.
 * `prev` and `cur` are laid out like estimateNoise's input. Undefined when no block is usable.
 */
export function motionNoiseRatio(prev: Float32Array, cur: Float32Array, width: number, height: number, planeStride = width * height): number | undefined {
  return ratioInBlocks(prev, cur, width, height, planeStride, COARSE.block) ?? ratioInBlocks(prev, cur, width, height, planeStride, COARSE_SMALL.block);
}

function ratioInBlocks(prev: Float32Array, cur: Float32Array, width: number, height: number, n: number, size: number): number | undefined {
  const blocks: Array<{ flatness: number; spatial: number; temporal: number }> = [];
  forEachBlock(width, height, size, (bx, by) => {
    // Blocks are chosen by the previous frame's noise and measured on the current one, so the
    // choice does not pick blocks whose own noise happened to come out low.
    // Clipping lowers a block's spatial and temporal readings alike, so the ratio keeps the floor alone.
    const flatness = blockNoise(prev, width, n, bx, by, size)?.sigma;
    const spatial = blockNoise(cur, width, n, bx, by, size)?.sigma;
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
  if (blocks.length < COARSE.minBlocks) return undefined;
  blocks.sort((a, b) => a.flatness - b.flatness);
  const flat = blocks.slice(0, Math.max(4, Math.ceil(COARSE.percentile * blocks.length)));
  // The median of the blocks' own ratios, not the ratio of their sums: a subject moving through a
  // few flat blocks changes them far more than noise does, and in a sum those few outweighed the
  // rest. On python3-mecavideo's g1.avi (a cyclist crossing a still scene, noisy analog video) the
  // sum read 2.0 under σ 10 and 1.4 under σ 20, the still test was widened for "coarse noise" that
  // was the cyclist, and he came out as a transparent ghost; the median reads 1.3 and 1.0.
  return median(flat.filter((b) => b.spatial > 0).map((b) => b.temporal / b.spatial));
}

/** The clip's level: the median of per-frame estimates (robust to a dark or blurred frame). */
export function clipNoise(perFrame: Array<number | undefined>): number | undefined {
  return median(perFrame.filter((v): v is number => v !== undefined));
}

/** The lower median of `values` (sorted in place), or undefined when empty. */
function median(values: number[]): number | undefined {
  values.sort((a, b) => a - b);
  return values.length ? values[Math.floor((values.length - 1) / 2)] : undefined;
}
