/**
 * The 4:2:0 fast paths compute exactly what the general ones do: conversion into the network's
 * layout (mirror padding included) and the residual's way back into the frame's samples.
 */
import { describe, expect, it } from 'vitest';
import { RAW_FORMATS, frameByteSize } from '../../media/pixel-formats.js';
import { addRgbDelta, frameLayout, frameToRgb, unshuffledTarget } from './color.js';
import { copyTileDelta, planTiles } from './tiles.js';
import { addResidualYuv420, isYuv420, yuv420ToUnshuffled } from './yuv420.js';

function randomFrame(w: number, h: number, seed: number): Buffer {
  const buf = Buffer.alloc(frameByteSize(RAW_FORMATS.yuv420p, w, h));
  let s = seed;
  for (let i = 0; i < buf.length; i++) {
    s = (s * 1103515245 + 12345) >>> 0;
    buf[i] = (s >>> 16) & 255;
  }
  return buf;
}

const colours = [
  { space: 'bt709', range: 'tv' },
  { space: 'smpte170m', range: 'pc' },
] as const;

describe('4:2:0 fast paths', () => {
  it('handles only 8-bit 4:2:0 frames of even size', () => {
    expect(isYuv420(frameLayout(RAW_FORMATS.yuv420p, 64, 36, undefined))).toBe(true);
    expect(isYuv420(frameLayout(RAW_FORMATS.yuv420p, 63, 36, undefined))).toBe(false);
    expect(isYuv420(frameLayout(RAW_FORMATS.yuv422p, 64, 36, undefined))).toBe(false);
    expect(isYuv420(frameLayout(RAW_FORMATS.yuv420p10le, 64, 36, undefined))).toBe(false);
    expect(isYuv420(frameLayout(RAW_FORMATS.gbrp, 64, 36, undefined))).toBe(false);
  });

  for (const [w, h] of [[16, 8], [22, 10], [30, 14]]) {
    for (const color of colours) {
      it(`converts a ${w}x${h} ${color.space} ${color.range} frame exactly like frameToRgb`, () => {
        const l = frameLayout(RAW_FORMATS.yuv420p, w, h, color);
        const t = unshuffledTarget(w, h);
        const buf = randomFrame(w, h, w * h);
        const want = frameToRgb(buf, l, t);
        const got = yuv420ToUnshuffled(buf, l, t, new Float32Array(3 * t.plane).fill(-1));
        expect(got).toEqual(want);
      });

      it(`adds a ${w}x${h} ${color.space} ${color.range} residual exactly like copyTileDelta + addRgbDelta`, () => {
        const l = frameLayout(RAW_FORMATS.yuv420p, w, h, color);
        const t = unshuffledTarget(w, h);
        const [tile] = planTiles(w, h);
        expect([tile.tw, tile.th]).toEqual([t.width, t.height]);
        const residual = new Float32Array(12 * (t.width / 2) * (t.height / 2));
        let s = 7;
        for (let i = 0; i < residual.length; i++) {
          s = (s * 1103515245 + 12345) >>> 0;
          residual[i] = (((s >>> 16) & 1023) / 1023 - 0.5) * 0.2;
        }
        const a = randomFrame(w, h, 3);
        const b = Buffer.from(a);
        const delta = new Float32Array(3 * w * h);
        copyTileDelta(residual, tile, w, h, delta);
        addRgbDelta(a, l, delta);
        addResidualYuv420(b, l, residual, t.width / 2, (t.width / 2) * (t.height / 2));
        expect(b.equals(a)).toBe(true);
        expect(b.equals(randomFrame(w, h, 3))).toBe(false);
      });
    }
  }
});
