/**
 * The engine as a UI sees it: the services behind EngineApi (electron/common/api.ts), shared by
 * the web bridge (`clearcut serve`) and usable by the desktop app's engine host. Every path a UI
 * names must be one the user opened (AllowedPaths); arguments are checked by the caller with
 * ./schemas.ts before they get here.
 */
import { existsSync } from 'node:fs';
import { readdir, readFile, rename, stat, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { ProgressEvent } from '../common/progress.js';
import { firstFreeName } from '../jobs/output-naming.js';
import { ffmpegBinary, ffmpegFeatures } from '../media/ffmpeg-binaries.js';
import type { MediaInfo } from '../media/media-info.js';
import { probeMedia } from '../media/probe.js';
import { CAPABILITIES } from '../stages/index.js';
import { toSrt, toWebVtt, type TranscriptJson } from '../stages/captions/formats.js';
import { AllowedPaths } from './allowed-paths.js';
import { AppJobs, type AppJobsOptions } from './app-jobs.js';
import { deviceChoices } from './devices.js';
import { toCaptionCues } from './edited-captions-stage.js';
import { thumbnails, waveformPeaks } from './media-tools.js';
import { PreviewRenderer } from './preview.js';
import { InputError } from './schemas.js';
import type { ClipSummary, CueData, EngineInfoData, ExportJob, FolderListingData, JobEventData, PreviewFiles, PreviewJob, TranscriptData } from './types.js';

export const MEDIA_EXTENSIONS = new Set(['.mp4', '.mov', '.mkv', '.webm', '.m4v', '.avi', '.mts', '.wav', '.m4a', '.mp3', '.flac', '.ogg', '.aac']);

/** What the Library shows about a clip, with the warnings a creator should see before exporting. */
export function summarizeClip(m: MediaInfo): ClipSummary {
  const v = m.video;
  const warnings: string[] = [];
  if (v?.variableFrameRate) warnings.push('Variable frame rate');
  if (v && ((v.rotation === 90 || v.rotation === 270) ? v.width > v.height : v.height > v.width)) warnings.push('Portrait');
  if (m.audio.length === 0) warnings.push('No audio');
  if (!v) warnings.push('Audio only');
  const frameRate = v ? (v.avgFrameRate.den ? v.avgFrameRate.num / v.avgFrameRate.den : undefined) : undefined;
  return { path: m.file, durationSeconds: m.duration, width: v?.width, height: v?.height, frameRate, variableFrameRate: !!v?.variableFrameRate, rotation: v?.rotation ?? 0, audioTracks: m.audio.length, warnings };
}

export type EngineJobsOptions = Omit<AppJobsOptions, 'onFiles'>;

export class EngineService {
  readonly allowed = new AllowedPaths();
  /** Exports and transcriptions, on the persistent job queue shared with watch folders and `clearcut jobs`. */
  readonly jobs: AppJobs;
  private readonly previews: PreviewRenderer;
  private readonly probes = new Map<string, Promise<MediaInfo>>();
  /** Caption files saveCaptions wrote: saving the edited captions again replaces these, and nothing else. */
  private readonly savedCaptions = new Set<string>();

  /**
   * `workFolder` holds previews; it is readable by the UI. `jobs.db` names the job database (default
   * $CLEARCUT_JOBS_DB or the user data folder); exports queued there by an earlier engine resume now.
   */
  constructor(workFolder: string, private readonly shell: 'electron' | 'web' = 'web', jobs: EngineJobsOptions = {}) {
    this.previews = new PreviewRenderer(path.join(workFolder, 'previews'));
    this.allowed.allowFolder(workFolder);
    this.jobs = new AppJobs({ ...jobs, onFiles: (files) => files.forEach((f) => this.allowed.allowFile(f)) });
    this.jobs.start();
  }

  async info(): Promise<EngineInfoData> {
    const f = await ffmpegFeatures();
    const devices = deviceChoices();
    return {
      ffmpegVersion: f.version,
      ffmpegSource: ffmpegBinary().source,
      devices: devices.filter((d) => d.available).map((d) => d.id),
      deviceChoices: devices,
      capabilities: CAPABILITIES.map(({ id, available, description }) => ({ id, available, description })),
      shell: this.shell,
      homeFolder: os.homedir(),
    };
  }

  private requireAllowed(p: string, what = 'That file'): string {
    const abs = path.resolve(p);
    if (!this.allowed.isAllowed(abs)) throw new InputError(`${what} was not opened in Clearcut: ${abs}`);
    return abs;
  }

  private media(p: string): Promise<MediaInfo> {
    const abs = path.resolve(p);
    let m = this.probes.get(abs);
    if (!m) {
      m = probeMedia(abs);
      this.probes.set(abs, m);
      m.catch(() => this.probes.delete(abs));
    }
    return m;
  }

  /** Files the user typed or browsed to: each must exist and be media ffprobe can read. */
  async openPaths(paths: string[]): Promise<string[]> {
    const opened: string[] = [];
    const problems: string[] = [];
    for (const p of paths) {
      const abs = path.resolve(p);
      const s = await stat(abs).catch(() => undefined);
      if (!s?.isFile()) {
        problems.push(`${abs} is not a file`);
        continue;
      }
      try {
        await this.media(abs);
        this.allowed.allowFile(abs);
        opened.push(abs);
      } catch (e) {
        problems.push((e as Error).message);
      }
    }
    if (!opened.length) throw new InputError(problems.join('\n') || 'Nothing to open.');
    return opened;
  }

  async listFolder(folder: string): Promise<FolderListingData> {
    const abs = path.resolve(folder);
    const entries = await readdir(abs, { withFileTypes: true }).catch(() => {
      throw new InputError(`Cannot read the folder ${abs}.`);
    });
    const out: FolderListingData['entries'] = [];
    for (const e of entries) {
      if (e.name.startsWith('.')) continue;
      if (e.isDirectory()) out.push({ name: e.name, path: path.join(abs, e.name), kind: 'folder' });
      else if (e.isFile() && MEDIA_EXTENSIONS.has(path.extname(e.name).toLowerCase())) out.push({ name: e.name, path: path.join(abs, e.name), kind: 'media' });
    }
    out.sort((a, b) => (a.kind === b.kind ? a.name.localeCompare(b.name) : a.kind === 'folder' ? -1 : 1));
    const parent = path.dirname(abs);
    return { folder: abs, parent: parent === abs ? undefined : parent, entries: out.slice(0, 2000) };
  }

  async pickOutputFolder(typed: string): Promise<string> {
    const abs = path.resolve(typed);
    const s = await stat(abs).catch(() => undefined);
    if (!s?.isDirectory()) throw new InputError(`${abs} is not a folder.`);
    this.allowed.allowFolder(abs);
    return abs;
  }

  async probe(p: string): Promise<ClipSummary> {
    return summarizeClip(await this.media(this.requireAllowed(p)));
  }

  /** 480 px wide: the viewer shows them as the clip's poster before a preview, as well as in the filmstrip. */
  async thumbnails(p: string, count: number): Promise<string[]> {
    return thumbnails(await this.media(this.requireAllowed(p)), count, { width: 480 });
  }

  async waveform(p: string, buckets: number): Promise<number[]> {
    return waveformPeaks(await this.media(this.requireAllowed(p)), buckets);
  }

  /** With a previewId, the preview's progress goes out as job events with that id, and cancelJob(previewId) stops it. */
  async renderPreview(job: PreviewJob): Promise<PreviewFiles> {
    const media = await this.media(this.requireAllowed(job.input));
    const { previewId: id, ...request } = job;
    const onProgress = id ? (e: ProgressEvent) => this.jobs.publish({ type: 'progress', jobId: id, stage: e.stage, done: e.done, total: e.total, fps: e.fps, eta: e.eta, fraction: e.fraction }) : undefined;
    return this.previews.render(media, request, { id, onProgress });
  }

  private checkOutput(output: string): string {
    const abs = path.resolve(output);
    if (!this.allowed.isAllowedOutput(abs)) throw new InputError('The output must go next to an opened clip or into the chosen output folder.');
    return abs;
  }

  /** Queue an export; resolves with its job id (a failed or cancelled one with the same settings runs again). */
  async startExport(job: ExportJob): Promise<{ jobId: string; output: string; alreadyDone?: boolean }> {
    const input = this.requireAllowed(job.input, 'The input');
    const output = this.checkOutput(job.output);
    if (output === input) throw new InputError('The output would replace the input; choose another name.');
    return this.jobs.submitExport(input, output, job);
  }

  async startTranscribe(p: string): Promise<string> {
    return this.jobs.submitTranscribe(this.requireAllowed(p));
  }

  async readTranscript(jobId: string): Promise<TranscriptData> {
    const file = this.jobs.transcriptFile(jobId);
    const t = JSON.parse(await readFile(file, 'utf8')) as TranscriptJson;
    const words = t.segments.flatMap((s) => s.words);
    const cues: CueData[] = t.cues.map((c) => ({ ...c, words: words.filter((w) => w.start >= c.start - 0.01 && w.end <= c.end + 0.01).map(({ text, start, end, confidence }) => ({ text, start, end, confidence })) }));
    return { cues, lowConfidenceBelow: t.lowConfidenceBelow };
  }

  async saveCaptions(output: string, cues: CueData[], format: 'srt' | 'vtt'): Promise<string> {
    const abs = this.checkOutput(output);
    if (path.extname(abs).toLowerCase() !== `.${format}`) throw new InputError(`A ${format.toUpperCase()} file must end in .${format}.`);
    const body = format === 'srt' ? toSrt(toCaptionCues(cues)) : toWebVtt(toCaptionCues(cues));
    const target = this.captionsTarget(abs);
    const temp = path.join(path.dirname(target), `.${path.basename(target)}.clearcut-partial-${process.pid}`);
    await writeFile(temp, body);
    await rename(temp, target);
    this.savedCaptions.add(target);
    this.allowed.allowFile(target);
    return target;
  }

  /**
   * Where saving captions to `file` writes: the file itself when it is free or an earlier save of
   * this session, otherwise the first free "-2", "-3", ... name. An export's sidecar, or a caption
   * file the user made elsewhere, is never replaced.
   */
  private captionsTarget(file: string): string {
    return firstFreeName(file, (f) => existsSync(f) && !this.savedCaptions.has(f));
  }

  /** Cancel a queued job, or the running preview of that previewId. */
  cancelJob(jobId: string): void {
    if (!this.previews.cancel(jobId)) this.jobs.cancel(jobId);
  }

  /** A browser cannot open the engine machine's file manager; the UI shows the folder instead. */
  revealInFolder(p: string): { opened: boolean; folder: string } {
    return { opened: false, folder: path.dirname(this.requireAllowed(p)) };
  }

  /** The absolute path of a file the UI may play or download, or an error. */
  readablePath(p: string): string {
    return this.requireAllowed(p);
  }

  /** Job events, and the progress of previews named by a previewId. */
  onJobEvent(listener: (e: JobEventData) => void): () => void {
    return this.jobs.onEvent(listener);
  }

  /** `queued` events for exports still waiting or running, for a UI that connects after they started. */
  activeJobs(): JobEventData[] {
    return this.jobs.activeJobs();
  }

  /** Stop: running exports go back to the queue (they run at the next start); transcriptions are cancelled. */
  async shutdown(): Promise<void> {
    this.previews.cancel();
    await this.jobs.stop();
  }
}
