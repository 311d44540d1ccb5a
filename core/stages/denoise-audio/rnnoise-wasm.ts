import { throwIfAborted } from '../../common/errors.js';
import type { SpeechEnhancer } from './speech-enhancer.js';

/** RNNoise works on 48 kHz audio in frames of 480 samples (10 ms), scaled to 16-bit range. */
export const RNNOISE_SAMPLE_RATE = 48000;
export const RNNOISE_FRAME = 480;
/** Measured: output sample n corresponds to input sample n - 480 (one frame). */
export const RNNOISE_LATENCY = 480;

interface RnnoiseModule {
  HEAPF32: Float32Array;
  _malloc(bytes: number): number;
  _free(ptr: number): void;
  _rnnoise_create(model: number): number;
  _rnnoise_destroy(state: number): void;
  _rnnoise_process_frame(state: number, out: number, input: number): number;
}

type RnnoiseFactory = (options?: object) => Promise<RnnoiseModule>;

/**
 * RNNoise (xiph, default weights) from @echogarden/rnnoise-wasm. It takes and returns
 * 48 kHz mono: resample outside (ffmpeg's `-ar 48000`) rather than here, so one
 * resampler serves the whole pipeline. Output is time-aligned and of the input's length.
 */
export class RnnoiseWasmEnhancer implements SpeechEnhancer {
  readonly sampleRate = RNNOISE_SAMPLE_RATE;
  private modulePromise?: Promise<RnnoiseModule>;

  private module(): Promise<RnnoiseModule> {
    // The package ships no type declarations; a non-literal specifier keeps tsc from asking.
    const specifier: string = '@echogarden/rnnoise-wasm';
    this.modulePromise ??= import(specifier).then((m: { default: RnnoiseFactory }) => m.default());
    return this.modulePromise;
  }

  async enhance(mono: Float32Array, signal?: AbortSignal): Promise<Float32Array> {
    throwIfAborted(signal);
    const mod = await this.module();
    const total = mono.length + RNNOISE_LATENCY;
    const frames = Math.ceil(total / RNNOISE_FRAME);
    const state = mod._rnnoise_create(0);
    if (!state) throw new Error('rnnoise: could not create state');
    const inPtr = mod._malloc(RNNOISE_FRAME * 4);
    const outPtr = mod._malloc(RNNOISE_FRAME * 4);
    const raw = new Float32Array(frames * RNNOISE_FRAME);
    const frame = new Float32Array(RNNOISE_FRAME);
    try {
      for (let f = 0; f < frames; f++) {
        if ((f & 511) === 0) {
          throwIfAborted(signal);
          if (f > 0) await new Promise<void>((r) => setImmediate(r));
        }
        frame.fill(0);
        const start = f * RNNOISE_FRAME;
        for (let i = 0; i < RNNOISE_FRAME && start + i < mono.length; i++) frame[i] = mono[start + i]! * 32768;
        mod.HEAPF32.set(frame, inPtr / 4);
        mod._rnnoise_process_frame(state, outPtr, inPtr);
        const out = mod.HEAPF32.subarray(outPtr / 4, outPtr / 4 + RNNOISE_FRAME);
        for (let i = 0; i < RNNOISE_FRAME; i++) raw[start + i] = out[i]! / 32768;
      }
    } finally {
      mod._free(inPtr);
      mod._free(outPtr);
      mod._rnnoise_destroy(state);
    }
    return raw.slice(RNNOISE_LATENCY, RNNOISE_LATENCY + mono.length);
  }

  async dispose(): Promise<void> {
    this.modulePromise = undefined;
  }
}
