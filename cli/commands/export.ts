/** `clearcut export <input...> [-o <output>] [stages] [encoder] [--json]`; without -o, next to each input as <name>_clean.<ext>. */
import { existsSync } from 'node:fs';
import type { Command } from 'commander';
import { ClearcutError, toClearcutError, UsageError } from '../../core/common/errors.js';
import { VIDEO_CODECS, type VideoCodec } from '../../core/media/formats.js';
import { runExport } from '../../core/pipeline/run-export.js';
import type { ProgressEvent } from '../../core/common/progress.js';
import type { ExportRequest } from '../../core/pipeline/export-request.js';
import type { BorderMode } from '../../core/stages/stabilize/path.js';
import { DEVICES, type Device } from '../../core/models/session.js';
import { defaultOutputPath } from '../../core/jobs/output-naming.js';
import { loadPreset, type Preset } from '../../core/presets/presets.js';
import type { CaptionStyle } from '../../core/stages/captions/caption-stage.js';
import { cameraSwitches, CAPTION_TARGETS, type CaptionTarget } from '../../core/stages/index.js';
import { DENOISE_MODELS, type DenoiseModel } from '../../core/stages/denoise-audio/denoise-audio-stage.js';
import type { Reporter } from '../progress-view.js';
import { BatchEta } from '../batch-progress.js';
import { probeMedia } from '../../core/media/probe.js';

export interface ExportFlags {
  output?: string;
  stabilize?: string | boolean;
  stabilizeBorder?: string;
  tripod?: boolean;
  smoothMotion?: boolean;
  denoiseVideo?: string | boolean;
  denoiseVideoSigma?: string;
  /** Commander's --no-keep-grain: false when given. */
  keepGrain?: boolean;
  denoiseAudio?: string | boolean;
  denoiseAudioModel?: string;
  denoiseAudioResidual?: string;
  captions?: string;
  captionStyle?: string;
  loudnorm?: string | boolean;
  preset?: string;
  codec?: string;
  crf?: string;
  speed?: string;
  overwrite?: boolean;
  device?: string;
}

/** `--denoise-video-sigma 20`: a known noise level, 8-bit units. */
export function parseNoiseSigma(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isFinite(n) || n < 0 || n > 60) throw new UsageError(`--denoise-video-sigma takes a noise level from 0 to 60 (8-bit units), not "${value}".`);
  return n;
}

export const STABILIZE_BORDERS: BorderMode[] = ['crop', 'black', 'fill'];

/** `--stabilize-border crop|black|fill`. */
export function parseStabilizeBorder(value: string | undefined): BorderMode | undefined {
  if (value === undefined) return undefined;
  if (!STABILIZE_BORDERS.includes(value as BorderMode)) throw new UsageError(`--stabilize-border takes ${STABILIZE_BORDERS.join(', ')}, not "${value}".`);
  return value as BorderMode;
}

/** "--stabilize" alone means the default strength; "--stabilize=0.3" a given one (0..1). */
export function parseStrength(flag: string, value: string | boolean | undefined, fallback: number): number | undefined {
  if (value === undefined || value === false) return undefined;
  if (value === true) return fallback;
  const n = Number(value);
  if (!Number.isFinite(n) || n < 0 || n > 1) throw new UsageError(`--${flag} takes a strength from 0 to 1, not "${value}".`);
  return n;
}

/** "size=6,position=top,color=#ffcc00,box" -> CaptionStyle. */
export function parseCaptionStyle(value: string | undefined): CaptionStyle | undefined {
  if (!value) return undefined;
  const style: CaptionStyle = {};
  for (const part of value.split(',').map((p) => p.trim()).filter(Boolean)) {
    const [key, raw] = part.split('=');
    if (key === 'size' && Number(raw) > 0 && Number(raw) <= 20) style.fontSize = Number(raw);
    else if (key === 'position' && (raw === 'top' || raw === 'bottom')) style.position = raw;
    else if (key === 'color' && /^#?[0-9a-f]{6}$/i.test(raw ?? '')) style.color = raw!.startsWith('#') ? raw : `#${raw}`;
    else if (key === 'box' && raw === undefined) style.box = true;
    else throw new UsageError(`--caption-style takes size=<1..20 % of height>, position=top|bottom, color=#rrggbb and box; "${part}" is not one of them.`);
  }
  return style;
}

export function parseCaptions(value: string | undefined): CaptionTarget[] | undefined {
  if (!value) return undefined;
  const items = value.split(',').map((s) => s.trim()).filter(Boolean);
  const bad = items.filter((i) => !CAPTION_TARGETS.includes(i as CaptionTarget));
  if (bad.length) throw new UsageError(`--captions takes ${CAPTION_TARGETS.join(',')}; "${bad.join(',')}" is not one of them.`);
  return items as CaptionTarget[];
}

/** Turn flags (over an optional preset) into an ExportRequest. Flags win over the preset. */
export function requestFromFlags(input: string, flags: ExportFlags): ExportRequest {
  const preset: Preset | undefined = flags.preset ? loadPreset(flags.preset) : undefined;
  const st = preset?.stages ?? {};
  const codec = flags.codec ?? preset?.encoder.codec;
  if (codec && !VIDEO_CODECS.includes(codec as VideoCodec)) throw new UsageError(`--codec takes ${VIDEO_CODECS.join(', ')}, not "${codec}".`);
  // Without -o the result goes next to the input, named as the app and the watch folder name it.
  const base = preset ?? loadPreset('default');
  const output = flags.output ?? defaultOutputPath(input, { ...base, encoder: { ...base.encoder, codec: codec as VideoCodec | undefined } }, { overwrite: flags.overwrite, exists: existsSync });
  const crf = flags.crf !== undefined ? Number(flags.crf) : preset?.encoder.crf;
  if (crf !== undefined && (!Number.isFinite(crf) || crf < 0 || crf > 63)) throw new UsageError(`--crf takes a number from 0 to 63, not "${flags.crf}".`);
  if (flags.device && !DEVICES.includes(flags.device as Device)) throw new UsageError(`--device takes ${DEVICES.join(', ')}, not "${flags.device}".`);
  if (flags.denoiseAudioModel !== undefined && !DENOISE_MODELS.includes(flags.denoiseAudioModel as DenoiseModel)) {
    throw new UsageError(`--denoise-audio-model takes ${DENOISE_MODELS.join(' or ')}, not "${flags.denoiseAudioModel}".`);
  }
  let loudnorm: ExportRequest['loudnorm'] = st.loudnorm;
  if (flags.loudnorm !== undefined && flags.loudnorm !== false) {
    if (flags.loudnorm === true) loudnorm = true;
    else {
      const lufs = Number(flags.loudnorm);
      if (!Number.isFinite(lufs) || lufs > -5 || lufs < -70) throw new UsageError(`--loudnorm takes a target in LUFS from -70 to -5 (default -16), not "${flags.loudnorm}".`);
      loudnorm = { integrated: lufs };
    }
  }
  if (flags.tripod && flags.smoothMotion !== undefined) throw new UsageError(`--tripod locks the camera and --${flags.smoothMotion ? '' : 'no-'}smooth-motion chooses how to follow it: choose one.`);
  return {
    input,
    output,
    // --tripod, --[no-]smooth-motion and --stabilize-border ask for stabilization too (at the default strength).
    stabilize: parseStrength('stabilize', flags.stabilize, 0.5) ?? st.stabilize ?? (flags.tripod || flags.smoothMotion !== undefined || flags.stabilizeBorder !== undefined ? 0.5 : undefined),
    stabilizeBorder: parseStabilizeBorder(flags.stabilizeBorder),
    // A flag wins over the preset's camera mode (both flags together were refused above).
    ...cameraSwitches(flags.tripod ? 'tripod' : flags.smoothMotion === undefined ? st.stabilizeCamera : flags.smoothMotion ? 'smooth-motion' : 'steady'),
    // --no-keep-grain asks for video denoising too (at the default strength).
    denoiseVideo: parseStrength('denoise-video', flags.denoiseVideo, 0.5) ?? st.denoiseVideo ?? (flags.keepGrain === false ? 0.5 : undefined),
    denoiseVideoSigma: parseNoiseSigma(flags.denoiseVideoSigma),
    denoiseVideoKeepGrain: flags.keepGrain === false ? false : st.denoiseVideoKeepGrain,
    denoiseAudio: parseStrength('denoise-audio', flags.denoiseAudio, 0.8) ?? st.denoiseAudio,
    denoiseAudioModel: flags.denoiseAudioModel as DenoiseModel | undefined,
    denoiseAudioResidual: flags.denoiseAudioResidual,
    captions: parseCaptions(flags.captions) ?? (st.captions as CaptionTarget[] | undefined),
    captionStyle: parseCaptionStyle(flags.captionStyle),
    loudnorm,
    codec: codec as VideoCodec | undefined,
    crf,
    preset: flags.speed ?? preset?.encoder.speed,
    overwrite: !!flags.overwrite,
    device: flags.device as Device | undefined,
  };
}

/**
 * Export each input in turn. With several inputs a failed clip is reported and the rest still run
 * (a creator's batch should not stop at the first odd file); the command then ends with
 * BATCH_INCOMPLETE naming what failed. Cancelling stops the batch: finished results stay, the
 * clip in progress leaves nothing behind (run-export.ts).
 */
export async function exportAll(inputs: string[], flags: ExportFlags, reporter: Reporter, signal: AbortSignal): Promise<void> {
  if (inputs.length > 1 && flags.output) throw new UsageError(`-o names one file, and ${inputs.length} inputs were given: leave -o out and each result goes next to its input as <name>_clean.<ext>.`);
  if (inputs.length > 1 && flags.denoiseAudioResidual) throw new UsageError('--denoise-audio-residual names one file: give it with one input at a time.');
  // Check every input's flags before the first export starts, so a typo does not surface after an hour.
  for (const input of inputs) requestFromFlags(input, flags);
  const batch = inputs.length > 1 ? new BatchEta(inputs) : undefined;
  if (batch) void probeDurations(inputs, batch, signal);
  const failed: string[] = [];
  for (const [i, input] of inputs.entries()) {
    if (batch) reporter.info(`[${i + 1}/${inputs.length}] ${input}`);
    const progress = (e: ProgressEvent): void => reporter.progress(e, batch?.position(i, e));
    try {
      // Named now, not up front: a default name then skips what earlier clips of the batch wrote.
      await exportOne(requestFromFlags(input, flags), reporter, progress, signal);
      batch?.finish(i, true);
    } catch (e) {
      const err = toClearcutError(e);
      if (!batch || err.code === 'CANCELLED') throw err;
      batch.finish(i, false);
      reporter.error(err.toJSON());
      failed.push(input);
    }
  }
  if (failed.length) throw new ClearcutError('BATCH_INCOMPLETE', `${failed.length} of ${inputs.length} clips failed (${failed.join(', ')}); the other results were written.`, { details: { failed } });
}

/** The batch's clip durations, for its time left; a clip that cannot be probed fails on its turn. */
async function probeDurations(inputs: string[], batch: BatchEta, signal: AbortSignal): Promise<void> {
  for (const [i, input] of inputs.entries()) {
    if (signal.aborted) return;
    try {
      batch.setDuration(i, (await probeMedia(input, { signal })).duration);
    } catch {
      // Not media, or missing: it fails on its turn, at once, so it adds no time to the batch.
      batch.setDuration(i, 0);
    }
  }
}

async function exportOne(req: ExportRequest, reporter: Reporter, onProgress: (e: ProgressEvent) => void, signal: AbortSignal): Promise<void> {
  const summary = await runExport({ ...req, signal, onProgress, onWarning: (m) => reporter.warning(m) });
  const stageLines = [...summary.stages.map((s) => `  ${s.stage.padEnd(22)} ${s.seconds.toFixed(2)} s`), ...summary.notes.map((n) => `  note: ${n}`)].join('\n');
  reporter.result('summary', {
    ...summary,
    text: `Wrote ${summary.output}\n  ${summary.duration.toFixed(2)} s of media, ${summary.video === 'copied' ? 'video copied untouched' : summary.video === 'none' ? 'audio only' : `${summary.frames} frames encoded`}, in ${summary.wallSeconds.toFixed(2)} s\n${stageLines}${summary.warnings.length ? `\n  ${summary.warnings.length} warning(s) above` : ''}`,
  });
}

export function registerExport(program: Command, run: (fn: (reporter: Reporter, signal: AbortSignal) => Promise<void>) => Promise<void>): void {
  program
    .command('export')
    .description('Enhance clips and write the results')
    .argument('<inputs...>', 'video or audio files; with several, each result goes next to its input and one failure does not stop the rest')
    .option('-o, --output <file>', 'where to write the result (.mp4 .mov .mkv .webm, or .wav .m4a .mp3 .flac .ogg for audio only); default: next to the input, named <name>_clean.<ext> (or <name>_clean-2.<ext> when that is taken)')
    .option('--stabilize [strength]', 'smooth camera shake, strength 0..1 (default 0.5)')
    .option('--stabilize-border <mode>', 'stabilized borders: crop (zoom, default), black, or fill (from neighbouring frames)')
    .option('--tripod', 'stabilize by locking the camera in place (a tripod shot)')
    .option('--smooth-motion', 'stabilize but keep slow, deliberate camera motion (sway, drift); remove only the shake (default where the clip sways)')
    .option('--no-smooth-motion', 'stabilize holding the frame still between pans, even where the clip sways')
    .option('--denoise-video [strength]', 'remove video noise, strength 0..1 (default 0.5)')
    .option('--denoise-video-sigma <n>', "the clip's noise level in 8-bit units (Gaussian σ, 1..60) instead of measuring it")
    .option('--no-keep-grain', "denoise video to a clean, grain-free look (by default the clip's own coarse grain is kept where still parts are averaged)")
    .option('--denoise-audio [strength]', 'clean up speech, strength 0..1 (default 0.8)')
    .option('--denoise-audio-model <model>', `speech enhancement model: ${DENOISE_MODELS.join(' or ')} (default gtcrn)`)
    .option('--denoise-audio-residual <file.wav>', 'also write what --denoise-audio removed, as a WAV file')
    .option('--captions <targets>', `captions: any of ${CAPTION_TARGETS.join(',')}`)
    .option('--caption-style <style>', 'burned-in look: size=<% of height>,position=top|bottom,color=#rrggbb,box')
    .option('--loudnorm [lufs]', 'normalise loudness (EBU R128), default -16 LUFS')
    .option('--preset <name>', 'a built-in preset name or a preset .json file')
    .option('--codec <codec>', `video codec: ${VIDEO_CODECS.join(', ')} (default h264, or 10-bit h265 for a 10-bit or HDR source; vp9 for .webm)`)
    .option('--crf <n>', 'constant quality, lower is better (h264 default 20)')
    .option('--speed <preset>', 'encoder speed preset, ultrafast..veryslow (default fast)')
    .option('--overwrite', 'replace the output if it exists')
    .option('--device <device>', `inference device: ${DEVICES.join(', ')} (default cpu)`)
    .option('--json', 'print progress and the result as JSON lines')
    .action(async (inputs: string[], flags: ExportFlags) => {
      await run((reporter, signal) => exportAll(inputs, flags, reporter, signal));
    });
}
