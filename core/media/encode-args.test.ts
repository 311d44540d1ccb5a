import { describe, expect, it } from 'vitest';
import { buildEncodeArgs, evenCrop, evenSizeFor, needsRotationRemux, outputPixelFormat, rotationTagValue, type EncodePlan } from './encode-args.js';
import { canCopyAudio, containerForOutput, subtitleCodecFor } from './formats.js';
import type { MediaInfo, VideoStreamInfo } from './media-info.js';
import { RAW_FORMATS } from './pixel-formats.js';

const video: VideoStreamInfo = {
  kind: 'video', index: 0, codec: 'h264', width: 640, height: 360, pixelFormat: 'yuv420p', bitDepth: 8,
  frameRate: { num: 30, den: 1 }, avgFrameRate: { num: 30, den: 1 }, variableFrameRate: false, timeBase: { num: 1, den: 15360 },
  startTime: 0, duration: 3, frameCount: 90, rotation: 90, color: { range: 'tv', space: 'bt709', primaries: 'bt709', transfer: 'bt709' }, attachedPicture: false,
};
const media: MediaInfo = {
  file: '/in/clip.mov', formatName: 'mov,mp4', duration: 3, startTime: 0, sizeBytes: 1, streams: [], video,
  audio: [
    { kind: 'audio', index: 1, codec: 'aac', sampleRate: 48000, channels: 2, startTime: 0, duration: 3, isDefault: true },
    { kind: 'audio', index: 2, codec: 'pcm_s16le', sampleRate: 48000, channels: 1, startTime: 0, duration: 3, isDefault: false },
  ],
  subtitles: [{ kind: 'subtitle', index: 3, codec: 'subrip', isText: true }, { kind: 'subtitle', index: 4, codec: 'hdmv_pgs_subtitle', isText: false }],
};
const plan = (over: Partial<EncodePlan> = {}): EncodePlan => ({
  source: media, output: '/out/x.mp4', container: 'mp4',
  video: { from: 'pipe', format: RAW_FORMATS.yuv420p, timeBase: video.timeBase, firstPts: 0, encoder: { codec: 'h264' } },
  audio: [{ sourceIndex: 1 }, { sourceIndex: 2 }], keepSubtitles: true, ffmpegMajor: 4, ...over,
});

describe('encode arguments', () => {
  it('maps piped video, every audio track and text subtitles, keeping metadata and colour', () => {
    const args = buildEncodeArgs(plan()).join(' ');
    expect(args).toContain('-f nut -i pipe:0 -i /in/clip.mov');
    expect(args).toContain('-map 0:v:0 -map 1:1 -map 1:2 -map 1:3');
    expect(args).not.toContain('1:4'); // bitmap subtitles cannot go to MP4
    expect(args).toContain('-c:a:0 copy'); // AAC fits MP4
    expect(args).toContain('-c:a:1 aac'); // PCM does not: re-encoded
    expect(args).toContain('-c:s:0 mov_text');
    expect(args).toContain('-color_primaries 1 -color_trc 1 -colorspace 1 -color_range tv'); // H.273 codes (color-tags.ts)
    expect(args).toContain('-map_metadata 1 -map_chapters 1');
    expect(args).toContain('-vsync passthrough');
    expect(args.endsWith('-f mp4 -y /out/x.mp4')).toBe(true);
  });

  it('keeps a late-starting audio track late when it is replaced or filtered', () => {
    // Audio begins 9 ms after the picture (a real phone clip does): processed audio starts at 0
    // unless it is put back in place.
    const late: MediaInfo = { ...media, audio: [{ ...media.audio[0], startTime: 0.009 }, media.audio[1]] };
    const replaced = buildEncodeArgs(plan({ source: late, audio: [{ sourceIndex: 1, replacementFile: '/tmp/clean.wav' }, { sourceIndex: 2, replacementFile: '/tmp/b.wav' }] })).join(' ');
    expect(replaced).toContain('-itsoffset 0.009000 -i /tmp/clean.wav');
    expect(replaced).toContain('-i /tmp/clean.wav -i /tmp/b.wav'); // the other track starts with the picture
    const filtered = buildEncodeArgs(plan({ source: late, audio: [{ sourceIndex: 1, filter: 'loudnorm=I=-16' }] })).join(' ');
    expect(filtered).toContain('[1:1]loudnorm=I=-16,asetpts=PTS-STARTPTS+0.009000/TB[a0]');
    expect(buildEncodeArgs(plan({ audio: [{ sourceIndex: 1, filter: 'loudnorm=I=-16' }] })).join(' ')).toContain('[1:1]loudnorm=I=-16[a0]');
    // Without a picture there is nothing to keep in sync with: the sound starts the file.
    const audioOnly = buildEncodeArgs(plan({ source: late, video: undefined, output: '/out/x.m4a', audio: [{ sourceIndex: 1, replacementFile: '/tmp/clean.wav' }] })).join(' ');
    expect(audioOnly).not.toContain('itsoffset');
  });

  it('applies audio filters inside the encoder and resamples back', () => {
    const args = buildEncodeArgs(plan({ audio: [{ sourceIndex: 1, filter: 'loudnorm=I=-16', sampleRate: 48000 }] }));
    expect(args.join(' ')).toContain('-filter_complex [1:1]loudnorm=I=-16[a0] -map 0:v:0 -map [a0]');
    expect(args.join(' ')).toContain('-c:a:0 aac -b:a:0 192k -ar:a:0 48000');
  });

  it('undoes the first frame offset so video and copied audio stay in sync', () => {
    const args = buildEncodeArgs(plan({ video: { from: 'pipe', format: RAW_FORMATS.yuv420p, timeBase: { num: 1, den: 1000 }, firstPts: 67, encoder: { codec: 'h264' } } }));
    expect(args.slice(args.indexOf('-itsoffset'), args.indexOf('-itsoffset') + 2)).toEqual(['-itsoffset', '0.067']);
  });

  it('stores rotation with -display_rotation on ffmpeg 6+, else by a copy remux', () => {
    expect(rotationTagValue(90)).toBe(270);
    expect(buildEncodeArgs(plan({ ffmpegMajor: 6 })).join(' ')).toContain('-display_rotation:v:0 270');
    expect(needsRotationRemux(plan({ ffmpegMajor: 4 }))).toBe(true);
    expect(needsRotationRemux(plan({ ffmpegMajor: 6 }))).toBe(false);
    expect(needsRotationRemux(plan({ container: 'matroska' }))).toBe(false);
  });

  it('crops an odd picture to the even size x264 and x265 need, and only for them', () => {
    expect(evenSizeFor('h264', 'yuv420p', 321, 181)).toEqual({ width: 320, height: 180 });
    expect(evenSizeFor('h265', 'yuv422p10le', 321, 181)).toEqual({ width: 320, height: 181 }); // 4:2:2 halves only the width
    expect(evenSizeFor('h265', 'yuv444p', 321, 181)).toBeUndefined();
    expect(evenSizeFor('vp9', 'yuv420p', 321, 181)).toBeUndefined(); // libvpx codes odd sizes
    expect(evenSizeFor('h264', 'yuv420p', 320, 180)).toBeUndefined();
    const odd: MediaInfo = { ...media, video: { ...video, width: 321, height: 180, rotation: 0 } };
    expect(buildEncodeArgs(plan({ source: odd })).join(' ')).toContain('-vf crop=320:180:0:0');
    expect(buildEncodeArgs(plan()).join(' ')).not.toContain('crop=');
    expect(buildEncodeArgs(plan({ source: odd, video: { from: 'pipe', format: RAW_FORMATS.gbrp, timeBase: video.timeBase, firstPts: 0, encoder: { codec: 'ffv1' } } })).join(' ')).not.toContain('crop=');
    // Burned captions turn a quarter-turned picture upright first, so its sides swap before the crop.
    const turned: MediaInfo = { ...media, video: { ...video, width: 320, height: 181, rotation: 90 } };
    const burn = plan({ source: turned, captions: { burnFile: '/tmp/c.ass' } });
    expect(evenCrop(burn)).toEqual({ width: 181, height: 320, to: { width: 180, height: 320 } });
    expect(buildEncodeArgs(burn).join(' ')).toMatch(/subtitles=[^ ]*,crop=180:320:0:0/);
  });

  it('lets ffmpeg decode the source itself when no video stage needs the frames', () => {
    const args = buildEncodeArgs(plan({ video: { from: 'source', format: RAW_FORMATS.yuv420p, timeBase: video.timeBase, firstPts: 0, encoder: { codec: 'h264' } } })).join(' ');
    expect(args).not.toContain('pipe:0');
    expect(args).toContain('-noautorotate -i /in/clip.mov');
    expect(args).toContain('-map 0:0 -map 0:1 -map 0:2 -map 0:3');
  });

  it('picks pixel formats per codec', () => {
    expect(outputPixelFormat('h264', RAW_FORMATS.yuv420p10le)).toBe('yuv420p');
    expect(outputPixelFormat('h265', RAW_FORMATS.yuv420p10le)).toBe('yuv420p10le');
    expect(outputPixelFormat('ffv1', RAW_FORMATS.gbrp)).toBe('gbrp');
    expect(outputPixelFormat('prores', RAW_FORMATS.yuv420p)).toBe('yuv422p10le');
  });

  it('knows containers', () => {
    expect(containerForOutput('a.MOV').container).toBe('mov');
    expect(containerForOutput('a.m4a')).toEqual({ container: 'ipod', audioOnly: true });
    expect(() => containerForOutput('a.avi')).toThrow(/Cannot write/);
    expect(canCopyAudio('opus', 'mp4')).toBe(false);
    expect(canCopyAudio('opus', 'webm')).toBe(true);
    expect(subtitleCodecFor('matroska', true)).toBe('srt');
    expect(subtitleCodecFor('webm', false)).toBeUndefined();
  });
});
