/**
 * The captions stage (`--captions srt,vtt,...`): transcribe the first audio track, lay the words
 * out as broadcast-style cues and write sidecars next to the output (out.srt, out.vtt and the
 * JSON transcript out.json), committed by the pipeline with the output.
 * For `burn` and `track` it also hands the encoder an SRT of the same cues (subtitlesForEncoder):
 * a soft subtitle stream, and/or text rendered into the picture by libass.
 */
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { isAudioOnlyOutput } from '../../media/formats.js';
import { audioLead, type MediaInfo } from '../../media/media-info.js';
import { UsageError } from '../../common/errors.js';
import type { CaptionStage, EncoderSubtitles, StageContext } from '../../pipeline/stage.js';
import type { CaptionTarget } from '../index.js';
import { BROADCAST_LAYOUT, layoutCaptions, VERTICAL_LAYOUT, type CaptionCue, type CaptionLayoutSettings } from './layout.js';
import { toSrt, toTranscriptJson, toWebVtt, type SidecarFormat } from './formats.js';
import { LongFormTranscriber } from './transcribe.js';
import { shiftTranscript, transcriptWords, type Transcript } from './transcript.js';

/** How burned-in captions look. Sizes are in percent of the picture height. */
export interface CaptionStyle {
  /** Text height, percent of the picture height (default 5.5; 3.6 for vertical video, where lines are narrower). */
  fontSize?: number;
  position?: 'bottom' | 'top';
  /** Text colour, #rrggbb (default white). */
  color?: string;
  /** A translucent box behind the text instead of an outline. */
  box?: boolean;
}

/** `#rrggbb` -> libass `&HBBGGRR&` (ASS colours are blue-green-red). */
export function assColour(hex: string, alpha = 0): string {
  const m = /^#?([0-9a-f]{2})([0-9a-f]{2})([0-9a-f]{2})$/i.exec(hex);
  if (!m) throw new UsageError(`Caption colour must look like #ffcc00, not "${hex}".`);
  const a = alpha.toString(16).padStart(2, '0');
  return `&H${a}${m[3]}${m[2]}${m[1]}`.toUpperCase();
}

/**
 * The libass force_style for SRT captions. libass lays SRT out on a 384x288 canvas, scaled to the
 * picture, so sizes and margins are given in that space: 5.5 % of the height is FontSize 16.
 * Margins keep the text inside the title-safe area (about 8 % from the edges).
 */
export function burnStyle(style: CaptionStyle = {}, vertical = false): string {
  const size = Math.round(((style.fontSize ?? (vertical ? 3.6 : 5.5)) / 100) * 288);
  const parts = [
    'FontName=DejaVu Sans',
    `FontSize=${size}`,
    `PrimaryColour=${assColour(style.color ?? '#ffffff')}`,
    `OutlineColour=${assColour('#000000')}`,
    `BackColour=${assColour('#000000', 0x60)}`,
    style.box ? 'BorderStyle=3' : 'BorderStyle=1',
    style.box ? 'Outline=4' : 'Outline=1.6',
    'Shadow=0',
    `Alignment=${style.position === 'top' ? 8 : 2}`,
    `MarginV=${Math.round(288 * 0.08)}`,
    `MarginL=${Math.round(384 * 0.08)}`,
    `MarginR=${Math.round(384 * 0.08)}`,
  ];
  return parts.join(',');
}

export interface CaptionStageOptions {
  targets: CaptionTarget[];
  style?: CaptionStyle;
  /** Layout limits; default: vertical preset for portrait video, broadcast otherwise. */
  layout?: Partial<CaptionLayoutSettings>;
  /** Also write the JSON transcript (default true). */
  json?: boolean;
}

/** Layout settings for a clip: the vertical preset for portrait video, frame gap at its frame rate. */
export function layoutFor(media: MediaInfo, overrides: Partial<CaptionLayoutSettings> = {}): CaptionLayoutSettings {
  const v = media.video;
  const upright = v ? (v.rotation % 180 === 0 ? v.height > v.width : v.width > v.height) : false;
  const fps = v && v.frameRate.den > 0 && v.frameRate.num > 0 ? v.frameRate.num / v.frameRate.den : BROADCAST_LAYOUT.frameRate;
  return { ...(upright ? VERTICAL_LAYOUT : BROADCAST_LAYOUT), frameRate: fps, ...overrides };
}

export interface CaptionResult {
  transcript: Transcript;
  cues: CaptionCue[];
}

/**
 * Transcribe and lay out a media file's first audio stream, reporting seconds done. Times are on
 * the picture's clock (a track that starts after the first frame moves them), unless `soundClock`:
 * captions for an audio-only output, which starts with its sound.
 */
export async function captionMedia(media: MediaInfo, ctx: Pick<StageContext, 'signal' | 'device' | 'report'>, layout: Partial<CaptionLayoutSettings> = {}, soundClock = false): Promise<CaptionResult> {
  const total = media.audio[0]?.duration || media.duration;
  const t = await LongFormTranscriber.create({ device: ctx.device });
  try {
    const heard = await t.transcribeMedia(media, { signal: ctx.signal, onProgress: (s) => ctx.report(Math.min(s, total), total) });
    ctx.report(total, total);
    // Times count from the track's first sample; a track that starts after the picture moves them.
    const lead = media.audio[0] && !soundClock ? audioLead(media, media.audio[0].index) : 0;
    const transcript = shiftTranscript(heard, lead);
    const cues = layoutCaptions(transcriptWords(transcript), layoutFor(media, layout), heard.duration ? heard.duration + lead : media.duration);
    return { transcript, cues };
  } finally {
    await t.dispose();
  }
}

/** The text of one sidecar. */
export function renderSidecar(format: SidecarFormat, r: CaptionResult): string {
  if (format === 'srt') return toSrt(r.cues);
  if (format === 'vtt') return toWebVtt(r.cues);
  return JSON.stringify(toTranscriptJson(r.transcript, r.cues), null, 1) + '\n';
}

/** `out.mp4` -> `out.srt`. */
export function sidecarPath(output: string, format: SidecarFormat): string {
  const ext = path.extname(output);
  return `${ext ? output.slice(0, -ext.length) : output}.${format}`;
}

/** Sidecar formats a target list asks for (srt/vtt as named, JSON transcript alongside). */
export function sidecarFormats(targets: CaptionTarget[], json = true): SidecarFormat[] {
  const out: SidecarFormat[] = [];
  if (targets.includes('srt')) out.push('srt');
  if (targets.includes('vtt')) out.push('vtt');
  if (json && out.length) out.push('json');
  return out;
}

/** An audio-only output cannot show burned-in captions or carry a caption track: without an SRT or WebVTT asked for, it gets an SRT. */
export function sidecarsInstead(targets: CaptionTarget[]): CaptionTarget[] {
  if (!targets.includes('burn') && !targets.includes('track')) return targets;
  const kept = targets.filter((t) => t !== 'burn' && t !== 'track');
  return kept.length ? kept : ['srt'];
}

export function createCaptionStage(opts: CaptionStageOptions): CaptionStage {
  let forEncoder: EncoderSubtitles | undefined;
  return {
    id: 'captions',
    kind: 'captions',
    // Seconds per second of sound: speech detection and Whisper tiny on the speech (8 s in 1.5 s).
    weight: 0.2,
    progressUnit: 'seconds',
    async run(ctx: StageContext, output: string) {
      const audioOnly = isAudioOnlyOutput(output);
      const targets = audioOnly ? sidecarsInstead(opts.targets) : opts.targets;
      if (targets !== opts.targets) {
        const files = sidecarFormats(targets, false).map((f) => path.basename(sidecarPath(output, f)));
        ctx.warn(`${path.basename(output)} has no picture to burn captions into or a caption track to embed them in, so they go to ${files.join(' and ')}.`);
      }
      const result = await captionMedia(ctx.media, ctx, opts.layout, audioOnly);
      if (result.cues.length === 0) ctx.warn(`No speech was heard in ${ctx.media.file}; the caption files are empty.`);
      const files: Array<{ temp: string; final: string }> = [];
      const track = targets.includes('track');
      const burn = targets.includes('burn');
      if ((track || burn) && result.cues.length) {
        // The encoder embeds and/or burns the same cues the sidecars hold.
        const file = ctx.tempFile('.srt');
        await writeFile(file, toSrt(result.cues));
        forEncoder = { file, track, burnStyle: burn ? burnStyle(opts.style, layoutFor(ctx.media).maxCharsPerLine < BROADCAST_LAYOUT.maxCharsPerLine) : undefined, language: 'eng' };
      }
      for (const format of sidecarFormats(targets, opts.json ?? true)) {
        const final = sidecarPath(output, format);
        if (final === output) continue;
        const temp = ctx.tempFile(`.${format}`);
        await writeFile(temp, renderSidecar(format, result));
        files.push({ temp, final });
      }
      return files;
    },
    subtitlesForEncoder: () => forEncoder,
  };
}
