import { describe, expect, it } from 'vitest';
import { defaultVideoCodec } from './formats.js';

const sdr8 = { bitDepth: 8, color: { transfer: 'bt709' } };
const hlg10 = { bitDepth: 10, color: { transfer: 'arib-std-b67' } };
const pq8 = { bitDepth: 8, color: { transfer: 'smpte2084' } };

describe('defaultVideoCodec', () => {
  it('keeps H.264 for 8-bit SDR and VP9 for WebM', () => {
    expect(defaultVideoCodec('mp4', sdr8)).toBe('h264');
    expect(defaultVideoCodec('mp4')).toBe('h264');
    expect(defaultVideoCodec('webm', hlg10)).toBe('vp9');
  });

  it('takes 10-bit HEVC for a deep or HDR source where the container and ffmpeg allow it', () => {
    for (const c of ['mp4', 'mov', 'matroska'] as const) expect(defaultVideoCodec(c, hlg10)).toBe('h265');
    expect(defaultVideoCodec('mp4', pq8, new Set(['libx264', 'libx265']))).toBe('h265');
    expect(defaultVideoCodec('mp4', hlg10, new Set(['libx264']))).toBe('h264');
    expect(defaultVideoCodec('ipod', hlg10)).toBe('h264');
  });
});
