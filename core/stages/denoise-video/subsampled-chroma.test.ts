import { describe, expect, it } from 'vitest';
import { gaussianSource } from '../../../bench/lib/noise.js';
import { frameByteSize, RAW_FORMATS, type RawFormat } from '../../media/pixel-formats.js';
import { frameLayout, plane } from './color.js';
import { ChromaSmoother, chromaNoise, chromaWeight } from './subsampled-chroma.js';

/**
 * A frame whose left half is dark and bluish, right half bright and reddish (colour changing where
 * brightness does), with Gaussian noise of `sigma` codes (at 8 bits) in the chroma planes only.
 */
function frame(format: RawFormat, w: number, h: number, sigma: number, seed = 1): { data: Buffer; cleanChroma: number[][] } {
  const l = frameLayout(format, w, h, { space: 'bt709', range: 'tv' } as never);
  const data = Buffer.alloc(frameByteSize(format, w, h));
  const s = l.maxCode / 255;
  const [y, u, v] = [0, 1, 2].map((i) => plane(data, l, i));
  for (let j = 0; j < h; j++) for (let i = 0; i < w; i++) y[j * w + i] = Math.round((i < w / 2 ? 60 : 180) * s);
  const cw = l.strides[1];
  const ch = u.length / cw;
  const rand = gaussianSource(seed);
  const cleanChroma: number[][] = [[], []];
  for (let j = 0; j < ch; j++) {
    for (let i = 0; i < cw; i++) {
      const left = (i + 0.5) * (w / cw) < w / 2;
      const want = [left ? 150 : 100, left ? 110 : 170];
      [u, v].forEach((p, c) => {
        cleanChroma[c].push(want[c] * s);
        p[j * cw + i] = Math.round((want[c] + sigma * rand()) * s);
      });
    }
  }
  return { data, cleanChroma };
}

function chromaRms(format: RawFormat, w: number, h: number, data: Buffer, cleanChroma: number[][]): number {
  const l = frameLayout(format, w, h, { space: 'bt709', range: 'tv' } as never);
  let se = 0;
  let n = 0;
  [1, 2].forEach((i, c) => plane(data, l, i).forEach((x, j) => ((se += (x - cleanChroma[c][j]) ** 2), n++)));
  return Math.sqrt(se / n) / (l.maxCode / 255);
}

describe('chroma clean-up of subsampled frames', () => {
  it('measures the chroma planes\u2019 noise and turns on only where it is more than a few code values', () => {
    const [w, h] = [320, 192];
    for (const sigma of [2, 8]) {
      const { data } = frame(RAW_FORMATS.yuv420p, w, h, sigma);
      const measured = chromaNoise(data, frameLayout(RAW_FORMATS.yuv420p, w, h, undefined))! * 255;
      expect(Math.abs(measured - sigma) / sigma, `σ ${sigma}`).toBeLessThan(0.2);
    }
    expect(chromaWeight(undefined)).toBe(0);
    expect(chromaWeight(2 / 255)).toBe(0);
    expect(chromaWeight(4.5 / 255)).toBeCloseTo(0.5, 5);
    expect(chromaWeight(10 / 255)).toBe(1);
  });

  it('flattens chroma noise, keeps the colour edge where brightness changes, and leaves luma as it is', () => {
    for (const [format, w, h] of [[RAW_FORMATS.yuv420p, 96, 64], [RAW_FORMATS.yuv420p10le, 96, 64], [RAW_FORMATS.yuv422p, 96, 64], [RAW_FORMATS.yuv420p, 33, 17]] as const) {
      const { data, cleanChroma } = frame(format, w, h, 8);
      const l = frameLayout(format, w, h, undefined);
      const luma = Buffer.from(plane(data, l, 0).buffer, plane(data, l, 0).byteOffset, plane(data, l, 0).byteLength).toString('hex');
      const before = chromaRms(format, w, h, data, cleanChroma);
      new ChromaSmoother(l).smooth(data, 1);
      const after = chromaRms(format, w, h, data, cleanChroma);
      expect(after, `${format.name} ${w}x${h}`).toBeLessThan(0.5 * before);
      expect(Buffer.from(plane(data, l, 0).buffer, plane(data, l, 0).byteOffset, plane(data, l, 0).byteLength).toString('hex')).toBe(luma);
      // Across the edge, U still steps by most of its 50 codes.
      const u = plane(data, l, 1);
      const cw = l.strides[1];
      const row = Math.floor(u.length / cw / 2) * cw;
      const edge = Math.floor(cw / 2);
      const step = (u[row + edge - 2] - u[row + edge + 1]) / (l.maxCode / 255);
      expect(step, `${format.name} ${w}x${h}`).toBeGreaterThan(40);
    }
  });

  it('weight 0 changes nothing', () => {
    const { data } = frame(RAW_FORMATS.yuv420p, 64, 48, 8);
    const copy = Buffer.from(data);
    new ChromaSmoother(frameLayout(RAW_FORMATS.yuv420p, 64, 48, undefined)).smooth(data, 0);
    expect(data.equals(copy)).toBe(true);
  });
});
