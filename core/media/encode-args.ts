/**
 * Builds the ffmpeg command line that encodes piped frames and muxes them with the source's audio,
 * subtitles and metadata. Pure, so every rule here is unit-tested without running ffmpeg.
 */
import { audioEncoderArgs, canCopyAudio, MUXER_NAME, subtitleCodecFor, type Container, type VideoCodec } from './formats.js';
import { audioLead, type MediaInfo, type Rational } from './media-info.js';
import type { RawFormat } from './pixel-formats.js';
import { colorTagArgs } from './color-tags.js';
import { interlacePlan } from './interlace.js';
import type { HdrMetadata } from './hdr-metadata.js';

export interface VideoEncoderSettings {
  codec: VideoCodec;
  /** Constant-quality value; lower is better. Defaults per codec. */
  crf?: number;
  /** Encoder speed preset (x264/x265 names: ultrafast..veryslow). */
  preset?: string;
  /** HDR10 static metadata to write again (HEVC only; hdr-metadata.ts). */
  hdr?: HdrMetadata;
}

export const DEFAULT_CRF: Record<VideoCodec, number | undefined> = { h264: 20, h265: 24, vp9: 32, prores: undefined, ffv1: undefined };

/** How one output audio track is made. */
export interface AudioTrackPlan {
  /** Stream index in the source file. */
  sourceIndex: number;
  /** A processed replacement (from a PCM stage) to use instead of the source stream. */
  replacementFile?: string;
  /** An ffmpeg audio filter chain applied while encoding (e.g. loudnorm). */
  filter?: string;
  /** Sample rate to encode at (filters such as loudnorm change it internally). */
  sampleRate?: number;
}

export interface EncodePlan {
  source: MediaInfo;
  output: string;
  container: Container;
  /**
   * The video to encode; absent for audio-only outputs. `from: 'pipe'` takes frames from a NUT
   * stream on stdin (after video stages ran in Node); `from: 'source'` lets this ffmpeg decode the
   * source itself, for exports with no video stage (one process, no frame copies through Node).
   */
  video?: {
    /** 'copy' keeps the source's compressed video untouched (no stage changes the picture). */
    from: 'pipe' | 'source' | 'copy';
    format: RawFormat;
    timeBase: Rational;
    /** pts of the first frame, in timeBase ticks, relative to the source's start. */
    firstPts: number;
    encoder: VideoEncoderSettings;
  };
  audio: AudioTrackPlan[];
  keepSubtitles: boolean;
  /**
   * Captions made by a caption stage. `burnFile` must be a plain file name in the encoder's working
   * folder (filter arguments are hard to escape safely), `trackFile` any path.
   */
  captions?: { trackFile?: string; burnFile?: string; burnStyle?: string; language?: string; fontsDir?: string };
  ffmpegMajor: number;
  /** Available encoders, to pick libopus vs opus and so on. */
  encoders?: Set<string>;
}

/**
 * The value ffmpeg's `rotate` tag / `-display_rotation` take for a clockwise display rotation.
 * Both set the display matrix counter-clockwise, so 90° clockwise is written as 270.
 */
export const rotationTagValue = (clockwise: number): number => (360 - clockwise) % 360;

/**
 * ffmpeg before 6 drops rotation when it encodes (the rotate tag only works when stream-copying),
 * so those versions need a copy pass that writes it. Only MP4/MOV store rotation.
 */
export function needsRotationRemux(plan: Pick<EncodePlan, 'source' | 'container' | 'ffmpegMajor' | 'video'>): boolean {
  return !!plan.video && plan.video.from !== 'copy' && !burnsCaptions(plan as EncodePlan) && !!plan.source.video?.rotation && plan.ffmpegMajor < 6 && (plan.container === 'mp4' || plan.container === 'mov');
}

/** Turn stored pixels upright (for burning text in display orientation). */
export function uprightFilter(clockwise: number): string | undefined {
  if (clockwise === 90) return 'transpose=clock';
  if (clockwise === 180) return 'hflip,vflip';
  if (clockwise === 270) return 'transpose=cclock';
  return undefined;
}

/** Burning captions needs upright pixels, so the rotation goes into the picture instead of the metadata. */
export const burnsCaptions = (plan: Pick<EncodePlan, 'captions' | 'video'>): boolean => !!plan.captions?.burnFile && !!plan.video && plan.video.from !== 'copy';

/** Output pixel format for a codec, given the format frames arrive in. */
export function outputPixelFormat(codec: VideoCodec, frames: RawFormat): string {
  const deep = frames.bitDepth > 8;
  const rgb = frames.name.startsWith('gbr') || frames.name === 'rgb24';
  switch (codec) {
    case 'ffv1':
      return frames.name; // lossless: keep exactly what came in
    case 'prores':
      return rgb || frames.name.startsWith('yuv444') ? 'yuv444p10le' : 'yuv422p10le';
    case 'h265':
      return deep ? (frames.name.startsWith('yuv444') ? 'yuv444p10le' : frames.name.startsWith('yuv422') ? 'yuv422p10le' : 'yuv420p10le') : frames.name.startsWith('yuv444') ? 'yuv444p' : 'yuv420p';
    case 'vp9':
      return deep ? 'yuv420p10le' : 'yuv420p';
    case 'h264':
    default:
      // 8-bit 4:2:0 plays everywhere; 4:2:2/4:4:4 H.264 does not, so those are reduced too.
      return 'yuv420p';
  }
}

/**
 * x264 and x265 code 4:2:0 only at even sizes, and 4:2:2 only at even widths; they refuse an odd
 * picture outright. The size such an encode keeps (the last column or row dropped), or undefined
 * when the picture fits as it is. Other encoders (VP9, ProRes, FFV1) take any size.
 */
export function evenSizeFor(codec: VideoCodec, pixFmt: string, width: number, height: number): { width: number; height: number } | undefined {
  if (codec !== 'h264' && codec !== 'h265') return undefined;
  const w = /^yuv42[02]/.test(pixFmt) ? width - (width % 2) : width;
  const h = /^yuv420/.test(pixFmt) ? height - (height % 2) : height;
  return w !== width || h !== height ? { width: w, height: h } : undefined;
}

/** The picture an encode writes, if it has to lose its last column or row (see evenSizeFor). */
export function evenCrop(plan: Pick<EncodePlan, 'source' | 'video' | 'captions'>): { width: number; height: number; to: { width: number; height: number } } | undefined {
  const v = plan.video;
  const src = plan.source.video;
  if (!v || v.from === 'copy' || !src) return undefined;
  // Burned captions turn the picture upright first (burnsCaptions), which swaps a quarter turn's sides.
  const turned = burnsCaptions(plan) && (src.rotation === 90 || src.rotation === 270);
  const [width, height] = turned ? [src.height, src.width] : [src.width, src.height];
  const to = evenSizeFor(v.encoder.codec, outputPixelFormat(v.encoder.codec, v.format), width, height);
  return to && { width, height, to };
}

function videoCodecArgs(s: VideoEncoderSettings, container: Container): string[] {
  const crf = s.crf ?? DEFAULT_CRF[s.codec];
  switch (s.codec) {
    case 'h264':
      return ['-c:v', 'libx264', '-preset', s.preset ?? 'fast', '-crf', String(crf)];
    case 'h265':
    {
      const hdr = [s.hdr?.masterDisplay && `master-display=${s.hdr.masterDisplay}`, s.hdr?.maxCll && `max-cll=${s.hdr.maxCll}`].filter(Boolean);
      // HDR10 metadata goes into every keyframe's headers, so a player that seeks still finds it.
      const params = ['log-level=error', ...hdr, ...(hdr.length ? ['repeat-headers=1'] : [])].join(':');
      return ['-c:v', 'libx265', '-preset', s.preset ?? 'fast', '-crf', String(crf), '-x265-params', params, ...(container === 'mp4' || container === 'mov' ? ['-tag:v', 'hvc1'] : [])];
    }
    case 'vp9':
      return ['-c:v', 'libvpx-vp9', '-crf', String(crf), '-b:v', '0', '-row-mt', '1', '-deadline', 'good', '-cpu-used', s.preset === 'slow' ? '1' : '4'];
    case 'prores':
      return ['-c:v', 'prores_ks', '-profile:v', '3', '-vendor', 'apl0'];
    case 'ffv1':
      return ['-c:v', 'ffv1', '-level', '3', '-g', '1', '-slicecrc', '1'];
  }
}

/** ffmpeg arguments for the encode+mux process. Input 0 is the NUT pipe (when video), then the source. */
export function buildEncodeArgs(plan: EncodePlan): string[] {
  const { source, container } = plan;
  const args = ['-hide_banner', '-nostdin', '-loglevel', 'error', '-nostats', '-progress', 'pipe:1'];
  let inputs = 0;
  const v = plan.video;
  const srcVideo = source.video;
  // When captions are burned in, the picture is turned upright and carries no rotation metadata.
  const rotation = burnsCaptions(plan) ? 0 : (srcVideo?.rotation ?? 0);
  if (v?.from === 'pipe') {
    if (rotation && plan.ffmpegMajor >= 6) args.push('-display_rotation:v:0', String(rotationTagValue(rotation)));
    // The source's shift of its own start time is undone so piped video and copied audio stay in sync.
    args.push('-itsoffset', String((v.firstPts * v.timeBase.num) / v.timeBase.den), '-f', 'nut', '-i', 'pipe:0');
    inputs++;
  }
  const srcInput = inputs++;
  // Pixels stay as stored and the rotation stays metadata, exactly as on the piped path.
  if (v?.from === 'copy' || (v?.from === 'source' && !burnsCaptions(plan))) {
    // (When burning captions, ffmpeg's own autorotation turns the decoded picture upright first.)
    args.push('-noautorotate');
    if (rotation && plan.ffmpegMajor >= 6) args.push('-display_rotation:v:0', String(rotationTagValue(rotation)));
  }
  args.push('-i', source.file);
  let captionInput: number | undefined;
  if (plan.captions?.trackFile) {
    captionInput = inputs++;
    args.push('-i', plan.captions.trackFile);
  }
  const replacementInput = new Map<number, number>();
  for (const t of plan.audio) {
    if (t.replacementFile) {
      replacementInput.set(t.sourceIndex, inputs++);
      const shift = v && audioStartShift(source, t.sourceIndex);
      if (shift) args.push('-itsoffset', shift);
      args.push('-i', t.replacementFile);
    }
  }

  const maps: string[] = [];
  const filters: string[] = [];
  const codecArgs: string[] = [];
  if (v) {
    maps.push('-map', v.from === 'pipe' ? '0:v:0' : `${srcInput}:${srcVideo?.index ?? 'v:0'}`);
    if (v.from === 'copy') codecArgs.push('-c:v', 'copy');
    else {
      codecArgs.push(...videoCodecArgs(v.encoder, container), '-pix_fmt', outputPixelFormat(v.encoder.codec, v.format));
      // Variable frame rate keeps the source's clock: the encoder's default time base (1/frame
      // rate) would move phone footage by up to half a frame. Constant frame rate stays on that
      // default, which is exact for it and gives the last frame its proper duration.
      if (srcVideo?.variableFrameRate) {
        codecArgs.push('-enc_time_base:v', '-1');
        if ((container === 'mp4' || container === 'mov') && v.timeBase.num === 1 && v.timeBase.den >= 1000) codecArgs.push('-video_track_timescale', String(v.timeBase.den));
      }
    }
    if (srcVideo && v.from === 'copy') codecArgs.push(`-map_metadata:s:v:0`, `${srcInput}:s:${srcVideo.index}`);
    else if (srcVideo) {
      codecArgs.push(...colorTagArgs(srcVideo.color, outputPixelFormat(v.encoder.codec, v.format).startsWith('yuv')));
      codecArgs.push(`-map_metadata:s:v:0`, `${srcInput}:s:${srcVideo.index}`);
    }
    // Piped frames were deinterlaced by the frame reader; a source decoded here keeps its fields
    // where the codec can code them, and is deinterlaced where it cannot.
    const fields = v.from === 'source' ? interlacePlan(srcVideo, v.encoder.codec) : { kind: 'progressive' as const };
    if (fields.kind === 'keep') codecArgs.push(...fields.args);
    const vf = fields.kind === 'deinterlace' ? [fields.filter] : [];
    if (burnsCaptions(plan)) {
      const c = plan.captions!;
      // Piped frames arrive as stored; a source decoded here is already turned upright by ffmpeg.
      const upright = v.from === 'pipe' ? uprightFilter(srcVideo?.rotation ?? 0) : undefined;
      const opts = [`filename=${c.burnFile}`, ...(c.fontsDir ? [`fontsdir=${c.fontsDir}`] : []), ...(c.burnStyle ? [`force_style='${c.burnStyle}'`] : [])];
      vf.push(...(upright ? [upright] : []), `subtitles=${opts.join(':')}`);
      if (upright) codecArgs.push('-metadata:s:v:0', 'rotate=0');
    }
    const even = evenCrop(plan);
    if (even) vf.push(`crop=${even.to.width}:${even.to.height}:0:0`);
    if (vf.length) codecArgs.push('-vf', vf.join(','));
  }
  plan.audio.forEach((t, k) => {
    const input = replacementInput.get(t.sourceIndex);
    const from = input !== undefined ? `${input}:a:0` : `${srcInput}:${t.sourceIndex}`;
    const srcStream = source.audio.find((a) => a.index === t.sourceIndex);
    if (t.filter) {
      // Filters such as loudnorm restart the timestamps at 0; the track's start is put back.
      const shift = v && audioStartShift(source, t.sourceIndex);
      filters.push(`[${from}]${t.filter}${shift ? `,asetpts=PTS-STARTPTS+${shift}/TB` : ''}[a${k}]`);
      maps.push('-map', `[a${k}]`);
    } else {
      maps.push('-map', from);
    }
    const copy = !t.filter && input === undefined && srcStream !== undefined && canCopyAudio(srcStream.codec, container);
    if (copy) codecArgs.push(`-c:a:${k}`, 'copy');
    else {
      let enc = audioEncoderArgs(container, { stream: k, lossless: v?.encoder.codec === 'ffv1' });
      if (plan.encoders && enc.includes('libopus') && !plan.encoders.has('libopus')) enc = enc.map((x) => (x === 'libopus' ? 'opus' : x));
      codecArgs.push(...enc);
      const rate = t.sampleRate ?? srcStream?.sampleRate;
      if (rate) codecArgs.push(`-ar:a:${k}`, String(rate));
    }
    codecArgs.push(`-map_metadata:s:a:${k}`, `${srcInput}:s:${t.sourceIndex}`);
  });
  let k = 0;
  if (captionInput !== undefined) {
    const codec = subtitleCodecFor(container, true);
    if (codec) {
      maps.push('-map', `${captionInput}:s:0`);
      codecArgs.push(`-c:s:${k}`, codec, `-metadata:s:s:${k}`, `language=${plan.captions?.language ?? 'eng'}`, `-disposition:s:${k}`, 'default');
      k++;
    }
  }
  if (plan.keepSubtitles) {
    for (const s of source.subtitles) {
      const codec = subtitleCodecFor(container, s.isText);
      if (!codec) continue;
      maps.push('-map', `${srcInput}:${s.index}`);
      codecArgs.push(`-c:s:${k++}`, codec);
    }
  }
  if (filters.length) args.push('-filter_complex', filters.join(';'));
  args.push(...maps, '-map_metadata', String(srcInput), '-map_chapters', String(srcInput), ...codecArgs);
  if (v && plan.ffmpegMajor >= 5) args.push('-fps_mode', 'passthrough');
  else if (v) args.push('-vsync', 'passthrough');
  args.push('-max_muxing_queue_size', '4096');
  if (container === 'mp4' || container === 'mov' || container === 'ipod') args.push('-movflags', '+faststart');
  args.push('-f', MUXER_NAME[container], '-y', plan.output);
  return args;
}

/**
 * How much later than the source's start an audio track begins (seconds, as text), or undefined
 * when it starts with it. A processed track (a replacement file, or a filter that restarts the
 * timestamps) would otherwise begin at 0, moving the sound against the picture by this much.
 * Only outputs with a picture use it: an audio-only output starts with its sound.
 */
function audioStartShift(source: MediaInfo, sourceIndex: number): string | undefined {
  const shift = audioLead(source, sourceIndex);
  return shift > 0.0005 ? shift.toFixed(6) : undefined;
}

/** Which source subtitle streams cannot be kept in the container (for a warning). */
export function droppedSubtitles(source: MediaInfo, container: Container): number[] {
  return source.subtitles.filter((s) => !subtitleCodecFor(container, s.isText)).map((s) => s.index);
}
