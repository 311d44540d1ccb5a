/**
 * Speech regions from Silero VAD v5 (model "silero-vad" in the registry).
 * Input: 16 kHz mono float PCM. Output: regions in seconds.
 */
import * as ort from 'onnxruntime-node';
import { throwIfAborted } from '../common/errors.js';
import { createModelSession, type Device } from '../models/session.js';

export const VAD_SAMPLE_RATE = 16000;
const CHUNK = 512;
const CONTEXT = 64;

export interface SpeechRegion {
  /** Seconds from the start of the audio. */
  start: number;
  end: number;
}

export interface VadSettings {
  /** Probability above which speech starts (0..1). */
  startThreshold: number;
  /** Probability below which speech may end (0..1). */
  endThreshold: number;
  /** Shorter bursts are ignored, seconds. */
  minSpeech: number;
  /** Pauses shorter than this do not split a region, seconds. */
  minSilence: number;
  /** Added before and after each region, seconds. */
  padding: number;
}

export const DEFAULT_VAD: VadSettings = { startThreshold: 0.5, endThreshold: 0.35, minSpeech: 0.25, minSilence: 0.1, padding: 0.03 };

export class VoiceActivityDetector {
  private constructor(private readonly session: ort.InferenceSession) {}

  static async create(opts: { device?: Device } = {}): Promise<VoiceActivityDetector> {
    const { session } = await createModelSession('silero-vad', { device: opts.device, intraOpThreads: 1 });
    return new VoiceActivityDetector(session);
  }

  /** Speech probability of each 32 ms chunk (512 samples). */
  async probabilities(pcm16k: Float32Array, signal?: AbortSignal): Promise<Float32Array> {
    const n = Math.ceil(pcm16k.length / CHUNK);
    const probs = new Float32Array(n);
    let state: ort.Tensor = new ort.Tensor('float32', new Float32Array(2 * 128), [2, 1, 128]);
    const sr = new ort.Tensor('int64', BigInt64Array.from([BigInt(VAD_SAMPLE_RATE)]), []);
    const input = new Float32Array(CONTEXT + CHUNK);
    for (let i = 0; i < n; i++) {
      if (i % 64 === 0) throwIfAborted(signal);
      // Each call sees the previous chunk's last 64 samples first, as the v5 model expects.
      input.fill(0);
      const start = i * CHUNK;
      for (let k = 0; k < CONTEXT; k++) {
        const idx = start - CONTEXT + k;
        input[k] = idx >= 0 ? pcm16k[idx] : 0;
      }
      input.set(pcm16k.subarray(start, Math.min(start + CHUNK, pcm16k.length)), CONTEXT);
      const out = await this.session.run({ input: new ort.Tensor('float32', input.slice(), [1, CONTEXT + CHUNK]), state, sr });
      probs[i] = (out.output.data as Float32Array)[0];
      state = out.stateN as ort.Tensor;
    }
    return probs;
  }

  /** Regions of speech, with hysteresis and minimum durations applied. */
  async detect(pcm16k: Float32Array, settings: Partial<VadSettings> = {}, signal?: AbortSignal): Promise<SpeechRegion[]> {
    return regionsFromProbabilities(await this.probabilities(pcm16k, signal), pcm16k.length / VAD_SAMPLE_RATE, { ...DEFAULT_VAD, ...settings });
  }
}

/** Turn per-chunk probabilities into regions (pure; unit-tested). */
export function regionsFromProbabilities(probs: Float32Array, duration: number, s: VadSettings): SpeechRegion[] {
  const step = CHUNK / VAD_SAMPLE_RATE;
  const raw: SpeechRegion[] = [];
  let inSpeech = false;
  let start = 0;
  let lastSpeech = 0;
  for (let i = 0; i < probs.length; i++) {
    const t = i * step;
    if (!inSpeech && probs[i] >= s.startThreshold) {
      inSpeech = true;
      start = t;
      lastSpeech = t + step;
    } else if (inSpeech) {
      if (probs[i] >= s.endThreshold) lastSpeech = t + step;
      else if (t - lastSpeech >= s.minSilence) {
        raw.push({ start, end: lastSpeech });
        inSpeech = false;
      }
    }
  }
  if (inSpeech) raw.push({ start, end: Math.min(duration, lastSpeech) });
  const out: SpeechRegion[] = [];
  for (const r of raw) {
    if (r.end - r.start < s.minSpeech) continue;
    const padded = { start: Math.max(0, r.start - s.padding), end: Math.min(duration, r.end + s.padding) };
    const prev = out[out.length - 1];
    if (prev && padded.start <= prev.end) prev.end = Math.max(prev.end, padded.end);
    else out.push(padded);
  }
  return out;
}
