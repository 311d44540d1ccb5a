/**
 * Before/after previews: cut the region once as H.264 ("before"), run the chosen stages on that cut
 * ("after", also H.264). Only the newest preview matters, so starting one cancels the last.
 *
 * With stabilization on Automatic, the first preview of a clip analyses the whole clip's motion,
 * which takes minutes on a long clip; progress (with an ETA) covers that analysis, the cut and the
 * render, and the preview can be cancelled by its id.
 */
import { mkdir, rm } from 'node:fs/promises';
import path from 'node:path';
import { ProgressTracker, type ProgressListener, type StageWeight } from '../common/progress.js';
import { SHALLOW_H264 } from '../media/formats.js';
import type { MediaInfo } from '../media/media-info.js';
import { runExport } from '../pipeline/run-export.js';
import { cameraSwitches } from '../stages/index.js';
import { analyzeClipMotion } from '../stages/stabilize/motion-cache.js';
import { followsSway, pathFps } from '../stages/stabilize/stabilize-stage.js';
import { cutExcerpt } from './media-tools.js';
import type { PreviewFiles, PreviewJob } from './types.js';

const SWAY_NOTE = 'The camera sways, so stabilization (Automatic) follows its slow motion and removes only the shake, as the export will.';

/** Relative cost per frame of the preview's phases (one-off timings at 720p: the analysis decodes at about 85 fps). */
const ANALYSIS_WEIGHT = 1;
const CUT_WEIGHT = 2;
const RENDER_WEIGHT = 3;
const DENOISE_VIDEO_WEIGHT = 20;

export interface PreviewOptions {
  /** The caller's name for this preview: cancel(id) stops it. */
  id?: string;
  onProgress?: ProgressListener;
}

export class PreviewRenderer {
  private current?: { controller: AbortController; id?: string };
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
  private async camera(media: MediaInfo, job: PreviewJob, signal: AbortSignal, progress: ProgressTracker): Promise<PreviewJob['stabilizeCamera']> {
    if (!needsClipMotion(media, job)) return job.stabilizeCamera;
    const motion = await analyzeClipMotion(media, { signal, cacheDir: this.motionCacheDir, report: (done, total) => progress.update('analyze-clip-motion', done, total, done === total) });
    return followsSway(motion, media.video!) ? 'smooth-motion' : 'steady';
  }

  async render(media: MediaInfo, job: PreviewJob, opts: PreviewOptions = {}): Promise<PreviewFiles> {
    this.current?.controller.abort();
    const controller = new AbortController();
    this.current = { controller, id: opts.id };
    const signal = controller.signal;
    const n = ++this.counter;
    const dir = path.join(this.folder, `preview-${n}`);
    // Earlier previews are no longer shown; keep only the one before (it may still be playing).
    await rm(path.join(this.folder, `preview-${n - 2}`), { recursive: true, force: true });
    // A restarted engine (after a crash) counts from 1 again in the same work folder.
    await rm(dir, { recursive: true, force: true });
    await mkdir(dir, { recursive: true });
    const duration = Math.max(0.5, Math.min(job.duration, media.duration - Math.min(job.start, Math.max(0, media.duration - 0.5))));
    const start = Math.max(0, Math.min(job.start, media.duration - duration));
    const ext = media.video ? '.mp4' : '.m4a';
    const before = path.join(dir, `before${ext}`);
    const excerptFrames = Math.max(1, Math.round(duration * (media.video ? pathFps(media.video) : 30)));
    const progress = new ProgressTracker(phases(media, job, excerptFrames), opts.onProgress);
    const camera = await this.camera(media, job, signal, progress);
    progress.update('cut', 0, excerptFrames, true);
    await cutExcerpt(media, start, duration, before, { signal });
    progress.update('render', 0, excerptFrames, true);
    const after = path.join(dir, `after${ext}`);
    const removedNoise = job.denoiseAudio !== undefined && media.audio.length ? path.join(dir, 'removed-noise.wav') : undefined;
    const videoStage = job.stabilize !== undefined || job.denoiseVideo !== undefined;
    const summary = await runExport({
      input: before,
      output: after,
      stabilize: job.stabilize,
      ...cameraSwitches(camera),
      denoiseVideo: job.denoiseVideo,
      denoiseVideoKeepGrain: job.denoiseVideoKeepGrain,
      denoiseAudio: job.denoiseAudio,
      denoiseAudioResidual: removedNoise,
      loudnorm: job.loudnorm,
      captions: job.captions && media.audio.length ? ['vtt'] : undefined,
      ...(videoStage ? { codec: 'h264' as const, preset: 'veryfast', crf: 18 } : {}),
      signal,
      onProgress: (e) => progress.update('render', e.fraction * excerptFrames, excerptFrames, e.fraction >= 1),
    });
    const captionsVtt = summary.sidecars.find((s) => s.endsWith('.vtt'));
    const notes = job.stabilizeCamera === undefined && camera === 'smooth-motion' ? [SWAY_NOTE] : [];
    // The preview is H.264 so the app can play it; the export keeps 10 bits, so that warning is not the preview's.
    const warnings = summary.warnings.filter((w) => !w.includes(SHALLOW_H264));
    return { before, after, removedNoise, captionsVtt, start, duration, camera, notes, warnings };
  }

  /** Cancel the running preview; with an id, only if it is that preview. True if one was cancelled. */
  cancel(id?: string): boolean {
    if (!this.current || (id !== undefined && this.current.id !== id) || this.current.controller.signal.aborted) return false;
    this.current.controller.abort();
    return true;
  }
}

/** Automatic stabilization decides the camera mode on the whole clip's motion (see camera()). */
function needsClipMotion(media: MediaInfo, job: PreviewJob): boolean {
  return job.stabilize !== undefined && job.stabilize > 0 && job.stabilizeCamera === undefined && !!media.video;
}

/** The preview's phases, weighted by their rough cost, so the fraction and the ETA cover all of them. */
function phases(media: MediaInfo, job: PreviewJob, excerptFrames: number): StageWeight[] {
  const list: StageWeight[] = [];
  if (needsClipMotion(media, job)) list.push({ id: 'analyze-clip-motion', weight: ANALYSIS_WEIGHT * Math.max(1, media.video!.frameCount), unit: 'frames' });
  list.push({ id: 'cut', weight: CUT_WEIGHT * excerptFrames, unit: 'frames' });
  const perFrame = RENDER_WEIGHT + (job.denoiseVideo ? DENOISE_VIDEO_WEIGHT : 0);
  list.push({ id: 'render', weight: perFrame * excerptFrames, unit: 'frames' });
  return list;
}
