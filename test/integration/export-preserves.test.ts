/**
 * `clearcut export` on real ffmpeg: what creators care about survives the trip through the
 * pipeline (frames piped through Node), checked independently with ffprobe.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ffprobeBinary } from '../../core/media/ffmpeg-binaries.js';
import { probeMedia } from '../../core/media/probe.js';
import { runExport } from '../../core/pipeline/run-export.js';
import { measureLoudness, DEFAULT_LOUDNESS } from '../../core/stages/loudnorm/loudness.js';
import { audioOnlyClip, bigFrameClip, cfrClip, ffprobeJson, fieldVerdicts, hdr10Clip, hdrClip, interlacedClip, meanRgb, multiTrackClip, oddSizeClip, rgbClip, rotatedClip, SPEECH, timecodeClip, vfrClip, videoPts, workDir, yuv444Clip } from './fixtures.js';

const num = (s: string | undefined): number => Number(s);
const streamOf = (file: string, type: string) => ffprobeJson(file).streams.filter((s) => s.codec_type === type);

// Both video paths: frames piped through Node (what every video stage uses) and ffmpeg alone.
// Three video paths: frames piped through Node (what every video stage uses), one ffmpeg
// re-encoding (encoder settings given, no stage), and the untouched copy (nothing asked of the picture).
describe.each([
  { mode: { pipeFrames: true }, path: 'frames piped through Node', encoded: true },
  { mode: { crf: 20 }, path: 'single ffmpeg re-encode', encoded: true },
  { mode: {}, path: 'video copied', encoded: false },
])('export keeps timing, sync, rotation and tracks ($path)', ({ mode, encoded }) => {
  it('constant frame rate: same frame count, rate, duration and A/V offset; colour tags kept', async () => {
    const input = cfrClip();
    const dir = workDir('cfr');
    const out = path.join(dir, 'out.mp4');
    const summary = await runExport({ input, output: out, ...mode });
    expect(summary.frames).toBe(90);
    expect(summary.video).toBe(encoded ? 'encoded' : 'copied');
    const [vi] = streamOf(input, 'video');
    const [vo] = streamOf(out, 'video');
    const [ai] = streamOf(input, 'audio');
    const [ao] = streamOf(out, 'audio');
    expect(vo.nb_frames).toBe(vi.nb_frames);
    expect(vo.r_frame_rate).toBe('30000/1001');
    expect(Math.abs(num(vo.duration) - num(vi.duration))).toBeLessThan(1 / 29.97);
    // A/V sync: the gap between audio and video starts is unchanged within one frame.
    const gapIn = num(ai.start_time) - num(vi.start_time);
    const gapOut = num(ao.start_time) - num(vo.start_time);
    expect(Math.abs(gapOut - gapIn)).toBeLessThan(1 / 29.97);
    expect({ p: vo.color_primaries, t: vo.color_transfer, s: vo.color_space, r: vo.color_range }).toEqual({ p: 'bt709', t: 'bt709', s: 'bt709', r: 'tv' });
    expect(ao.codec_name).toBe('aac');
    expect(ao.channels).toBe(2);
    expect(readdirSync(dir)).toEqual(['out.mp4']); // no temp files left
  });

  it('the last frame keeps its duration, also for frames too big for ffmpeg to guess the rate from', async () => {
    // NUT frames carry no duration: before the writer passed the source's rate, a 1080p clip piped
    // through Node came out one frame short (0.959 s of 1.001 s).
    const input = bigFrameClip();
    const out = path.join(workDir('big-frames'), 'out.mp4');
    await runExport({ input, output: out, ...mode });
    const [vi] = streamOf(input, 'video');
    const [vo] = streamOf(out, 'video');
    expect(vo.nb_frames).toBe(vi.nb_frames);
    expect(Math.abs(num(vo.duration) - num(vi.duration))).toBeLessThan(0.002);
  });

  it('variable frame rate: every frame keeps its presentation time', async () => {
    const input = vfrClip();
    const out = path.join(workDir('vfr'), 'out.mp4');
    await runExport({ input, output: out, ...mode });
    const a = videoPts(input);
    const b = videoPts(out);
    expect(b.length).toBe(a.length);
    const diffs = new Set(a.slice(1).map((t, i) => Math.round((t - a[i]) * 1000)));
    expect(diffs.size).toBeGreaterThan(1); // the fixture really is VFR
    const worst = Math.max(...a.map((t, i) => Math.abs(t - a[0] - (b[i] - b[0]))));
    expect(worst).toBeLessThan(0.001);
  });

  it('phone portrait: the display rotation is kept and the pixels stay as stored', async () => {
    const input = rotatedClip();
    const out = path.join(workDir('rot'), 'out.mp4');
    await runExport({ input, output: out, ...mode });
    const rot = (f: string) => streamOf(f, 'video')[0].side_data_list?.find((s) => s.rotation !== undefined)?.rotation ?? Number(streamOf(f, 'video')[0].tags?.rotate ?? 0);
    expect(rot(input)).not.toBe(0);
    expect(rot(out)).toBe(rot(input));
    const [v] = streamOf(out, 'video');
    expect([v.width, v.height]).toEqual([640, 360]);
  });

  it("a camera's start timecode is kept, in MOV and MP4 as a timecode track and in MKV as a tag, without a warning about its track", async () => {
    const input = timecodeClip();
    // Matroska spells the tag TIMECODE.
    const tc = (f: string) => ffprobeJson(f).streams.map((s) => s.tags?.timecode ?? s.tags?.TIMECODE).find((t) => t !== undefined);
    expect(tc(input)).toBe('01:00:00:00');
    const probed = await probeMedia(input);
    expect(probed.video?.timecode).toBe('01:00:00:00');
    expect(probed.streams.filter((s) => s.kind === 'data').map((s) => s.codec)).toEqual(['tmcd']);
    for (const ext of ['mov', 'mp4', 'mkv']) {
      const out = path.join(workDir('tc'), `out.${ext}`);
      const summary = await runExport({ input, output: out, overwrite: true, ...mode });
      expect(tc(out), ext).toBe('01:00:00:00');
      if (ext !== 'mkv') expect(streamOf(out, 'data').map((s) => s.codec_tag_string), ext).toEqual(['tmcd']);
      expect(summary.warnings.join(' '), ext).not.toMatch(/not carried over/);
    }
  });

  it('every audio track and the subtitles survive; MP4 gets mov_text', async () => {
    const input = multiTrackClip();
    const dir = workDir('multi');
    const mkv = path.join(dir, 'out.mkv');
    const mp4 = path.join(dir, 'out.mp4');
    await runExport({ input, output: mkv, ...mode });
    await runExport({ input, output: mp4, ...mode });
    for (const f of [mkv, mp4]) {
      const audio = streamOf(f, 'audio');
      expect(audio.map((a) => a.tags?.language)).toEqual(['eng', 'fra']);
      expect(audio.map((a) => num(a.sample_rate))).toEqual([48000, 44100]);
    }
    expect(streamOf(mkv, 'subtitle').map((s) => s.codec_name)).toEqual(['subrip']);
    expect(streamOf(mp4, 'subtitle').map((s) => s.codec_name)).toEqual(['mov_text']);
  });
});

describe('export: codecs, loudness and audio-only files', () => {
  it('--codec ffv1 is lossless and keeps a 4:4:4 pixel format', async () => {
    const input = yuv444Clip();
    const out = path.join(workDir('ffv1'), 'out.mkv');
    await runExport({ input, output: out, codec: 'ffv1', pipeFrames: true });
    const [v] = streamOf(out, 'video');
    expect(v.codec_name).toBe('ffv1');
    expect(v.pix_fmt).toBe('yuv444p');
  });

  it('a tagged RGB source keeps its tags in FFV1, and converts to correctly tagged YUV for H.264', async () => {
    const input = rgbClip();
    const dir = workDir('rgb');
    // ffprobe names the RGB matrix "gbr", a name ffmpeg's -colorspace option rejects (color-tags.ts).
    const [vi] = streamOf(input, 'video');
    expect(vi.color_space).toBe('gbr');
    const lossless = path.join(dir, 'out.mkv');
    await runExport({ input, output: lossless, codec: 'ffv1', pipeFrames: true });
    const [vl] = streamOf(lossless, 'video');
    expect({ f: vl.pix_fmt, s: vl.color_space, r: vl.color_range, t: vl.color_transfer }).toEqual({ f: vi.pix_fmt, s: 'gbr', r: 'pc', t: 'iec61966-2-1' }); // 8-bit RGB FFV1 decodes as bgr0
    const h264 = path.join(dir, 'out.mp4');
    await runExport({ input, output: h264, codec: 'h264', pipeFrames: true });
    const [vh] = streamOf(h264, 'video');
    expect(vh.pix_fmt).toBe('yuv420p');
    expect(vh.color_space).not.toBe('gbr'); // YUV tagged as RGB would play with swapped colours
    const a = meanRgb(input);
    const b = meanRgb(h264);
    for (let c = 0; c < 3; c++) expect(Math.abs(a[c] - b[c])).toBeLessThan(4);
  });

  it('an odd-sized picture goes to H.264 and HEVC one pixel smaller, saying so, and to FFV1 and VP9 whole', async () => {
    // x264 and x265 refuse odd sizes in 4:2:0; before, the export failed with ffmpeg's "width not divisible by 2".
    const input = oddSizeClip();
    const dir = workDir('odd-size');
    const size = (f: string) => {
      const [v] = streamOf(f, 'video');
      return `${v.width}x${v.height}`;
    };
    expect(size(input)).toBe('321x181');
    for (const [codec, file, want] of [['h264', 'out.mp4', '320x180'], ['h265', 'out-hevc.mp4', '320x180'], ['ffv1', 'out.mkv', '321x181'], ['vp9', 'out.webm', '321x181']] as const) {
      for (const mode of [{}, { pipeFrames: true }]) {
        const out = path.join(dir, `${Object.keys(mode).length ? 'piped-' : ''}${file}`);
        const summary = await runExport({ input, output: out, codec, ...mode });
        expect(size(out)).toBe(want);
        const warned = summary.warnings.find((w) => w.includes('even sizes'));
        if (want === '321x181') expect(warned).toBeUndefined();
        else expect(warned).toBe(`${input} is 321 × 181 pixels; ${codec === 'h264' ? 'H.264' : 'HEVC'} stores this picture only at even sizes, so the output is 320 × 180: its last column and row left out. --codec ffv1 or vp9 keeps every pixel.`);
      }
    }
  });

  it('a 10-bit HDR (HLG) phone clip stays 10-bit HEVC with its tags by default; H.264 on request is 8-bit and says so', async () => {
    const input = hdrClip();
    const dir = workDir('hdr');
    const tags = (f: string) => {
      const [v] = streamOf(f, 'video');
      return { codec: v.codec_name, pix: v.pix_fmt, primaries: v.color_primaries, transfer: v.color_transfer, matrix: v.color_space };
    };
    expect(tags(input)).toEqual({ codec: 'hevc', pix: 'yuv420p10le', primaries: 'bt2020', transfer: 'arib-std-b67', matrix: 'bt2020nc' });
    const out = path.join(dir, 'out.mp4');
    const kept = await runExport({ input, output: out, pipeFrames: true });
    expect(tags(out)).toEqual(tags(input));
    expect(kept.warnings.join(' ')).not.toMatch(/8 bits/);
    expect(kept.notes).toEqual(['The video is 10-bit HDR, so it was written as 10-bit HEVC to keep its gradients smooth (--codec h264 writes 8-bit H.264).']);
    const h264 = path.join(dir, 'out-h264.mp4');
    const reduced = await runExport({ input, output: h264, codec: 'h264', pipeFrames: true });
    expect(tags(h264)).toEqual({ ...tags(input), codec: 'h264', pix: 'yuv420p' });
    expect(reduced.warnings.join(' ')).toMatch(/10-bit HDR video, which H\.264 stores with 8 bits/);
    expect(reduced.notes).toEqual([]);
  });

  it('interlaced video keeps its fields where the codec can code them, and is deinterlaced, with unchanged timing, where the picture is processed', async () => {
    const input = interlacedClip();
    const dir = workDir('interlaced');
    const fieldOrder = (f: string) => streamOf(f, 'video')[0].field_order;
    expect(fieldOrder(input)).toBe('tt');
    expect(fieldVerdicts(input)).toMatchObject({ tff: 50, progressive: 0 });
    // A plain re-encode to H.264 codes the fields, top first, as they came.
    const kept = path.join(dir, 'kept.mp4');
    await runExport({ input, output: kept, codec: 'h264', crf: 20 });
    expect(fieldOrder(kept)).toBe('tt');
    expect(fieldVerdicts(kept).tff).toBeGreaterThanOrEqual(45);
    expect(videoPts(kept)).toEqual(videoPts(input));
    // Through Node's frame stages the picture is deinterlaced first: no combing, the same frames at the same times.
    const processed = path.join(dir, 'processed.mp4');
    const piped = await runExport({ input, output: processed, pipeFrames: true });
    expect(fieldOrder(processed)).toBe('progressive');
    expect(fieldVerdicts(processed).progressive).toBeGreaterThanOrEqual(45);
    expect(videoPts(processed)).toEqual(videoPts(input));
    expect(piped.notes.join(' ')).toMatch(/interlaced \(top field first\); it was deinterlaced/);
    // HEVC is written progressive here, so a plain re-encode deinterlaces and says so.
    const hevc = path.join(dir, 'hevc.mp4');
    const h265 = await runExport({ input, output: hevc, codec: 'h265' });
    expect(fieldOrder(hevc)).toBe('progressive');
    expect(fieldVerdicts(hevc).progressive).toBeGreaterThanOrEqual(45);
    expect(videoPts(hevc)).toEqual(videoPts(input));
    expect(h265.notes.join(' ')).toMatch(/H265 is written progressive here, so it was deinterlaced/);
  });

  it('HDR10 (PQ) keeps its mastering-display and content-light metadata through a re-encode', async () => {
    const input = hdr10Clip();
    /** The first frame's HDR10 side data, as ffprobe reports it. */
    const hdr10 = (f: string): unknown[] => {
      const out = execFileSync(ffprobeBinary().path, ['-v', 'error', '-select_streams', 'v:0', '-read_intervals', '%+#1', '-show_frames', '-show_entries', 'frame=side_data_list', '-of', 'json', f], { encoding: 'utf8' });
      const list = (JSON.parse(out) as { frames: Array<{ side_data_list?: Array<{ side_data_type: string }> }> }).frames[0]?.side_data_list ?? [];
      return list.filter((d) => /Mastering display|Content light level/.test(d.side_data_type));
    };
    expect(hdr10(input)).toHaveLength(2);
    const dir = workDir('hdr10');
    for (const [name, mode] of [['piped.mp4', { pipeFrames: true }], ['reencoded.mkv', { crf: 26 }]] as const) {
      const out = path.join(dir, name);
      await runExport({ input, output: out, ...mode });
      const [v] = streamOf(out, 'video');
      expect({ codec: v.codec_name, pix: v.pix_fmt, transfer: v.color_transfer }).toEqual({ codec: 'hevc', pix: 'yuv420p10le', transfer: 'smpte2084' });
      expect(hdr10(out)).toEqual(hdr10(input));
    }
  });

  it('loudnorm brings speech to -16 LUFS without changing its length', async () => {
    const dir = workDir('loud');
    const out = path.join(dir, 'talk clean ü.wav');
    const summary = await runExport({ input: SPEECH, output: out, loudnorm: true });
    expect(summary.stages.map((s) => s.stage)).toContain('encode');
    const before = await measureLoudness(SPEECH, 0, DEFAULT_LOUDNESS);
    const after = await measureLoudness(out, 0, DEFAULT_LOUDNESS);
    expect(Math.abs(before.inputI - -16)).toBeGreaterThan(2);
    expect(Math.abs(after.inputI - -16)).toBeLessThan(1);
    expect(after.inputTP).toBeLessThanOrEqual(-1.0);
    const inDur = num(ffprobeJson(SPEECH).format.duration);
    const outDur = num(ffprobeJson(out).format.duration);
    expect(Math.abs(outDur - inDur)).toBeLessThan(0.005);
  });

  it('audio-only inputs export to audio-only outputs, and video inputs to audio', async () => {
    const dir = workDir('audio');
    const m4a = path.join(dir, 'speech copy.m4a');
    await runExport({ input: audioOnlyClip(), output: m4a });
    expect(streamOf(m4a, 'video')).toHaveLength(0);
    expect(streamOf(m4a, 'audio')[0].codec_name).toBe('aac');
    const mp3 = path.join(dir, 'from video.mp3');
    await runExport({ input: cfrClip(), output: mp3 });
    expect(ffprobeJson(mp3).streams.map((s) => s.codec_name)).toEqual(['mp3']);
    expect(existsSync(m4a) && existsSync(mp3)).toBe(true);
  });
});
