import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { throwIfAborted } from '../../common/errors.js';
import { GTCRN_HOP, GTCRN_LATENCY, GTCRN_SAMPLE_RATE, type SpeechEnhancer } from './speech-enhancer.js';

/** Where npm puts the GTCRN WebAssembly build of @sapphi-red/web-noise-suppressor. */
export function defaultGtcrnWasmPath(): string {
  const require = createRequire(import.meta.url);
  const entry = require.resolve('@sapphi-red/web-noise-suppressor');
  return entry.replace(/index\.(c?js)$/, 'gtcrn.wasm');
}

/** The parts of the WebAssembly API used here (core/ compiles without DOM types). */
interface WasmMemory {
  readonly buffer: ArrayBuffer;
  grow(pages: number): number;
}
interface WasmApi {
  instantiate(bytes: Uint8Array, imports: object): Promise<{ instance: { exports: unknown } }>;
}
const wasmApi = (globalThis as unknown as { WebAssembly: WasmApi }).WebAssembly;

interface GtcrnExports {
  c: WasmMemory;
  d: () => void;
  e: () => number;
  f: (ptr: number) => void;
  g: (state: number) => void;
  h: (...ptrs: number[]) => void;
  i: (state: number, inPtr: number, outPtr: number) => void;
  k: (n: number) => number;
}

/** The raw GTCRN wasm module: one instance, usable for any number of states. */
export class GtcrnWasmModule {
  private constructor(readonly exports: GtcrnExports) {}

  static async load(wasmPath = defaultGtcrnWasmPath()): Promise<GtcrnWasmModule> {
    const bytes = await readFile(wasmPath);
    const mem: { current?: WasmMemory } = {};
    const imports = {
      a: {
        a: () => {
          throw new Error('gtcrn.wasm: assertion failed');
        },
        // emscripten_resize_heap(requestedBytes)
        b: (requested: number) => {
          const memory = mem.current;
          if (!memory) return 0;
          const pages = Math.ceil((requested - memory.buffer.byteLength) / 65536);
          try {
            memory.grow(Math.max(pages, 0));
            return 1;
          } catch {
            return 0;
          }
        },
      },
    };
    const { instance } = await wasmApi.instantiate(new Uint8Array(bytes), imports);
    const ex = instance.exports as unknown as GtcrnExports;
    mem.current = ex.c;
    ex.d();
    return new GtcrnWasmModule(ex);
  }

  heap(): Float32Array {
    return new Float32Array(this.exports.c.buffer);
  }

  malloc(floats: number): number {
    const p = this.exports.k(floats * 4);
    if (!p) throw new Error('gtcrn.wasm: out of memory');
    return p;
  }
}

/**
 * Reference GTCRN enhancer: runs the original WebAssembly build frame by frame
 * (256 samples at 16 kHz). Slower than the ONNX graph but it is the ground truth.
 */
export class GtcrnWasmEnhancer implements SpeechEnhancer {
  readonly sampleRate = GTCRN_SAMPLE_RATE;
  private modulePromise?: Promise<GtcrnWasmModule>;

  constructor(private readonly wasmPath = defaultGtcrnWasmPath()) {}

  private module(): Promise<GtcrnWasmModule> {
    this.modulePromise ??= GtcrnWasmModule.load(this.wasmPath);
    return this.modulePromise;
  }

  /** Raw streaming output: frame-synchronous, 256 samples late, zero state at start. */
  async processRaw(input: Float32Array, signal?: AbortSignal): Promise<Float32Array> {
    const mod = await this.module();
    const ex = mod.exports;
    const state = ex.e();
    if (!state) throw new Error('gtcrn.wasm: could not create state');
    const inPtr = mod.malloc(GTCRN_HOP);
    const outPtr = mod.malloc(GTCRN_HOP);
    const frames = Math.ceil(input.length / GTCRN_HOP);
    const out = new Float32Array(frames * GTCRN_HOP);
    const frame = new Float32Array(GTCRN_HOP);
    try {
      for (let f = 0; f < frames; f++) {
        if ((f & 255) === 0) {
          throwIfAborted(signal);
          if (f > 0) await new Promise<void>((r) => setImmediate(r));
        }
        frame.fill(0);
        frame.set(input.subarray(f * GTCRN_HOP, Math.min(input.length, (f + 1) * GTCRN_HOP)));
        mod.heap().set(frame, inPtr / 4);
        ex.i(state, inPtr, outPtr);
        out.set(mod.heap().subarray(outPtr / 4, outPtr / 4 + GTCRN_HOP), f * GTCRN_HOP);
      }
    } finally {
      ex.f(inPtr);
      ex.f(outPtr);
      ex.g(state);
    }
    return out;
  }

  async enhance(mono: Float32Array, signal?: AbortSignal): Promise<Float32Array> {
    // Feed LATENCY extra zeros so the last input samples come out, then drop the delay.
    const padded = new Float32Array(mono.length + GTCRN_LATENCY);
    padded.set(mono);
    const raw = await this.processRaw(padded, signal);
    return raw.slice(GTCRN_LATENCY, GTCRN_LATENCY + mono.length);
  }

  async dispose(): Promise<void> {
    this.modulePromise = undefined;
  }
}
