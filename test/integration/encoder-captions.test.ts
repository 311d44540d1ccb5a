/**
 * The encoder's caption hooks, driven by a stand-in caption stage with a fixed SRT: a soft track
 * lands in the container, and burned-in text changes the pixels while a cue shows and only then.
 */
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ffmpegBinary } from '../../core/media/ffmpeg-binaries.js';
import { runExport } from '../../core/pipeline/run-export.js';
import type { CaptionStage } from '../../core/pipeline/stage.js';
import { cfrClip, ffprobeJson, rotatedClip, workDir } from './fixtures.js';

const SRT = '1\n00:00:00,500 --> 00:00:01,500\nHELLO CAPTIONS\n\n';

function fixedCaptions(track: boolean, burn: boolean): CaptionStage {
  let file = '';
  return {
    kind: 'captions',
    id: 'captions',
    weight: 0.1,
    progressUnit: 'seconds',
    async run(ctx) {
      file = ctx.tempFile('.srt');
      writeFileSync(file, SRT);
      return [];
    },
    subtitlesForEncoder: () => ({ file, track, burnStyle: burn ? 'FontName=DejaVu Sans,FontSize=28,Outline=2,BorderStyle=1' : undefined, language: 'eng' }),
  };
}

/** Grey frame at time t, 64x36, as raw bytes. */
function frameAt(file: string, t: number): Buffer {
  return execFileSync(ffmpegBinary().path, ['-v', 'error', '-ss', String(t), '-i', file, '-frames:v', '1', '-vf', 'scale=64:36,format=gray', '-f', 'rawvideo', '-']);
}
const meanAbsDiff = (a: Buffer, b: Buffer): number => a.reduce((s, x, i) => s + Math.abs(x - b[i]), 0) / a.length;

describe('encoder caption hooks', () => {
  it('a soft track becomes mov_text in MP4 and SubRip in MKV, with the language', async () => {
    const dir = workDir('track');
    for (const [name, codec] of [['out.mp4', 'mov_text'], ['out.mkv', 'subrip']] as const) {
      const out = path.join(dir, name);
      await runExport({ input: cfrClip(), output: out, extraStages: [fixedCaptions(true, false)] });
      const subs = ffprobeJson(out).streams.filter((s) => s.codec_type === 'subtitle');
      expect(subs.map((s) => [s.codec_name, s.tags?.language])).toEqual([[codec, 'eng']]);
      // The video was not touched to add a track.
      expect(ffprobeJson(out).streams.find((s) => s.codec_type === 'video')?.codec_name).toBe('h264');
    }
  });

  it('burned-in text changes the picture while the cue shows, and not outside it', async () => {
    const dir = workDir('burn');
    const plain = path.join(dir, 'plain.mp4');
    const burned = path.join(dir, 'burned.mp4');
    await runExport({ input: cfrClip(), output: plain, crf: 18 });
    await runExport({ input: cfrClip(), output: burned, crf: 18, extraStages: [fixedCaptions(false, true)] });
    const during = meanAbsDiff(frameAt(plain, 1.0), frameAt(burned, 1.0));
    const after = meanAbsDiff(frameAt(plain, 2.5), frameAt(burned, 2.5));
    expect(during).toBeGreaterThan(1.5);
    expect(after).toBeLessThan(0.5);
  });

  it('burning into a rotated clip turns the picture upright instead of keeping rotation metadata', async () => {
    const out = path.join(workDir('burn-rot'), 'out.mp4');
    await runExport({ input: rotatedClip(), output: out, extraStages: [fixedCaptions(false, true)] });
    const v = ffprobeJson(out).streams.find((s) => s.codec_type === 'video')!;
    expect([v.width, v.height]).toEqual([360, 640]);
    const rot = v.side_data_list?.find((s) => s.rotation !== undefined)?.rotation ?? 0;
    expect(rot).toBe(0);
  });
});

describe('encoder caption hooks on the piped path', () => {
  it('burning into rotated piped frames turns them upright too', async () => {
    const out = path.join(workDir('burn-rot-pipe'), 'out.mp4');
    await runExport({ input: rotatedClip(), output: out, pipeFrames: true, extraStages: [fixedCaptions(false, true)] });
    const v = ffprobeJson(out).streams.find((s) => s.codec_type === 'video')!;
    expect([v.width, v.height]).toEqual([360, 640]);
    expect(v.side_data_list?.find((s) => s.rotation !== undefined)?.rotation ?? 0).toBe(0);
  });
});
