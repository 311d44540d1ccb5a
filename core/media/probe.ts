/** ffprobe -> MediaInfo, with typed errors for files that are not usable media. */
import { open } from 'node:fs/promises';
import { MediaError } from '../common/errors.js';
import { ffprobeBinary } from './ffmpeg-binaries.js';
import { spawnMedia } from './ffmpeg-process.js';
import { checkInputFile } from './input-check.js';
import type { AudioStreamInfo, MediaInfo, Rational, StreamInfo, SubtitleStreamInfo, VideoStreamInfo } from './media-info.js';
import { bitDepthOf } from './pixel-formats.js';
import { hdrMetadataFrom, type HdrMetadata } from './hdr-metadata.js';

/* eslint-disable @typescript-eslint/no-explicit-any -- ffprobe JSON is untyped at this boundary */

export function parseRational(text: string | undefined): Rational {
  const m = /^(-?\d+)(?:[/:](\d+))?$/.exec(text ?? '');
  if (!m) return { num: 0, den: 1 };
  return { num: Number(m[1]), den: m[2] === undefined ? 1 : Number(m[2]) };
}

const num = (v: unknown, fallback = 0): number => {
  const n = typeof v === 'string' ? Number(v) : typeof v === 'number' ? v : NaN;
  return Number.isFinite(n) ? n : fallback;
};

/** Clockwise display rotation from the rotate tag (older muxers) or the display matrix side data. */
export function displayRotation(stream: any): number {
  const tag = stream.tags?.rotate;
  let deg: number | undefined;
  if (tag !== undefined) deg = num(tag);
  else {
    const matrix = (stream.side_data_list ?? []).find((s: any) => s.rotation !== undefined);
    // The display matrix gives counter-clockwise degrees; players rotate clockwise by its negation.
    if (matrix) deg = -num(matrix.rotation);
  }
  if (deg === undefined) return 0;
  return ((Math.round(deg / 90) * 90) % 360 + 360) % 360;
}

const TEXT_SUBTITLES = new Set(['subrip', 'srt', 'ass', 'ssa', 'mov_text', 'webvtt', 'text']);

function toStream(s: any, formatDuration: number): StreamInfo {
  const index = num(s.index);
  const startTime = num(s.start_time);
  const duration = num(s.duration, formatDuration);
  switch (s.codec_type) {
    case 'video': {
      const frameRate = parseRational(s.r_frame_rate);
      const avgFrameRate = parseRational(s.avg_frame_rate);
      const rate = avgFrameRate.num > 0 ? avgFrameRate.num / avgFrameRate.den : frameRate.num / (frameRate.den || 1);
      const v: VideoStreamInfo = {
        kind: 'video',
        index,
        codec: s.codec_name ?? 'unknown',
        width: num(s.width),
        height: num(s.height),
        pixelFormat: s.pix_fmt ?? 'unknown',
        bitDepth: bitDepthOf(s.pix_fmt ?? ''),
        frameRate,
        avgFrameRate,
        variableFrameRate: false,
        timeBase: parseRational(s.time_base),
        startTime,
        duration,
        frameCount: s.nb_frames ? num(s.nb_frames) : Math.round(duration * rate),
        rotation: displayRotation(s),
        color: { range: s.color_range, space: s.color_space, primaries: s.color_primaries, transfer: s.color_transfer },
        sampleAspectRatio: s.sample_aspect_ratio && s.sample_aspect_ratio !== '0:1' ? parseRational(s.sample_aspect_ratio) : undefined,
        attachedPicture: s.disposition?.attached_pic === 1,
        ...(s.field_order && s.field_order !== 'unknown' ? { fieldOrder: String(s.field_order) } : {}),
        // Matroska spells the tag TIMECODE.
        ...((s.tags?.timecode ?? s.tags?.TIMECODE) ? { timecode: String(s.tags.timecode ?? s.tags.TIMECODE) } : {}),
      };
      return v;
    }
    case 'audio': {
      const a: AudioStreamInfo = {
        kind: 'audio',
        index,
        codec: s.codec_name ?? 'unknown',
        sampleRate: num(s.sample_rate),
        channels: num(s.channels),
        channelLayout: s.channel_layout,
        startTime,
        duration,
        language: s.tags?.language,
        title: s.tags?.title,
        isDefault: s.disposition?.default === 1,
      };
      return a;
    }
    case 'subtitle': {
      const t: SubtitleStreamInfo = { kind: 'subtitle', index, codec: s.codec_name ?? 'unknown', language: s.tags?.language, isText: TEXT_SUBTITLES.has(s.codec_name) };
      return t;
    }
    default:
      // A data track has no decoder, so no codec name: its tag says what it is (tmcd: timecode, gpmd: GoPro telemetry, mebx: Apple metadata).
      return { kind: s.codec_type === 'data' || s.codec_type === 'attachment' ? s.codec_type : 'unknown', index, codec: s.codec_name ?? (/^[\w ]{4}$/.test(s.codec_tag_string ?? '') ? String(s.codec_tag_string).trim() : 'unknown') };
  }
}

/** Mostly printable text with no NUL bytes: a document, not media. */
export function looksLikeText(head: Buffer): boolean {
  if (head.length === 0 || head.includes(0)) return false;
  let printable = 0;
  for (const b of head) if (b === 9 || b === 10 || b === 13 || (b >= 32 && b < 127) || b >= 0xc2) printable++;
  return printable / head.length > 0.95;
}

/** ISO-BMFF (MP4/MOV) files start with a box such as ftyp; a cut-off one is damaged, not foreign. */
const looksLikeMp4 = (head: Buffer): boolean => head.length >= 8 && ['ftyp', 'moov', 'mdat', 'free', 'wide', 'skip'].includes(head.subarray(4, 8).toString('latin1'));

/** Classify an ffprobe failure from its stderr and the file's first bytes. */
export function classifyProbeFailure(file: string, stderr: string, head: Buffer = Buffer.alloc(0)): MediaError {
  const text = stderr.toLowerCase();
  if (looksLikeText(head)) return new MediaError('NOT_MEDIA', `${file} is a text file, not video or audio.`, { file });
  if (text.includes('moov atom not found') && head.length && !looksLikeMp4(head)) {
    return new MediaError('NOT_MEDIA', `${file} is not a video or audio file ffmpeg can read (${firstReason(stderr)}).`, { file });
  }
  if (text.includes('moov atom not found') || text.includes('truncat') || text.includes('end of file') || text.includes('partial file')) {
    return new MediaError('CORRUPT_MEDIA', `${file} is truncated or damaged (${firstReason(stderr)}); it was probably not copied or recorded completely.`, { file });
  }
  if (text.includes('invalid data found') || text.includes('could not find codec parameters') || text.includes('unknown format')) {
    return new MediaError('NOT_MEDIA', `${file} is not a video or audio file ffmpeg can read (${firstReason(stderr)}).`, { file });
  }
  if (text.includes('permission denied')) return new MediaError('INPUT_NOT_READABLE', `No permission to read ${file}`, { file });
  return new MediaError('CORRUPT_MEDIA', `${file} could not be read: ${firstReason(stderr)}`, { file });
}

function firstReason(stderr: string): string {
  const line = stderr.split('\n').map((l) => l.trim()).filter(Boolean).pop() ?? 'unknown error';
  return line.replace(/^.*?: /, '').slice(0, 200);
}

async function runProbe(args: string[], signal?: AbortSignal): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const proc = spawnMedia(ffprobeBinary().path, args, { signal, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  proc.child.stdout!.setEncoding('utf8');
  proc.child.stdout!.on('data', (d: string) => (stdout += d));
  const res = await proc.done;
  return { code: res.code, stdout, stderr: res.stderrTail.join('\n') };
}

/**
 * Decide whether the frame durations of a video stream vary, from packet timestamps of its first
 * `seconds` (cheap: no decoding). Durations that differ by more than 1 % of the median, on more
 * than 2 % of frames, mean variable frame rate.
 */
export function isVariableFrameRate(ptsList: number[]): boolean {
  const pts = [...ptsList].sort((a, b) => a - b);
  if (pts.length < 4) return false;
  const d: number[] = [];
  for (let i = 1; i < pts.length; i++) d.push(pts[i] - pts[i - 1]);
  const sorted = [...d].sort((a, b) => a - b);
  const median = sorted[Math.floor(sorted.length / 2)];
  if (median <= 0) return false;
  const off = d.filter((x) => Math.abs(x - median) > Math.max(median * 0.01, 1)).length;
  return off / d.length > 0.02;
}

async function probePacketTimes(file: string, streamIndex: number, seconds: number, signal?: AbortSignal): Promise<number[]> {
  const res = await runProbe(['-v', 'error', '-select_streams', String(streamIndex), '-read_intervals', `%+${seconds}`, '-show_entries', 'packet=pts', '-of', 'csv=p=0', file], signal);
  if (res.code !== 0) return [];
  return res.stdout.split('\n').map((l) => l.trim().replace(/,$/, '')).filter((l) => l !== '' && l !== 'N/A').map(Number).filter(Number.isFinite);
}

/** HDR10 static metadata of a video stream's first frame (hdr-metadata.ts); empty when it has none. */
export async function probeHdrMetadata(file: string, streamIndex: number, signal?: AbortSignal): Promise<HdrMetadata> {
  const res = await runProbe(['-v', 'error', '-select_streams', String(streamIndex), '-read_intervals', '%+#1', '-show_frames', '-show_entries', 'frame=side_data_list', '-of', 'json', file], signal);
  if (res.code !== 0) return {};
  try {
    const frames = (JSON.parse(res.stdout) as { frames?: Array<{ side_data_list?: Array<Record<string, unknown>> }> }).frames ?? [];
    return hdrMetadataFrom(frames[0]?.side_data_list ?? []);
  } catch {
    return {};
  }
}

async function readHead(file: string): Promise<Buffer> {
  const fh = await open(file, 'r');
  try {
    const buf = Buffer.alloc(512);
    const { bytesRead } = await fh.read(buf, 0, 512, 0);
    return buf.subarray(0, bytesRead);
  } finally {
    await fh.close();
  }
}

/** Probe a media file. Throws MediaError for missing, empty, non-media or damaged files. */
export async function probeMedia(file: string, opts: { signal?: AbortSignal } = {}): Promise<MediaInfo> {
  const size = await checkInputFile(file);
  const res = await runProbe(['-v', 'error', '-print_format', 'json', '-show_format', '-show_streams', file], opts.signal);
  if (res.code !== 0) throw classifyProbeFailure(file, res.stderr, await readHead(file));
  let json: any;
  try {
    json = JSON.parse(res.stdout);
  } catch {
    throw new MediaError('NOT_MEDIA', `${file}: ffprobe gave no readable description of this file.`, { file });
  }
  const format = json.format ?? {};
  const duration = num(format.duration);
  const streams: StreamInfo[] = (json.streams ?? []).map((s: any) => toStream(s, duration));
  // Probing a text file can "succeed" as a tty/text stream; no audio or video means not media.
  const usable = streams.filter((s) => s.kind === 'video' || s.kind === 'audio');
  const formatName = String(format.format_name ?? '');
  if (usable.length === 0 || formatName === 'tty') {
    throw new MediaError('NOT_MEDIA', `${file} has no audio or video streams; it is not a media file.`, { file });
  }
  const video = streams.find((s): s is VideoStreamInfo => s.kind === 'video' && !s.attachedPicture);
  if (video) {
    const pts = await probePacketTimes(file, video.index, 30, opts.signal);
    video.variableFrameRate = isVariableFrameRate(pts);
  }
  return {
    file,
    formatName,
    duration: duration || video?.duration || 0,
    startTime: num(format.start_time),
    sizeBytes: size,
    bitRate: format.bit_rate ? num(format.bit_rate) : undefined,
    streams,
    video,
    audio: streams.filter((s): s is AudioStreamInfo => s.kind === 'audio'),
    subtitles: streams.filter((s): s is SubtitleStreamInfo => s.kind === 'subtitle'),
  };
}
