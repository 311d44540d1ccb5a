/**
 * Runs one export: probe -> validate -> plan stages -> analysis passes -> decode, transform and
 * encode in one stream -> rename into place. One AbortSignal reaches every step, and every step
 * reports staged progress.
 */
import { existsSync } from 'node:fs';
import { copyFile } from 'node:fs/promises';
import path from 'node:path';
import { CancelledError, MediaError, throwIfAborted, UsageError } from '../common/errors.js';
import { ProgressTracker, type StageWeight } from '../common/progress.js';
import type { AudioTrackPlan, EncodePlan } from '../media/encode-args.js';
import { droppedSubtitles, needsRotationRemux } from '../media/encode-args.js';
import { encodeAudioOnly, encodeFrames, encodeFromSource, remuxWithRotation } from '../media/encoder.js';
import { ffmpegFeatures } from '../media/ffmpeg-binaries.js';
import { canCopyVideo, checkVideoCodecFits, containerForOutput, defaultVideoCodec } from '../media/formats.js';
import { readVideoFrames } from '../media/frame-reader.js';
import type { MediaInfo } from '../media/media-info.js';
import type { FrameStream } from '../media/video-frame.js';
import { readPcm, writePcmFile } from '../media/pcm.js';
import { isAcceptedSourcePixelFormat, rawFormat, workingFormatFor } from '../media/pixel-formats.js';
import { probeMedia } from '../media/probe.js';
import { buildStages } from '../stages/index.js';
import type { ExportRequest, ExportSummary, StageTiming } from './export-request.js';
import { isCaptionsOnlyRequest, runCaptionsOnly } from './captions-only.js';
import { OutputTarget } from './output-target.js';
import type { AudioFilterStage, AudioPcmStage, CaptionStage, Stage, StageContext, VideoStage } from './stage.js';
import { counted, readAhead } from './streams.js';

/** Frames larger than this (8K x 8K) are refused rather than exhausting memory. */
export const MAX_FRAME_PIXELS = 8192 * 8192;

function validateInputForStages(media: MediaInfo, stages: Stage[], audioOnlyOutput: boolean): void {
  const file = media.file;
  const video = stages.filter((s) => s.kind === 'video');
  const audio = stages.filter((s) => s.kind === 'audio-filter' || s.kind === 'audio-pcm' || s.kind === 'captions');
  if (video.length && !media.video) {
    throw new MediaError('NO_VIDEO_STREAM', `${file} has no video, but ${video.map((s) => s.id).join(', ')} needs video.`, { file });
  }
  if (video.length && audioOnlyOutput) throw new UsageError(`${video.map((s) => s.id).join(', ')} changes the picture, but the output is an audio-only format.`);
  if (audio.length && media.audio.length === 0) {
    throw new MediaError('NO_AUDIO_STREAM', `${file} has no audio, but ${audio.map((s) => s.id).join(', ')} needs audio.`, { file });
  }
  if (media.video && !audioOnlyOutput) {
    const v = media.video;
    if (!isAcceptedSourcePixelFormat(v.pixelFormat)) {
      throw new MediaError('UNSUPPORTED_PIXEL_FORMAT', `${file} uses pixel format "${v.pixelFormat}", which Clearcut cannot process (supported: YUV, RGB and grey formats up to 16 bits).`, { file });
    }
    if (v.width <= 0 || v.height <= 0) throw new MediaError('CORRUPT_MEDIA', `${file} reports a ${v.width}x${v.height} picture.`, { file });
    if (v.width * v.height > MAX_FRAME_PIXELS) {
      throw new MediaError('FRAME_TOO_LARGE', `${file} has ${v.width}x${v.height} frames; Clearcut handles up to 8192x8192 (${MAX_FRAME_PIXELS / 1e6} megapixels) per frame.`, { file });
    }
  }
  if (!media.video && media.audio.length === 0) throw new MediaError('NOT_MEDIA', `${file} has nothing to export.`, { file });
}

export async function runExport(req: ExportRequest): Promise<ExportSummary> {
  // An .srt/.vtt/.json output means captions only: nothing is encoded.
  if (isCaptionsOnlyRequest(req)) return runCaptionsOnly(req);
  const t0 = performance.now();
  const signal = req.signal ?? new AbortController().signal;
  const warnings: string[] = [];
  const warn = (m: string): void => {
    warnings.push(m);
    req.onWarning?.(m);
  };
  const stages = [...buildStages(req), ...(req.extraStages ?? [])];
  const { container, audioOnly } = containerForOutput(req.output);
  const media = await probeMedia(req.input, { signal });
  validateInputForStages(media, stages, audioOnly);
  const withVideo = !!media.video && !audioOnly;
  const codec = req.codec ?? defaultVideoCodec(container);
  if (withVideo) checkVideoCodecFits(codec, container, req.output);
  if (media.video?.variableFrameRate) warn(`${media.file} has a variable frame rate; frame timing is kept as recorded.`);
  const target = await OutputTarget.prepare(req.output, [req.input], { overwrite: req.overwrite });

  const videoStages = stages.filter((s): s is VideoStage => s.kind === 'video');
  const filterStages = stages.filter((s): s is AudioFilterStage => s.kind === 'audio-filter');
  const pcmStages = stages.filter((s): s is AudioPcmStage => s.kind === 'audio-pcm');
  const captionStages = stages.filter((s): s is CaptionStage => s.kind === 'captions');

  const weights: StageWeight[] = [];
  for (const s of videoStages) if (s.analyze) weights.push({ id: `${s.id}-analyze`, weight: s.weight * 0.5, unit: 'frames' });
  for (const s of [...filterStages, ...pcmStages, ...captionStages]) weights.push({ id: s.id, weight: s.weight, unit: s.progressUnit });
  weights.push({ id: 'encode', weight: 1 + videoStages.reduce((a, s) => a + s.weight, 0), unit: withVideo ? 'frames' : 'seconds' });
  const tracker = new ProgressTracker(weights, req.onProgress);
  const timings: StageTiming[] = [];
  const timed = async <T>(stage: string, fn: () => Promise<T>): Promise<T> => {
    const s = performance.now();
    try {
      return await fn();
    } finally {
      timings.push({ stage, seconds: Math.round(performance.now() - s) / 1000 });
    }
  };
  const ctxFor = (stageId: string): StageContext => ({
    media,
    signal,
    device: req.device ?? 'cpu',
    report: (done, total) => tracker.update(stageId, done, total, done >= total),
    warn,
    tempFile: (suffix) => target.tempPath(suffix),
    commitWithOutput: (temp, final) => void laterFiles.push({ temp, final }),
  });
  const laterFiles: Array<{ temp: string; final: string }> = [];

  try {
    for (const s of videoStages) if (s.analyze) await timed(`${s.id}-analyze`, () => s.analyze!(ctxFor(`${s.id}-analyze`)));

    // Audio: filters are measured now and applied inside the encoder; PCM stages write a lossless temp.
    const audioPlans: AudioTrackPlan[] = [];
    for (const track of media.audio) {
      const plan: AudioTrackPlan = { sourceIndex: track.index };
      // PCM stages first, so a filter such as loudnorm measures the audio it will really process.
      if (pcmStages.length) plan.replacementFile = await timed(`audio#${track.index}`, () => runPcmStages(media, track.index, pcmStages, ctxFor, target));
      const audioIn = plan.replacementFile ? { file: plan.replacementFile, streamIndex: 0 } : { file: media.file, streamIndex: track.index };
      const chain: string[] = [];
      for (const f of filterStages) {
        const filter = await timed(`${f.id}#${track.index}`, () => f.prepare(track, ctxFor(f.id), audioIn));
        if (filter) {
          chain.push(filter);
          plan.sampleRate = f.outputSampleRate?.(track) ?? plan.sampleRate;
        }
      }
      if (chain.length) plan.filter = chain.join(',');
      audioPlans.push(plan);
    }
    throwIfAborted(signal);

    // Captions come before the encode, so the encoder can embed or burn them; sidecars are committed last.
    const sidecarFiles: Array<{ temp: string; final: string }> = [];
    let captions: EncodePlan['captions'];
    for (const c of captionStages) {
      sidecarFiles.push(...(await timed(c.id, () => c.run(ctxFor(c.id), target.file))));
      const sub = c.subtitlesForEncoder?.();
      if (!sub) continue;
      captions = { language: sub.language };
      if (sub.track) captions.trackFile = sub.file;
      if (sub.burnStyle !== undefined) {
        const plain = target.plainTempPath(path.extname(sub.file));
        await copyFile(sub.file, plain);
        captions.burnFile = path.basename(plain);
        captions.burnStyle = sub.burnStyle;
        captions.fontsDir = fontsDirectory();
      }
    }
    throwIfAborted(signal);

    const features = await ffmpegFeatures();
    const keepSubtitles = true;
    const dropped = droppedSubtitles(media, container);
    if (dropped.length) warn(`Subtitle stream(s) ${dropped.join(', ')} cannot be stored in ${container} and were left out.`);
    const skipped = media.streams.filter((s) => s.kind === 'data' || s.kind === 'attachment' || s.kind === 'unknown');
    if (skipped.length) warn(`Data stream(s) ${skipped.map((s) => `${s.index} (${s.codec})`).join(', ')} are not carried over.`);
    const temp = target.tempPath();
    let finalTemp = temp;
    let frames = 0;
    let videoCopied = false;
    await timed('encode', async () => {
      if (withVideo) {
        const encoder = { codec, crf: req.crf, preset: req.preset };
        const total = media.video!.frameCount;
        const base = { source: media, output: temp, container, audio: audioPlans, keepSubtitles, captions, ffmpegMajor: features.major, encoders: features.encoders };
        let plan: EncodePlan;
        if (videoStages.length || req.pipeFrames) {
          const wanted = videoStages.find((s) => s.format)?.format;
          const stream = await readVideoFrames(media, { signal, format: wanted ? rawFormat(wanted) : undefined });
          let current: FrameStream = { info: stream.info, frames: readAhead(stream.frames, 3) };
          for (const s of videoStages) current = s.transform(current, ctxFor('encode'));
          const first = await peekFirst(current.frames);
          plan = { ...base, video: { from: 'pipe', format: current.info.format, timeBase: current.info.timeBase, firstPts: first.value?.pts ?? 0, encoder } };
          frames = await encodeFrames(plan, current.info, counted(first.frames, (n) => tracker.update('encode', n, Math.max(total, n))), { signal });
        } else {
          // No stage needs the pixels. Without encoder settings the video is copied untouched
          // (no generation loss); otherwise one ffmpeg decodes and encodes, as fast as plain ffmpeg.
          const v = media.video!;
          const copy = req.codec === undefined && req.crf === undefined && req.preset === undefined && !captions?.burnFile && canCopyVideo(v.codec, container);
          plan = { ...base, video: { from: copy ? 'copy' : 'source', format: workingFormatFor(v.pixelFormat), timeBase: v.timeBase, firstPts: 0, encoder } };
          if (copy) videoCopied = true;
          const onProgress = (p: { frame?: number }): void => {
            if (p.frame === undefined) return;
            frames = p.frame;
            tracker.update('encode', p.frame, Math.max(total, p.frame));
          };
          await encodeFromSource(plan, { signal, onProgress });
        }
        tracker.update('encode', frames, frames, true);
        if (needsRotationRemux(plan)) {
          const rotated = target.tempPath();
          await remuxWithRotation(temp, rotated, media.video!.rotation, { signal, container });
          finalTemp = rotated;
        } else if (media.video!.rotation && !captions?.burnFile && container !== 'mp4' && container !== 'mov') {
          warn(`${media.file} is rotated ${media.video!.rotation}°, but ${container} cannot store rotation; players will show it unrotated.`);
        }
      } else {
        const plan: EncodePlan = { source: media, output: temp, container, audio: audioPlans, keepSubtitles: false, ffmpegMajor: features.major, encoders: features.encoders };
        await encodeAudioOnly(plan, { signal, onProgress: (p) => p.outTime !== undefined && tracker.update('encode', Math.min(p.outTime, media.duration), media.duration) });
        tracker.update('encode', media.duration, media.duration, true);
      }
    });
    throwIfAborted(signal);

    await target.commit(finalTemp);
    const sidecars: string[] = [];
    for (const f of [...sidecarFiles, ...laterFiles]) {
      await target.commit(f.temp, f.final);
      sidecars.push(f.final);
    }
    return {
      input: media.file,
      output: target.file,
      duration: media.duration,
      frames,
      video: !withVideo ? 'none' : videoCopied ? 'copied' : 'encoded',
      wallSeconds: Math.round(performance.now() - t0) / 1000,
      stages: timings,
      warnings,
      sidecars,
    };
  } catch (e) {
    await target.discard();
    if (signal.aborted) throw new CancelledError();
    throw target.nameFinalIn(e);
  } finally {
    await target.discard();
  }
}

/** A folder of fonts libass can always use (the system's own are found through fontconfig too). */
function fontsDirectory(): string | undefined {
  // Only paths without ':' or quotes: they go into a filter argument unescaped.
  const candidates = ['/usr/share/fonts/truetype/dejavu', '/System/Library/Fonts'];
  return candidates.find((d) => existsSync(d));
}

/** Take the first item off a stream (to learn the first pts) and give back a stream with it restored. */
async function peekFirst<T>(source: AsyncIterable<T>): Promise<{ value: T | undefined; frames: AsyncIterable<T> }> {
  const it = source[Symbol.asyncIterator]();
  const first = await it.next();
  async function* rest(): AsyncGenerator<T> {
    try {
      if (first.done) return;
      yield first.value;
      for (;;) {
        const n = await it.next();
        if (n.done) return;
        yield n.value;
      }
    } finally {
      await it.return?.();
    }
  }
  return { value: first.done ? undefined : first.value, frames: rest() };
}

async function runPcmStages(media: MediaInfo, streamIndex: number, stages: AudioPcmStage[], ctxFor: (id: string) => StageContext, target: OutputTarget): Promise<string> {
  const track = media.audio.find((a) => a.index === streamIndex)!;
  const format = stages[0].format?.(track) ?? { sampleRate: track.sampleRate, channels: track.channels };
  const ctx = ctxFor(stages[0].id);
  let chunks: AsyncIterable<Float32Array> = readPcm(media, { streamIndex, ...format, signal: ctx.signal });
  let seconds = 0;
  for (const s of stages) chunks = s.process(chunks, format, ctxFor(s.id));
  const file = target.tempPath('.wav');
  const total = track.duration || media.duration;
  async function* reporting(): AsyncGenerator<Float32Array> {
    for await (const c of chunks) {
      seconds += c.length / format.channels / format.sampleRate;
      ctx.report(Math.min(seconds, total), total);
      yield c;
    }
  }
  await writePcmFile(file, format, reporting(), { signal: ctx.signal });
  return file;
}
