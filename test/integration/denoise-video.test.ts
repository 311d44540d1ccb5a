/**
 * `--denoise-video` end to end (issue 6), through the CLI, on a moving picture with a known clean
 * reference (ffmpeg's mandelbrot zoom, smoothed, 12 frames) and seeded Gaussian noise (bench/lib/noise.ts).
 * Outputs are FFV1 so encoder loss does not count: the noisy clip must gain PSNR above a pinned
 * margin, a clean clip must stay close to itself, strength 0 must be bit-exact, and frame count,
 * size, pixel format and timestamps must be kept, also at an odd frame size.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { cachedFile, psnrSsim } from '../../bench/lib/ffmpeg.js';
import { writeNoisyClip } from '../../bench/lib/noise.js';
import { ffmpegBinary } from '../../core/media/ffmpeg-binaries.js';
import { runExport } from '../../core/pipeline/run-export.js';
import { createDenoiseVideoStage } from '../../core/stages/denoise-video/denoise-video-stage.js';
import { ffmpeg, ffprobeJson, fixture, jsonLines, runCli, TMP, videoPts, workDir } from './fixtures.js';

/**
 * The shipped model gains 9.7 dB on this clip at σ 20 (22.3 → 32.0 dB); the margin is pinned
 * below that so run-to-run noise passes and a broken model or pipeline does not.
 */
const MIN_GAIN_DB = 8;

/**
 * A zooming picture with smooth shading and edges like optics give (the fractal's pixel-level
 * chaos blurred away, levels kept off black and white so nothing clips).
 */
function clean(name: string, size: string, pixFmt: string): string {
  const scene = `mandelbrot=s=${size}:r=25:start_scale=0.5,gblur=sigma=1.2,lutrgb=r=30+val*0.75:g=30+val*0.75:b=30+val*0.75,format=${pixFmt}`;
  return fixture(name, (f) => ffmpeg(['-f', 'lavfi', '-i', scene, '-frames:v', '12', '-c:v', 'ffv1', '-pix_fmt', pixFmt, '-f', 'matroska', f]));
}

const noisy = (name: string, from: string): Promise<string> =>
  cachedFile(path.join(TMP, name), (partial) => writeNoisyClip(from, partial, { kind: 'gaussian', sigma: 20 }, 7));

const psnr = (a: string, b: string): number => psnrSsim(a, b).psnr;

function frameHashes(file: string): string[] {
  return execFileSync(ffmpegBinary().path, ['-hide_banner', '-loglevel', 'error', '-i', file, '-map', '0:v', '-f', 'framemd5', '-'], { encoding: 'utf8' })
    .split('\n')
    .filter((l) => l && !l.startsWith('#'))
    .map((l) => l.split(',').at(-1)!.trim());
}

describe('--denoise-video', () => {
  const cleanRgb = (): string => clean('dv-clean-gbrp.mkv', '256x192', 'gbrp');

  it('removes seeded noise with a known clean reference, keeping frames, size, format and timing', async () => {
    const input = await noisy('dv-noisy-gbrp.mkv', cleanRgb());
    const out = path.join(workDir('dv-gain'), 'out.mkv');
    const r = await runCli(['export', input, '-o', out, '--denoise-video', '--codec', 'ffv1', '--json']);
    expect(r.code, r.stderr).toBe(0);
    const before = psnr(input, cleanRgb());
    const after = psnr(out, cleanRgb());
    expect(after - before).toBeGreaterThan(MIN_GAIN_DB);
    const [sIn, sOut] = [input, out].map((f) => ffprobeJson(f).streams.find((s) => s.codec_type === 'video')!);
    // 8-bit RGB: this ffmpeg's FFV1 stores it as bgr0 (no planar gbrp at 8 bits); either way lossless.
    expect(['gbrp', 'bgr0']).toContain(sIn.pix_fmt);
    expect([sOut.width, sOut.height, sOut.pix_fmt, sOut.codec_name]).toEqual([sIn.width, sIn.height, sIn.pix_fmt, 'ffv1']);
    expect(videoPts(out)).toEqual(videoPts(input));
    expect(jsonLines(r.stdout).find((l) => l.type === 'summary')).toBeDefined();
    expect(frameHashes(out)).toHaveLength(12);
  });

  it('leaves a clean clip close to itself', async () => {
    const out = path.join(workDir('dv-clean'), 'out.mkv');
    const r = await runCli(['export', cleanRgb(), '-o', out, '--denoise-video', '--codec', 'ffv1']);
    expect(r.code, r.stderr).toBe(0);
    expect(psnr(out, cleanRgb())).toBeGreaterThan(38);
  });

  it('strength 0 is the identity, bit for bit', async () => {
    const input = await noisy('dv-noisy-gbrp.mkv', cleanRgb());
    const out = path.join(workDir('dv-zero'), 'out.mkv');
    const r = await runCli(['export', input, '-o', out, '--denoise-video=0', '--codec', 'ffv1']);
    expect(r.code, r.stderr).toBe(0);
    expect(frameHashes(out)).toEqual(frameHashes(input));
  });

  it('a small object moving over a flat background leaves no trail', async () => {
    // A 6x6 white square moves 4 px a frame over noisy grey; the still-region averaging and the
    // network must not leave copies of it where it was.
    const scene = (noise: string): string => `color=c=0x404040:s=160x96:r=25[bg];color=c=white:s=6x6:r=25[dot];[bg][dot]overlay=x='20+4*n':y=40${noise},format=yuv444p`;
    const cleanDot = fixture('dv-dot-clean.mkv', (f) => ffmpeg(['-filter_complex', scene(''), '-frames:v', '20', '-c:v', 'ffv1', f]));
    const noisyDot = fixture('dv-dot-noisy.mkv', (f) => ffmpeg(['-filter_complex', scene(',noise=alls=18:allf=t:all_seed=5'), '-frames:v', '20', '-c:v', 'ffv1', f]));
    const out = path.join(workDir('dv-dot'), 'out.mkv');
    const r = await runCli(['export', noisyDot, '-o', out, '--denoise-video', '--codec', 'ffv1']);
    expect(r.code, r.stderr).toBe(0);
    const grey = (file: string): Buffer => execFileSync(ffmpegBinary().path, ['-hide_banner', '-loglevel', 'error', '-i', file, '-vf', 'format=gray', '-f', 'rawvideo', '-'], { maxBuffer: 1 << 26 });
    const [got, want] = [grey(out), grey(cleanDot)];
    let worst = 0;
    for (let n = 4; n < 16; n++) {
      // The strip the square covered in the three frames before is background again in frame n;
      // a trail would make it brighter on average (the square is white on dark grey).
      let bias = 0;
      for (let y = 40; y < 46; y++) for (let x = 20 + 4 * (n - 3); x < 20 + 4 * n; x++) bias += got[n * 160 * 96 + y * 160 + x] - want[n * 160 * 96 + y * 160 + x];
      worst = Math.max(worst, bias / (6 * 12));
    }
    // A half-strength copy of the square would be ~95 levels brighter; noise averages to ~0-3.
    expect(worst).toBeLessThan(6);
  });

  it("cleans a 4:2:0 clip's colour noise in its chroma planes, and leaves lightly noisy chroma alone", async () => {
    // Noise added to each plane of a yuv420p clip, as a camera's is: each chroma sample is a 2 × 2
    // colour blotch, which the network, seeing RGB, leaves much of (subsampled-chroma.ts). The
    // scene's colour follows its brightness (a tinted picture), as camera footage's mostly does:
    // on colour detail that brightness does not show (the fractal's own palette) the filter
    // softens it and loses about 0.8 dB on U and 1.5 on V instead (models/clearcut-vdn.md, Limits).
    const tinted = 'mandelbrot=s=256x192:r=25:start_scale=0.5,gblur=sigma=1.2,format=gray,format=rgb24,colorchannelmixer=rr=0.35:rg=0.35:rb=0.35:gr=0.3:gg=0.3:gb=0.3:br=0.2:bg=0.2:bb=0.2,lutrgb=r=40+val:g=40+val:b=50+val';
    const clean420 = fixture('dv-clean-420-tinted.mkv', (f) => ffmpeg(['-f', 'lavfi', '-i', tinted, '-frames:v', '12', '-c:v', 'ffv1', '-pix_fmt', 'yuv420p', '-f', 'matroska', f]));
    const planes = (file: string): Record<'y' | 'u' | 'v', number> => {
      const r = spawnSync(ffmpegBinary().path, ['-hide_banner', '-nostdin', '-i', file, '-i', clean420, '-lavfi', '[0:v]setpts=N[a];[1:v]setpts=N[b];[a][b]psnr', '-f', 'null', '-'], { encoding: 'utf8' });
      const m = /PSNR y:([\d.]+) u:([\d.]+) v:([\d.]+)/.exec(r.stderr)!;
      return { y: Number(m[1]), u: Number(m[2]), v: Number(m[3]) };
    };
    const run = async (input: string, chromaFilter: boolean): Promise<{ scores: Record<'y' | 'u' | 'v', number>; weight?: number }> => {
      const out = path.join(workDir('dv-420'), 'out.mkv');
      const stage = createDenoiseVideoStage({ strength: 0.5, chromaFilter });
      await runExport({ input, output: out, codec: 'ffv1', extraStages: [stage] });
      return { scores: planes(out), weight: stage.chromaSmoothing };
    };
    const heavy = path.join(workDir('dv-420-in'), 'noisy.mkv');
    ffmpeg(['-i', clean420, '-vf', 'noise=alls=20:allf=t:all_seed=3', '-c:v', 'ffv1', '-pix_fmt', 'yuv420p', heavy]);
    const [on, off] = [await run(heavy, true), await run(heavy, false)];
    expect(on.weight).toBe(1);
    expect(on.scores.y).toBe(off.scores.y);
    expect(on.scores.u).toBeGreaterThan(off.scores.u + 1);
    expect(on.scores.v).toBeGreaterThan(off.scores.v + 1);
    // Noise of 2 code values in the chroma planes: below where the filter starts.
    const light = path.join(workDir('dv-420-light'), 'noisy.mkv');
    ffmpeg(['-i', clean420, '-vf', 'noise=c0s=20:c1s=3:c2s=3:allf=t:all_seed=3', '-c:v', 'ffv1', '-pix_fmt', 'yuv420p', light]);
    expect((await run(light, true)).weight).toBe(0);
  });

  it('an odd frame size in YUV 4:4:4 neither crashes nor shifts the picture', async () => {
    const cleanOdd = clean('dv-clean-odd.mkv', '253x189', 'yuv444p');
    const input = path.join(workDir('dv-odd-in'), 'noisy.mkv');
    ffmpeg(['-i', cleanOdd, '-vf', 'noise=alls=14:allf=t', '-c:v', 'ffv1', '-pix_fmt', 'yuv444p', input]);
    const out = path.join(workDir('dv-odd'), 'out.mkv');
    const r = await runCli(['export', input, '-o', out, '--denoise-video', '--codec', 'ffv1']);
    expect(r.code, r.stderr).toBe(0);
    const s = ffprobeJson(out).streams[0];
    expect([s.width, s.height, s.pix_fmt]).toEqual([253, 189, 'yuv444p']);
    // A shift of even one pixel would cost far more than the noise removal gains.
    expect(psnr(out, cleanOdd)).toBeGreaterThan(psnr(input, cleanOdd) + 2);
  });
});
