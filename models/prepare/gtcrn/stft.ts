/**
 * GTCRN's STFT, exactly as the wasm does it: 512-point real FFT, hop 256, periodic
 * sqrt-Hann window on analysis and synthesis, inverse scaled by 1/512, overlap-add.
 * In the offline graph the DFT is a MatMul with a fixed [512, 514] matrix.
 */
import type { GraphBuilder } from './graph-builder.js';

export const N_FFT = 512;
export const HOP = 256;
export const BINS = 257;

export function sqrtHann(): Float64Array {
  const w = new Float64Array(N_FFT);
  for (let n = 0; n < N_FFT; n++) w[n] = Math.sqrt(0.5 - 0.5 * Math.cos((2 * Math.PI * n) / N_FFT));
  return w;
}

/** [512, 514]: windowed frame -> [re(257) | im(257)]. */
export function analysisMatrix(): Float32Array {
  const w = sqrtHann();
  const m = new Float32Array(N_FFT * 2 * BINS);
  for (let n = 0; n < N_FFT; n++) {
    for (let k = 0; k < BINS; k++) {
      const a = (2 * Math.PI * ((k * n) % N_FFT)) / N_FFT;
      m[n * 2 * BINS + k] = w[n]! * Math.cos(a);
      m[n * 2 * BINS + BINS + k] = -w[n]! * Math.sin(a);
    }
  }
  return m;
}

/** [514, 512]: [re | im] -> windowed time frame (inverse real DFT / 512). */
export function synthesisMatrix(): Float32Array {
  const w = sqrtHann();
  const m = new Float32Array(2 * BINS * N_FFT);
  for (let k = 0; k < BINS; k++) {
    const c = k === 0 || k === BINS - 1 ? 1 : 2;
    for (let n = 0; n < N_FFT; n++) {
      const a = (2 * Math.PI * ((k * n) % N_FFT)) / N_FFT;
      m[k * N_FFT + n] = ((c * Math.cos(a)) / N_FFT) * w[n]!;
      // The imaginary parts of DC and Nyquist are dropped (sin is zero there anyway).
      m[(BINS + k) * N_FFT + n] = c === 1 ? 0 : ((-c * Math.sin(a)) / N_FFT) * w[n]!;
    }
  }
  return m;
}

/**
 * audio [1, N] -> re, im [T, 257] with T = ceil(N / 256) + 1 frames. Frame t covers
 * input samples [256 t - 256, 256 t + 256), zeros outside, like the wasm's zero state.
 */
export function buildAnalysis(g: GraphBuilder, audio: string): { re: string; im: string; length: string } {
  const shape = g.one('Shape', [audio]);
  const length = g.one('Gather', [shape, g.i64([1], [])], { axis: 0 }); // scalar N
  const hop = g.i64([HOP], []);
  const frames = g.add(g.one('Div', [g.add(length, g.i64([HOP - 1], [])), hop]), g.i64([1], [])); // T
  const padRight = g.one('Sub', [g.mul(frames, hop), length]);
  const pads = g.concat([g.i64([0, HOP, 0]), g.one('Unsqueeze', [padRight, g.i64([0])])], 0);
  const padded = g.one('Pad', [audio, pads]); // [1, 256 (T + 1)]
  const rows = g.reshape(padded, [-1, HOP]); // [T + 1, 256]
  const frame = g.concat([g.slice(rows, 0, 0, -1), g.slice(rows, 0, 1, 2 ** 62)], 1); // [T, 512]
  const spec = g.matmul(frame, g.f32('stft.analysis', [N_FFT, 2 * BINS], analysisMatrix()));
  const [re, im] = g.op('Split', [spec, g.i64([BINS, BINS])], { axis: 1 }, 2);
  return { re: re!, im: im!, length };
}

/** re, im [T, 257] -> audio [1, N], aligned with the input (latency removed). */
export function buildSynthesis(g: GraphBuilder, re: string, im: string, length: string, output: string): string {
  const y = g.matmul(g.concat([re, im], 1), g.f32('stft.synthesis', [2 * BINS, N_FFT], synthesisMatrix())); // [T, 512]
  const first = g.slice(y, 1, 0, HOP);
  const second = g.slice(y, 1, HOP, N_FFT);
  const ola = g.add(g.one('Pad', [first, g.i64([0, 0, 1, 0])]), g.one('Pad', [second, g.i64([1, 0, 0, 0])])); // [T + 1, 256]
  const flat = g.reshape(ola, [1, -1]);
  const end = g.one('Unsqueeze', [g.add(length, g.i64([HOP], [])), g.i64([0])]);
  return g.one('Slice', [flat, g.i64([HOP]), end, g.i64([1])], {}, output);
}

/** Frame-by-frame STFT in TypeScript for the streaming graph (same maths as the graph). */
export class StreamingStft {
  private readonly analysis = analysisMatrix();
  private readonly synthesis = synthesisMatrix();
  private readonly inBuf = new Float32Array(N_FFT);
  private readonly outTail = new Float32Array(HOP);

  /** Push 256 samples; returns the spectrum as (257, 2) interleaved re/im. */
  analyze(hop: Float32Array): Float32Array {
    this.inBuf.copyWithin(0, HOP);
    this.inBuf.set(hop.subarray(0, HOP), HOP);
    const spec = new Float32Array(2 * BINS);
    for (let k = 0; k < 2 * BINS; k++) {
      let acc = 0;
      for (let n = 0; n < N_FFT; n++) acc += this.inBuf[n]! * this.analysis[n * 2 * BINS + k]!;
      spec[k < BINS ? 2 * k : 2 * (k - BINS) + 1] = acc;
    }
    return spec;
  }

  /** Take an enhanced (257, 2) spectrum; returns 256 output samples (256 samples late). */
  synthesize(spec: Float32Array): Float32Array {
    const frame = new Float32Array(N_FFT);
    for (let k = 0; k < BINS; k++) {
      const re = spec[2 * k]!;
      const im = spec[2 * k + 1]!;
      for (let n = 0; n < N_FFT; n++) frame[n] += re * this.synthesis[k * N_FFT + n]! + im * this.synthesis[(BINS + k) * N_FFT + n]!;
    }
    const out = new Float32Array(HOP);
    for (let n = 0; n < HOP; n++) out[n] = this.outTail[n]! + frame[n]!;
    this.outTail.set(frame.subarray(HOP));
    return out;
  }
}
