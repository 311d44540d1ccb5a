/**
 * The watch folder end to end, through the real CLI: every good input produces exactly one output,
 * every bad one is explained, nothing is processed twice, a growing file waits until it is
 * complete, and a watcher killed with SIGKILL mid-job loses nothing and leaves no partial file.
 */
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync, appendFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { audioOnlyClip, ffmpeg, fixture, jsonLines, runCli, videoOnlyClip, workDir } from './fixtures.js';

/** Short clips that differ in content (so their job ids differ). */
const clip = (i: number, size = '160x120', seconds = 1): string =>
  fixture(`watch-${size}-${seconds}s-${i}.mp4`, (f) =>
    ffmpeg(['-f', 'lavfi', '-i', `testsrc2=s=${size}:r=15`, '-f', 'lavfi', '-i', `sine=f=${300 + 50 * i}:r=48000`, '-t', String(seconds), '-vf', `hue=h=${i * 37}`, '-c:v', 'libx264', '-preset', 'ultrafast', '-pix_fmt', 'yuv420p', '-c:a', 'aac', '-shortest', '-f', 'mp4', f]),
  );

/** Every file under `dir`, relative, sorted. */
function tree(dir: string): string[] {
  if (!existsSync(dir)) return [];
  const out: string[] = [];
  const walk = (d: string): void => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) walk(p);
      else out.push(path.relative(dir, p));
    }
  };
  walk(dir);
  return out.sort();
}

const logOf = (out: string): Array<Record<string, unknown>> => (existsSync(path.join(out, 'clearcut-watch.log')) ? jsonLines(readFileSync(path.join(out, 'clearcut-watch.log'), 'utf8')) : []);
const events = (out: string, event: string): Array<Record<string, unknown>> => logOf(out).filter((e) => e.event === event);
const mediaOutputs = (out: string): string[] => tree(out).filter((f) => !f.startsWith('clearcut-reports') && f !== 'clearcut-watch.log');

/** Processes (other than this one) whose command line mentions `needle`. */
function processesMentioning(needle: string): number[] {
  return readdirSync('/proc')
    .filter((e) => /^\d+$/.test(e) && Number(e) !== process.pid)
    .filter((e) => {
      try {
        const cmd = readFileSync(`/proc/${e}/cmdline`, 'utf8');
        return cmd.includes(needle) && !cmd.includes('vitest');
      } catch {
        return false;
      }
    })
    .map(Number);
}

async function waitFor(cond: () => boolean, ms: number): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 50));
  }
}

function setup(name: string): { dir: string; input: string; out: string; env: NodeJS.ProcessEnv } {
  const dir = workDir(name);
  const input = path.join(dir, 'in');
  mkdirSync(input);
  return { dir, input, out: path.join(dir, 'out'), env: { CLEARCUT_JOBS_DB: path.join(dir, 'jobs.sqlite') } };
}

describe('clearcut watch', () => {
  it('many files at once: good ones once each (tree mirrored), corrupt ones failed with a reason, duplicates and non-media skipped', async () => {
    const { dir, input, out, env } = setup('watch-batch');
    mkdirSync(path.join(input, 'day2', 'cam b'), { recursive: true });
    copyFileSync(clip(1), path.join(input, 'one.mp4'));
    copyFileSync(clip(2), path.join(input, 'day2', 'two.mp4'));
    copyFileSync(clip(3), path.join(input, 'day2', 'cam b', 'three.mp4'));
    copyFileSync(clip(1), path.join(input, 'day2', 'one again.mp4')); // same content, another name
    writeFileSync(path.join(input, 'day2', 'cut-off.mp4'), readFileSync(clip(4)).subarray(0, 4000));
    writeFileSync(path.join(input, 'notes-renamed.mov'), 'this is a text file, not a movie\n'.repeat(20));
    writeFileSync(path.join(input, 'readme.txt'), 'hello');
    writeFileSync(path.join(input, '.hidden.mp4'), 'x');
    writeFileSync(path.join(input, 'big.mp4.crdownload'), 'x');
    copyFileSync(clip(5), path.join(input, 'old_clean.mp4')); // looks like one of our outputs
    const args = ['watch', input, '--out', out, '--preset', 'podcast', '--once', '--stable-ms', '100', '--concurrency', '2', '--failed-dir', path.join(dir, 'failed'), '--json'];
    const r = await runCli(args, { env });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(1); // some jobs failed
    const summary = jsonLines(r.stdout).find((l) => l.type === 'summary')!;
    expect(summary).toMatchObject({ done: 3, failed: 2, queued: 0, running: 0 });
    expect(mediaOutputs(out)).toEqual(['day2/cam b/three_clean.mp4', 'day2/two_clean.mp4', 'one_clean.mp4']);
    const failed = events(out, 'failed');
    expect(failed.map((f) => [path.basename(String(f.file)), f.code]).sort()).toEqual([
      ['cut-off.mp4', 'CORRUPT_MEDIA'],
      ['notes-renamed.mov', 'NOT_MEDIA'],
    ]);
    for (const f of failed) {
      expect(String(f.message)).toContain(String(f.file));
      const report = JSON.parse(readFileSync(String(f.report), 'utf8'));
      expect(report.error.code).toBe(f.code);
      expect(report.attempts).toBe(1); // a damaged input is not retried
    }
    expect(tree(path.join(dir, 'failed'))).toEqual(['day2/cut-off.mp4', 'notes-renamed.mov']);
    const skips = Object.fromEntries(events(out, 'skip').map((s) => [path.basename(String(s.file)), s.reason]));
    expect(skips).toEqual({ 'one again.mp4': 'duplicate', 'readme.txt': 'not-media', '.hidden.mp4': 'hidden', 'big.mp4.crdownload': 'temporary', 'old_clean.mp4': 'our-output' });
    const done = events(out, 'done');
    expect(done).toHaveLength(3);
    const report = JSON.parse(readFileSync(String(done[0].report), 'utf8'));
    expect(report).toMatchObject({ state: 'done', preset: { name: 'podcast' }, settings: { loudnorm: true } });
    expect(report.stages.map((s: { stage: string }) => s.stage)).toContain('encode');

    // Restart: nothing new is processed, nothing is overwritten.
    const mtimes = mediaOutputs(out).map((f) => statSync(path.join(out, f)).mtimeMs);
    const again = await runCli(args, { env });
    expect(again.code).toBe(1);
    expect(events(out, 'done')).toHaveLength(3);
    expect(events(out, 'queued')).toHaveLength(5);
    expect(mediaOutputs(out).map((f) => statSync(path.join(out, f)).mtimeMs)).toEqual(mtimes);
    const jobs = jsonLines((await runCli(['jobs', 'list', '--json'], { env })).stdout)[0] as { counts: Record<string, number> };
    expect(jobs.counts).toEqual({ queued: 0, running: 0, done: 3, failed: 2, cancelled: 0 });
  });

  it('a preset meets a clip without sound and one without picture: what does not fit is left out with a warning, the rest runs', async () => {
    const { dir, input, out, env } = setup('watch-mixed');
    copyFileSync(videoOnlyClip(), path.join(input, 'broll.mp4'));
    copyFileSync(audioOnlyClip(), path.join(input, 'memo.m4a'));
    const preset = path.join(dir, 'vlog.json');
    writeFileSync(preset, JSON.stringify({ name: 'vlog', stages: { stabilize: 0.5, loudnorm: true, captions: ['burn'] } }));
    const r = await runCli(['watch', input, '--out', out, '--preset', preset, '--once', '--stable-ms', '100', '--json'], { env });
    expect(r.code, r.stderr).toBe(0);
    expect(jsonLines(r.stdout).find((l) => l.type === 'summary')).toMatchObject({ done: 2, failed: 0 });
    expect(mediaOutputs(out)).toEqual(['broll_clean.mp4', 'memo_clean.json', 'memo_clean.m4a', 'memo_clean.srt']);
    const warned = (file: string) => events(out, 'warning').filter((e) => path.basename(String(e.file)) === file).map((e) => String(e.message));
    expect(warned('broll.mp4')).toEqual([expect.stringMatching(/broll\.mp4 has no audio, so loudnorm and captions were left out/)]);
    expect(warned('memo.m4a')).toEqual(
      expect.arrayContaining([expect.stringMatching(/memo\.m4a has no video, so stabilize was left out/), expect.stringMatching(/no picture to burn captions into .* so they go to memo_clean\.srt/)]),
    );
  });

  it('a growing file is queued once, only after it is complete; a renamed copy added later is not processed again', async () => {
    const { input, out, env, dir } = setup('watch-growing');
    let pid = 0;
    const running = runCli(['watch', input, '--out', out, '--stable-ms', '250', '--done-dir', path.join(dir, 'done'), '--json'], { env, onSpawn: (p) => (pid = p) });
    await waitFor(() => events(out, 'scanned').length === 1, 20_000);
    const bytes = readFileSync(clip(6, '320x240', 2));
    const target = path.join(input, 'slow.mp4');
    const parts = 6;
    for (let i = 0; i < parts; i++) {
      // While it grows, nothing is queued (checked before each append, the file still incomplete).
      expect(events(out, 'queued')).toHaveLength(0);
      appendFileSync(target, bytes.subarray(Math.floor((i * bytes.length) / parts), Math.floor(((i + 1) * bytes.length) / parts)));
      await new Promise((r) => setTimeout(r, 150)); // a pause well inside the 2 x 250 ms stability window
    }
    await waitFor(() => events(out, 'done').length === 1, 30_000);
    // The same clip dropped again under another name (the first original is in done/ now).
    copyFileSync(clip(6, '320x240', 2), path.join(input, 'slow (copy).mp4'));
    await waitFor(() => events(out, 'skip').some((s) => s.reason === 'duplicate'), 20_000);
    process.kill(pid, 'SIGINT');
    const r = await running;
    expect(r.code).toBe(0);
    expect(events(out, 'queued')).toHaveLength(1);
    expect(events(out, 'failed')).toHaveLength(0);
    expect(mediaOutputs(out)).toEqual(['slow_clean.mp4']);
    expect(tree(path.join(dir, 'done'))).toEqual(['slow.mp4']);
    expect(readFileSync(path.join(dir, 'done', 'slow.mp4')).equals(bytes)).toBe(true);
  });

  it('SIGKILL mid-job, then restart: every input produces exactly one output, no partial file, nothing run twice', async () => {
    const { input, out, env, dir } = setup('watch-kill');
    const presetFile = path.join(dir, 'slow.json');
    // Re-encoding at a slow x264 speed makes each job last long enough to be killed in the middle.
    writeFileSync(presetFile, JSON.stringify({ name: 'slow-h264', encoder: { codec: 'h264', speed: 'veryslow' } }));
    const inputs = [7, 8, 9, 10];
    for (const i of inputs) copyFileSync(clip(i, '640x360', 2), path.join(input, `clip${i}.mp4`));
    const args = ['watch', input, '--out', out, '--preset', presetFile, '--stable-ms', '100', '--json'];
    let pid = 0;
    const first = runCli(args, { env, onSpawn: (p) => (pid = p) });
    await waitFor(() => events(out, 'started').length === 2, 60_000);
    await new Promise((r) => setTimeout(r, 400));
    process.kill(pid, 'SIGKILL');
    await first;
    // Its ffmpeg children die with it (parent-death signal).
    await waitFor(() => processesMentioning(out).length === 0, 5000);
    const doneBefore = events(out, 'done');
    expect(doneBefore).toHaveLength(1);
    // The killed job left at most a hidden partial, never a file under its final name.
    expect(mediaOutputs(out).filter((f) => !path.basename(f).startsWith('.'))).toEqual([path.basename(String(doneBefore[0].output))]);

    const second = await runCli([...args, '--once'], { env });
    expect(second.code).toBe(0);
    expect(events(out, 'swept').length + events(out, 'recovered').length).toBeGreaterThanOrEqual(1);
    expect(events(out, 'recovered')).toHaveLength(1);
    expect(mediaOutputs(out)).toEqual(inputs.map((i) => `clip${i}_clean.mp4`).sort());
    const done = events(out, 'done').map((e) => e.job);
    expect(done).toHaveLength(inputs.length);
    expect(new Set(done).size).toBe(inputs.length); // no job finished twice
    const jobs = jsonLines((await runCli(['jobs', '--json'], { env })).stdout)[0] as { jobs: Array<{ state: string; history: Array<{ outcome: string }> }> };
    expect(jobs.jobs.map((j) => j.state)).toEqual(['done', 'done', 'done', 'done']);
    expect(jobs.jobs.flatMap((j) => j.history.map((h) => h.outcome)).filter((o) => o === 'interrupted')).toHaveLength(1);
  });
});
