/**
 * A stage is one capability in an export: it declares what it needs and transforms one kind of
 * stream. Capability issues add real stages; the pipeline runs whatever the plan holds.
 */
import type { ProgressEvent } from '../common/progress.js';
import type { AudioStreamInfo, MediaInfo } from '../media/media-info.js';
import type { PcmFormat } from '../media/pcm.js';
import type { FrameStream } from '../media/video-frame.js';
import type { Device } from '../models/session.js';

export interface StageContext {
  media: MediaInfo;
  signal: AbortSignal;
  device: Device;
  /** Report progress in the stage's unit (frames or seconds). */
  report(done: number, total: number): void;
  warn(message: string): void;
  /** Tell the user what the stage chose from the media by itself (no problem: that is warn). */
  note?(message: string): void;
  /** A temporary file path next to the output, removed when the export ends. */
  tempFile(suffix: string): string;
  /**
   * Commit a finished temp file (from tempFile) to `final` together with the main output, after it
   * succeeded; on failure or cancel it is discarded like every temp file.
   */
  commitWithOutput(temp: string, final: string): void;
}

interface StageBase {
  /** Stable id, e.g. "stabilize", "loudnorm". Used in progress and reports. */
  id: string;
  /**
   * Estimated seconds of work per unit on a 2-core laptop, for the overall progress fraction and
   * the ETA: per 1280x720 frame for a video stage (scaled by the clip's frame size and count), per
   * second of sound for an audio or caption stage. Only the ratios matter: the ETA measures this
   * machine's own speed as the first stage runs and scales the rest by it.
   */
  weight: number;
  progressUnit: ProgressEvent['unit'];
}

/** Works on decoded frames. May look ahead (temporal filters) but must keep every frame's pts. */
export interface VideoStage extends StageBase {
  kind: 'video';
  /** Raw format the stage wants frames in (e.g. "yuv420p"); undefined takes the working format. */
  format?: string;
  /** Optional whole-clip pass before rendering (motion analysis); has its own progress stage id. */
  analyze?: (ctx: StageContext) => Promise<void>;
  /** Seconds per 1280x720 frame of `analyze` (as `weight`; default: half of `weight`). */
  analyzeWeight?: number;
  transform(input: FrameStream, ctx: StageContext): FrameStream;
}

/** Runs inside the encoder as an ffmpeg audio filter chain, after an optional measuring pass. */
export interface AudioFilterStage extends StageBase {
  kind: 'audio-filter';
  /**
   * Returns the filter chain for this track, or undefined to leave it untouched. `audio` names the
   * audio the filter will see: the source stream, or the output of the PCM stages when they ran.
   */
  prepare(track: AudioStreamInfo, ctx: StageContext, audio: { file: string; streamIndex: number }): Promise<string | undefined>;
  /** Sample rate the filter's output must be resampled to (loudnorm works at 192 kHz inside). */
  outputSampleRate?: (track: AudioStreamInfo) => number;
}

/** Works on float PCM in TypeScript (speech enhancement). Output must be as long as the input. */
export interface AudioPcmStage extends StageBase {
  kind: 'audio-pcm';
  /** Rate and channel count the stage wants; undefined keeps the track's own. */
  format?: (track: AudioStreamInfo) => PcmFormat;
  process(chunks: AsyncIterable<Float32Array>, format: PcmFormat, ctx: StageContext): AsyncIterable<Float32Array>;
}

/** Captions the encoder puts into the output: a soft subtitle track, burned-in text, or both. */
export interface EncoderSubtitles {
  /** An SRT or ASS file (a temp file of the stage). */
  file: string;
  /** Add it as a subtitle stream (mov_text in MP4/MOV, SubRip in MKV, WebVTT in WebM). */
  track: boolean;
  /** Render it into the picture with libass; the value is an ASS force_style string. */
  burnStyle?: string;
  /** ISO 639-2 language of the track, e.g. "eng". */
  language?: string;
}

/** Produces caption files from the audio (speech to text). Runs before the encode. */
export interface CaptionStage extends StageBase {
  kind: 'captions';
  /** Writes sidecar files through ctx.tempFile and returns [tempPath, finalPath] pairs to commit. */
  run(ctx: StageContext, output: string): Promise<Array<{ temp: string; final: string }>>;
  /** After run(): what the encoder should embed or burn in, if anything. */
  subtitlesForEncoder?: () => EncoderSubtitles | undefined;
}

export type Stage = VideoStage | AudioFilterStage | AudioPcmStage | CaptionStage;
