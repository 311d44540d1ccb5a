/**
 * A speech enhancer removes noise from mono speech. Implementations are pure compute
 * (no electron, DOM or React) so they can run in the CLI, the worker and tests alike.
 */
export interface SpeechEnhancer {
  /** Sample rate `enhance` expects and returns, in Hz. */
  readonly sampleRate: number;
  /**
   * Enhance a mono signal. The result has exactly the input's length and is time-aligned
   * with it (the model's algorithmic latency is already removed).
   */
  enhance(mono: Float32Array, signal?: AbortSignal): Promise<Float32Array>;
  /** Free native resources. Safe to call more than once. */
  dispose(): Promise<void>;
}

/** GTCRN works on 16 kHz audio in hops of 256 samples (16 ms) and is 256 samples late. */
export const GTCRN_SAMPLE_RATE = 16000;
export const GTCRN_HOP = 256;
export const GTCRN_LATENCY = 256;
