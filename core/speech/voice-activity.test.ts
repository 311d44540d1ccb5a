/** The registry's first real model: Silero VAD finds the speech in real speech, and none in silence or noise. */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { decodePcm } from '../media/pcm.js';
import { probeMedia } from '../media/probe.js';
import { DEFAULT_VAD, regionsFromProbabilities, VAD_SAMPLE_RATE, VoiceActivityDetector } from './voice-activity.js';

const SPEECH = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../test/fixtures/speech/vad-speech-librivox-0880.wav');

/** Seeded pink-ish noise (Voss-McCartney), so the test is the same every run. */
function pinkNoise(seconds: number, amplitude: number, seed = 7): Float32Array {
  let s = seed;
  const rand = (): number => ((s = (s * 1103515245 + 12345) % 2147483648) / 2147483648) * 2 - 1;
  const rows = new Float32Array(8);
  const out = new Float32Array(seconds * VAD_SAMPLE_RATE);
  for (let i = 0; i < out.length; i++) {
    for (let k = 0; k < 8; k++) if ((i & ((1 << k) - 1)) === 0) rows[k] = rand();
    out[i] = (rows.reduce((a, b) => a + b, 0) / 8) * amplitude;
  }
  return out;
}

describe('VoiceActivityDetector (silero-vad from the model registry)', () => {
  let vad: VoiceActivityDetector;
  let speech: Float32Array;
  beforeAll(async () => {
    vad = await VoiceActivityDetector.create();
    speech = await decodePcm(await probeMedia(SPEECH), { sampleRate: VAD_SAMPLE_RATE, channels: 1 });
  });

  it('finds the spoken sentence in real speech', async () => {
    const regions = await vad.detect(speech);
    expect(regions.length).toBeGreaterThanOrEqual(1);
    const covered = regions.reduce((s, r) => s + r.end - r.start, 0);
    const duration = speech.length / VAD_SAMPLE_RATE;
    // "he was not an ill disposed young man": speech fills most of the 3 s clip, not all of it.
    expect(covered).toBeGreaterThan(1.5);
    expect(covered).toBeLessThan(duration);
    expect(regions[0].start).toBeLessThan(0.6);
  });

  it('finds nothing in digital silence', async () => {
    expect(await vad.detect(new Float32Array(3 * VAD_SAMPLE_RATE))).toEqual([]);
  });

  it('finds nothing in steady noise', async () => {
    expect(await vad.detect(pinkNoise(3, 0.1))).toEqual([]);
  });

  it('still finds the speech when it sits between stretches of silence', async () => {
    const padded = new Float32Array(speech.length + 4 * VAD_SAMPLE_RATE);
    padded.set(speech, 2 * VAD_SAMPLE_RATE);
    const regions = await vad.detect(padded);
    expect(regions.length).toBeGreaterThanOrEqual(1);
    expect(regions[0].start).toBeGreaterThan(1.8);
    expect(regions.at(-1)!.end).toBeLessThan(2 + speech.length / VAD_SAMPLE_RATE + 0.3);
  });
});

describe('regionsFromProbabilities', () => {
  const step = 512 / VAD_SAMPLE_RATE;
  it('applies hysteresis, minimum speech length and merging', () => {
    const p = new Float32Array(100);
    p.fill(0.9, 10, 40); // ~1 s of speech
    p.fill(0.4, 40, 42); // stays above the end threshold: no split
    p.fill(0.9, 42, 50);
    p.fill(0.9, 80, 82); // 64 ms blip: too short
    const r = regionsFromProbabilities(p, 100 * step, DEFAULT_VAD);
    expect(r).toHaveLength(1);
    expect(r[0].start).toBeCloseTo(10 * step - DEFAULT_VAD.padding, 5);
    expect(r[0].end).toBeCloseTo(50 * step + DEFAULT_VAD.padding, 5);
  });
});
