/**
 * `clearcut export in.mp4 -o out.srt --captions srt`: the output is a caption file, so nothing is
 * re-encoded: the audio is decoded once for speech recognition and the captions are written
 * straight to the output (plus any other sidecar formats asked for, next to it). Audio-only
 * inputs (wav, mp3, m4a) work the same way. run-export hands such requests here.
 */
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { CancelledError, MediaError, UsageError } from '../common/errors.js';
import { ProgressTracker } from '../common/progress.js';
import { probeMedia } from '../media/probe.js';
import { captionMedia, renderSidecar, sidecarFormats, sidecarPath } from '../stages/captions/caption-stage.js';
import type { SidecarFormat } from '../stages/captions/formats.js';
import type { ExportRequest, ExportSummary } from './export-request.js';
import { OutputTarget } from './output-target.js';

const CAPTION_EXTENSIONS: Record<string, SidecarFormat> = { '.srt': 'srt', '.vtt': 'vtt', '.json': 'json' };

/** The caption format an output path names (.srt, .vtt, .json), or undefined for media outputs. */
export function captionOutputFormat(output: string): SidecarFormat | undefined {
  return CAPTION_EXTENSIONS[path.extname(output).toLowerCase()];
}

/** True when run-export should route the request here instead of encoding. */
export function isCaptionsOnlyRequest(req: Pick<ExportRequest, 'output'>): boolean {
  return captionOutputFormat(req.output) !== undefined;
}

export async function runCaptionsOnly(req: ExportRequest): Promise<ExportSummary> {
  const t0 = performance.now();
  const format = captionOutputFormat(req.output);
  if (!format) throw new UsageError(`${req.output} is not a caption file (.srt, .vtt or .json).`);
  const other = ['stabilize', 'denoiseVideo', 'denoiseAudio', 'loudnorm'].filter((k) => req[k as keyof ExportRequest] !== undefined && req[k as keyof ExportRequest] !== false);
  if (other.length) throw new UsageError(`The output ${req.output} is a caption file, so only --captions applies; remove ${other.map((k) => `--${k.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`).join(', ')} or write a media file.`);
  const targets = req.captions ?? [];
  if (targets.includes('burn') || targets.includes('track')) throw new UsageError(`--captions burn and track need a video output; ${req.output} is a caption file.`);
  if (format !== 'json' && !targets.includes(format)) targets.push(format);
  const signal = req.signal ?? new AbortController().signal;
  const warnings: string[] = [];
  const media = await probeMedia(req.input, { signal });
  if (media.audio.length === 0) throw new MediaError('NO_AUDIO_STREAM', `${media.file} has no audio, but captions need speech.`, { file: media.file });
  const formats = [...new Set<SidecarFormat>([format, ...sidecarFormats(targets)])];
  const finals = formats.map((f) => (f === format ? path.resolve(req.output) : sidecarPath(path.resolve(req.output), f)));
  const target = await OutputTarget.prepare(req.output, [req.input], { overwrite: req.overwrite });
  const tracker = new ProgressTracker([{ id: 'captions', weight: 1, unit: 'seconds' }], req.onProgress);
  const s = performance.now();
  try {
    const result = await captionMedia(media, { signal, device: req.device ?? 'cpu', report: (d, t) => tracker.update('captions', d, t, d >= t) });
    if (result.cues.length === 0) {
      const m = `No speech was heard in ${media.file}; the caption file is empty.`;
      warnings.push(m);
      req.onWarning?.(m);
    }
    const temps = await Promise.all(
      formats.map(async (f) => {
        const temp = target.tempPath(`.${f}`);
        await writeFile(temp, renderSidecar(f, result));
        return temp;
      }),
    );
    for (let i = 0; i < formats.length; i++) await target.commit(temps[i]!, finals[i]);
    return {
      input: media.file,
      output: target.file,
      duration: media.duration,
      frames: 0,
      wallSeconds: Math.round(performance.now() - t0) / 1000,
      stages: [{ stage: 'captions', seconds: Math.round(performance.now() - s) / 1000 }],
      warnings,
      notes: [],
      sidecars: finals.filter((f) => f !== target.file),
      video: 'none',
    };
  } catch (e) {
    await target.discard();
    if (signal.aborted) throw new CancelledError();
    throw target.nameFinalIn(e);
  } finally {
    await target.discard();
  }
}
