/** The media layer on its own: scaled frame decoding, PCM at a chosen rate, every selectable codec. */
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { readVideoFrames } from '../../core/media/frame-reader.js';
import { decodePcm } from '../../core/media/pcm.js';
import { rawFormat } from '../../core/media/pixel-formats.js';
import { probeMedia } from '../../core/media/probe.js';
import { runExport } from '../../core/pipeline/run-export.js';
import { cfrClip, ffmpeg, ffprobeJson, jsonLines, runCli, SPEECH, vfrClip, workDir } from './fixtures.js';

describe('frame and PCM streams', () => {
  it('decodes frames at native size with their timestamps, or at a smaller size', async () => {
    const media = await probeMedia(cfrClip());
    const native = await readVideoFrames(media);
    let n = 0;
    let lastPts = -1;
    for await (const f of native.frames) {
      expect(f.data.length).toBe(640 * 360 * 1.5);
      expect(f.pts).toBeGreaterThan(lastPts);
      lastPts = f.pts;
      n++;
    }
    expect(n).toBe(90);
    const small = await readVideoFrames(media, { scale: { width: 160, height: 90 } });
    const first = await small.frames[Symbol.asyncIterator]().next();
    expect(first.value?.data.length).toBe(160 * 90 * 1.5);
    expect(small.info).toMatchObject({ width: 160, height: 90 });
  });

  it('stops ffmpeg when the consumer stops early', async () => {
    const media = await probeMedia(vfrClip());
    const s = await readVideoFrames(media);
    for await (const f of s.frames) if (f.index === 3) break;
    // The generator's cleanup killed the decoder; a second full read still works.
    let n = 0;
    for await (const _ of (await readVideoFrames(media)).frames) n++;
    expect(n).toBeGreaterThan(10);
  });

  it('keeps every frame of a short clip whose decoder exits before the reader starts', async () => {
    // Two 320x240 grey frames fit in the pipe, so ffmpeg exits at once; the stabilizer used to
    // start reading only after loading its models, by when Node had discarded the frames.
    const dir = workDir('short-read');
    const file = path.join(dir, 'two-frames.mp4');
    ffmpeg(['-f', 'lavfi', '-i', 'testsrc2=s=320x240:r=10', '-frames:v', '2', '-c:v', 'libx264', '-pix_fmt', 'yuv420p', file]);
    const media = await probeMedia(file);
    const s = await readVideoFrames(media, { format: rawFormat('gray') });
    await new Promise((r) => setTimeout(r, 1500));
    const sizes: number[] = [];
    for await (const f of s.frames) sizes.push(f.data.length);
    expect(sizes).toEqual([320 * 240, 320 * 240]);
  });

  it('decodes audio to float PCM at a chosen rate and layout', async () => {
    const media = await probeMedia(SPEECH);
    const pcm = await decodePcm(media, { sampleRate: 8000, channels: 2 });
    expect(pcm.length / 2 / 8000).toBeCloseTo(media.duration, 1);
    const peak = pcm.reduce((m, x) => Math.max(m, Math.abs(x)), 0);
    expect(peak).toBeGreaterThan(0.05);
    expect(peak).toBeLessThanOrEqual(1);
  });
});

describe('selectable encoders', () => {
  it.each([
    ['h265', 'out.mp4', 'hevc'],
    ['vp9', 'out.webm', 'vp9'],
    ['prores', 'out.mov', 'prores'],
    ['h264', 'out.mkv', 'h264'],
  ] as const)('%s into %s', async (codec, name, expected) => {
    const out = path.join(workDir(`codec-${codec}`), name);
    const s = await runExport({ input: cfrClip(), output: out, codec });
    expect(s.video).toBe('encoded');
    const v = ffprobeJson(out).streams.find((x) => x.codec_type === 'video')!;
    expect(v.codec_name).toBe(expected);
    expect(Number(v.nb_frames ?? 90)).toBe(90);
  });

  it('refuses a codec the container cannot hold', async () => {
    await expect(runExport({ input: cfrClip(), output: path.join(workDir('bad-codec'), 'x.webm'), codec: 'h264' })).rejects.toMatchObject({ code: 'OUTPUT_FORMAT_UNSUPPORTED' });
  });
});

describe('CLI reporting', () => {
  it('--json gives staged progress with rate and ETA, then a summary with per-stage times', async () => {
    const out = path.join(workDir('json'), 'out.mp4');
    const r = await runCli(['export', cfrClip(), '-o', out, '--loudnorm', '--crf', '23', '--json']);
    expect(r.code).toBe(0);
    const lines = jsonLines(r.stdout);
    const progress = lines.filter((l) => l.type === 'progress');
    expect(progress.length).toBeGreaterThan(1);
    for (const p of progress) expect(Object.keys(p)).toEqual(expect.arrayContaining(['stage', 'done', 'total', 'fps', 'eta', 'fraction', 'stageIndex', 'stageCount']));
    expect(new Set(progress.map((p) => p.stage))).toEqual(new Set(['loudnorm', 'encode']));
    expect(progress.at(-1)).toMatchObject({ stage: 'encode', done: 90, fraction: 1 });
    const summary = lines.at(-1)!;
    expect(summary).toMatchObject({ type: 'summary', output: out, frames: 90, video: 'encoded' });
    expect((summary.stages as Array<{ stage: string }>).map((s) => s.stage)).toEqual(expect.arrayContaining(['encode']));
  });

  it('doctor names the binary, where it came from, its version and features', async () => {
    const r = await runCli(['doctor', '--json']);
    const d = jsonLines(r.stdout)[0] as { ffmpeg: { path: string; source: string; version: string }; features: Record<string, boolean> };
    expect(d.ffmpeg.source).toBe('bundled');
    expect(d.ffmpeg.version).not.toBe('unknown');
    expect(d.features).toMatchObject({ vidstab: true, libass: true, libx264: true });
    const viaEnv = await runCli(['doctor', '--json'], { env: { CLEARCUT_FFMPEG: d.ffmpeg.path } });
    expect(jsonLines(viaEnv.stdout)[0]).toMatchObject({ ffmpeg: { source: 'env' } });
    const missing = await runCli(['doctor', '--json'], { env: { CLEARCUT_FFMPEG: '/nonexistent/ffmpeg' } });
    expect(missing.code).toBe(1);
    expect(jsonLines(missing.stdout)[0]).toMatchObject({ type: 'error', code: 'FFMPEG_NOT_FOUND' });
  });
});
