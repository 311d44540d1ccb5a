import type { ProgressListener } from '../common/progress.js';
import type { VideoCodec } from '../media/formats.js';
import type { Device } from '../models/session.js';
import type { StageRequest } from '../stages/index.js';

/** One export: an input, an output, the stages asked for and how to encode. */
export interface ExportRequest extends StageRequest {
  input: string;
  output: string;
  /**
   * Video codec. When no video stage runs and no codec, crf or preset is given, the source video
   * is copied untouched; otherwise it defaults to the container's natural codec (H.264, VP9 for WebM).
   */
  codec?: VideoCodec;
  /** Constant quality (lower is better); per-codec default. */
  crf?: number;
  /** Encoder speed preset (ultrafast..veryslow). */
  preset?: string;
  overwrite?: boolean;
  /**
   * Leave out, with a warning, the stages the input has no stream for, instead of refusing the
   * input: a preset applied to a folder of mixed clips cleans the speech of the clips that have
   * sound and stabilizes the ones that have a picture. Off for a single export, where asking for
   * a stage the clip cannot take is an error (NO_AUDIO_STREAM, NO_VIDEO_STREAM).
   */
  skipUnfitStages?: boolean;
  device?: Device;
  signal?: AbortSignal;
  onProgress?: ProgressListener;
  onWarning?: (message: string) => void;
  /**
   * Route frames through Node even when no video stage needs them (benchmarks and tests of the
   * frame path). Normally an export without video stages lets one ffmpeg decode and encode.
   */
  pipeFrames?: boolean;
  /** Extra stages (tests, later capabilities) appended after the built ones. */
  extraStages?: import('./stage.js').Stage[];
}

export interface StageTiming {
  stage: string;
  seconds: number;
}

export interface ExportSummary {
  input: string;
  output: string;
  /** Media duration of the output, seconds. */
  duration: number;
  frames: number;
  /** What happened to the video: re-encoded, copied untouched (no stage changed it), or none. */
  video: 'encoded' | 'copied' | 'none';
  wallSeconds: number;
  stages: StageTiming[];
  warnings: string[];
  /** What stages chose from the media by themselves (e.g. stabilization's camera mode). */
  notes: string[];
  sidecars: string[];
}
