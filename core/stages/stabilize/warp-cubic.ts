/**
 * Bicubic rendering of the stabilizer's planes of 8 to 15 bits (issue 5, step 3: "bicubic or
 * Lanczos if affordable"). Bilinear interpolation is a low-pass filter whose strength changes with
 * the fraction: a sample halfway between two pixels is their mean. A stabilized clip's fractions
 * change from frame to frame, so bilinear output is softer than its input and its sharpness pulses;
 * the Catmull-Rom cubic passes more of the detail and is exact at whole-pixel shifts.
 *
 * The inner loop is WebAssembly with 128-bit SIMD (native/warp.wat): the 16 taps of a sample are
 * one vector (two for 16-bit samples), multiplied by 16 weights from a table of 64 × 64 fraction
 * phases. WebAssembly reads only its own memory, so each plane is copied into it and the result
 * copied out. Columns whose taps would leave the plane (a pixel's width at each edge) stay
 * bilinear (slowSpan).
 */
import { instantiate, WASM_MAX_PAGES, WASM_PAGE, wasmMemory, type WasmMemory } from '../../common/wasm.js';
import { fixedSpan, slowSpan, type Samples } from './warp-spans.js';
import { WARP_WASM } from './warp-wasm.js';

type CubicSpan = (src: number, stride: number, dst: number, n: number, xf: number, yf: number, dx: number, dy: number, lut: number) => void;
type CubicSpan16 = (src: number, stride: number, dst: number, n: number, xf: number, yf: number, dx: number, dy: number, lut: number, max: number) => void;

/** Fraction phases of the weight table on each axis (the top 6 bits of a 16.16 coordinate's fraction). */
const PHASES = 64;
/** The table: 16 weights (i16, Q13) for every pair of phases. */
const LUT_BYTES = PHASES * PHASES * 32;
/** Half a phase, in pixels: added to every coordinate so the kernel's truncation to a phase rounds. */
export const HALF_PHASE = 0.5 / PHASES;
/** The 16 weights of a sample sum to 1.0, which is 8192 (Q13). */
const ONE = 1 << 13;

/** Catmull-Rom weights of the four taps x0 − 1 .. x0 + 2 for a sample at x0 + f. */
export function catmullRom(f: number): [number, number, number, number] {
  const f2 = f * f, f3 = f2 * f;
  return [(-f3 + 2 * f2 - f) / 2, (3 * f3 - 5 * f2 + 2) / 2, (-3 * f3 + 4 * f2 + f) / 2, (f3 - f2) / 2];
}

/** The 16 weights (row-major) of a sample at fractions (fx, fy), in Q13, rounded so they sum to exactly 1.0: a flat picture stays flat. */
export function cubicWeights(fx: number, fy: number): number[] {
  const wx = catmullRom(fx), wy = catmullRom(fy);
  const w = Array.from({ length: 16 }, (_, k) => Math.round(wy[k >> 2] * wx[k & 3] * ONE));
  const big = w.indexOf(Math.max(...w));
  w[big] += ONE - w.reduce((a, b) => a + b, 0);
  return w;
}

function writeTable(heap: DataView): void {
  for (let py = 0; py < PHASES; py++) {
    for (let px = 0; px < PHASES; px++) {
      const w = cubicWeights(px / PHASES, py / PHASES);
      for (let k = 0; k < 16; k++) heap.setInt16((py * PHASES + px) * 32 + 2 * k, w[k], true);
    }
  }
}

let kernel: { memory: WasmMemory; span: CubicSpan; span16: CubicSpan16 } | undefined;

/** The kernel with a memory of at least `bytes` after the table, or undefined where that cannot be had. */
function kernelFor(bytes: number): typeof kernel {
  try {
    if (!kernel) {
      const memory = wasmMemory(Math.ceil((LUT_BYTES + bytes) / WASM_PAGE), WASM_MAX_PAGES);
      const exports = instantiate(WARP_WASM, memory);
      writeTable(new DataView(memory.buffer));
      kernel = { memory, span: exports.cubicSpan as CubicSpan, span16: exports.cubicSpan16 as CubicSpan16 };
    }
    const short = LUT_BYTES + bytes - kernel.memory.buffer.byteLength;
    if (short > 0) kernel.memory.grow(Math.ceil(short / WASM_PAGE));
    return kernel;
  } catch {
    return undefined;
  }
}

/**
 * Warp one plane bicubically: dst(i, j) = src(M · (i, j, 1)), 8-bit, or 16-bit with samples up to
 * `max` < 32768 (the kernel multiplies them as signed 16-bit numbers). The caller has checked that
 * 16.16 fixed point fits the warp (fixedPointFits). False, with nothing written, where the
 * WebAssembly kernel cannot be had; the caller then renders bilinear.
 */
export function warpPlaneCubic(src: Samples, dst: Samples, pw: number, ph: number, m: Float64Array, fill: number | undefined, max = 255): boolean {
  const count = pw * ph;
  const wide = src instanceof Uint16Array;
  const size = wide ? 2 : 1;
  const k = kernelFor(2 * count * size);
  if (!k) return false;
  const srcAt = LUT_BYTES, dstAt = LUT_BYTES + count * size;
  const heap = wide ? new Uint16Array(k.memory.buffer) : new Uint8Array(k.memory.buffer);
  heap.set(src, srcAt / size);
  const out = heap.subarray(dstAt / size, dstAt / size + count);
  const m00 = m[0], m01 = m[1], m02 = m[2], m10 = m[3], m11 = m[4], m12 = m[5];
  const maxX = pw - 1, maxY = ph - 1;
  const dx = Math.round(m00 * 65536), dy = Math.round(m10 * 65536);
  /** `n` samples from output sample `at` (of the plane), whose 16.16 source coordinates are (xf, yf). */
  const span = (at: number, n: number, xf: number, yf: number): void =>
    wide ? k.span16(srcAt, pw, dstAt + 2 * at, n, xf, yf, dx, dy, 0, max) : k.span(srcAt, pw, dstAt + at, n, xf, yf, dx, dy, 0);
  for (let j = 0; j < ph; j++) {
    const x0r = m01 * j + m02, y0r = m11 * j + m12;
    const row = j * pw;
    const { lo, hi, xb, yb } = fixedSpan(x0r + HALF_PHASE, y0r + HALF_PHASE, m00, m10, dx, dy, pw, maxX, maxY, 2);
    // The kernel works in groups of four: a span's last n mod 4 samples are covered by a last group
    // that overlaps the one before (recomputing the same values); a span under four stays bilinear.
    const n = hi - lo >= 4 ? hi - lo : 0;
    if (lo > 0 || n === 0) slowSpan(src, out, pw, maxX, maxY, x0r, y0r, m00, m10, row, 0, n ? lo : pw, fill);
    if (n === 0) continue;
    span(row + lo, n, xb + lo * dx, yb + lo * dy);
    if (n % 4) span(row + hi - 4, 4, xb + (hi - 4) * dx, yb + (hi - 4) * dy);
    slowSpan(src, out, pw, maxX, maxY, x0r, y0r, m00, m10, row, hi, pw, fill);
  }
  dst.set(out);
  return true;
}
