/**
 * Fast paths for the commonest frames, 8-bit 4:2:0 YUV of even size (what phones and cameras
 * record). In the network's layout (color.ts unshuffledTarget) a 2×2 block of pixels is one
 * position in four planes and shares one chroma sample, so conversion and the way back run block by
 * block: one chroma lookup per four pixels and no per-pixel index tables. Both compute exactly what
 * the general paths in color.ts compute (tests compare them).
 */
import { plane, yuvTables, type FrameLayout, type RgbTarget } from './color.js';

/** The Y, U and V planes of an isYuv420 frame. */
const planes8 = (data: Buffer, l: FrameLayout): Uint8Array[] => [0, 1, 2].map((i) => plane(data, l, i) as Uint8Array);

/** Frames these paths handle: 8-bit YUV, chroma halved both ways, even width and height. */
export function isYuv420(l: FrameLayout): boolean {
  return l.kind === 'yuv' && !l.wide && l.sx === 1 && l.sy === 1 && l.width % 2 === 0 && l.height % 2 === 0;
}

const clip01 = (v: number): number => (v < 0 ? 0 : v > 1 ? 1 : v);

/** color.ts frameToRgb for an isYuv420 frame into an unshuffledTarget of its size. */
export function yuv420ToUnshuffled(data: Buffer, l: FrameLayout, target: RgbTarget, out: Float32Array): Float32Array {
  const { width: w, height: h } = l;
  const hw = target.width / 2;
  const sub = hw * (target.height / 2);
  const pl = target.plane;
  const lut = yuvTables(l);
  const [yp, u, v] = planes8(data, l);
  const cs = l.strides[1];
  for (let j = 0; j < h / 2; j++) {
    const row0 = 2 * j * w;
    const row1 = row0 + w;
    const crow = j * cs;
    const o0 = j * hw;
    for (let i = 0; i < w / 2; i++) {
      const cb = u[crow + i];
      const cr = v[crow + i];
      const rc = lut.rCr[cr];
      const gc = lut.gCr[cr];
      const gb = lut.gCb[cb];
      const bc = lut.bCb[cb];
      const o = o0 + i;
      for (let s = 0; s < 4; s++) {
        const yy = lut.y[yp[(s < 2 ? row0 : row1) + 2 * i + (s & 1)]];
        const at = o + s * sub;
        out[at] = clip01(yy + rc);
        out[pl + at] = clip01(yy - gc - gb);
        out[2 * pl + at] = clip01(yy + bc);
      }
    }
  }
  // The padding past the frame repeats mirrored pixels, already converted.
  const { xOff, yOff, srcX, srcY } = target;
  for (let y = 0; y < target.height; y++) {
    const inside = y < h;
    for (let x = inside ? w : 0; x < target.width; x++) {
      const to = yOff[y] + xOff[x];
      const from = yOff[srcY[y]] + xOff[srcX[x]];
      out[to] = out[from];
      out[pl + to] = out[pl + from];
      out[2 * pl + to] = out[2 * pl + from];
    }
  }
  return out;
}

const code8 = (v: number): number => (v <= 0 ? 0 : v >= 255 ? 255 : (v + 0.5) | 0);

/**
 * Add the network's residual for the whole frame (12 unshuffled planes of `hw` columns and `sub`
 * samples each, the padded picture as one tile) to an isYuv420 frame in place: what
 * tiles.ts copyTileDelta followed by color.ts addRgbDelta does, in one pass.
 */
export function addResidualYuv420(data: Buffer, l: FrameLayout, residual: Float32Array, hw: number, sub: number): void {
  const { width: w, height: h } = l;
  const { kr, kb } = l.k;
  const kg = 1 - kr - kb;
  const [wr, wg, wb] = [kr * l.yScale, kg * l.yScale, kb * l.yScale];
  const su = l.cScale / (2 * (1 - kb));
  const sv = l.cScale / (2 * (1 - kr));
  const [yp, u, v] = planes8(data, l);
  const cs = l.strides[1];
  const g0 = 4 * sub;
  const b0 = 8 * sub;
  for (let j = 0; j < h / 2; j++) {
    const row0 = 2 * j * w;
    const row1 = row0 + w;
    for (let i = 0; i < w / 2; i++) {
      const o = j * hw + i;
      let dr = 0;
      let dg = 0;
      let db = 0;
      for (let s = 0; s < 4; s++) {
        const at = o + s * sub;
        const r = residual[at];
        const g = residual[g0 + at];
        const b = residual[b0 + at];
        const p = (s < 2 ? row0 : row1) + 2 * i + (s & 1);
        yp[p] = code8(yp[p] + wr * r + wg * g + wb * b);
        dr += r;
        dg += g;
        db += b;
      }
      const dy = kr * dr + kg * dg + kb * db;
      const c = j * cs + i;
      u[c] = code8(u[c] + ((db - dy) / 4) * su);
      v[c] = code8(v[c] + ((dr - dy) / 4) * sv);
    }
  }
}
