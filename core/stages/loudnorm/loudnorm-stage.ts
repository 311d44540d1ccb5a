import type { AudioFilterStage, StageContext } from '../../pipeline/stage.js';
import type { AudioStreamInfo } from '../../media/media-info.js';
import { DEFAULT_LOUDNESS, loudnormApplyFilter, measureLoudness, type LoudnessTarget } from './loudness.js';

/** Two-pass EBU R128 normalisation of every audio track to `target` (default -16 LUFS, -1.5 dBTP). */
export function createLoudnormStage(target: Partial<LoudnessTarget> = {}): AudioFilterStage {
  const t: LoudnessTarget = { ...DEFAULT_LOUDNESS, ...target };
  return {
    kind: 'audio-filter',
    id: 'loudnorm',
    // Seconds per second of sound: the measuring pass.
    weight: 0.03,
    progressUnit: 'seconds',
    async prepare(track: AudioStreamInfo, ctx: StageContext, audio: { file: string; streamIndex: number }) {
      const total = track.duration || ctx.media.duration;
      const m = await measureLoudness(audio.file, audio.streamIndex, t, {
        signal: ctx.signal,
        onProgress: (p) => p.outTime !== undefined && ctx.report(Math.min(total, p.outTime), total),
      });
      ctx.report(total, total);
      const filter = loudnormApplyFilter(t, m);
      if (!filter) ctx.warn(`Audio track ${track.index} is silent; loudness normalisation left it unchanged.`);
      return filter;
    },
  };
}
