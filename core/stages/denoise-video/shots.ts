/**
 * Scene cuts for the video denoiser: its window of five frames must not mix two shots (the network
 * was never shown one, and smears the other shot's picture into the frames either side of a cut).
 *
 * Each frame is reduced to a thumbnail of 32 × 32-pixel block means of green, which averages the
 * noise away (σ 60 leaves about 0.015 on a block mean), and consecutive thumbnails are compared. A
 * cut is a jump of the mean absolute difference above CUT_DIFFERENCE that is also CUT_RATIO times the
 * previous pair's: sustained fast motion changes every pair alike and is not cut up. The first pair
 * has nothing to compare with and is never a cut.
 */
import type { RgbTarget } from './color.js';

/** Thumbnail block side in half-resolution pixels (32 frame pixels). */
const BLOCK = 16;
/** Mean absolute thumbnail difference (0..1 units) above which a pair may be a cut. */
export const CUT_DIFFERENCE = 0.06;
/** How many times the previous pair's difference a cut must be. */
export const CUT_RATIO = 4;
const DIFFERENCE_FLOOR = 0.01;

/** Block means of the green sub-plane (dy = dx = 0) of a frame in color.ts unshuffledTarget layout. */
export function thumbnail(rgb: Float32Array, target: RgbTarget): Float32Array {
  const hw = target.width / 2;
  const hh = target.height / 2;
  const bw = Math.ceil(hw / BLOCK);
  const bh = Math.ceil(hh / BLOCK);
  const sums = new Float32Array(bw * bh);
  const counts = new Float32Array(bw * bh);
  const green = target.plane;
  for (let y = 0; y < hh; y++) {
    const row = green + y * hw;
    const brow = ((y / BLOCK) | 0) * bw;
    for (let x = 0; x < hw; x++) {
      const b = brow + ((x / BLOCK) | 0);
      sums[b] += rgb[row + x];
      counts[b]++;
    }
  }
  return sums.map((s, b) => s / counts[b]);
}

export function thumbnailDifference(a: Float32Array, b: Float32Array): number {
  let d = 0;
  for (let i = 0; i < a.length; i++) d += Math.abs(a[i] - b[i]);
  return d / a.length;
}

/** Follows the shots of a stream of frames, one add() per frame in order. */
export class ShotTracker {
  /** First frame of the shot of each frame seen. */
  private readonly starts: number[] = [];
  private previous?: Float32Array;
  private previousDifference = Infinity;

  constructor(private readonly target: RgbTarget) {}

  add(rgb: Float32Array): void {
    const thumb = thumbnail(rgb, this.target);
    const index = this.starts.length;
    let start = index === 0 ? 0 : this.starts[index - 1];
    if (this.previous) {
      const d = thumbnailDifference(this.previous, thumb);
      const cut = d > CUT_DIFFERENCE && d > CUT_RATIO * this.previousDifference;
      if (cut) start = index;
      this.previousDifference = cut ? DIFFERENCE_FLOOR : Math.max(DIFFERENCE_FLOOR, d);
    }
    this.starts.push(start);
    this.previous = thumb;
  }

  /** The shot holding frame t, as [first, last], its end looked for no further than frame `known`. */
  span(t: number, known: number): [number, number] {
    const s = this.starts[t];
    let e = t;
    while (e < known && this.starts[e + 1] === s) e++;
    return [s, e];
  }
}
