/**
 * Each step's share of an export's work, for the progress fraction and the ETA: the stages' costs
 * (Stage.weight, seconds per 720p frame or per second of sound) times this clip's frames, frame
 * size and length. A long 1080p clip with video denoising, whose encode takes an hour, then does
 * not show minutes left while its sound is cleaned.
 */
import type { StageWeight } from '../common/progress.js';
import { rationalToNumber, type MediaInfo } from '../media/media-info.js';
import type { AudioFilterStage, AudioPcmStage, CaptionStage, VideoStage } from './stage.js';

/** Decoding and encoding (x264 fast) one 1280x720 frame, and encoding a second of sound alone, in Stage.weight's units. */
const ENCODE_SECONDS_PER_FRAME = 0.012;
const AUDIO_ENCODE_SECONDS_PER_SECOND = 0.003;

export function exportStageWeights(stages: { video: VideoStage[]; filters: AudioFilterStage[]; pcm: AudioPcmStage[]; captions: CaptionStage[] }, media: MediaInfo, withVideo: boolean): StageWeight[] {
  const v = withVideo ? media.video : undefined;
  const seconds = Math.max(1, media.duration);
  const frames = v ? Math.max(1, v.frameCount || Math.round(seconds * (rationalToNumber(v.avgFrameRate) || 30))) : 0;
  const size = Math.max(0.05, v ? (v.width * v.height) / (1280 * 720) : 0);
  const frameUnits = frames * size;
  const weights: StageWeight[] = [];
  // An analysis pass works on a downscaled copy: only decoding grows with the frame size. The
  // stabilizer's, uncached, on 2 cores (2026-11-28): 0.0101 s a frame at 720p, 0.0115 at 1080p,
  // 0.0228 at 4K, 0.0108 at 320x240 (where the fixed costs of loading opencv and the LP solver weigh).
  for (const st of stages.video) if (st.analyze) weights.push({ id: `${st.id}-analyze`, weight: (st.analyzeWeight ?? st.weight / 2) * frames * (0.85 + 0.15 * size), unit: 'frames' });
  for (const x of [...stages.pcm, ...stages.filters, ...stages.captions]) weights.push({ id: x.id, weight: x.weight * seconds, unit: x.progressUnit });
  const encode = v ? (ENCODE_SECONDS_PER_FRAME + stages.video.reduce((a, st) => a + st.weight, 0)) * frameUnits : AUDIO_ENCODE_SECONDS_PER_SECOND * seconds;
  weights.push({ id: 'encode', weight: encode, unit: withVideo ? 'frames' : 'seconds' });
  return weights;
}
