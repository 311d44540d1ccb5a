/**
 * Which capabilities exist, and the stage each one builds. A capability that has not landed yet
 * is refused with STAGE_NOT_AVAILABLE instead of being ignored.
 */
import { ClearcutError } from '../common/errors.js';
import type { Stage } from '../pipeline/stage.js';
import { createCaptionStage, type CaptionStyle } from './captions/caption-stage.js';
import { checkResidualPlan, createDenoiseAudioStage, type DenoiseModel } from './denoise-audio/denoise-audio-stage.js';
import { createDenoiseVideoStage } from './denoise-video/denoise-video-stage.js';
import { createLoudnormStage } from './loudnorm/loudnorm-stage.js';
import type { LoudnessTarget } from './loudnorm/loudness.js';
import type { BorderMode } from './stabilize/path.js';
import { createStabilizeStage } from './stabilize/stabilize-stage.js';

export type CaptionTarget = 'srt' | 'vtt' | 'burn' | 'track';
/**
 * How stabilization treats deliberate camera motion: follow slow sway ('smooth-motion'), hold the
 * frame still between pans ('steady'), or lock it ('tripod'). Default: 'smooth-motion' where the
 * clip sways, else 'steady' (stabilize/sway.ts).
 */
export type StabilizeCamera = 'smooth-motion' | 'steady' | 'tripod';
export const STABILIZE_CAMERAS: StabilizeCamera[] = ['smooth-motion', 'steady', 'tripod'];

/** The request's stabilization switches for a camera mode (undefined: chosen from the clip). */
export function cameraSwitches(camera: string | undefined): Pick<StageRequest, 'stabilizeTripod' | 'stabilizeSmoothMotion'> {
  return { stabilizeTripod: camera === 'tripod' || undefined, stabilizeSmoothMotion: camera === 'smooth-motion' ? true : camera === 'steady' ? false : undefined };
}
export const CAPTION_TARGETS: CaptionTarget[] = ['srt', 'vtt', 'burn', 'track'];

/** What the user asked for. Strengths are 0..1. */
export interface StageRequest {
  stabilize?: number;
  /** Stabilization borders: 'crop' (default, zoom), 'black', or 'fill' from neighbouring frames. */
  stabilizeBorder?: BorderMode;
  /** Stabilization locks the camera (tripod shot) instead of smoothing its path. */
  stabilizeTripod?: boolean;
  /**
   * Stabilization keeps slow, deliberate camera motion (sway, drift) and removes only the shake
   * (true), or holds the frame still between pans (false); undefined: chosen from the clip's motion.
   */
  stabilizeSmoothMotion?: boolean;
  denoiseVideo?: number;
  /** Noise level for denoiseVideo in 8-bit units (20 = Gaussian σ 20) instead of measuring it. */
  denoiseVideoSigma?: number;
  /**
   * denoiseVideo puts back the clip's own coarse grain where it averages still regions (default
   * true, so a camera's texture survives); false gives a cleaner, grain-free look.
   */
  denoiseVideoKeepGrain?: boolean;
  denoiseAudio?: number;
  /** Speech enhancement model for denoiseAudio (default gtcrn). */
  denoiseAudioModel?: DenoiseModel;
  /** Write what denoiseAudio removed (input minus output) to this WAV file. */
  denoiseAudioResidual?: string;
  captions?: CaptionTarget[];
  /** Look of burned-in captions. */
  captionStyle?: CaptionStyle;
  loudnorm?: boolean | Partial<LoudnessTarget>;
}

export type Capability = 'stabilize' | 'denoise-video' | 'denoise-audio' | 'captions' | 'loudnorm';

export interface CapabilityInfo {
  id: Capability;
  available: boolean;
  needs: 'video' | 'audio';
  description: string;
}

export const CAPABILITIES: CapabilityInfo[] = [
  { id: 'stabilize', available: true, needs: 'video', description: 'Smooth handheld camera shake' },
  { id: 'denoise-video', available: true, needs: 'video', description: 'Remove sensor noise (a temporal network; the clip\'s noise level is measured)' },
  { id: 'denoise-audio', available: true, needs: 'audio', description: 'Clean up speech' },
  { id: 'captions', available: true, needs: 'audio', description: 'Speech to captions (SRT, WebVTT and a JSON transcript)' },
  { id: 'loudnorm', available: true, needs: 'audio', description: 'EBU R128 loudness to -16 LUFS' },
];

/** Capabilities a request asks for. */
export function requestedCapabilities(r: StageRequest): Capability[] {
  const out: Capability[] = [];
  if (r.stabilize !== undefined) out.push('stabilize');
  if (r.denoiseVideo !== undefined) out.push('denoise-video');
  if (r.denoiseAudio !== undefined) out.push('denoise-audio');
  if (r.captions?.length) out.push('captions');
  if (r.loudnorm) out.push('loudnorm');
  return out;
}

/** Build the stages for a request, or throw for capabilities that do not exist yet. */
export function buildStages(r: StageRequest & { input?: string; output?: string; overwrite?: boolean }): Stage[] {
  const missing = requestedCapabilities(r).filter((c) => !CAPABILITIES.find((x) => x.id === c)?.available);
  if (missing.length) {
    throw new ClearcutError('STAGE_NOT_AVAILABLE', `Not available yet in this version of Clearcut: ${missing.map((m) => `--${m}`).join(', ')}. Remove ${missing.length > 1 ? 'these options' : 'this option'} to export without it.`, {
      details: { missing },
    });
  }
  const stages: Stage[] = [];
  // Denoise first: warping would smear the noise into patterns the network was not trained on.
  if (r.denoiseVideo !== undefined) stages.push(createDenoiseVideoStage({ strength: r.denoiseVideo, sigma: r.denoiseVideoSigma === undefined ? undefined : r.denoiseVideoSigma / 255, keepGrain: r.denoiseVideoKeepGrain }));
  if (r.stabilize !== undefined) stages.push(createStabilizeStage({ strength: r.stabilize, border: r.stabilizeBorder, tripod: r.stabilizeTripod, smoothMotion: r.stabilizeSmoothMotion }));
  if (r.denoiseAudio !== undefined) {
    if (r.denoiseAudioResidual) checkResidualPlan(r.denoiseAudioResidual, r);
    stages.push(createDenoiseAudioStage({ strength: r.denoiseAudio, model: r.denoiseAudioModel, residualPath: r.denoiseAudioResidual, overwrite: r.overwrite }));
  }
  if (r.loudnorm) stages.push(createLoudnormStage(typeof r.loudnorm === 'object' ? r.loudnorm : {}));
  if (r.captions?.length) stages.push(createCaptionStage({ targets: r.captions, style: r.captionStyle }));
  return stages;
}
