/**
 * EBU R128 loudness normalisation with ffmpeg's loudnorm in two passes: measure the whole track,
 * then apply a linear gain (no pumping) with true-peak limiting. Default target -16 LUFS, the level
 * creators' platforms (YouTube, Spotify podcasts, Apple) recommend for spoken content.
 */
import { EngineError } from '../../common/errors.js';
import { runFluentJob } from '../../media/fluent-job.js';
import type { FfmpegProgress } from '../../media/ffmpeg-progress.js';

export interface LoudnessTarget {
  /** Integrated loudness, LUFS (-70..-5). */
  integrated: number;
  /** Maximum true peak, dBTP (-9..0). */
  truePeak: number;
  /** Loudness range, LU (1..20). */
  range: number;
}

export const DEFAULT_LOUDNESS: LoudnessTarget = { integrated: -16, truePeak: -1.5, range: 11 };

export interface LoudnessMeasurement {
  inputI: number;
  inputTP: number;
  inputLRA: number;
  inputThresh: number;
  targetOffset: number;
}

/** Pull loudnorm's JSON report out of its stderr lines. */
export function parseLoudnormReport(lines: string[]): LoudnessMeasurement | undefined {
  const text = lines.join('\n');
  const start = text.lastIndexOf('{');
  const end = text.indexOf('}', start);
  if (start < 0 || end < 0) return undefined;
  try {
    const j = JSON.parse(text.slice(start, end + 1)) as Record<string, string>;
    // Silence is reported as "-inf"; keep it as -Infinity rather than NaN.
    const n = (s: string): number => (s === '-inf' ? -Infinity : s === 'inf' ? Infinity : Number(s));
    const m = {
      inputI: n(j.input_i),
      inputTP: n(j.input_tp),
      inputLRA: n(j.input_lra),
      inputThresh: n(j.input_thresh),
      targetOffset: n(j.target_offset),
    };
    return Object.values(m).every((v) => !Number.isNaN(v)) ? m : undefined;
  } catch {
    return undefined;
  }
}

const filterBase = (t: LoudnessTarget): string => `loudnorm=I=${t.integrated}:TP=${t.truePeak}:LRA=${t.range}`;

/** First pass: measure a track's loudness. */
export async function measureLoudness(file: string, streamIndex: number, target: LoudnessTarget, opts: { signal?: AbortSignal; onProgress?: (p: FfmpegProgress) => void } = {}): Promise<LoudnessMeasurement> {
  const lines = await runFluentJob({
    input: file,
    outputOptions: ['-map', `0:${streamIndex}`, '-af', `${filterBase(target)}:print_format=json`],
    output: '-',
    format: 'null',
    signal: opts.signal,
    onProgress: opts.onProgress,
    what: 'measure loudness',
  });
  const m = parseLoudnormReport(lines);
  if (!m) throw new EngineError('FFMPEG_FAILED', `loudnorm gave no measurement for ${file} (stream ${streamIndex}).`, { file });
  return m;
}

/**
 * Second pass: a constant gain to the target, plus a peak limiter when the gain would push peaks
 * past the ceiling. This is what loudnorm's linear mode does, but loudnorm falls back to its
 * dynamic mode (audible pumping, and no effect at all on clips under 3 s) whenever the peaks do
 * not fit; a fixed gain with a fast limiter keeps speech natural at any length.
 * Silence measures as -inf; then no gain is applied at all rather than amplifying noise.
 */
export function loudnormApplyFilter(target: LoudnessTarget, m: LoudnessMeasurement): string | undefined {
  if (!Number.isFinite(m.inputI) || m.inputI < -69) return undefined;
  const gain = Math.round((target.integrated - m.inputI) * 100) / 100;
  const peakAfter = m.inputTP + gain;
  const volume = `volume=${gain}dB`;
  if (peakAfter <= target.truePeak) return volume;
  // Leave 0.5 dB for inter-sample peaks the sample-peak limiter does not see.
  const ceiling = Math.pow(10, (target.truePeak - 0.5) / 20).toFixed(4);
  return `${volume},alimiter=limit=${ceiling}:attack=5:release=50:level=0`;
}
