import { mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { concatSamples, type PcmFormat } from '../../media/pcm.js';
import type { StageContext } from '../../pipeline/stage.js';
import { decodeWavPcm16, mixAtSnr, siSdr } from './audio-metrics.js';
import { BlockDenoiser } from './block-denoiser.js';
import { checkResidualPlan, createDenoiseAudioStage } from './denoise-audio-stage.js';
import type { SpeechEnhancer } from './speech-enhancer.js';

const root = path.resolve(import.meta.dirname, '../../..');

/** A stand-in model: halves the signal at its own rate, counts calls. */
class HalfEnhancer implements SpeechEnhancer {
  calls = 0;
  constructor(readonly sampleRate: number) {}
  async enhance(x: Float32Array): Promise<Float32Array> {
    this.calls++;
    return x.map((v) => v * 0.5);
  }
  async dispose(): Promise<void> {}
}

const ctx = (): StageContext & { warnings: string[] } => {
  const warnings: string[] = [];
  return { media: {} as StageContext['media'], signal: new AbortController().signal, device: 'cpu', report: () => {}, warn: (m) => warnings.push(m), tempFile: () => '', commitWithOutput: () => {}, warnings };
};

async function* chunked(x: Float32Array, size: number): AsyncGenerator<Float32Array> {
  for (let i = 0; i < x.length; i += size) yield x.slice(i, i + size);
}

async function collect(it: AsyncIterable<Float32Array>): Promise<Float32Array> {
  const parts: Float32Array[] = [];
  for await (const c of it) parts.push(c);
  return concatSamples(parts);
}

const noise = (n: number, seed = 1) => {
  let s = seed;
  return Float32Array.from({ length: n }, () => ((s = (s * 1103515245 + 12345) % 2147483648) / 2147483648 - 0.5) * 0.5);
};

describe('denoise-audio stage', () => {
  it('strength 0 passes the very same samples through', async () => {
    const x = noise(48000 * 2 * 3);
    const stage = createDenoiseAudioStage({ strength: 0, enhancer: async () => new HalfEnhancer(16000) });
    const fmt: PcmFormat = { sampleRate: 48000, channels: 2 };
    const y = await collect(stage.process(chunked(x, 48000 * 2), fmt, ctx()));
    expect(y).toEqual(x);
  });

  it('mixes wet/dry by strength, keeps the length, in blocks with cross-fades (any chunking)', async () => {
    const rate = 16000;
    const x = noise(rate * 7 + 123);
    for (const strength of [1, 0.5]) {
      const e = new HalfEnhancer(rate);
      const stage = createDenoiseAudioStage({ strength, enhancer: async () => e, layout: (r) => ({ block: 2 * r, context: r, lookahead: r / 4, fade: r / 20 }) });
      const y = await collect(stage.process(chunked(x, 3001), { sampleRate: rate, channels: 1 }, ctx()));
      expect(y.length).toBe(x.length);
      const g = 1 - strength * 0.5;
      for (let i = 0; i < x.length; i++) expect(Math.abs(y[i]! - g * x[i]!)).toBeLessThan(1e-6);
      expect(e.calls).toBe(4);
    }
  });

  it('resamples to the model rate and back without delay (44.1 kHz track, 16 kHz model)', async () => {
    const rate = 44100;
    const x = Float32Array.from({ length: rate * 2 }, (_, i) => 0.5 * Math.sin((2 * Math.PI * 440 * i) / rate));
    const stage = createDenoiseAudioStage({ strength: 1, enhancer: async () => new HalfEnhancer(16000) });
    const y = await collect(stage.process(chunked(x, rate), { sampleRate: rate, channels: 1 }, ctx()));
    expect(y.length).toBe(x.length);
    let err = 0;
    for (let i = 1000; i < x.length - 1000; i++) err = Math.max(err, Math.abs(y[i]! - 0.5 * x[i]!));
    expect(err).toBeLessThan(1e-3);
  });

  it('keeps each channel its own, and enhances identical channels once', async () => {
    const rate = 16000;
    const frames = rate * 2;
    const l = noise(frames, 7);
    const stereo = new Float32Array(frames * 2);
    for (let i = 0; i < frames; i++) stereo[2 * i] = l[i]!; // right channel silent
    const e = new HalfEnhancer(rate);
    const d = new BlockDenoiser({ rate, channels: 2, enhancer: e, strength: 1 });
    const blocks = [...(await d.push(stereo)), ...(await d.flush())];
    const out = blocks[0]!.output;
    expect(out.length).toBe(stereo.length);
    for (let i = 0; i < frames; i++) {
      expect(out[2 * i + 1]).toBe(0);
      expect(Math.abs(out[2 * i]! - 0.5 * l[i]!)).toBeLessThan(1e-6);
    }
    expect(e.calls).toBe(2);
    const dual = new Float32Array(frames * 2);
    for (let i = 0; i < frames; i++) dual[2 * i] = dual[2 * i + 1] = l[i]!;
    const e2 = new HalfEnhancer(rate);
    const d2 = new BlockDenoiser({ rate, channels: 2, enhancer: e2, strength: 1 });
    await d2.push(dual);
    await d2.flush();
    expect(e2.calls).toBe(1);
  });

  it('GTCRN in 3 s blocks stays close to one whole-file pass and improves a real noisy mix', async () => {
    const read = (n: string) => decodeWavPcm16(new Uint8Array(readFileSync(path.join(root, 'test/fixtures/audio', n)))).samples;
    const speech = read('speech-librivox-0890.wav');
    const mix = mixAtSnr(speech, read('noise-birds-pomodoro-t10.wav'), 0);
    const fmt = { sampleRate: 16000, channels: 1 };
    const whole = await collect(createDenoiseAudioStage({ strength: 1 }).process(chunked(mix, 16000), fmt, ctx()));
    const blocky = await collect(createDenoiseAudioStage({ strength: 1, layout: (r) => ({ block: 3 * r, context: 2 * r, lookahead: r / 2, fade: r / 20 }) }).process(chunked(mix, 16000), fmt, ctx()));
    expect(whole.length).toBe(mix.length);
    expect(blocky.length).toBe(mix.length);
    const before = siSdr(mix, speech);
    expect(siSdr(whole, speech) - before).toBeGreaterThan(12.5);
    expect(siSdr(blocky, speech) - before).toBeGreaterThan(12);
  }, 60_000);

  it('plans the residual file safely', () => {
    const dir = path.join(root, 'test/.tmp');
    mkdirSync(dir, { recursive: true });
    expect(() => checkResidualPlan('in.wav', { input: 'in.wav', output: 'out.wav' })).toThrow(/input/);
    expect(() => checkResidualPlan('out.wav', { input: 'in.wav', output: 'out.wav' })).toThrow(/output/);
    expect(() => checkResidualPlan('r.mp3', {})).toThrow(/WAV/);
    expect(() => checkResidualPlan(path.join(root, 'test/fixtures/audio/speech-librivox-0890.wav'), {})).toThrow(/already exists/);
    expect(() => checkResidualPlan(path.join(dir, 'no-such-residual.wav'), {})).not.toThrow();
  });
});
