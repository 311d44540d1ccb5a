/** Each kind of bad input or output gets a typed error naming the file, and nothing is written. */
import { createHash } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, readdirSync, readFileSync, statSync, truncateSync, writeFileSync, copyFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runningMediaProcessCount } from '../../core/media/ffmpeg-process.js';
import { runExport } from '../../core/pipeline/run-export.js';
import type { VideoStage } from '../../core/pipeline/stage.js';
import { nutFileHeader, nutFrameHeader } from '../../core/media/nut-writer.js';
import { ffprobeBinary } from '../../core/media/ffmpeg-binaries.js';
import { audioOnlyClip, cfrClip, ffmpeg, fixture, jsonLines, runCli, videoOnlyClip, workDir } from './fixtures.js';

async function cliError(args: string[], opts: Parameters<typeof runCli>[1] = {}) {
  const r = await runCli(['export', ...args, '--json'], opts);
  const err = jsonLines(r.stdout).find((l) => l.type === 'error');
  return { code: r.code, err: err as { code: string; message: string; file?: string } | undefined, stderr: r.stderr };
}

const sha = (f: string): string => createHash('sha256').update(readFileSync(f)).digest('hex');

/** A video stage that passes frames through, to ask for "a video stage" before real ones land. */
const identityVideoStage: VideoStage = { kind: 'video', id: 'identity', weight: 0.1, progressUnit: 'frames', transform: (s) => s };

describe('bad input is refused with a clear, typed error', () => {
  const dir = workDir('bad');
  const out = path.join(dir, 'out.mp4');

  it('missing file', async () => {
    const { code, err } = await cliError([path.join(dir, 'nope.mp4'), '-o', out]);
    expect(code).toBe(1);
    expect(err).toMatchObject({ code: 'FILE_NOT_FOUND', file: path.join(dir, 'nope.mp4') });
    expect(err!.message).toContain('nope.mp4');
  });

  it('a folder', async () => {
    const { err } = await cliError([dir, '-o', out]);
    expect(err?.code).toBe('IS_DIRECTORY');
  });

  it('a zero-byte file', async () => {
    const empty = path.join(dir, 'empty.mp4');
    writeFileSync(empty, '');
    const { err } = await cliError([empty, '-o', out]);
    expect(err).toMatchObject({ code: 'EMPTY_FILE', file: empty });
  });

  it('a text file renamed .mp4', async () => {
    const text = path.join(dir, 'notes.mp4');
    writeFileSync(text, 'Shopping list:\n- eggs\n- milk\n'.repeat(50));
    const { err } = await cliError([text, '-o', out]);
    expect(err).toMatchObject({ code: 'NOT_MEDIA', file: text });
  });

  it('a truncated mp4 (index at the end, cut off)', async () => {
    const cut = path.join(dir, 'cut.mp4');
    copyFileSync(cfrClip(), cut);
    truncateSync(cut, Math.floor(statSync(cut).size / 2));
    const { err } = await cliError([cut, '-o', out]);
    expect(err?.code).toBe('CORRUPT_MEDIA');
    expect(err?.message).toMatch(/truncated|damaged/);
  });

  it('a truncated mp4 (index at the start, data cut off) fails during decoding', async () => {
    const whole = fixture('faststart-4s.mp4', (f) => ffmpeg(['-f', 'lavfi', '-i', 'testsrc2=s=320x240:r=25', '-f', 'lavfi', '-i', 'sine', '-t', '4', '-c:v', 'libx264', '-preset', 'veryfast', '-c:a', 'aac', '-movflags', '+faststart', '-f', 'mp4', f]));
    const cut = path.join(dir, 'cut-faststart.mp4');
    copyFileSync(whole, cut);
    truncateSync(cut, Math.floor(statSync(cut).size * 0.6));
    const { err } = await cliError([cut, '-o', out]);
    expect(err?.code).toBe('CORRUPT_MEDIA');
    expect(existsSync(out)).toBe(false);
  });

  it('audio-only input when a video stage is asked for', async () => {
    await expect(runExport({ input: audioOnlyClip(), output: out, extraStages: [identityVideoStage] })).rejects.toMatchObject({ code: 'NO_VIDEO_STREAM', file: audioOnlyClip() });
  });

  it('video-only input when an audio stage is asked for', async () => {
    const { code, err } = await cliError([videoOnlyClip(), '-o', out, '--loudnorm']);
    expect(code).toBe(1);
    expect(err).toMatchObject({ code: 'NO_AUDIO_STREAM', file: videoOnlyClip() });
  });

  it('--denoise-video on an audio-only file names the file and the missing stream', async () => {
    const { code, err } = await cliError([audioOnlyClip(), '-o', out, '--denoise-video']);
    expect(code).toBe(1);
    expect(err).toMatchObject({ code: 'NO_VIDEO_STREAM', file: audioOnlyClip() });
  });

  it('an odd pixel format (Bayer raw)', async () => {
    // ffmpeg cannot convert to Bayer, so the raw sensor frames are written with Clearcut's own NUT writer.
    const bayer = fixture('bayer.nut', (f) => {
      const frames = [0, 1, 2].flatMap((i) => [nutFrameHeader(i, 64 * 48), Buffer.alloc(64 * 48, 40 * i)]);
      writeFileSync(f, Buffer.concat([nutFileHeader({ width: 64, height: 48, fourcc: [0xba, 0x52, 0x47, 8], timeBase: { num: 1, den: 5 } }), ...frames]));
    });
    const { err } = await cliError([bayer, '-o', out]);
    expect(err).toMatchObject({ code: 'UNSUPPORTED_PIXEL_FORMAT', file: bayer });
    expect(err?.message).toContain('bayer_rggb8');
  });

  it('huge frames', async () => {
    const huge = fixture('huge-9000.png', (f) => ffmpeg(['-f', 'lavfi', '-i', 'color=c=black:s=9000x9000', '-frames:v', '1', '-f', 'image2', '-c:v', 'png', f]));
    const { err } = await cliError([huge, '-o', out]);
    expect(err).toMatchObject({ code: 'FRAME_TOO_LARGE', file: huge });
  });

  it('relative paths work, from any working folder', async () => {
    const dir = workDir('relative');
    copyFileSync(cfrClip(), path.join(dir, 'in clip.mp4'));
    mkdirSync(path.join(dir, 'sub'));
    // Input in the working folder, output in another one (the encoder runs in the output folder).
    const r = await runCli(['export', 'in clip.mp4', '-o', 'sub/out.mp4', '--loudnorm', '--crf', '30', '--json'], { cwd: dir });
    expect(r.code, r.stdout).toBe(0);
    expect(existsSync(path.join(dir, 'sub', 'out.mp4'))).toBe(true);
  });

  it('paths with spaces and non-ASCII characters work', async () => {
    const odd = path.join(workDir('odd'), 'Ünïcödé clip – 1 (final).mp4');
    copyFileSync(cfrClip(), odd);
    const target = path.join(path.dirname(odd), 'résultat final 📼.mp4');
    const r = await runCli(['export', odd, '-o', target, '--json']);
    expect(r.code).toBe(0);
    expect(jsonLines(r.stdout).at(-1)).toMatchObject({ type: 'summary', output: target });
    expect(existsSync(target)).toBe(true);
  });
});

describe('outputs are never lost or overwritten by accident', () => {
  const dir = workDir('outputs');

  it('several inputs: each result lands next to its input, and one bad clip does not stop the rest', async () => {
    const batch = workDir('batch');
    copyFileSync(cfrClip(), path.join(batch, 'a.mp4'));
    copyFileSync(audioOnlyClip(), path.join(batch, 'memo.m4a'));
    writeFileSync(path.join(batch, 'notes.mp4'), 'not a video');
    writeFileSync(path.join(batch, 'a_clean.mp4'), 'an earlier result');
    const r = await runCli(['export', 'a.mp4', 'notes.mp4', 'memo.m4a', '--loudnorm', '--crf', '30', '--json'], { cwd: batch });
    const lines = jsonLines(r.stdout);
    expect(r.code).toBe(1);
    // The bad clip's own error names it; the command's last line says what failed overall.
    expect(lines.filter((l) => l.type === 'error').map((l) => l.code)).toEqual(['NOT_MEDIA', 'BATCH_INCOMPLETE']);
    expect(lines.find((l) => l.code === 'NOT_MEDIA')?.file).toBe(path.join(batch, 'notes.mp4'));
    expect(lines.filter((l) => l.type === 'summary').map((l) => l.output)).toEqual([path.join(batch, 'a_clean-2.mp4'), path.join(batch, 'memo_clean.m4a')]);
    expect(readFileSync(path.join(batch, 'a_clean.mp4'), 'utf8')).toBe('an earlier result');
    expect(statSync(path.join(batch, 'a_clean-2.mp4')).size).toBeGreaterThan(1000);
    expect(readdirSync(batch).sort()).toEqual(['a.mp4', 'a_clean-2.mp4', 'a_clean.mp4', 'memo.m4a', 'memo_clean.m4a', 'notes.mp4']);
    // Each progress line says which clip of the batch it is about, with the time left for all of them.
    const progress = lines.filter((l) => l.type === 'progress');
    expect(new Set(progress.map((l) => `${l.clip}/${l.clips} ${l.input}`))).toEqual(new Set(['1/3 a.mp4', '3/3 memo.m4a']));
    expect(progress.every((l) => l.batchEta === null || (typeof l.batchEta === 'number' && l.batchEta >= 0))).toBe(true);
    // -o names one file, so it is refused with several inputs before anything runs.
    const usage = await runCli(['export', 'a.mp4', 'memo.m4a', '-o', 'x.mp4', '--json'], { cwd: batch });
    expect(usage.code).toBe(2);
    expect(existsSync(path.join(batch, 'x.mp4'))).toBe(false);
  });

  it('refuses to write over the input, which stays byte-identical', async () => {
    const input = path.join(dir, 'in.mp4');
    copyFileSync(cfrClip(), input);
    const before = sha(input);
    const { code, err } = await cliError([input, '-o', input, '--overwrite']);
    expect(code).toBe(1);
    expect(err?.code).toBe('OUTPUT_IS_INPUT');
    expect(sha(input)).toBe(before);
  });

  it('refuses to replace an existing output without --overwrite, and replaces it with it', async () => {
    const existing = path.join(dir, 'existing.mp4');
    writeFileSync(existing, 'keep me');
    const { err } = await cliError([cfrClip(), '-o', existing]);
    expect(err?.code).toBe('OUTPUT_EXISTS');
    expect(readFileSync(existing, 'utf8')).toBe('keep me');
    const r = await runCli(['export', cfrClip(), '-o', existing, '--overwrite']);
    expect(r.code).toBe(0);
    expect(statSync(existing).size).toBeGreaterThan(1000);
  });

  it('a stage that fails before taking a frame leaves no ffmpeg behind (its decoder was already running)', async () => {
    const out = path.join(dir, 'refused.mp4');
    const refusing: VideoStage = {
      ...identityVideoStage,
      id: 'refusing',
      transform: () => {
        throw new Error('refused before the first frame');
      },
    };
    const before = runningMediaProcessCount();
    await expect(runExport({ input: cfrClip(), output: out, extraStages: [refusing] })).rejects.toThrow('refused before the first frame');
    const end = Date.now() + 3000;
    while (runningMediaProcessCount() > before && Date.now() < end) await new Promise((r) => setTimeout(r, 50));
    expect(runningMediaProcessCount()).toBe(before);
    expect(existsSync(out)).toBe(false);
    expect(readdirSync(dir).filter((f) => f.includes('refused'))).toEqual([]);
  });

  it('an output extension it cannot write', async () => {
    const { err } = await cliError([cfrClip(), '-o', path.join(dir, 'x.avi')]);
    expect(err?.code).toBe('OUTPUT_FORMAT_UNSUPPORTED');
  });

  it('an unwritable output folder', async () => {
    const locked = path.join(dir, 'locked');
    mkdirSync(locked, { recursive: true });
    chmodSync(locked, 0o555);
    // Root may write anywhere, so as root the CLI runs as "nobody" for this case.
    const asNobody = process.getuid?.() === 0 ? { uid: 65534, gid: 65534 } : {};
    chmodSync(dir, 0o755);
    const input = path.join(dir, 'readable.mp4');
    copyFileSync(cfrClip(), input);
    chmodSync(input, 0o644);
    // The bundled ffprobe is executable by its owner only, so "nobody" gets its own copy.
    const probeCopy = fixture('ffprobe-any-user', (f) => copyFileSync(ffprobeBinary().path, f));
    chmodSync(probeCopy, 0o755);
    const { code, err } = await cliError([input, '-o', path.join(locked, 'out.mp4')], { ...asNobody, env: { HOME: '/tmp', CLEARCUT_FFPROBE: probeCopy } });
    expect(code).toBe(1);
    expect(err).toMatchObject({ code: 'OUTPUT_NOT_WRITABLE', file: path.join(locked, 'out.mp4') });
    expect(readdirSync(locked)).toEqual([]);
  });

  const canMount = process.getuid?.() === 0 && process.platform === 'linux';
  const mnt = path.join(dir, 'tiny-disk');
  afterAll(() => {
    if (canMount) {
      try {
        execFileSync('umount', [mnt]);
      } catch {
        /* not mounted */
      }
    }
  });

  // Needs root to mount a 1 MiB tmpfs; CI runs as root. The unit tests cover ENOSPC mapping everywhere.
  it.runIf(canMount)('a full disk: DISK_FULL, and no partial output is left', async () => {
    mkdirSync(mnt, { recursive: true });
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=1m', 'tmpfs', mnt]);
    const big = fixture('big-5s.mp4', (f) => ffmpeg(['-f', 'lavfi', '-i', 'testsrc2=s=640x360:r=30', '-f', 'lavfi', '-i', 'sine', '-t', '5', '-c:v', 'libx264', '-preset', 'veryfast', '-crf', '10', '-c:a', 'aac', '-f', 'mp4', f]));
    const target = path.join(mnt, 'out.mp4');
    const { code, err } = await cliError([big, '-o', target, '--crf', '0']);
    expect(code).toBe(1);
    expect(err).toMatchObject({ code: 'DISK_FULL', file: target });
    expect(readdirSync(mnt)).toEqual([]);
  });
});

describe('usage errors exit with 2', () => {
  it.each([
    [['export']],
    [['export', 'a.mp4', 'b.mp4', '-o', 'c.mp4']],
    [['export', 'a.mp4', '-o', 'b.mp4', '--stabilize=2']],
    [['export', 'a.mp4', '-o', 'b.mp4', '--no-such-flag']],
    [['export', 'a.mp4', '-o', 'b.mp4', '--codec', 'divx']],
    [['export', 'a.mp4', '-o', 'b.mp4', '--preset', 'no-such-preset']],
  ])('%j', async (args) => {
    const r = await runCli(args);
    expect(r.code).toBe(2);
    expect(r.stderr.length).toBeGreaterThan(0);
  });
});
