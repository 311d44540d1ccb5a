/**
 * One export in progress: the probed input, the output target, progress, timings and warnings,
 * and the steps that run in order — analysis, audio, captions, encode, commit.
 */
import { existsSync } from 'node:fs';
import { copyFile } from 'node:fs/promises';
import path from 'node:path';
import { onAbort } from '../common/abort.js';
import { CancelledError, throwIfAborted } from '../common/errors.js';
import { ProgressTracker, type StageWeight } from '../common/progress.js';
import { droppedSubtitles, evenCrop, needsRotationRemux, type AudioTrackPlan, type EncodePlan } from '../media/encode-args.js';
import { encodeAudioOnly, encodeFrames, encodeFromSource, remuxWithRotation } from '../media/encoder.js';
import { ffmpegFeatures } from '../media/ffmpeg-binaries.js';
import { canCopyVideo, checkVideoCodecFits, containerForOutput, defaultVideoCodec, depthLabel, needsDeepCodec, shallowH264Warning, type Container, type VideoCodec } from '../media/formats.js';
import { readVideoFrames } from '../media/frame-reader.js';
import { interlaceLabel, interlacePlan } from '../media/interlace.js';
import { isInterlaced, isOtherStream, type MediaInfo, type OtherStreamInfo } from '../media/media-info.js';
import { rawFormat, workingFormatFor } from '../media/pixel-formats.js';
import { probeHdrMetadata, probeMedia } from '../media/probe.js';
import type { FrameStream } from '../media/video-frame.js';
import { buildStages } from '../stages/index.js';
import type { ExportRequest, ExportSummary, StageTiming } from './export-request.js';
import { stagesThatFit, validateInputForStages } from './export-validation.js';
import { exportStageWeights } from './stage-weights.js';
import { OutputTarget } from './output-target.js';
import { runPcmStages } from './pcm-stages.js';
import type { AudioFilterStage, AudioPcmStage, CaptionStage, StageContext, VideoStage } from './stage.js';
import { counted, peekFirst, readAhead } from './streams.js';

type Commit = { temp: string; final: string };

export class ExportRun {
  private readonly t0 = performance.now();
  private readonly warnings: string[] = [];
  private readonly notes: string[] = [];
  private readonly timings: StageTiming[] = [];
  /** Files committed after the main output (sidecars, residuals). */
  private readonly laterFiles: Commit[] = [];
  private readonly tracker: ProgressTracker;
  private frames = 0;
  private videoCopied = false;

  private constructor(
    private readonly req: ExportRequest,
    /** Aborts everything this export started: the user's cancel, or a failure (see execute). */
    private readonly stop: AbortController,
    private readonly unlinkCancel: () => void,
    private readonly media: MediaInfo,
    private readonly target: OutputTarget,
    private readonly container: Container,
    private readonly withVideo: boolean,
    private readonly codec: VideoCodec,
    private readonly stages: { video: VideoStage[]; filters: AudioFilterStage[]; pcm: AudioPcmStage[]; captions: CaptionStage[] },
  ) {
    this.tracker = new ProgressTracker(this.stageWeights(), req.onProgress);
  }

  /** What every ffmpeg process and stage of this export runs under. */
  private get signal(): AbortSignal {
    return this.stop.signal;
  }

  /** Probe and validate everything that can be checked before work starts, then claim the output. */
  static async start(request: ExportRequest): Promise<ExportRun> {
    // Absolute paths from here on: the encoder runs in the output folder (see encoder.ts).
    const req = { ...request, input: path.resolve(request.input), output: path.resolve(request.output) };
    const asked = [...buildStages(req), ...(req.extraStages ?? [])];
    const { container, audioOnly } = containerForOutput(req.output);
    const media = await probeMedia(req.input, { signal: req.signal });
    const fit = req.skipUnfitStages ? stagesThatFit(media, asked, audioOnly) : { stages: asked };
    const all = fit.stages;
    validateInputForStages(media, all, audioOnly);
    const withVideo = !!media.video && !audioOnly;
    const codec = req.codec ?? defaultVideoCodec(container, media.video, withVideo ? (await ffmpegFeatures()).encoders : undefined);
    if (withVideo) checkVideoCodecFits(codec, container, req.output);
    const target = await OutputTarget.prepare(req.output, [req.input], { overwrite: req.overwrite });
    const stages = {
      video: all.filter((s): s is VideoStage => s.kind === 'video'),
      filters: all.filter((s): s is AudioFilterStage => s.kind === 'audio-filter'),
      pcm: all.filter((s): s is AudioPcmStage => s.kind === 'audio-pcm'),
      captions: all.filter((s): s is CaptionStage => s.kind === 'captions'),
    };
    const stop = new AbortController();
    const unlinkCancel = onAbort(req.signal, () => stop.abort());
    const run = new ExportRun(req, stop, unlinkCancel, media, target, container, withVideo, codec, stages);
    if (fit.warning) run.warn(fit.warning);
    if (media.video?.variableFrameRate) run.warn(`${media.file} has a variable frame rate; frame timing is kept as recorded.`);
    return run;
  }

  async execute(): Promise<ExportSummary> {
    try {
      for (const s of this.stages.video) if (s.analyze) await this.timed(`${s.id}-analyze`, () => s.analyze!(this.ctxFor(`${s.id}-analyze`)));
      const audio = await this.planAudio();
      throwIfAborted(this.signal);
      const { sidecars, captions } = await this.makeCaptions();
      throwIfAborted(this.signal);
      const encoded = await this.timed('encode', () => this.encode(audio, captions));
      throwIfAborted(this.signal);
      await this.target.commit(encoded);
      for (const f of [...sidecars, ...this.laterFiles]) await this.target.commit(f.temp, f.final);
      return this.summary([...sidecars, ...this.laterFiles].map((f) => f.final));
    } catch (e) {
      const cancelled = this.req.signal?.aborted === true;
      // A failure anywhere ends every process this export started, also one nobody reads from any
      // more (a decoder whose stage refused its frames), which would otherwise keep running.
      this.stop.abort();
      await this.target.discard();
      if (cancelled) throw new CancelledError();
      throw this.target.nameFinalIn(e);
    } finally {
      this.unlinkCancel();
      await this.target.discard();
    }
  }

  private warn(m: string): void {
    this.warnings.push(m);
    this.req.onWarning?.(m);
  }

  private stageWeights(): StageWeight[] {
    return exportStageWeights(this.stages, this.media, this.withVideo);
  }

  private async timed<T>(stage: string, fn: () => Promise<T>): Promise<T> {
    const s = performance.now();
    try {
      return await fn();
    } finally {
      this.timings.push({ stage, seconds: Math.round(performance.now() - s) / 1000 });
    }
  }

  private ctxFor(stageId: string): StageContext {
    return {
      media: this.media,
      signal: this.signal,
      device: this.req.device ?? 'cpu',
      report: (done, total) => this.tracker.update(stageId, done, total, done >= total),
      warn: (m) => this.warn(m),
      note: (m) => void this.notes.push(m),
      tempFile: (suffix) => this.target.tempPath(suffix),
      commitWithOutput: (temp, final) => void this.laterFiles.push({ temp, final }),
    };
  }

  /** Per track: PCM stages write a lossless temp first, then filters measure what they will process. */
  private async planAudio(): Promise<AudioTrackPlan[]> {
    const plans: AudioTrackPlan[] = [];
    for (const track of this.media.audio) {
      const plan: AudioTrackPlan = { sourceIndex: track.index };
      if (this.stages.pcm.length) plan.replacementFile = await this.timed(`audio#${track.index}`, () => runPcmStages(this.media, track.index, this.stages.pcm, (id) => this.ctxFor(id), this.target));
      const audioIn = plan.replacementFile ? { file: plan.replacementFile, streamIndex: 0 } : { file: this.media.file, streamIndex: track.index };
      const chain: string[] = [];
      for (const f of this.stages.filters) {
        const filter = await this.timed(`${f.id}#${track.index}`, () => f.prepare(track, this.ctxFor(f.id), audioIn));
        if (!filter) continue;
        chain.push(filter);
        plan.sampleRate = f.outputSampleRate?.(track) ?? plan.sampleRate;
      }
      if (chain.length) plan.filter = chain.join(',');
      plans.push(plan);
    }
    return plans;
  }

  /** Caption stages run before the encode so the encoder can embed or burn their output. */
  private async makeCaptions(): Promise<{ sidecars: Commit[]; captions: EncodePlan['captions'] }> {
    const sidecars: Commit[] = [];
    let captions: EncodePlan['captions'];
    for (const c of this.stages.captions) {
      sidecars.push(...(await this.timed(c.id, () => c.run(this.ctxFor(c.id), this.target.file))));
      const sub = c.subtitlesForEncoder?.();
      if (!sub) continue;
      captions = { language: sub.language };
      if (sub.track) captions.trackFile = sub.file;
      if (sub.burnStyle !== undefined) {
        // libass reads the file named in a filter argument: give it a name that needs no escaping.
        const plain = this.target.plainTempPath(path.extname(sub.file));
        await copyFile(sub.file, plain);
        Object.assign(captions, { burnFile: path.basename(plain), burnStyle: sub.burnStyle, fontsDir: fontsDirectory() });
      }
    }
    return { sidecars, captions };
  }

  /** Encode (or copy) into a temp file; returns the temp file to commit. */
  private async encode(audio: AudioTrackPlan[], captions: EncodePlan['captions']): Promise<string> {
    const features = await ffmpegFeatures();
    const { media, container } = this;
    const dropped = droppedSubtitles(media, container);
    if (dropped.length) this.warn(`Subtitle stream(s) ${dropped.join(', ')} cannot be stored in ${container} and were left out.`);
    // A timecode track is not lost: its start timecode rides on the video stream, and the muxer writes it
    // again (a tmcd track in MP4 and MOV, a tag in Matroska).
    const keptTimecode = (s: OtherStreamInfo): boolean => s.codec === 'tmcd' && media.video?.timecode !== undefined;
    const skipped = media.streams.filter(isOtherStream).filter((s) => !keptTimecode(s));
    if (skipped.length) this.warn(`Data stream(s) ${skipped.map((s) => `${s.index} (${s.codec})`).join(', ')} are not carried over.`);
    const temp = this.target.tempPath();
    const base = { source: media, output: temp, container, audio, captions, ffmpegMajor: features.major, encoders: features.encoders };
    if (!this.withVideo) {
      await encodeAudioOnly({ ...base, keepSubtitles: false, captions: undefined }, { signal: this.signal, onProgress: (p) => p.outTime !== undefined && this.tracker.update('encode', Math.min(p.outTime, media.duration), media.duration) });
      this.tracker.update('encode', media.duration, media.duration, true);
      return temp;
    }
    const plan = await this.encodeVideo({ ...base, keepSubtitles: true });
    const even = evenCrop(plan);
    if (even) {
      const lost = [even.to.width < even.width && 'column', even.to.height < even.height && 'row'].filter(Boolean).join(' and ');
      this.warn(`${media.file} is ${even.width} × ${even.height} pixels; ${this.codec === 'h264' ? 'H.264' : 'HEVC'} stores this picture only at even sizes, so the output is ${even.to.width} × ${even.to.height}: its last ${lost} left out. --codec ffv1 or vp9 keeps every pixel.`);
    }
    this.tracker.update('encode', this.frames, this.frames, true);
    if (needsRotationRemux(plan)) {
      const rotated = this.target.tempPath();
      await remuxWithRotation(temp, rotated, media.video!.rotation, { signal: this.signal, container });
      return rotated;
    }
    if (media.video!.rotation && !captions?.burnFile && container !== 'mp4' && container !== 'mov') {
      this.warn(`${media.file} is rotated ${media.video!.rotation}°, but ${container} cannot store rotation; players will show it unrotated.`);
    }
    return temp;
  }

  /**
   * Three paths: frames through Node when a video stage needs them; otherwise the video is copied
   * untouched when no encoder setting was given (no generation loss), or one ffmpeg decodes and
   * encodes, as fast as plain ffmpeg.
   */
  private async encodeVideo(base: Omit<EncodePlan, 'video'>): Promise<EncodePlan> {
    const { req, media } = this;
    const v = media.video!;
    const total = v.frameCount;
    const videoStages = this.stages.video;
    const copy = req.codec === undefined && req.crf === undefined && req.preset === undefined && !base.captions?.burnFile && canCopyVideo(v.codec, this.container);
    const reencoded = videoStages.length || req.pipeFrames || !copy;
    // PQ video re-encoded to HEVC keeps its HDR10 mastering-display and light-level metadata (a copy keeps it anyway).
    const hdr = reencoded && this.codec === 'h265' && v.color.transfer === 'smpte2084' ? await probeHdrMetadata(media.file, v.index, this.signal) : undefined;
    const encoder = { codec: this.codec, crf: req.crf, preset: req.preset, hdr };
    if (reencoded && this.codec === 'h264' && needsDeepCodec(v)) {
      this.warn(shallowH264Warning(media.file, v));
    }
    if (reencoded && req.codec === undefined && this.codec === 'h265') {
      this.notes.push(`The video is ${depthLabel(v)}, so it was written as 10-bit HEVC to keep its gradients smooth (--codec h264 writes 8-bit H.264).`);
    }
    if (videoStages.length || req.pipeFrames) {
      if (isInterlaced(v)) this.notes.push(`The video is ${interlaceLabel(v)}; it was deinterlaced (bwdif, one frame per frame, so the timing is unchanged) before processing, and is written progressive.`);
      const wanted = videoStages.find((s) => s.format)?.format;
      const stream = await readVideoFrames(media, { signal: this.signal, format: wanted ? rawFormat(wanted) : undefined });
      let current: FrameStream = { info: stream.info, frames: readAhead(stream.frames, 3) };
      for (const s of videoStages) current = s.transform(current, this.ctxFor('encode'));
      const first = await peekFirst(current.frames);
      const plan: EncodePlan = { ...base, video: { from: 'pipe', format: current.info.format, timeBase: current.info.timeBase, firstPts: first.value?.pts ?? 0, encoder } };
      this.frames = await encodeFrames(plan, current.info, counted(first.frames, (n) => this.tracker.update('encode', n, Math.max(total, n))), { signal: this.signal });
      return plan;
    }
    if (!copy && interlacePlan(v, this.codec).kind === 'deinterlace') {
      this.notes.push(`The video is ${interlaceLabel(v)}; ${this.codec.toUpperCase()} is written progressive here, so it was deinterlaced (bwdif, one frame per frame). --codec h264, prores or ffv1 keep the fields.`);
    }
    const plan: EncodePlan = { ...base, video: { from: copy ? 'copy' : 'source', format: workingFormatFor(v.pixelFormat), timeBase: v.timeBase, firstPts: 0, encoder } };
    this.videoCopied = copy;
    await encodeFromSource(plan, {
      signal: this.signal,
      onProgress: (p) => {
        if (p.frame === undefined) return;
        this.frames = p.frame;
        this.tracker.update('encode', p.frame, Math.max(total, p.frame));
      },
    });
    return plan;
  }

  private summary(sidecars: string[]): ExportSummary {
    return {
      input: this.media.file,
      output: this.target.file,
      duration: this.media.duration,
      frames: this.frames,
      video: !this.withVideo ? 'none' : this.videoCopied ? 'copied' : 'encoded',
      wallSeconds: Math.round(performance.now() - this.t0) / 1000,
      stages: this.timings,
      warnings: this.warnings,
      notes: this.notes,
      sidecars,
    };
  }
}

/** A folder of fonts libass can always use (the system's own are found through fontconfig too). */
function fontsDirectory(): string | undefined {
  // Only paths without ':' or quotes: they go into a filter argument unescaped.
  return ['/usr/share/fonts/truetype/dejavu', '/System/Library/Fonts'].find((d) => existsSync(d));
}
