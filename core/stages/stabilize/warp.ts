/**
 * Renders a stabilized frame: every plane is resampled through the frame's warp (a similarity in
 * normalized coordinates, similarity.ts) with bilinear interpolation (issue 5, step 3).
 *
 * The warp is affine, so source coordinates advance by constant steps along a row and the inner
 * loop is a handful of multiply-adds per sample on typed arrays. Samples that fall outside the
 * source are clamped to the edge ('crop', where the path keeps them inside anyway) or filled with
 * black ('black').
 */
import type { RawFormat } from '../../media/pixel-formats.js';
import { toPlaneAffine, type Similarity } from './similarity.js';

export interface WarpOptions {
  border: 'crop' | 'black';
  /** Full range (pc) YUV: black is 0 instead of 16. */
  fullRange?: boolean;
}

type Samples = Uint8Array | Uint16Array;

/** Warp one plane: dst(i, j) = src(M · (i, j, 1)), bilinear. */
export function warpPlane(src: Samples, dst: Samples, pw: number, ph: number, m: Float64Array, fill: number | undefined): void {
  const [m00, m01, m02, m10, m11, m12] = m;
  const maxX = pw - 1, maxY = ph - 1;
  for (let j = 0; j < ph; j++) {
    let x = m01 * j + m02;
    let y = m11 * j + m12;
    let o = j * pw;
    for (let i = 0; i < pw; i++, x += m00, y += m10, o++) {
      let sx = x, sy = y;
      if (sx < 0 || sy < 0 || sx > maxX || sy > maxY) {
        if (fill !== undefined && (sx < -0.5 || sy < -0.5 || sx > maxX + 0.5 || sy > maxY + 0.5)) {
          dst[o] = fill;
          continue;
        }
        sx = sx < 0 ? 0 : sx > maxX ? maxX : sx;
        sy = sy < 0 ? 0 : sy > maxY ? maxY : sy;
      }
      const x0 = sx | 0, y0 = sy | 0;
      const fx = sx - x0, fy = sy - y0;
      const p = y0 * pw + x0;
      const x1 = x0 < maxX ? 1 : 0;
      const y1 = y0 < maxY ? pw : 0;
      const top = src[p] + (src[p + x1] - src[p]) * fx;
      const bot = src[p + y1] + (src[p + y1 + x1] - src[p + y1]) * fx;
      dst[o] = (top + (bot - top) * fy + 0.5) | 0;
    }
  }
}

/** Black for each plane of a format. */
function blackLevels(format: RawFormat, fullRange: boolean): number[] {
  const shift = format.bitDepth - 8;
  if (format.name.startsWith('yuv')) return [fullRange ? 0 : 16 << shift, 128 << shift, 128 << shift];
  return [0, 0, 0];
}

/**
 * Warp a packed planar frame `src` into `dst` (same size and format) by `warp` (output normalized
 * coordinates -> input normalized coordinates).
 */
export function warpFrame(src: Buffer, dst: Buffer, format: RawFormat, width: number, height: number, warp: Similarity, opts: WarpOptions): void {
  const planes = format.planes(width, height);
  const black = blackLevels(format, !!opts.fullRange);
  let offset = 0;
  planes.forEach((p, k) => {
    const count = p.width * p.height;
    const bytes = count * p.bytesPerSample;
    const view = (b: Buffer): Samples =>
      p.bytesPerSample === 2 ? new Uint16Array(b.buffer, b.byteOffset + offset, count) : new Uint8Array(b.buffer, b.byteOffset + offset, count);
    if (p.bytesPerSample === 2 && (src.byteOffset + offset) % 2 !== 0) throw new Error('16-bit frame planes must be 2-byte aligned');
    const m = toPlaneAffine(warp, { width, height, planeWidth: p.width, planeHeight: p.height });
    warpPlane(view(src), view(dst), p.width, p.height, m, opts.border === 'black' ? black[k] : undefined);
    offset += bytes;
  });
}

/** Formats the warp can render: planar, 8 or 16 bits per sample (not packed rgb24). */
export const canWarp = (format: RawFormat): boolean => format.name !== 'rgb24';
