/**
 * Colour tags as the encoder's options take them. ffprobe prints ffmpeg's names for the ITU-T H.273
 * code points, but the `-colorspace`, `-color_primaries` and `-color_trc` options do not accept all
 * of those names: every ffmpeg rejects `gbr` (the option calls it `rgb`), and ffmpeg 4.1 knows no
 * `ictcp`, `chroma-derived-*` or `ebu3213`. Every version takes the number, so the tags are written
 * as H.273 code points. A name outside these tables (a newer ffmpeg's) is left out rather than
 * failing the export.
 */
import type { ColorInfo } from './media-info.js';

const MATRIX: Record<string, number> = {
  gbr: 0, bt709: 1, fcc: 4, bt470bg: 5, smpte170m: 6, smpte240m: 7, ycgco: 8, bt2020nc: 9, bt2020c: 10, smpte2085: 11, 'chroma-derived-nc': 12, 'chroma-derived-c': 13, ictcp: 14,
};
const PRIMARIES: Record<string, number> = {
  bt709: 1, bt470m: 4, bt470bg: 5, smpte170m: 6, smpte240m: 7, film: 8, bt2020: 9, smpte428: 10, smpte431: 11, smpte432: 12, ebu3213: 22, 'jedec-p22': 22,
};
const TRANSFER: Record<string, number> = {
  bt709: 1, gamma22: 4, gamma28: 5, smpte170m: 6, smpte240m: 7, linear: 8, log100: 9, log316: 10, 'iec61966-2-4': 11, bt1361e: 12, 'iec61966-2-1': 13, 'bt2020-10': 14, 'bt2020-12': 15, smpte2084: 16, smpte428: 17, 'arib-std-b67': 18,
};
const RANGES = new Set(['tv', 'pc']);

/**
 * Encoder arguments that carry the source's colour tags. `yuvOutput`: the encoder writes YUV. An RGB
 * source's `gbr` matrix tag would then tell players to read Y, U and V as G, B and R, so it is left
 * out (the conversion uses ffmpeg's default matrix).
 */
export function colorTagArgs(c: ColorInfo, yuvOutput: boolean): string[] {
  const args: string[] = [];
  const code = (table: Record<string, number>, name: string | undefined): string | undefined => (name !== undefined && name in table ? String(table[name]) : undefined);
  const primaries = code(PRIMARIES, c.primaries);
  const transfer = code(TRANSFER, c.transfer);
  // An RGB source's matrix and range do not describe the YUV the encoder writes.
  const rgbToYuv = yuvOutput && c.space === 'gbr';
  const matrix = rgbToYuv ? undefined : code(MATRIX, c.space);
  if (primaries) args.push('-color_primaries', primaries);
  if (transfer) args.push('-color_trc', transfer);
  if (matrix) args.push('-colorspace', matrix);
  if (!rgbToYuv && c.range && RANGES.has(c.range)) args.push('-color_range', c.range);
  return args;
}
