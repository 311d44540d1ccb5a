/**
 * Pixel formats: which sources we accept, and the raw frame layout of the formats frames travel in.
 * Frames cross process boundaries as tightly packed planes, in ffmpeg's plane order.
 */

export interface PlaneLayout {
  width: number;
  height: number;
  bytesPerSample: number;
}

export interface RawFormat {
  name: string;
  /** NUT fourcc ffmpeg's nut demuxer maps back to this pixel format. */
  nutFourcc: number[];
  bitDepth: number;
  planes: (w: number, h: number) => PlaneLayout[];
}

const half = (n: number): number => Math.ceil(n / 2);
const yuv = (cw: (w: number) => number, ch: (h: number) => number, bps: number) => (w: number, h: number): PlaneLayout[] => [
  { width: w, height: h, bytesPerSample: bps },
  { width: cw(w), height: ch(h), bytesPerSample: bps },
  { width: cw(w), height: ch(h), bytesPerSample: bps },
];
const same = (n: number): number => n;
const planar3 = (bps: number) => (w: number, h: number): PlaneLayout[] => [0, 1, 2].map(() => ({ width: w, height: h, bytesPerSample: bps }));

/** Formats frames can travel in between ffmpeg and the stages (fourccs read from ffmpeg's own nut muxer). */
export const RAW_FORMATS: Record<string, RawFormat> = {
  yuv420p: { name: 'yuv420p', nutFourcc: [73, 52, 50, 48], bitDepth: 8, planes: yuv(half, half, 1) },
  yuv422p: { name: 'yuv422p', nutFourcc: [89, 52, 50, 66], bitDepth: 8, planes: yuv(half, same, 1) },
  yuv444p: { name: 'yuv444p', nutFourcc: [52, 52, 52, 80], bitDepth: 8, planes: yuv(same, same, 1) },
  yuv420p10le: { name: 'yuv420p10le', nutFourcc: [89, 51, 11, 10], bitDepth: 10, planes: yuv(half, half, 2) },
  yuv422p10le: { name: 'yuv422p10le', nutFourcc: [89, 51, 10, 10], bitDepth: 10, planes: yuv(half, same, 2) },
  yuv444p10le: { name: 'yuv444p10le', nutFourcc: [89, 51, 0, 10], bitDepth: 10, planes: yuv(same, same, 2) },
  gray: { name: 'gray', nutFourcc: [89, 56, 48, 48], bitDepth: 8, planes: (w, h) => [{ width: w, height: h, bytesPerSample: 1 }] },
  gbrp: { name: 'gbrp', nutFourcc: [71, 51, 0, 8], bitDepth: 8, planes: planar3(1) },
  gbrp10le: { name: 'gbrp10le', nutFourcc: [71, 51, 0, 10], bitDepth: 10, planes: planar3(2) },
  gbrp16le: { name: 'gbrp16le', nutFourcc: [71, 51, 0, 16], bitDepth: 16, planes: planar3(2) },
  rgb24: { name: 'rgb24', nutFourcc: [82, 71, 66, 24], bitDepth: 8, planes: (w, h) => [{ width: w * 3, height: h, bytesPerSample: 1 }] },
};

export function frameByteSize(format: RawFormat, width: number, height: number): number {
  return format.planes(width, height).reduce((s, p) => s + p.width * p.height * p.bytesPerSample, 0);
}

export function rawFormat(name: string): RawFormat {
  const f = RAW_FORMATS[name];
  if (!f) throw new Error(`Unknown raw frame format ${name}`);
  return f;
}

/** Source pixel formats we can read. Anything else (Bayer, XYZ, 1-bit, hardware surfaces) is refused. */
const ACCEPTED_SOURCE = /^(yuvj?(4[0-4][0-4]|410|411|440)p(9|10|12|14|16)?(le|be)?|yuva(420|422|444)p(9|10|12|16)?(le|be)?|nv(12|16|20|21|24|42)|p0(10|12|16)(le|be)|p2(10|16)(le|be)|p4(10|16)(le|be)|yuyv422|uyvy422|yvyu422|y210le|gray(9|10|12|14|16)?(le|be)?|ya8|ya16(le|be)|(rgb|bgr)(24|48(le|be)?|a|a64(le|be)?|0|565(le|be)|555(le|be)|444(le|be)|8|4_byte)|(a|0)(rgb|bgr)|x2rgb10le|x2bgr10le|gbra?p(9|10|12|14|16)?(le|be)?|pal8)$/;

export function isAcceptedSourcePixelFormat(pixFmt: string): boolean {
  return ACCEPTED_SOURCE.test(pixFmt);
}

/** Bits per component implied by a pixel format name. */
export function bitDepthOf(pixFmt: string): number {
  if (/(48|64|16)(le|be)?$/.test(pixFmt) || /^p[024]16/.test(pixFmt)) return 16;
  const semi = /^p[024]1([02])/.exec(pixFmt);
  if (semi) return semi[1] === '0' ? 10 : 12;
  const m = /(9|10|12|14)(le|be)?$/.exec(pixFmt);
  if (m && !/^(rgb|bgr)(444|555|565)/.test(pixFmt)) return Number(m[1]);
  if (/^y210/.test(pixFmt)) return 10;
  return 8;
}

/**
 * The raw format frames travel in for a source: 8-bit 4:2:0 stays yuv420p, higher bit depths and
 * chroma resolutions keep their precision, RGB sources travel as planar RGB.
 */
export function workingFormatFor(pixFmt: string): RawFormat {
  // Packed rgb24 is a raw format for stills, not for stages: the stabilizer's warp works on planes.
  if (RAW_FORMATS[pixFmt] && pixFmt !== 'rgb24') return RAW_FORMATS[pixFmt];
  const deep = bitDepthOf(pixFmt) > 8;
  if (/^(gray|ya)/.test(pixFmt)) return RAW_FORMATS.gray;
  if (/^(rgb|bgr|argb|abgr|0rgb|0bgr|x2|gbr|pal8)/.test(pixFmt)) return deep ? RAW_FORMATS.gbrp16le : RAW_FORMATS.gbrp;
  if (/^(yuvj?|yuva)444|^nv24|^nv42|^p4/.test(pixFmt)) return deep ? RAW_FORMATS.yuv444p10le : RAW_FORMATS.yuv444p;
  if (/^(yuvj?|yuva)422|^nv16|^nv20|^p2|^yuyv|^uyvy|^yvyu|^y210/.test(pixFmt)) return deep ? RAW_FORMATS.yuv422p10le : RAW_FORMATS.yuv422p;
  return deep ? RAW_FORMATS.yuv420p10le : RAW_FORMATS.yuv420p;
}
