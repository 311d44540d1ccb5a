import { describe, expect, it } from 'vitest';
import { resample, resampledLength } from './resampler.js';

const sine = (n: number, rate: number, f: number, phase = 0) => Float32Array.from({ length: n }, (_, i) => Math.sin((2 * Math.PI * f * i) / rate + phase));

/** Error of `y` against `ref` in dB over the middle (edges see zero padding). */
function errorDb(y: Float32Array, ref: Float32Array, margin: number): number {
  let e = 0;
  let p = 0;
  for (let i = margin; i < ref.length - margin; i++) {
    e += (y[i]! - ref[i]!) ** 2;
    p += ref[i]! ** 2;
  }
  return 10 * Math.log10(e / p);
}

describe('windowed-sinc resampler', () => {
  it('gives the length that covers the same duration', () => {
    expect(resampledLength(44100, 44100, 16000)).toBe(16000);
    expect(resampledLength(44101, 44100, 16000)).toBe(16001);
    expect(resampledLength(3, 48000, 16000)).toBe(1);
    expect(resample(new Float32Array(1000), 48000, 16000, 10).length).toBe(10);
  });

  it('is exact at equal rates and keeps DC exactly', () => {
    const x = sine(100, 16000, 440);
    expect(resample(x, 16000, 16000)).toEqual(x);
    const dc = resample(new Float32Array(4000).fill(0.25), 44100, 16000);
    for (let i = 200; i < dc.length - 200; i++) expect(Math.abs(dc[i]! - 0.25)).toBeLessThan(1e-6);
  });

  it.each([
    [44100, 16000],
    [48000, 16000],
    [16000, 48000],
    [22050, 48000],
    [32000, 44100],
    [44056, 16000],
  ])('resamples a 1 kHz tone %i -> %i with zero delay', (from, to) => {
    const x = sine(from, from, 1000, 0.3);
    const y = resample(x, from, to);
    const ref = sine(y.length, to, 1000, 0.3);
    expect(errorDb(y, ref, Math.round(to * 0.01))).toBeLessThan(-70);
  });

  it('comes back aligned after a round trip through 16 kHz', () => {
    for (const rate of [44100, 48000]) {
      const x = sine(rate, rate, 3000, 1);
      const y = resample(resample(x, rate, 16000), 16000, rate, x.length);
      expect(y.length).toBe(x.length);
      expect(errorDb(y, x, Math.round(rate * 0.01))).toBeLessThan(-60);
    }
  });

  it('removes content above the new Nyquist frequency (no aliasing)', () => {
    const x = sine(44100, 44100, 12000);
    const y = resample(x, 44100, 16000);
    let p = 0;
    for (let i = 200; i < y.length - 200; i++) p += y[i]! ** 2;
    expect(10 * Math.log10(p / (y.length - 400) / 0.5)).toBeLessThan(-70);
  });
});
