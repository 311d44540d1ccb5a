import { describe, expect, it } from 'vitest';
import { DEINTERLACE_FILTER, interlaceLabel, interlacePlan } from './interlace.js';
import type { VideoStreamInfo } from './media-info.js';

const video = (fieldOrder?: string): VideoStreamInfo =>
  ({ kind: 'video', index: 0, codec: 'h264', width: 720, height: 576, pixelFormat: 'yuv420p', fieldOrder }) as VideoStreamInfo;

describe('interlaced sources', () => {
  it('progressive or unknown field order changes nothing', () => {
    expect(interlacePlan(video(), 'h264')).toEqual({ kind: 'progressive' });
    expect(interlacePlan(video('progressive'), 'h265')).toEqual({ kind: 'progressive' });
  });

  it('keeps the fields in the order they are shown where the codec codes fields', () => {
    expect(interlacePlan(video('tt'), 'h264')).toEqual({ kind: 'keep', args: ['-flags', '+ildct+ilme', '-field_order', 'tt'] });
    // "bt": bottom coded first, top shown first; "tb" the other way round (DV-style bottom first).
    expect(interlacePlan(video('bt'), 'prores')).toEqual({ kind: 'keep', args: ['-flags', '+ildct', '-field_order', 'tt'] });
    expect(interlacePlan(video('tb'), 'ffv1')).toEqual({ kind: 'keep', args: ['-field_order', 'bb'] });
    expect(interlaceLabel(video('bb'))).toBe('interlaced (bottom field first)');
  });

  it('deinterlaces for codecs written progressive', () => {
    expect(interlacePlan(video('tt'), 'h265')).toEqual({ kind: 'deinterlace', filter: DEINTERLACE_FILTER });
    expect(interlacePlan(video('bb'), 'vp9')).toEqual({ kind: 'deinterlace', filter: DEINTERLACE_FILTER });
  });
});
