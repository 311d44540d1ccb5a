/** Containers, codecs and what may go in what. */
import path from 'node:path';
import { OutputError } from '../common/errors.js';

export type VideoCodec = 'h264' | 'h265' | 'vp9' | 'prores' | 'ffv1';
export const VIDEO_CODECS: VideoCodec[] = ['h264', 'h265', 'vp9', 'prores', 'ffv1'];

export type Container = 'mp4' | 'mov' | 'matroska' | 'webm' | 'wav' | 'ipod' | 'mp3' | 'flac' | 'ogg';

export interface ContainerInfo {
  container: Container;
  /** True for audio-only containers: the video is dropped. */
  audioOnly: boolean;
}

const BY_EXTENSION: Record<string, ContainerInfo> = {
  '.mp4': { container: 'mp4', audioOnly: false },
  '.m4v': { container: 'mp4', audioOnly: false },
  '.mov': { container: 'mov', audioOnly: false },
  '.mkv': { container: 'matroska', audioOnly: false },
  '.webm': { container: 'webm', audioOnly: false },
  '.wav': { container: 'wav', audioOnly: true },
  '.m4a': { container: 'ipod', audioOnly: true },
  '.mp3': { container: 'mp3', audioOnly: true },
  '.flac': { container: 'flac', audioOnly: true },
  '.ogg': { container: 'ogg', audioOnly: true },
  '.opus': { container: 'ogg', audioOnly: true },
};

/** True for an output file that will hold sound only (.wav, .m4a, ...). */
export const isAudioOnlyOutput = (file: string): boolean => BY_EXTENSION[path.extname(file).toLowerCase()]?.audioOnly === true;

export function containerForOutput(file: string): ContainerInfo {
  const ext = path.extname(file).toLowerCase();
  const hit = BY_EXTENSION[ext];
  if (!hit) {
    throw new OutputError('OUTPUT_FORMAT_UNSUPPORTED', `Cannot write "${ext || 'no extension'}" files: use one of ${Object.keys(BY_EXTENSION).join(', ')}.`, { file });
  }
  return hit;
}

const VIDEO_CODECS_IN: Record<string, VideoCodec[]> = {
  mp4: ['h264', 'h265'],
  mov: ['h264', 'h265', 'prores'],
  matroska: ['h264', 'h265', 'vp9', 'prores', 'ffv1'],
  webm: ['vp9'],
};

export function checkVideoCodecFits(codec: VideoCodec, container: Container, file: string): void {
  const allowed = VIDEO_CODECS_IN[container] ?? [];
  if (!allowed.includes(codec)) {
    throw new OutputError('OUTPUT_FORMAT_UNSUPPORTED', `${codec} video cannot be written to ${path.extname(file)}: use ${allowed.join(' or ')} there, or pick another extension (.mkv takes every codec).`, { file });
  }
}

/** Source video codecs (ffprobe names) a container takes as they are, so video can be copied. */
const VIDEO_COPY_OK: Record<string, (codec: string) => boolean> = {
  mp4: (c) => ['h264', 'hevc', 'mpeg4', 'av1'].includes(c),
  mov: (c) => ['h264', 'hevc', 'mpeg4', 'prores', 'mjpeg'].includes(c),
  matroska: (c) => c !== 'unknown' && c !== 'png',
  webm: (c) => ['vp8', 'vp9', 'av1'].includes(c),
};

export function canCopyVideo(codec: string, container: Container): boolean {
  return VIDEO_COPY_OK[container]?.(codec) ?? false;
}

/** Transfer functions (ffprobe names) of HDR video: PQ (HDR10, Dolby Vision) and HLG. */
const HDR_TRANSFERS = ['smpte2084', 'arib-std-b67'];

/** What the codec choice needs to know of a source's picture (media-info.ts VideoStreamInfo). */
type SourceDepth = { bitDepth: number; color: { transfer?: string } };

/** More than 8 bits a sample, or an HDR transfer: the picture H.264 (8-bit as encoded here) would band. */
const isHdr = (video: SourceDepth): boolean => HDR_TRANSFERS.includes(video.color.transfer ?? '');
export const needsDeepCodec = (video: SourceDepth): boolean => video.bitDepth > 8 || isHdr(video);

/** What an export says when it writes a 10-bit or HDR source as 8-bit H.264 (previews, which must play in the app, leave it out). */
export const SHALLOW_H264 = 'which H.264 stores with 8 bits';
/** "10-bit HDR", "8-bit HDR", "12-bit": how a source's depth is named in warnings and notes. */
export const depthLabel = (video: SourceDepth): string => `${video.bitDepth}-bit${isHdr(video) ? ' HDR' : ''}`;
export const shallowH264Warning = (file: string, video: SourceDepth): string =>
  `${file} has ${depthLabel(video)} video, ${SHALLOW_H264}: smooth gradients may band. --codec h265 keeps 10 bits.`;

/**
 * The video codec used when the user names none: the container's natural one, H.264, which plays
 * everywhere. H.264 is encoded 8-bit, so a 10-bit or HDR source (a phone's HDR clip) goes to 10-bit
 * HEVC instead where the container takes HEVC and this ffmpeg has libx265 (`encoders`; unknown
 * counts as having it).
 */
export function defaultVideoCodec(container: Container, video?: SourceDepth, encoders?: Set<string>): VideoCodec {
  if (container === 'webm') return 'vp9';
  const hevcFits = container === 'mp4' || container === 'mov' || container === 'matroska';
  if (video && needsDeepCodec(video) && hevcFits && (!encoders || encoders.has('libx265'))) return 'h265';
  return 'h264';
}

/** Audio codecs a container takes as-is, so a stream can be copied without re-encoding. */
const AUDIO_COPY_OK: Record<Container, (codec: string) => boolean> = {
  mp4: (c) => ['aac', 'mp3', 'alac', 'ac3', 'eac3'].includes(c),
  ipod: (c) => ['aac', 'alac'].includes(c),
  mov: (c) => ['aac', 'mp3', 'alac', 'ac3', 'eac3'].includes(c) || c.startsWith('pcm_'),
  matroska: (c) => c !== 'unknown',
  webm: (c) => ['opus', 'vorbis'].includes(c),
  wav: (c) => c.startsWith('pcm_'),
  mp3: (c) => c === 'mp3',
  flac: (c) => c === 'flac',
  ogg: (c) => ['opus', 'vorbis', 'flac'].includes(c),
};

export function canCopyAudio(codec: string, container: Container): boolean {
  return AUDIO_COPY_OK[container](codec);
}

/** Encoder arguments for audio that must be (re-)encoded into a container. */
export function audioEncoderArgs(container: Container, opts: { lossless?: boolean; stream: number }): string[] {
  const s = `:a:${opts.stream}`;
  switch (container) {
    case 'wav':
      return [`-c${s}`, 'pcm_s16le'];
    case 'flac':
      return [`-c${s}`, 'flac'];
    case 'mp3':
      return [`-c${s}`, 'libmp3lame', `-b${s}`, '192k'];
    case 'webm':
    case 'ogg':
      return [`-c${s}`, 'libopus', `-b${s}`, '128k'];
    case 'matroska':
      return opts.lossless ? [`-c${s}`, 'flac'] : [`-c${s}`, 'aac', `-b${s}`, '192k'];
    default:
      return [`-c${s}`, 'aac', `-b${s}`, '192k'];
  }
}

/** Subtitle codec for text subtitles in a container; undefined means they cannot be kept. */
export function subtitleCodecFor(container: Container, isText: boolean): string | undefined {
  if (container === 'matroska') return isText ? 'srt' : 'copy';
  if (!isText) return undefined;
  if (container === 'mp4' || container === 'mov') return 'mov_text';
  if (container === 'webm') return 'webvtt';
  return undefined;
}

export const MUXER_NAME: Record<Container, string> = {
  mp4: 'mp4',
  mov: 'mov',
  matroska: 'matroska',
  webm: 'webm',
  wav: 'wav',
  ipod: 'ipod',
  mp3: 'mp3',
  flac: 'flac',
  ogg: 'ogg',
};
