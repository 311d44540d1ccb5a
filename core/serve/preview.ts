/**
 * Before/after previews: cut the region once as H.264 ("before"), run the chosen stages on that cut
 * ("after", also H.264). Only the newest preview matters, so starting one cancels the last.
 */
import { mkdir, rm } from 'node:fs/promises';
import path from 'node:path';
import { SHALLOW_H264 } from '../media/formats.js';
import type { MediaInfo } from '../media/media-info.js';
import { runExport } from '../pipeline/run-export.js';
import { cameraSwitches } from '../stages/index.js';
import { analyzeClipMotion } from '../stages/stabilize/motion-cache.js';
import { followsSway } from '../stages/stabilize/stabilize-stage.js';
import { cutExcerpt } from './media-tools.js';
import type { PreviewFiles, PreviewJob } from './types.js';

const SWAY_NOTE = 'The camera sways, so stabilization (Automatic) follows its slow motion and removes only the shake, as the export will.';

export class PreviewRenderer {
  private current?: AbortController;
  private counter = 0;

  /** motionCacheDir: where the whole clip's camera motion is cached (default: the export's cache, which then reuses it). */
  constructor(
    private readonly folder: string,
    private readonly motionCacheDir?: string,
  ) {}

  /**
   * Stabilization's Automatic camera mode, decided as the export decides it: on the whole clip's
   * motion. A few seconds cannot tell a slow sway from shake, so an excerpt alone held the frame
   * still where the export follows the sway. The analysis is cached by content, so the export reuses it.
   */
  private async camera(media: MediaInfo, job: PreviewJob, signal: AbortSignal): Promise<PreviewJob['stabilizeCamera']> {
    if (job.stabilize === undefined || job.stabilize <= 0 || job.stabilizeCamera !== undefined || !media.video) return job.stabilizeCamera;
    const motion = await analyzeClipMotion(media, { signal, cacheDir: this.motionCacheDir });
    return followsSway(motion, media.video) ? 'smooth-motion' : 'steady';
  }

  async render(media: MediaInfo, job: PreviewJob): Promise<PreviewFiles> {
    this.current?.abort();
    const controller = new AbortController();
    this.current = controller;
    const signal = controller.signal;
    const n = ++this.counter;
    const dir = path.join(this.folder, `preview-${n}`);
    // Earlier previews are no longer shown; keep only the one before (it may still be playing).
    await rm(path.join(this.folder, `preview-${n - 2}`), { recursive: true, force: true });
    await mkdir(dir, { recursive: true });
    const duration = Math.max(0.5, Math.min(job.duration, media.duration - Math.min(job.start, Math.max(0, media.duration - 0.5))));
    const start = Math.max(0, Math.min(job.start, media.duration - duration));
    const ext = media.video ? '.mp4' : '.m4a';
    const before = path.join(dir, `before${ext}`);
    const camera = await this.camera(media, job, signal);
    await cutExcerpt(media, start, duration, before, { signal });
    const after = path.join(dir, `after${ext}`);
    const removedNoise = job.denoiseAudio !== undefined && media.audio.length ? path.join(dir, 'removed-noise.wav') : undefined;
    const videoStage = job.stabilize !== undefined || job.denoiseVideo !== undefined;
    const summary = await runExport({
      input: before,
      output: after,
      stabilize: job.stabilize,
      ...cameraSwitches(camera),
      denoiseVideo: job.denoiseVideo,
      denoiseAudio: job.denoiseAudio,
      denoiseAudioResidual: removedNoise,
      loudnorm: job.loudnorm,
      captions: job.captions && media.audio.length ? ['vtt'] : undefined,
      ...(videoStage ? { codec: 'h264' as const, preset: 'veryfast', crf: 18 } : {}),
      signal,
    });
    const captionsVtt = summary.sidecars.find((s) => s.endsWith('.vtt'));
    const notes = job.stabilizeCamera === undefined && camera === 'smooth-motion' ? [SWAY_NOTE] : [];
    // The preview is H.264 so the app can play it; the export keeps 10 bits, so that warning is not the preview's.
    const warnings = summary.warnings.filter((w) => !w.includes(SHALLOW_H264));
    return { before, after, removedNoise, captionsVtt, start, duration, camera, notes, warnings };
  }

  cancel(): void {
    this.current?.abort();
  }
}
