/** What a probe learns about a file. Times are in seconds; rates are exact rationals. */

export interface Rational {
  num: number;
  den: number;
}

export interface ColorInfo {
  /** e.g. "tv" (limited) or "pc" (full) */
  range?: string;
  /** matrix coefficients, e.g. "bt709", "bt2020nc" */
  space?: string;
  primaries?: string;
  transfer?: string;
}

export interface VideoStreamInfo {
  kind: 'video';
  /** Index of the stream in the file (what -map 0:N uses). */
  index: number;
  codec: string;
  width: number;
  height: number;
  pixelFormat: string;
  /** Bits per component, from the pixel format (8, 10, 12, 16). */
  bitDepth: number;
  /** Nominal rate (r_frame_rate) and the average over the stream. */
  frameRate: Rational;
  avgFrameRate: Rational;
  /** True when frame durations vary (phone clips often do). */
  variableFrameRate: boolean;
  timeBase: Rational;
  startTime: number;
  duration: number;
  /** Expected number of frames (from the container or duration × rate). */
  frameCount: number;
  /** Clockwise rotation a player applies for display: 0, 90, 180 or 270. */
  rotation: number;
  color: ColorInfo;
  sampleAspectRatio?: Rational;
  /** An attached picture (cover art) rather than real video. */
  attachedPicture: boolean;
  /**
   * Interlaced video (camcorders, DV, broadcast): ffprobe's field order, "tt" or "tb" when the top
   * field comes first, "bb" or "bt" when the bottom one does. Absent or "progressive" otherwise.
   */
  fieldOrder?: string;
  /** The start timecode a camera recorded ("01:00:00:00"), from the video stream or its timecode track. */
  timecode?: string;
}

/** Whether a stream stores two fields per frame. */
export function isInterlaced(v: Pick<VideoStreamInfo, 'fieldOrder'> | undefined): boolean {
  return v?.fieldOrder === 'tt' || v?.fieldOrder === 'tb' || v?.fieldOrder === 'bb' || v?.fieldOrder === 'bt';
}

/** Whether the bottom field is shown first ("bb": DV; "tb": top coded first, bottom shown first). */
export function bottomFieldFirst(v: Pick<VideoStreamInfo, 'fieldOrder'>): boolean {
  return v.fieldOrder === 'bb' || v.fieldOrder === 'tb';
}

export interface AudioStreamInfo {
  kind: 'audio';
  index: number;
  codec: string;
  sampleRate: number;
  channels: number;
  channelLayout?: string;
  startTime: number;
  duration: number;
  language?: string;
  title?: string;
  isDefault: boolean;
}

export interface SubtitleStreamInfo {
  kind: 'subtitle';
  index: number;
  codec: string;
  language?: string;
  /** Text subtitles can move between MP4 (mov_text) and MKV (subrip/ass); bitmap ones cannot go to MP4. */
  isText: boolean;
}

export interface OtherStreamInfo {
  kind: 'data' | 'attachment' | 'unknown';
  index: number;
  codec: string;
}

export type StreamInfo = VideoStreamInfo | AudioStreamInfo | SubtitleStreamInfo | OtherStreamInfo;

/** A stream that is neither video, audio nor subtitles (data tracks, attachments). */
export const isOtherStream = (s: StreamInfo): s is OtherStreamInfo => s.kind === 'data' || s.kind === 'attachment' || s.kind === 'unknown';

export interface MediaInfo {
  file: string;
  /** Container names as ffprobe gives them, e.g. "mov,mp4,m4a,3gp,3g2,mj2". */
  formatName: string;
  duration: number;
  startTime: number;
  sizeBytes: number;
  bitRate?: number;
  streams: StreamInfo[];
  /** The main video stream (first non-cover-art video), if any. */
  video?: VideoStreamInfo;
  audio: AudioStreamInfo[];
  subtitles: SubtitleStreamInfo[];
}

export const rationalToNumber = (r: Rational): number => (r.den ? r.num / r.den : 0);

/** Frames per second for display: the stream's average, or its nominal rate where the average is unknown (0/0). */
export const displayFps = (v: Pick<VideoStreamInfo, 'avgFrameRate' | 'frameRate'>): number => rationalToNumber(v.avgFrameRate) || rationalToNumber(v.frameRate);

/**
 * Seconds an audio track begins after the source's start (0 when it starts with it). A decoded
 * track's sample 0 lies this far into the output's timeline.
 */
export function audioLead(media: Pick<MediaInfo, 'startTime' | 'audio'>, sourceIndex: number): number {
  const a = media.audio.find((s) => s.index === sourceIndex);
  if (!a || !Number.isFinite(a.startTime) || !Number.isFinite(media.startTime)) return 0;
  return Math.max(0, a.startTime - media.startTime);
}
