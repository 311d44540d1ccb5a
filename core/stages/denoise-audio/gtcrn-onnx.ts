import * as ort from 'onnxruntime-node';
import { throwIfAborted } from '../../common/errors.js';
import { GTCRN_HOP, GTCRN_SAMPLE_RATE, type SpeechEnhancer } from './speech-enhancer.js';

export interface GtcrnOnnxOptions {
  /** Output samples per model call (rounded to a multiple of 256). Bounds memory. */
  chunkSamples?: number;
  /** Input samples fed before each chunk so the recurrent state can settle (rounded to a multiple of 256). */
  contextSamples?: number;
  /** Samples over which consecutive chunks are cross-faded (within the context). */
  crossfadeSamples?: number;
  /** onnxruntime intra-op threads; 1 was the fastest on a 2-core machine. */
  threads?: number;
}

const roundHop = (n: number) => Math.max(GTCRN_HOP, Math.round(n / GTCRN_HOP) * GTCRN_HOP);
/** Output n needs input up to n + 512 (one frame of look-ahead plus the hop). */
const LOOKAHEAD = 2 * GTCRN_HOP;

/**
 * GTCRN through the offline ONNX graph prepared by models/prepare/gtcrn.ts (variant
 * 'offline': audio [1, samples] -> enhanced [1, samples], already time-aligned).
 * Long inputs go through in chunks: each chunk starts with `contextSamples` of earlier
 * input (hop-aligned, so the STFT frames coincide with a whole-file run) and is
 * cross-faded into the previous one, so memory stays bounded.
 */
export class GtcrnOnnxEnhancer implements SpeechEnhancer {
  readonly sampleRate = GTCRN_SAMPLE_RATE;
  private session?: Promise<ort.InferenceSession>;
  private readonly chunk: number;
  private readonly context: number;
  private readonly fade: number;

  constructor(
    private readonly modelPath: string,
    private readonly options: GtcrnOnnxOptions = {},
  ) {
    this.chunk = roundHop(options.chunkSamples ?? 60 * GTCRN_SAMPLE_RATE);
    this.context = roundHop(options.contextSamples ?? 8 * GTCRN_SAMPLE_RATE);
    this.fade = Math.min(options.crossfadeSamples ?? 1024, this.context);
  }

  private getSession(): Promise<ort.InferenceSession> {
    this.session ??= ort.InferenceSession.create(this.modelPath, {
      intraOpNumThreads: this.options.threads ?? 1,
      interOpNumThreads: 1,
      graphOptimizationLevel: 'all',
    });
    return this.session;
  }

  /** One model call on a slice of the input; returns the time-aligned output of that slice. */
  private async run(input: Float32Array): Promise<Float32Array> {
    const session = await this.getSession();
    const result = await session.run({ audio: new ort.Tensor('float32', input, [1, input.length]) });
    const out = result.enhanced;
    if (!out) throw new Error('gtcrn onnx: output "enhanced" missing');
    const data = out.data as Float32Array;
    return data;
  }

  async enhance(mono: Float32Array, signal?: AbortSignal): Promise<Float32Array> {
    throwIfAborted(signal);
    const n = mono.length;
    if (n === 0) return new Float32Array(0);
    if (n <= this.chunk + this.context) {
      const y = await this.run(mono);
      throwIfAborted(signal);
      return y.length === n ? y : y.slice(0, n);
    }
    const out = new Float32Array(n);
    for (let start = 0; start < n; start += this.chunk) {
      throwIfAborted(signal);
      const end = Math.min(n, start + this.chunk);
      const from = Math.max(0, start - this.context);
      const to = Math.min(n, end + LOOKAHEAD);
      const y = await this.run(mono.subarray(from, to));
      if (start === 0) {
        out.set(y.subarray(0, end - from), 0);
        continue;
      }
      // Cross-fade the last `fade` samples before `start` from the previous chunk into this one.
      const fadeFrom = start - this.fade;
      for (let i = fadeFrom; i < start; i++) {
        const a = (i - fadeFrom + 0.5) / this.fade;
        out[i] = out[i]! * (1 - a) + y[i - from]! * a;
      }
      out.set(y.subarray(start - from, end - from), start);
    }
    throwIfAborted(signal);
    return out;
  }

  async dispose(): Promise<void> {
    const s = this.session;
    this.session = undefined;
    if (s) await (await s).release();
  }
}
