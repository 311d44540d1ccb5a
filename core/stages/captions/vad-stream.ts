/**
 * Silero VAD v5 over a stream: feed 16 kHz mono samples in any chunk sizes, get one speech
 * probability per 512-sample (32 ms) chunk, with the model's recurrent state and 64-sample
 * context carried across calls, so an hour of audio costs the memory of one chunk.
 * (core/speech/voice-activity.ts does the same for a whole array at once.) The session is the
 * process's shared one (model-pool.ts): only the state belongs to this stream.
 */
import * as ort from 'onnxruntime-node';
import { throwIfAborted } from '../../common/errors.js';
import type { Device } from '../../models/session.js';
import { acquireVadSession } from './model-pool.js';

export const VAD_CHUNK = 512;
const CONTEXT = 64;

export class StreamingVad {
  private state: ort.Tensor = new ort.Tensor('float32', new Float32Array(2 * 128), [2, 1, 128]);
  private readonly sr = new ort.Tensor('int64', BigInt64Array.from([16000n]), []);
  private readonly context = new Float32Array(CONTEXT);
  private pending = new Float32Array(0);

  private constructor(
    private readonly session: ort.InferenceSession,
    private readonly releaseSession: () => void,
  ) {}

  static async create(opts: { device?: Device } = {}): Promise<StreamingVad> {
    const { session, release } = await acquireVadSession(opts.device);
    return new StreamingVad(session, release);
  }

  /** Probabilities for every whole 512-sample chunk completed by `samples`. */
  async push(samples: Float32Array, signal?: AbortSignal): Promise<Float32Array> {
    const all = new Float32Array(this.pending.length + samples.length);
    all.set(this.pending);
    all.set(samples, this.pending.length);
    const n = Math.floor(all.length / VAD_CHUNK);
    const probs = new Float32Array(n);
    for (let i = 0; i < n; i++) probs[i] = await this.run(all.subarray(i * VAD_CHUNK, (i + 1) * VAD_CHUNK), i, signal);
    this.pending = all.slice(n * VAD_CHUNK);
    return probs;
  }

  /** The last, partial chunk (zero-padded), if any. */
  async flush(signal?: AbortSignal): Promise<Float32Array> {
    if (this.pending.length === 0) return new Float32Array(0);
    const chunk = new Float32Array(VAD_CHUNK);
    chunk.set(this.pending);
    this.pending = new Float32Array(0);
    return Float32Array.of(await this.run(chunk, 0, signal));
  }

  private async run(chunk: Float32Array, i: number, signal?: AbortSignal): Promise<number> {
    if (i % 64 === 0) throwIfAborted(signal);
    const input = new Float32Array(CONTEXT + VAD_CHUNK);
    input.set(this.context);
    input.set(chunk, CONTEXT);
    this.context.set(chunk.subarray(VAD_CHUNK - CONTEXT));
    const out = await this.session.run({ input: new ort.Tensor('float32', input, [1, CONTEXT + VAD_CHUNK]), state: this.state, sr: this.sr });
    this.state = out.stateN as ort.Tensor;
    return (out.output.data as Float32Array)[0]!;
  }

  /** Hand the shared session back (it stays loaded for the next stream a while). */
  async dispose(): Promise<void> {
    this.releaseSession();
  }
}
