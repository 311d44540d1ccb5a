/**
 * Frames in, model RGB out, and back. The denoiser sees planar RGB in 0..1; frames travel as planar
 * YUV (any chroma subsampling, 8 or 10 bits, limited or full range), planar RGB or gray.
 *
 * Going back never re-converts the whole picture: the model's change (denoised minus what it was
 * given) is turned into a YUV change with the same matrix and added to the source samples, chroma
 * averaged over its block. A model that changes nothing therefore gives back the exact input, and
 * chroma is not blurred by an up- and down-sampling round trip.
 */
import type { ColorInfo } from '../../media/media-info.js';
import type { RawFormat } from '../../media/pixel-formats.js';

export interface Coefficients {
  kr: number;
  kb: number;
}

/** Luma coefficients for the stream's matrix; untagged HD is BT.709, untagged SD is BT.601. */
export function matrixFor(color: ColorInfo | undefined, height: number): Coefficients {
  const space = color?.space ?? '';
  if (space.startsWith('bt2020')) return { kr: 0.2627, kb: 0.0593 };
  if (space === 'bt709') return { kr: 0.2126, kb: 0.0722 };
  if (/^(bt470bg|smpte170m|bt601|fcc)/.test(space)) return { kr: 0.299, kb: 0.114 };
  return height >= 720 ? { kr: 0.2126, kb: 0.0722 } : { kr: 0.299, kb: 0.114 };
}

type Kind = 'yuv' | 'gbr' | 'rgb24' | 'gray';

/** How one frame's bytes map to colour: plane offsets, subsampling, code scale. */
export interface FrameLayout {
  kind: Kind;
  width: number;
  height: number;
  /** Plane byte offsets and widths (in samples) in the packed frame. */
  offsets: number[];
  strides: number[];
  /** log2 of the chroma subsampling, horizontal and vertical (yuv only). */
  sx: number;
  sy: number;
  wide: boolean;
  maxCode: number;
  /** Code of black and the luma/chroma excursions (limited range: 16, 219, 224 at 8 bits). */
  yOffset: number;
  yScale: number;
  cScale: number;
  cOffset: number;
  k: Coefficients;
}

export function frameLayout(format: RawFormat, width: number, height: number, color: ColorInfo | undefined): FrameLayout {
  const kind: Kind = format.name.startsWith('yuv') ? 'yuv' : format.name.startsWith('gbr') ? 'gbr' : format.name === 'rgb24' ? 'rgb24' : format.name === 'gray' ? 'gray' : (() => {
    throw new Error(`The video denoiser cannot read ${format.name} frames.`);
  })();
  const planes = format.planes(width, height);
  const offsets: number[] = [];
  let at = 0;
  for (const p of planes) {
    offsets.push(at);
    at += p.width * p.height * p.bytesPerSample;
  }
  const bits = format.bitDepth;
  const maxCode = 2 ** bits - 1;
  const full = kind !== 'yuv' || color?.range === 'pc';
  const s = 2 ** (bits - 8);
  const chromaW = planes[1]?.width ?? width;
  const chromaH = planes[1]?.height ?? height;
  return {
    kind,
    width,
    height,
    offsets,
    strides: planes.map((p) => p.width),
    sx: kind === 'yuv' && chromaW < width ? 1 : 0,
    sy: kind === 'yuv' && chromaH < height ? 1 : 0,
    wide: planes[0].bytesPerSample === 2,
    maxCode,
    yOffset: full ? 0 : 16 * s,
    yScale: full ? maxCode : 219 * s,
    cOffset: kind === 'yuv' ? (full ? 2 ** (bits - 1) : 128 * s) : 0,
    cScale: full ? maxCode : 224 * s,
    k: matrixFor(color, height),
  };
}

/** A view of one plane as numbers, whatever its sample size. */
export function plane(data: Buffer, l: FrameLayout, i: number): Uint8Array | Uint16Array {
  const start = data.byteOffset + l.offsets[i];
  const n = l.strides[i] * (i === 0 || l.kind !== 'yuv' ? l.height : Math.ceil(l.height / 2 ** l.sy));
  const len = l.kind === 'rgb24' ? l.width * l.height * 3 : n;
  if (!l.wide) return new Uint8Array(data.buffer, start, len);
  if (start % 2 === 0) return new Uint16Array(data.buffer, start, len);
  const copy = new Uint16Array(len);
  for (let j = 0; j < len; j++) copy[j] = data.readUInt16LE(l.offsets[i] + 2 * j);
  return copy;
}


/**
 * Where converted pixels go. The picture is `width` × `height` (possibly padded past the frame by
 * mirroring: srcX/srcY give the frame pixel each target pixel reads), and pixel (x, y) of colour c
 * lands at c * plane + yOff[y] + xOff[x].
 */
export interface RgbTarget {
  width: number;
  height: number;
  plane: number;
  xOff: Int32Array;
  yOff: Int32Array;
  srcX: Int32Array;
  srcY: Int32Array;
}

const idx = (n: number, f: (i: number) => number): Int32Array => Int32Array.from({ length: n }, (_, i) => f(i));

/** Plain planar RGB: three width × height planes. */
export function planarTarget(width: number, height: number): RgbTarget {
  return { width, height, plane: width * height, xOff: idx(width, (x) => x), yOff: idx(height, (y) => y * width), srcX: idx(width, (x) => x), srcY: idx(height, (y) => y) };
}

/**
 * The network's layout: the frame mirrored out to multiples of 4, then pixel-unshuffled by 2, so
 * each colour is four (height/2 × width/2) planes in the order 2·dy + dx.
 */
export function unshuffledTarget(frameWidth: number, frameHeight: number): RgbTarget {
  const width = Math.ceil(frameWidth / 4) * 4;
  const height = Math.ceil(frameHeight / 4) * 4;
  const hw = width / 2;
  const sub = hw * (height / 2);
  return {
    width,
    height,
    plane: 4 * sub,
    xOff: idx(width, (x) => (x & 1) * sub + (x >> 1)),
    yOff: idx(height, (y) => (y & 1) * 2 * sub + (y >> 1) * hw),
    srcX: idx(width, (x) => mirror(x, frameWidth)),
    srcY: idx(height, (y) => mirror(y, frameHeight)),
  };
}

/** Mirror a coordinate into 0..size-1 (reflection without repeating the edge). */
export function mirror(v: number, size: number): number {
  if (size === 1) return 0;
  const period = 2 * size - 2;
  let m = v % period;
  if (m < 0) m += period;
  return m < size ? m : period - m;
}

/** Frame → RGB in 0..1 (clipped), laid out as `target` says (plain planar RGB by default). */
export function frameToRgb(data: Buffer, l: FrameLayout, target: RgbTarget = planarTarget(l.width, l.height), out: Float32Array = new Float32Array(3 * target.plane)): Float32Array {
  const { width: tw, height: th, plane: pl, xOff, yOff, srcX, srcY } = target;
  const w = l.width;
  if (l.kind === 'gbr' || l.kind === 'rgb24') {
    const packed = l.kind === 'rgb24';
    const [g, b, r] = packed ? [plane(data, l, 0), plane(data, l, 0), plane(data, l, 0)] : [0, 1, 2].map((i) => plane(data, l, i));
    for (let y = 0; y < th; y++) {
      const row = srcY[y] * w;
      for (let x = 0; x < tw; x++) {
        const j = row + srcX[x];
        const o = yOff[y] + xOff[x];
        out[o] = (packed ? r[3 * j] : r[j]) / l.maxCode;
        out[pl + o] = (packed ? g[3 * j + 1] : g[j]) / l.maxCode;
        out[2 * pl + o] = (packed ? b[3 * j + 2] : b[j]) / l.maxCode;
      }
    }
    return out;
  }
  const yp = plane(data, l, 0);
  if (l.kind === 'gray') {
    for (let y = 0; y < th; y++) {
      for (let x = 0; x < tw; x++) {
        const o = yOff[y] + xOff[x];
        out[o] = out[pl + o] = out[2 * pl + o] = yp[srcY[y] * w + srcX[x]] / l.maxCode;
      }
    }
    return out;
  }
  const u = plane(data, l, 1);
  const v = plane(data, l, 2);
  const lut = yuvTables(l);
  const cs = l.strides[1];
  for (let y = 0; y < th; y++) {
    const sy = srcY[y];
    const row = sy * w;
    const crow = (sy >> l.sy) * cs;
    const yo = yOff[y];
    for (let x = 0; x < tw; x++) {
      const sx = srcX[x];
      const c = crow + (sx >> l.sx);
      const yy = lut.y[yp[row + sx]];
      const cb = u[c];
      const cr = v[c];
      const r = yy + lut.rCr[cr];
      const g = yy - lut.gCr[cr] - lut.gCb[cb];
      const b = yy + lut.bCb[cb];
      const o = yo + xOff[x];
      out[o] = r < 0 ? 0 : r > 1 ? 1 : r;
      out[pl + o] = g < 0 ? 0 : g > 1 ? 1 : g;
      out[2 * pl + o] = b < 0 ? 0 : b > 1 ? 1 : b;
    }
  }
  return out;
}

/** Per-code tables of the YUV → RGB matrix (luma, and each chroma's share of R, G and B). */
export function yuvTables(l: FrameLayout): { y: Float32Array; rCr: Float32Array; gCr: Float32Array; gCb: Float32Array; bCb: Float32Array } {
  const cached = tables.get(l);
  if (cached) return cached;
  const { kr, kb } = l.k;
  const kg = 1 - kr - kb;
  const size = l.maxCode + 1;
  const t = { y: new Float32Array(size), rCr: new Float32Array(size), gCr: new Float32Array(size), gCb: new Float32Array(size), bCb: new Float32Array(size) };
  for (let code = 0; code < size; code++) {
    const c = (code - l.cOffset) / l.cScale;
    t.y[code] = (code - l.yOffset) / l.yScale;
    t.rCr[code] = 2 * (1 - kr) * c;
    t.bCb[code] = 2 * (1 - kb) * c;
    t.gCr[code] = (kr * 2 * (1 - kr) * c) / kg;
    t.gCb[code] = (kb * 2 * (1 - kb) * c) / kg;
  }
  tables.set(l, t);
  return t;
}
const tables = new WeakMap<FrameLayout, ReturnType<typeof yuvTables>>();

/** Round a sample value to the nearest code in 0..max. */
const code = (v: number, max: number): number => (v <= 0 ? 0 : v >= max ? max : (v + 0.5) | 0);

/**
 * Add an RGB change (planar, 0..1 units, width × height) to the frame's own samples, in place.
 * 16-bit planes at odd byte offsets are written back from the copy.
 */
export function addRgbDelta(data: Buffer, l: FrameLayout, delta: Float32Array): void {
  const { width: w, height: h, maxCode } = l;
  const n = w * h;
  const planes = (l.kind === 'rgb24' || l.kind === 'gray' ? [0] : [0, 1, 2]).map((i) => plane(data, l, i));
  if (l.kind === 'gbr') {
    const [g, b, r] = planes;
    for (let j = 0; j < n; j++) {
      r[j] = code(r[j] + delta[j] * maxCode, maxCode);
      g[j] = code(g[j] + delta[n + j] * maxCode, maxCode);
      b[j] = code(b[j] + delta[2 * n + j] * maxCode, maxCode);
    }
  } else if (l.kind === 'rgb24') {
    const p = planes[0];
    for (let j = 0; j < n; j++) for (let c = 0; c < 3; c++) p[3 * j + c] = code(p[3 * j + c] + delta[c * n + j] * 255, 255);
  } else {
    const { kr, kb } = l.k;
    const kg = 1 - kr - kb;
    const y = planes[0];
    const [wr, wg, wb] = [kr * l.yScale, kg * l.yScale, kb * l.yScale];
    for (let j = 0; j < n; j++) {
      y[j] = code(y[j] + wr * delta[j] + wg * delta[n + j] + wb * delta[2 * n + j], maxCode);
    }
    if (l.kind === 'yuv') addChromaDelta(planes[1], planes[2], l, delta);
  }
  writeBackUnaligned(data, l, planes);
}

/**
 * The pixels each chroma sample of a subsampled frame covers: sample (cx, cy) spans columns
 * [cols[2cx], cols[2cx + 1]) and rows [rows[2cy], rows[2cy + 1]) of the picture (fewer at a
 * right or bottom edge of odd size).
 */
export function chromaBlocks(l: FrameLayout): { cw: number; ch: number; cols: Int32Array; rows: Int32Array } {
  const cw = l.strides[1];
  const ch = Math.ceil(l.height / 2 ** l.sy);
  const spans = (count: number, step: number, limit: number): Int32Array => {
    const out = new Int32Array(2 * count);
    for (let i = 0; i < count; i++) [out[2 * i], out[2 * i + 1]] = [i * step, Math.min(limit, (i + 1) * step)];
    return out;
  };
  return { cw, ch, cols: spans(cw, 1 << l.sx, l.width), rows: spans(ch, 1 << l.sy, l.height) };
}

/** Chroma takes the block average of the change (Cb and Cr are linear in R, G, B). */
function addChromaDelta(u: Uint8Array | Uint16Array, v: Uint8Array | Uint16Array, l: FrameLayout, delta: Float32Array): void {
  const { width: w, height: h } = l;
  const { kr, kb } = l.k;
  const kg = 1 - kr - kb;
  const n = w * h;
  const { cw, ch, cols, rows } = chromaBlocks(l);
  const su = l.cScale / (2 * (1 - kb));
  const sv = l.cScale / (2 * (1 - kr));
  const max = l.maxCode;
  for (let cy = 0; cy < ch; cy++) {
    const [y0, y1] = [rows[2 * cy], rows[2 * cy + 1]];
    for (let cx = 0; cx < cw; cx++) {
      const [x0, x1] = [cols[2 * cx], cols[2 * cx + 1]];
      let dr = 0;
      let dg = 0;
      let db = 0;
      for (let yy = y0; yy < y1; yy++) {
        for (let j = yy * w + x0, end = yy * w + x1; j < end; j++) {
          dr += delta[j];
          dg += delta[n + j];
          db += delta[2 * n + j];
        }
      }
      const count = (y1 - y0) * (x1 - x0);
      const dy = kr * dr + kg * dg + kb * db;
      const c = cy * cw + cx;
      u[c] = code(u[c] + ((db - dy) / count) * su, max);
      v[c] = code(v[c] + ((dr - dy) / count) * sv, max);
    }
  }
}

/** 16-bit planes that were copied (odd byte offset) are written back to the frame. */
export function writeBackUnaligned(data: Buffer, l: FrameLayout, planes: Array<Uint8Array | Uint16Array>): void {
  planes.forEach((p, i) => {
    if (p.buffer === data.buffer) return;
    for (let j = 0; j < p.length; j++) data.writeUInt16LE(p[j], l.offsets[i] + 2 * j);
  });
}
