/**
 * A caption stage that writes the captions the user edited instead of recognising speech again:
 * the same sidecars and encoder hand-off as the speech stage (core/stages/captions/caption-stage.ts).
 */
import { writeFile } from 'node:fs/promises';
import type { CaptionStage } from '../pipeline/stage.js';
import { burnStyle, sidecarPath } from '../stages/captions/caption-stage.js';
import { toSrt, toWebVtt } from '../stages/captions/formats.js';
import type { CaptionCue } from '../stages/captions/layout.js';
import type { CueData } from './types.js';

export function toCaptionCues(cues: CueData[]): CaptionCue[] {
  return [...cues].sort((a, b) => a.start - b.start).map((c) => ({ start: c.start, end: c.end, lines: c.lines, words: c.words ?? [] }));
}

export function createEditedCaptionStage(cues: CueData[], targets: Array<'srt' | 'vtt' | 'burn' | 'track'>): CaptionStage {
  const captionCues = toCaptionCues(cues);
  let forEncoder: ReturnType<NonNullable<CaptionStage['subtitlesForEncoder']>>;
  return {
    id: 'captions',
    kind: 'captions',
    weight: 0.001,
    progressUnit: 'seconds',
    async run(ctx, output) {
      ctx.report(1, 1);
      const track = targets.includes('track');
      const burn = targets.includes('burn');
      if ((track || burn) && captionCues.length) {
        const file = ctx.tempFile('.srt');
        await writeFile(file, toSrt(captionCues));
        const v = ctx.media.video;
        const upright = !!v && (v.rotation === 90 || v.rotation === 270 ? v.width > v.height : v.height > v.width);
        forEncoder = { file, track, burnStyle: burn ? burnStyle({}, upright) : undefined, language: 'eng' };
      }
      const files: Array<{ temp: string; final: string }> = [];
      for (const format of ['srt', 'vtt'] as const) {
        if (!targets.includes(format)) continue;
        const temp = ctx.tempFile(`.${format}`);
        await writeFile(temp, format === 'srt' ? toSrt(captionCues) : toWebVtt(captionCues));
        files.push({ temp, final: sidecarPath(output, format) });
      }
      return files;
    },
    subtitlesForEncoder: () => forEncoder,
  };
}
