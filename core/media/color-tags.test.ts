import { describe, expect, it } from 'vitest';
import { colorTagArgs } from './color-tags.js';

describe('colour tags for the encoder', () => {
  it('writes H.273 code points, which every ffmpeg accepts', () => {
    expect(colorTagArgs({ primaries: 'bt2020', transfer: 'arib-std-b67', space: 'bt2020nc', range: 'tv' }, true)).toEqual(['-color_primaries', '9', '-color_trc', '18', '-colorspace', '9', '-color_range', 'tv']);
    // Names the encoder options reject ('gbr') or that ffmpeg 4.1 lacks (ictcp, ebu3213).
    expect(colorTagArgs({ space: 'ictcp', primaries: 'ebu3213' }, true)).toEqual(['-color_primaries', '22', '-colorspace', '14']);
    expect(colorTagArgs({ space: 'gbr', range: 'pc' }, false)).toEqual(['-colorspace', '0', '-color_range', 'pc']);
  });

  it('leaves out unknown, unspecified and newer names instead of failing the encode', () => {
    expect(colorTagArgs({ primaries: 'unknown', transfer: 'reserved', space: 'unspecified', range: 'unknown' }, true)).toEqual([]);
    expect(colorTagArgs({ space: 'ycgco-re', transfer: 'bt709' }, true)).toEqual(['-color_trc', '1']);
  });

  it('drops an RGB source matrix and range when the output is YUV', () => {
    expect(colorTagArgs({ space: 'gbr', range: 'pc', primaries: 'bt709', transfer: 'iec61966-2-1' }, true)).toEqual(['-color_primaries', '1', '-color_trc', '13']);
  });
});
