import { describe, expect, it } from 'vitest';
import { classifyProbeFailure, displayRotation, isVariableFrameRate, parseRational } from './probe.js';
import { parseShowinfoLine } from './frame-reader.js';
import { bitDepthOf, isAcceptedSourcePixelFormat, workingFormatFor } from './pixel-formats.js';
import { parseCapabilityList, parseFfmpegVersion } from './ffmpeg-binaries.js';

describe('probe helpers', () => {
  it('parses rationals', () => {
    expect(parseRational('30000/1001')).toEqual({ num: 30000, den: 1001 });
    expect(parseRational('1:1')).toEqual({ num: 1, den: 1 });
    expect(parseRational(undefined)).toEqual({ num: 0, den: 1 });
  });

  it('reads rotation from the tag or the display matrix, as clockwise degrees', () => {
    expect(displayRotation({ tags: { rotate: '90' } })).toBe(90);
    expect(displayRotation({ side_data_list: [{ side_data_type: 'Display Matrix', rotation: -90 }] })).toBe(90);
    expect(displayRotation({ side_data_list: [{ rotation: 90 }] })).toBe(270);
    expect(displayRotation({ side_data_list: [{ rotation: 180 }] })).toBe(180);
    expect(displayRotation({})).toBe(0);
  });

  it('tells constant from variable frame rate by packet durations', () => {
    const cfr = Array.from({ length: 100 }, (_, i) => i * 1001);
    expect(isVariableFrameRate(cfr)).toBe(false);
    const jitterFree = Array.from({ length: 100 }, (_, i) => i * 3000).reverse();
    expect(isVariableFrameRate(jitterFree)).toBe(false);
    const vfr = cfr.filter((_, i) => i % 7 !== 3 && i % 5 !== 1);
    expect(isVariableFrameRate(vfr)).toBe(true);
  });

  it('classifies probe failures', () => {
    expect(classifyProbeFailure('a.mp4', '[mov,mp4,m4a,3gp,3g2,mj2 @ 0x1] moov atom not found\na.mp4: Invalid data found when processing input').code).toBe('CORRUPT_MEDIA');
    expect(classifyProbeFailure('a.mp4', 'a.mp4: Invalid data found when processing input').code).toBe('NOT_MEDIA');
  });

  it('parses showinfo lines for frame timestamps', () => {
    const line = '[Parsed_showinfo_3 @ 0x5590] n:  12 pts: 360360 pts_time:4.004   pos:  123456 fmt:yuv420p sar:1/1 s:2x2 i:P iskey:0 type:B checksum:0A0B0C0D plane_checksum:[1 2 3]';
    expect(parseShowinfoLine(line)).toEqual([12, 360360]);
    expect(parseShowinfoLine('frame=  10 fps=0.0')).toBeUndefined();
  });

  it('knows pixel formats', () => {
    expect(bitDepthOf('yuv420p')).toBe(8);
    expect(bitDepthOf('yuv420p10le')).toBe(10);
    expect(bitDepthOf('p010le')).toBe(10);
    expect(bitDepthOf('rgb48le')).toBe(16);
    expect(isAcceptedSourcePixelFormat('yuvj420p')).toBe(true);
    expect(isAcceptedSourcePixelFormat('nv12')).toBe(true);
    expect(isAcceptedSourcePixelFormat('bayer_rggb8')).toBe(false);
    expect(isAcceptedSourcePixelFormat('xyz12le')).toBe(false);
    // Planar RGB, as FFV1, HEVC RGB and ffmpeg's own filters write it, with and without alpha.
    for (const f of ['gbrp', 'gbrp10le', 'gbrp12le', 'gbrp16le', 'gbrap', 'gbrap16le']) expect(isAcceptedSourcePixelFormat(f), f).toBe(true);
    expect(workingFormatFor('gbrp16le').name).toBe('gbrp16le');
    expect(workingFormatFor('yuvj420p').name).toBe('yuv420p');
    expect(workingFormatFor('yuv420p10le').name).toBe('yuv420p10le');
    expect(workingFormatFor('rgba').name).toBe('gbrp');
    expect(workingFormatFor('rgb24').name).toBe('gbrp');
    expect(workingFormatFor('yuv444p').name).toBe('yuv444p');
  });

  it('reads ffmpeg versions, including git snapshots', () => {
    expect(parseFfmpegVersion('ffmpeg version 5.1.6-0+deb12u1 Copyright').major).toBe(5);
    expect(parseFfmpegVersion('ffmpeg version N-47683-g0e8eb07980-static https://x\nlibavformat    58. 24.100 / 58. 24.100').major).toBe(4);
    const caps = parseCapabilityList(' ... vidstabdetect     V->V       Extract relative transformations\n V..... libx264              libx264 H.264\n');
    expect(caps.has('vidstabdetect') && caps.has('libx264')).toBe(true);
  });
});
