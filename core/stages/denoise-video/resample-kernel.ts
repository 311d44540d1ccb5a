/**
 * The inner loop of the denoiser's camera alignment (align.ts): bilinear runs whose four source
 * rows are contiguous and whose weights move by a constant step. In JavaScript it ran at about 4 ns
 * a sample (11–13 ms a neighbour at 720p, a fifth of a moving-camera frame's time); compiled to
 * WebAssembly with 128-bit SIMD (native/resample.wat) it takes about a third of that. WebAssembly
 * reads only its own memory, so the frames it works on are allocated there (FrameArena); frames
 * that are not (a picture too large for one memory) go through the same loop in JavaScript.
 */
import { instantiate, WASM_PAGE, wasmMemory, type WasmMemory } from '../../common/wasm.js';
import { RESAMPLE_WASM } from './resample-wasm.js';

/**
 * One run over `planes` colour planes (`plane` floats apart): for k < n,
 * dst[d + k] = top + v·(bottom − top), top = lerp(src[s00 + k], src[s01 + k], u),
 * bottom = lerp(src[s10 + k], src[s11 + k], u), u = fx + k·gx, v = fy + k·gy (indices in floats).
 */
export type ShiftRun = (src: Float32Array, dst: Float32Array, d: number, s00: number, s01: number, s10: number, s11: number, n: number, planes: number, plane: number, fx: number, fy: number, gx: number, gy: number) => void;

export const shiftRunJs: ShiftRun = (src, dst, d, s00, s01, s10, s11, n, planes, plane, fx, fy, gx, gy) => {
  for (let c = 0; c < planes * plane; c += plane) {
    const a = c + s00, b = c + s01, e = c + s10, f = c + s11, o = c + d;
    let u = fx, v = fy;
    for (let k = 0; k < n; k++, u += gx, v += gy) {
      const p = src[a + k], r = src[e + k];
      const top = p + u * (src[b + k] - p), bottom = r + u * (src[f + k] - r);
      dst[o + k] = top + v * (bottom - top);
    }
  }
};

/** The largest arena made (bytes): beyond it frames stay in JavaScript memory (an 8K window's frames). */
const MAX_ARENA_BYTES = 2 ** 31;
/**
 * Frames in one WebAssembly memory of a fixed size, carved out up front (the memory never grows,
 * so views into it stay valid), with the kernel bound to it.
 */
export class FrameArena {
  private used = 0;
  private readonly kernel: (dst: number, s00: number, s01: number, s10: number, s11: number, n: number, planes: number, planeBytes: number, fx: number, fy: number, gx: number, gy: number) => void;

  private constructor(private readonly memory: WasmMemory) {
    this.kernel = instantiate(RESAMPLE_WASM, memory).shiftRun as FrameArena['kernel'];
  }

  /** An arena for `floats` floats in all (allocations round up to 4), or undefined where that is too large or the memory cannot be had. */
  static create(floats: number): FrameArena | undefined {
    // Slack for rounding each of a few allocations up to 16 bytes.
    const bytes = floats * 4 + 64;
    if (bytes > MAX_ARENA_BYTES) return undefined;
    try {
      const pages = Math.ceil(bytes / WASM_PAGE);
      return new FrameArena(wasmMemory(pages, pages));
    } catch {
      return undefined;
    }
  }

  /** A zeroed view of `floats` floats, 16-byte aligned, or undefined when the arena has no room left. */
  alloc(floats: number): Float32Array | undefined {
    const at = this.used;
    const end = at + Math.ceil(floats / 4) * 4;
    if (end * 4 > this.memory.buffer.byteLength) return undefined;
    this.used = end;
    return new Float32Array(this.memory.buffer, at * 4, floats);
  }

  /** Whether `view` lies in this arena. */
  holds(view: Float32Array): boolean {
    return view.buffer === this.memory.buffer;
  }

  /** shiftRun on views that lie in this arena. */
  readonly shiftRun: ShiftRun = (src, dst, d, s00, s01, s10, s11, n, planes, plane, fx, fy, gx, gy) => {
    const s = src.byteOffset;
    this.kernel(dst.byteOffset + 4 * d, s + 4 * s00, s + 4 * s01, s + 4 * s10, s + 4 * s11, n, planes, 4 * plane, fx, fy, gx, gy);
  };
}
